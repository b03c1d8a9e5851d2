package index

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"hearingbot/content"
)

// fieldQuestion is an example's question, in the examples index.
const fieldQuestion = "question"

// Folds is how many parts the question bank is cut into for fitting: the
// judge learns from each example as the bank without the example's part
// would answer it, so that it learns how a question the bank does not hold
// fares (cross-fitting), not how well the bank knows its own questions.
const Folds = 5

// FoldOf is the part of the bank an example belongs to. The bank lists each
// sentence's examples together, so every part holds some of each.
func FoldOf(example int) int { return example % Folds }

// NoFold, as a fold, leaves nothing out of the bank.
const NoFold = -1

// askMarks are words that stand for what kind of answer a question asks
// ("askwhen" for "when", "askwho" for "who" or "whose"): stop words the index
// drops, but "who" and "when" questions want other answers, and an example
// should resemble a question in that too.
func askMarks(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(Fold(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		m := ""
		switch w {
		case "who", "whom", "whose":
			m = "askwho"
		case "when", "where", "why", "how", "which", "what":
			m = "ask" + w
		}
		if m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// A word in more than one example in commonShare is not searched, nor a
// question word in more than one in commonAsk ("what" is in a third).
const (
	commonShare = 20
	commonAsk   = 5
	minSearched = 2
)

// askWeight is what an askMarks term weighs as a topic of the example search.
const askWeight = 0.5

// ExampleHit is an example of the question bank that resembles a question.
type ExampleHit struct {
	Example  int // index into content.Hearing.Examples
	Score    float64
	Coverage float64 // as Hit.Coverage, against the example's words
}

// fillExamples indexes the question bank, one document an example, in one
// batch, and gathers what Unanswerability and Expand need. Without a bank
// there is no examples index and the bank's searches find nothing.
func (x *Index) fillExamples() error {
	if len(x.h.Examples) == 0 {
		return nil
	}
	idx, err := newIndex(x.h, map[string]float64{fieldQuestion: 0}, nil)
	if err != nil {
		return err
	}
	x.examples = idx
	x.fieldTerms[idx] = map[string]map[string]bool{fieldQuestion: {}}
	b := idx.NewBatch()
	for i, ex := range x.h.Examples {
		text := ex.Question + " " + strings.Join(askMarks(ex.Question), " ")
		terms := map[string]bool{}
		for _, term := range x.Terms(text) {
			terms[term] = true
			x.fieldTerms[idx][fieldQuestion][term] = true
		}
		x.exampleTerms = append(x.exampleTerms, terms)
		if err := b.Index(exampleID(i), map[string]interface{}{fieldQuestion: text}); err != nil {
			return err
		}
	}
	x.count()
	return idx.Batch(b)
}

func exampleID(i int) string { return fmt.Sprintf("x%05d", i) }

// Examples searches the question bank for the examples most like q's text,
// best first, leaving out the examples of fold (NoFold: none). Only q.Text
// and q.Limit are read.
func (x *Index) Examples(ctx context.Context, q Query, fold int) ([]ExampleHit, error) {
	if x.examples == nil {
		return nil, nil
	}
	// The bank is in the words people use: each word of the question is
	// searched as it is, none left out as filler ("the hearing" is not "the
	// panel"), none bridged to the summary's words.
	// A word in more than one example in commonShare says little and costs
	// much: its postings are long.
	// But the rarest two are searched whatever they are: "which panellist
	// spoke for employers" is all common words.
	var topics []Topic
	common := len(x.exampleTerms) / commonShare
	terms := slices.Compact(slices.Sorted(slices.Values(x.Terms(q.Text))))
	df := func(term string) int { c := x.bank.terms[term]; return c.answerable + c.unanswerable }
	slices.SortStableFunc(terms, func(a, b string) int { return cmp.Compare(df(a), df(b)) })
	for i, term := range terms {
		if df(term) <= common || i < minSearched {
			topics = append(topics, Topic{Text: term, Terms: []string{term}, Known: true, Weight: 1})
		}
	}
	for _, m := range askMarks(q.Text) {
		if c := x.bank.terms[m]; c.answerable+c.unanswerable <= len(x.exampleTerms)/commonAsk {
			topics = append(topics, Topic{Text: m, Terms: []string{m}, Known: true, Weight: askWeight})
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	asked := limit
	if fold != NoFold {
		asked = limit * 2 // a fifth of them left out, give or take
	}
	res, err := x.search(ctx, x.examples, topics, map[string]float64{fieldQuestion: boostText}, nil, asked, false)
	if err != nil {
		return nil, err
	}
	hits := make([]ExampleHit, 0, limit)
	for _, dm := range res.Hits {
		i, err := strconv.Atoi(dm.ID[1:])
		if err != nil || i < 0 || i >= len(x.exampleTerms) {
			return nil, fmt.Errorf("index: unknown document %q", dm.ID)
		}
		if fold != NoFold && FoldOf(i) == fold || len(hits) == limit {
			continue
		}
		terms := x.exampleTerms[i]
		hits = append(hits, ExampleHit{Example: i, Score: dm.Score, Coverage: coverage(topics, terms, terms)})
	}
	return hits, nil
}

// termCount is how many answerable and unanswerable examples hold a term.
type termCount struct{ answerable, unanswerable int }

// pooled is one sentence's examples taken together as one document: each
// term's count, and their number of terms. A question's words are matched
// against what all of a sentence's examples say, so that two examples
// worded differently both count (document expansion).
type pooled struct {
	counts map[string]int
	length int
}

// bankCounts are the bank's counts: of the terms of answerable and
// unanswerable examples, and each target's pooled examples.
type bankCounts struct {
	terms    map[string]termCount
	pools    []pooled             // by target, see Target
	postings map[string][]posting // by term: the pools that hold it, in target order
}

// Target numbers what answers examples, for Expand: a sentence by its
// index, then each person, then each segment, in the hearing's order; -1
// for an unanswerable example.
func (x *Index) Target(ex content.Example) int {
	nS, nP := len(x.h.Sentences), len(x.h.People)
	switch {
	case ex.Sentence != nil:
		return ex.Sentence.Index
	case ex.Person != nil:
		return nS + slices.Index(x.h.People, ex.Person)
	case ex.Segment != nil:
		return nS + nP + slices.Index(x.h.Segments, ex.Segment)
	}
	return -1
}

// PersonTarget and SegmentTarget are a person's and a segment's targets.
func (x *Index) PersonTarget(p *content.Person) int { return x.Target(content.Example{Person: p}) }
func (x *Index) SegmentTarget(s *content.Segment) int {
	return x.Target(content.Example{Segment: s})
}

func (x *Index) targets() int { return len(x.h.Sentences) + len(x.h.People) + len(x.h.Segments) }

// count gathers the bank's counts, whole and for each fold.
func (x *Index) count() {
	newCounts := func() bankCounts {
		return bankCounts{terms: map[string]termCount{}, pools: make([]pooled, x.targets())}
	}
	x.bank = newCounts()
	for f := range Folds {
		x.folds[f] = newCounts()
	}
	defer func() {
		x.bank.postings = map[string][]posting{}
		for t, p := range x.bank.pools {
			for _, term := range slices.Sorted(maps.Keys(p.counts)) {
				x.bank.postings[term] = append(x.bank.postings[term], posting{t, p.counts[term]})
			}
		}
		x.whole = x.newPooledView(NoFold)
	}()
	for i, ex := range x.h.Examples {
		for _, c := range []*bankCounts{&x.bank, &x.folds[FoldOf(i)]} {
			for term := range x.exampleTerms[i] {
				t := c.terms[term]
				if ex.Unanswerable() {
					t.unanswerable++
				} else {
					t.answerable++
				}
				c.terms[term] = t
				if t := x.Target(ex); t >= 0 {
					p := &c.pools[t]
					if p.counts == nil {
						p.counts = map[string]int{}
					}
					p.counts[term]++
					p.length++
				}
			}
		}
	}
}

// minSupport is how many examples must hold a term for Unanswerability to
// read anything into it.
const minSupport = 3

// Unanswerability is how strongly a word of text marks questions the summary
// does not answer: of text's terms that at least minSupport examples hold,
// the highest share of unanswerable examples among them (smoothed), or 0.
// The examples of fold are left out of the counts (NoFold: none).
func (x *Index) Unanswerability(text string, fold int) float64 {
	best := 0.0
	for _, term := range x.Terms(text) {
		c := x.bank.terms[term]
		if fold != NoFold {
			f := x.folds[fold].terms[term]
			c.answerable, c.unanswerable = c.answerable-f.answerable, c.unanswerable-f.unanswerable
		}
		if n := c.answerable + c.unanswerable; n >= minSupport {
			best = max(best, (float64(c.unanswerable)+0.5)/(float64(n)+1))
		}
	}
	return best
}

// Expansion is how a question's topics match every target's examples taken
// together (see Target): a BM25 score each, and the coverage of the ones
// asked for.
type Expansion struct {
	Scores []float64 // by target; 0 for a target without examples
	x      *Index
	topics []Topic
	terms  []string // the topics' terms, sorted
	held   [][]bool // held[t][i]: target t's pool holds terms[i]; nil when none
}

// Expand scores every target's pooled examples against the topics. The
// examples of fold are left out of the pools (NoFold: none). It reads only
// the pools that hold a term of the topics.
func (x *Index) Expand(topics []Topic, fold int) *Expansion {
	e := &Expansion{Scores: make([]float64, x.targets()), x: x, topics: topics}
	if len(x.bank.pools) == 0 {
		return e
	}
	v := x.pooledView(fold)
	e.terms = topicTerms(topics)
	e.held = make([][]bool, len(e.Scores))
	postings := make(map[string][]posting, len(e.terms))
	for i, term := range e.terms {
		postings[term] = v.postings(term)
		for _, p := range postings[term] {
			if e.held[p.target] == nil {
				e.held[p.target] = make([]bool, len(e.terms))
			}
			e.held[p.target][i] = true
		}
	}
	own, eq := make([]float64, len(e.Scores)), make([]float64, len(e.Scores))
	for _, tp := range topics {
		clear(own)
		clear(eq)
		for _, term := range tp.Terms {
			for _, p := range postings[term] {
				own[p.target] += v.bm25(p, len(postings[term]), 1)
			}
		}
		for _, q := range tp.Equivalents {
			if len(q.Terms) == 1 {
				for _, p := range postings[q.Terms[0]] {
					eq[p.target] = max(eq[p.target], v.bm25(p, len(postings[q.Terms[0]]), q.Weight))
				}
			}
		}
		for t := range e.Scores {
			e.Scores[t] += max(own[t], eq[t])
		}
	}
	return e
}

// pool reports whether target t's pooled examples hold term.
func (e *Expansion) pool(t int, term string) bool {
	i, ok := slices.BinarySearch(e.terms, term)
	return ok && e.held[t] != nil && e.held[t][i]
}

// Coverage is the share of the topics' weight target t's pooled examples
// hold, as Hit.Coverage.
func (e *Expansion) Coverage(t int) float64 {
	if e.held == nil || e.held[t] == nil {
		return 0
	}
	in := func(term string) bool { return e.pool(t, term) }
	return coverageBy(e.topics, in, in)
}

// Covered is the share the pooled examples and the sentence (for a
// sentence's target) hold between them: what of the question neither says.
func (e *Expansion) Covered(t int) float64 {
	if t >= len(e.x.sentences) {
		return e.Coverage(t)
	}
	in := func(term string) bool { return e.pool(t, term) || e.x.sentences[t].all[term] }
	return coverageBy(e.topics, in, in)
}

// topicTerms are the distinct index terms of the topics and their equivalents.
func topicTerms(topics []Topic) []string {
	var out []string
	for _, t := range topics {
		out = append(out, t.Terms...)
		for _, e := range t.Equivalents {
			out = append(out, e.Terms...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// posting is how many of a target's examples hold a term.
type posting struct{ target, count int }

// pooledView is the bank's pooled documents less a fold.
type pooledView struct {
	x       *Index
	fold    int
	lengths []float64 // each target's pooled terms
	docs    float64   // targets with examples
	avg     float64   // their mean length
}

// pooledView is the pools less fold; the whole bank's is made once.
func (x *Index) pooledView(fold int) pooledView {
	if fold == NoFold {
		return x.whole
	}
	return x.newPooledView(fold)
}

func (x *Index) newPooledView(fold int) pooledView {
	v := pooledView{x: x, fold: fold, lengths: make([]float64, len(x.bank.pools))}
	var total float64
	for t, p := range x.bank.pools {
		v.lengths[t] = float64(p.length)
		if fold != NoFold {
			v.lengths[t] -= float64(x.folds[fold].pools[t].length)
		}
		if v.lengths[t] > 0 {
			v.docs++
			total += v.lengths[t]
		}
	}
	if v.docs > 0 {
		v.avg = total / v.docs
	}
	return v
}

// postings are the targets whose pooled examples hold term, with how many.
func (v pooledView) postings(term string) []posting {
	all := v.x.bank.postings[term]
	if v.fold == NoFold {
		return all
	}
	out := make([]posting, 0, len(all))
	for _, p := range all {
		if n := p.count - v.x.folds[v.fold].pools[p.target].counts[term]; n > 0 {
			out = append(out, posting{p.target, n})
		}
	}
	return out
}

// bm25 is the BM25 score of a posting's term in its target's pool, times
// weight, for a term that n pools hold.
func (v pooledView) bm25(p posting, n int, weight float64) float64 {
	const k1, b = 1.2, 0.75
	tf := float64(p.count)
	idf := math.Log(1 + (v.docs-float64(n)+0.5)/(float64(n)+0.5))
	return weight * idf * tf * (k1 + 1) / (tf + k1*(1-b+b*v.lengths[p.target]/v.avg))
}

// Unseen is the share of the topics' weight that neither the hearing nor any
// answerable example holds (leaving out the examples of fold): the words of
// a question that nobody asking what the summary answers has used.
func (x *Index) Unseen(topics []Topic, fold int) float64 {
	var total, unseen float64
	seen := func(terms []string) bool {
		for _, term := range terms {
			n := x.bank.terms[term].answerable
			if fold != NoFold {
				n -= x.folds[fold].terms[term].answerable
			}
			if n == 0 {
				return false
			}
		}
		return len(terms) > 0
	}
	for _, t := range topics {
		w := max(t.Weight, 0.1)
		total += w
		if !t.Known && !seen(t.Terms) && !slices.ContainsFunc(t.Equivalents, func(p Phrase) bool { return seen(p.Terms) }) {
			unseen += w
		}
	}
	if total == 0 {
		return 0
	}
	return unseen / total
}
