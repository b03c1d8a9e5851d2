// Package index owns Bleve: the mapping and analysis of the hearing's
// sentences and people, and the building of safe queries from questions.
// It answers in domain types (content.Sentence, content.Person), never in
// Bleve's.
//
// User text is never parsed as Bleve query syntax: a question is analysed
// into words and phrases, bridged through the domain vocabulary, and searched
// with term and phrase queries only.
package index

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"hearingbot/content"
)

// Field names of the indexed documents.
const (
	fieldText    = "text"    // the sentence; a person's title, organisation and role
	fieldName    = "name"    // a person's name and aliases
	fieldContext = "context" // segment titles and aliases; a sentence's credited speakers
	fieldCredit  = "credit"  // ids of the people a sentence credits (keyword)
	fieldSegment = "segment" // segment ids (keyword)
)

// Index is the searchable hearing. It is safe for concurrent searches.
type Index struct {
	h        *content.Hearing
	passages bleve.Index
	people   bleve.Index
	examples bleve.Index // the question bank; nil without one
	// exampleTerms are each example's index terms, in the bank's order.
	exampleTerms []map[string]bool
	bank         bankCounts        // the bank's counts, whole
	folds        [Folds]bankCounts // the counts of each fold's examples
	whole        pooledView        // the whole bank's pools, for Expand
	terms        analysis.Analyzer // indexing analyzer: stop words removed
	words        analysis.Analyzer // query analyzer: every word kept
	vocab        *vocabulary
	// fieldTerms holds, for each index and text field, the terms some
	// document has there: a query for a term no document has is not sent.
	fieldTerms map[bleve.Index]map[string]map[string]bool
	// sentences holds each sentence's analysed words, so that what a hit
	// matched is known without asking Bleve for term locations, which
	// cost more than the search; byID finds a sentence by document id.
	sentences []analysedSentence
	// personTerms are each person's index terms, in the hearing's order: of
	// their name, title and organisation (strong), and with their roles (all).
	personTerms []analysedPerson
	byID        map[string]int
	stopWords   analysis.TokenMap // the indexing analyzer's stop words
}

// analysedPerson is a person's index terms, as People matches them.
type analysedPerson struct{ strong, all map[string]bool }

// analysedSentence is a sentence's index terms with their places in its
// text, the set of those terms, and that set with its context field's terms.
type analysedSentence struct {
	places    map[string][]Span // each term's places in the text
	text, all map[string]bool
}

// Build indexes the hearing's sentences and people in memory. It costs a few
// tens of milliseconds; call it once at start-up and Close the result.
func Build(h *content.Hearing) (*Index, error) {
	passages, err := newIndex(h, map[string]float64{fieldText: 0, fieldContext: 0}, []string{fieldCredit, fieldSegment})
	if err != nil {
		return nil, fmt.Errorf("index: build: %w", err)
	}
	people, err := newIndex(h, map[string]float64{fieldText: 0, fieldName: 0, fieldContext: 0}, []string{fieldSegment})
	if err != nil {
		passages.Close()
		return nil, fmt.Errorf("index: build: %w", err)
	}
	x := &Index{
		h:        h,
		passages: passages,
		people:   people,
		terms:    passages.Mapping().AnalyzerNamed(analyzerName),
		words:    passages.Mapping().AnalyzerNamed(queryAnalyzerName),
	}
	if x.terms == nil || x.words == nil {
		x.Close()
		return nil, fmt.Errorf("index: build: analyzers not registered")
	}
	x.stopWords = analysis.NewTokenMap()
	if err := x.stopWords.LoadBytes(en.EnglishStopWords); err != nil {
		x.Close()
		return nil, fmt.Errorf("index: build: %w", err)
	}
	x.vocab = x.newVocabulary(h.Vocabulary, h.Bridge, x.knownTerms())
	if err := x.fill(); err != nil {
		x.Close()
		return nil, fmt.Errorf("index: build: %w", err)
	}
	if err := x.fillExamples(); err != nil {
		x.Close()
		return nil, fmt.Errorf("index: build: examples: %w", err)
	}
	return x, nil
}

// newIndex makes an empty in-memory scorch index with analysed text fields
// and keyword fields. Scorch, unlike NewMemOnly, scores with BM25.
func newIndex(h *content.Hearing, text map[string]float64, keywords []string) (bleve.Index, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalysis(m, h.Vocabulary); err != nil {
		return nil, err
	}
	m.ScoringModel = "bm25"
	doc := bleve.NewDocumentStaticMapping()
	for name := range text {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // locations: highlights and coverage
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	for _, name := range keywords {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerName
	return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
}

// fill indexes everything in one batch per index: without a path scorch
// never merges segments, and each batch adds one.
func (x *Index) fill() error {
	x.fieldTerms = map[bleve.Index]map[string]map[string]bool{x.passages: {}, x.people: {}}
	x.byID = map[string]int{}
	record := func(idx bleve.Index, doc map[string]interface{}) {
		for field, v := range doc {
			text, ok := v.(string)
			if !ok {
				continue // keyword fields are queried by exact value
			}
			if x.fieldTerms[idx][field] == nil {
				x.fieldTerms[idx][field] = map[string]bool{}
			}
			for _, term := range x.Terms(text) {
				x.fieldTerms[idx][field][term] = true
			}
		}
	}
	b := x.passages.NewBatch()
	for _, s := range x.h.Sentences {
		var credit []string
		ctx := append(segmentAliases(s.Segment), creditWords(s)...)
		for _, p := range s.Speakers {
			credit = append(credit, p.ID)
			ctx = append(ctx, p.Name, p.Affiliation())
		}
		doc := map[string]interface{}{
			fieldText:    s.Text,
			fieldContext: strings.Join(ctx, ". "),
			fieldCredit:  credit,
			fieldSegment: s.Segment.ID,
		}
		record(x.passages, doc)
		as := analysedSentence{places: map[string][]Span{}, text: map[string]bool{}, all: map[string]bool{}}
		for _, w := range x.terms.Analyze([]byte(s.Text)) {
			term := string(w.Term)
			as.places[term] = append(as.places[term], Span{w.Start, w.End})
			as.text[term], as.all[term] = true, true
		}
		for _, term := range x.Terms(doc[fieldContext].(string)) {
			as.all[term] = true
		}
		x.sentences = append(x.sentences, as)
		x.byID[sentenceID(s)] = s.Index
		if err := b.Index(sentenceID(s), doc); err != nil {
			return err
		}
	}
	if err := x.passages.Batch(b); err != nil {
		return err
	}
	b = x.people.NewBatch()
	for _, p := range x.h.People {
		var ctx, segs []string
		for _, r := range p.Roles {
			ctx = append(ctx, r.Role, r.Segment.Title)
			ctx = append(ctx, segmentAliases(r.Segment)...)
			segs = append(segs, r.Segment.ID)
		}
		doc := map[string]interface{}{
			fieldName:    strings.Join(append([]string{p.Name}, p.Aliases...), ". "),
			fieldText:    strings.Join(append([]string{p.Title, p.Organization, p.Role}, x.orgNames(p)...), ". "),
			fieldContext: strings.Join(ctx, ". "),
			fieldSegment: segs,
		}
		record(x.people, doc)
		terms := analysedPerson{strong: map[string]bool{}, all: map[string]bool{}}
		for _, f := range []string{fieldName, fieldText, fieldContext} {
			for _, term := range x.Terms(doc[f].(string)) {
				terms.all[term] = true
				terms.strong[term] = terms.strong[term] || f != fieldContext
			}
		}
		x.personTerms = append(x.personTerms, terms)
		if err := b.Index(personID(p), doc); err != nil {
			return err
		}
	}
	return x.people.Batch(b)
}

// orgNames are the other names the vocabulary gives a person's
// organisation ("employers' federation" for the World Employment
// Confederation, "shipowners' association" for the International Chamber of
// Shipping): "who spoke for the employers?" asks for its member.
func (x *Index) orgNames(p *content.Person) []string {
	if p.Organization == "" {
		return nil
	}
	for _, group := range x.h.Vocabulary.Synonyms {
		if slices.ContainsFunc(group, func(m string) bool { return Fold(m) == Fold(p.Organization) }) {
			return slices.DeleteFunc(slices.Clone(group), func(m string) bool { return Fold(m) == Fold(p.Organization) })
		}
	}
	return nil
}

// segmentAliases are the other names of a segment and of its parent
// ("Asia", "Middle East"). Titles are left out: a panel's long title would
// make every sentence of the panel match its words.
func segmentAliases(s *content.Segment) []string {
	var out []string
	for ; s != nil; s = s.Parent {
		out = append(out, s.Aliases...)
	}
	return out
}

// creditWords name the groups a sentence credits, so that "what did the
// participants say" finds the statements credited to participants.
func creditWords(s *content.Sentence) []string {
	var out []string
	if s.Participants {
		out = append(out, "participants from the floor")
	}
	for _, p := range s.Speakers {
		if slices.Contains(s.Segment.Panellists, p) {
			out = append(out, "panellists")
			break
		}
	}
	return out
}

// knownTerms returns every index term of the hearing's own text (its
// sentences, its people and its segments' titles and aliases) with the number
// of sentences that hold it.
func (x *Index) knownTerms() map[string]int {
	known := map[string]int{}
	add := func(texts ...string) {
		for _, t := range texts {
			for _, term := range x.Terms(t) {
				known[term] += 0
			}
		}
	}
	for _, s := range x.h.Sentences {
		seen := map[string]bool{}
		for _, term := range x.Terms(s.Text) {
			if !seen[term] {
				seen[term] = true
				known[term]++
			}
		}
	}
	for _, p := range x.h.People {
		add(p.Name, p.Title, p.Organization, p.Role)
		add(p.Aliases...)
	}
	for _, s := range x.h.Segments {
		add(s.Title)
		add(s.Aliases...)
	}
	return known
}

func sentenceID(s *content.Sentence) string { return fmt.Sprintf("s%04d", s.Index) }
func personID(p *content.Person) string     { return "p:" + p.ID }

// Close releases the indexes' resources.
func (x *Index) Close() error {
	var err error
	for _, i := range []bleve.Index{x.passages, x.people, x.examples} {
		if i != nil {
			if e := i.Close(); e != nil && err == nil {
				err = e
			}
		}
	}
	return err
}

// Query is what to search for.
type Query struct {
	// Text is the question. Its words are searched with their vocabulary
	// equivalents; it is never parsed as query syntax.
	Text string
	// Credit favours sentences that credit these people (passage searches).
	Credit []*content.Person
	// Segments favours sentences of these segments, or people taking part in
	// them.
	Segments []*content.Segment
	// Limit caps the hits; 0 means 10.
	Limit int
	// Topics, when set, are Text's topics as Topics returned them: a caller
	// that has read them already saves the analysis.
	Topics []Topic
	// Literal searches Text's words as written (spelling and stemming
	// still apply), without their vocabulary equivalents: for curated word
	// lists such as a theme's, where an equivalent would stray.
	Literal bool
}

// Hit is one search result.
type Hit struct {
	Sentence *content.Sentence // set by Passages
	Person   *content.Person   // set by People
	Score    float64
	// Coverage is the share of the question's topics (words and phrases,
	// counting their vocabulary equivalents) that the hit matches, from 0 to
	// 1. A topic matched only in a sentence's context (its segment's other
	// names, its speakers) counts half.
	Coverage float64
	// Spans are the byte ranges of Sentence.Text that matched, in order.
	Spans []Span
	// Direct is true when the sentence's own text matches a topic by the
	// asker's words or a hand vocabulary equivalent, not only through the
	// WordNet bridge, whose links may join another sense of a word
	// ("attending" a meeting, "attention" to a challenge).
	Direct bool
}

// Span is a byte range [Start, End) of a text.
type Span struct{ Start, End int }

// Boosts. Vocabulary equivalents count less than the asker's own words; a
// sentence's segment and speakers count less than the sentence itself.
const (
	boostText    = 1.0
	boostName    = 1.5
	boostContext = 0.35
	boostPhrase  = 1.5 // a multi-word topic found as a phrase
	boostCredit  = 2.0
	boostSegment = 1.0
	defaultLimit = 10
)

// Passages searches the hearing's sentences.
func (x *Index) Passages(ctx context.Context, q Query) ([]Hit, error) {
	topics := q.Topics
	if topics == nil {
		topics = x.Topics(q.Text)
	}
	if q.Literal {
		topics = literal(topics)
	}
	fields := map[string]float64{fieldText: boostText, fieldContext: boostContext}
	var extra []query.Query
	for _, p := range q.Credit {
		extra = append(extra, termQuery(fieldCredit, p.ID, boostCredit))
	}
	for _, s := range q.Segments {
		extra = append(extra, termQuery(fieldSegment, s.ID, boostSegment))
	}
	res, err := x.search(ctx, x.passages, topics, fields, extra, q.Limit, false)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, dm := range res.Hits {
		idx, ok := x.byID[dm.ID]
		if !ok {
			return nil, fmt.Errorf("index: unknown document %q", dm.ID)
		}
		as := x.sentences[idx]
		hits = append(hits, Hit{
			Sentence: x.h.Sentences[idx],
			Score:    dm.Score,
			Coverage: coverage(topics, as.text, as.all),
			Spans:    as.spans(topics),
			Direct:   direct(topics, as.text),
		})
	}
	return hits, nil
}

// People searches the hearing's people by name, title, organisation and role.
func (x *Index) People(ctx context.Context, q Query) ([]Hit, error) {
	topics := q.Topics
	if topics == nil {
		topics = x.Topics(q.Text)
	}
	fields := map[string]float64{fieldName: boostName, fieldText: boostText, fieldContext: boostContext}
	var extra []query.Query
	for _, s := range q.Segments {
		extra = append(extra, termQuery(fieldSegment, s.ID, boostSegment))
	}
	res, err := x.search(ctx, x.people, topics, fields, extra, q.Limit, true)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, dm := range res.Hits {
		p := x.h.Person(strings.TrimPrefix(dm.ID, "p:"))
		if p == nil {
			return nil, fmt.Errorf("index: unknown document %q", dm.ID)
		}
		strong, all := located(dm.Locations, fieldContext)
		hits = append(hits, Hit{Person: p, Score: dm.Score, Coverage: coverage(topics, strong, all)})
	}
	return hits, nil
}

func (x *Index) search(ctx context.Context, idx bleve.Index, topics []Topic, fields map[string]float64, extra []query.Query, limit int, locations bool) (*bleve.SearchResult, error) {
	var should []query.Query
	names := slices.Sorted(maps.Keys(fields))
	for _, t := range topics {
		for _, field := range names {
			should = append(should, t.queries(field, fields[field], x.fieldTerms[idx][field])...)
		}
	}
	if len(should) == 0 {
		return &bleve.SearchResult{}, nil // nothing to look for: no hits
	}
	should = append(should, extra...)
	if limit <= 0 {
		limit = defaultLimit
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(should...), limit+spare, 0, false)
	req.IncludeLocations = locations
	req.SortBy([]string{"-_score", "_id"})
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	// Scores differ in their last bits from one build of an index to the
	// next (Bleve adds a document's clause scores in an order that depends on
	// how its documents were numbered): rounded, and ties ordered by id, the
	// same question ranks the same everywhere, which fitting the judge needs.
	for _, dm := range res.Hits {
		dm.Score = math.Round(dm.Score*1e9) / 1e9
	}
	slices.SortStableFunc(res.Hits, func(a, b *search.DocumentMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
	})
	res.Hits = res.Hits[:min(len(res.Hits), limit)]
	return res, nil
}

// spare is how many hits a search asks Bleve for beyond its limit, so that
// a tie at the limit is settled by id, not by the last bits of a score.
const spare = 2

func termQuery(field, term string, boost float64) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// spans are the places of the sentence's words that belong to a topic or
// an equivalent that matched whole: what a hit shows in bold.
func (as analysedSentence) spans(topics []Topic) []Span {
	var out []Span
	add := func(terms []string) {
		if allIn(terms, as.text) {
			for _, t := range terms {
				out = append(out, as.places[t]...)
			}
		}
	}
	for _, t := range topics {
		add(t.Terms)
		for _, e := range t.Equivalents {
			add(e.Terms)
		}
	}
	return Merge(out)
}

// located returns the terms a hit matched, from its term locations: those
// in fields other than weak, and all of them.
func located(locs search.FieldTermLocationMap, weak string) (strong, all map[string]bool) {
	strong, all = map[string]bool{}, map[string]bool{}
	for field, terms := range locs {
		for term := range terms {
			all[term] = true
			if field != weak {
				strong[term] = true
			}
		}
	}
	return strong, all
}

// Merge sorts spans and merges those that overlap or touch. It may reorder
// and overwrite the slice it is given.
func Merge(out []Span) []Span {
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// Terms returns the index terms of text: its words folded, spelt one way,
// stemmed, stop words left out. Comparing two texts' terms tells whether they
// share words the way a search would.
func (x *Index) Terms(text string) []string {
	return x.analyze(x.terms, text)
}

// Match is how a sentence matches topics, as a passage search would report
// it without the score: its coverage and spans. It finds what a search did
// not return, such as a sentence the question bank points at.
func (x *Index) Match(s *content.Sentence, topics []Topic) Hit {
	as := x.sentences[s.Index]
	return Hit{Sentence: s, Coverage: coverage(topics, as.text, as.all), Spans: as.spans(topics), Direct: direct(topics, as.text)}
}

// PersonCoverage is how much of the topics' weight a person's name, title,
// organisation and roles hold, as People's Hit.Coverage.
func (x *Index) PersonCoverage(p *content.Person, topics []Topic) float64 {
	i := slices.Index(x.h.People, p)
	if i < 0 {
		return 0
	}
	return coverage(topics, x.personTerms[i].strong, x.personTerms[i].all)
}

// direct reports whether terms match a topic by its own terms or a hand
// vocabulary equivalent's.
func direct(topics []Topic, terms map[string]bool) bool {
	return slices.ContainsFunc(topics, func(t Topic) bool {
		return allIn(t.Terms, terms) || slices.ContainsFunc(t.Equivalents, func(p Phrase) bool { return !p.Bridged && allIn(p.Terms, terms) })
	})
}

// literal are the topics that have words of their own, without their
// equivalents.
func literal(topics []Topic) []Topic {
	out := make([]Topic, 0, len(topics))
	for _, t := range topics {
		if len(t.Terms) > 0 {
			t.Equivalents = nil
			out = append(out, t)
		}
	}
	return out
}
