// Package answer turns a question about the hearing into an answer: verbatim
// excerpts of the summary with their citations, person cards, or a plain
// statement that the summary does not cover the question. It knows nothing of
// Slack or terminals; the command line, the Slack edge and the digest all call
// the same Engine.
package answer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"hearingbot/content"
	"hearingbot/index"
)

// ErrEmpty is returned for a question with nothing to answer once normalised.
var ErrEmpty = errors.New("answer: empty question")

// MaxExcerpts is the most excerpts an answer quotes.
const MaxExcerpts = 3

// Thresholds. A hit must match at least minCoverage of the question's
// topics, and further excerpts must score at least minRelative of the first.
const (
	minCoverage = 0.5
	minRelative = 0.25
	maxCards    = 8
)

// Response is the answer to one question.
type Response struct {
	Question string    // the question as normalised
	Excerpts []Excerpt // at most MaxExcerpts, best first
	People   []Card    // person cards, best first
	// Suggestions, when the summary does not cover the question, are things
	// it does cover.
	Suggestions []string
}

// Abstained reports whether the summary does not cover the question.
func (r Response) Abstained() bool { return len(r.Excerpts) == 0 && len(r.People) == 0 }

// Excerpt is one or two contiguous sentences of the summary, verbatim, with
// the citation of the sentence that answered.
type Excerpt struct {
	Text         string
	Sentences    []*content.Sentence
	Segment      *content.Segment
	Speakers     []*content.Person // who the summary credits; empty for narrative
	Participants bool              // the summary credits unnamed participants
	Kind         content.Kind
	// Highlights are the byte ranges of Text that matched the question.
	Highlights []index.Span
}

// Card is a person card.
type Card struct {
	Person *content.Person
	// Statements are the sentences the summary credits the person with.
	Statements []*content.Sentence
}

// StatementsLine says in words how many statements the summary credits to
// the card's person.
func (c Card) StatementsLine() string {
	switch n := len(c.Statements); n {
	case 0:
		return "The summary credits no statement to them by name."
	case 1:
		return "The summary credits them with 1 statement."
	default:
		return fmt.Sprintf("The summary credits them with %d statements.", n)
	}
}

// Engine answers questions. It is safe for concurrent use.
type Engine struct {
	h     *content.Hearing
	x     *index.Index
	names []name
	// Prepared once, not per question: each segment's aliases as folded
	// words, and each panel title's index terms.
	aliases    map[*content.Segment][][]string
	panelTerms map[*content.Segment][]string
}

// New returns an Engine over the hearing and its index.
func New(h *content.Hearing, x *index.Index) *Engine {
	e := &Engine{h: h, x: x, names: names(h),
		aliases: map[*content.Segment][][]string{}, panelTerms: map[*content.Segment][]string{}}
	for _, s := range h.Segments {
		for _, a := range s.Aliases {
			if f := fold(a); len(f) > 0 {
				e.aliases[s] = append(e.aliases[s], f)
			}
		}
		if s.Kind == "panel" {
			e.panelTerms[s] = x.Terms(s.Title)
		}
	}
	return e
}

// Open indexes the hearing and returns an Engine over it; Close releases
// the index.
func Open(h *content.Hearing) (*Engine, error) {
	x, err := index.Build(h)
	if err != nil {
		return nil, err
	}
	return New(h, x), nil
}

// Close releases the engine's index.
func (e *Engine) Close() error { return e.x.Close() }

// Hearing returns the hearing the engine answers about.
func (e *Engine) Hearing() *content.Hearing { return e.h }

// Ask answers a question. It returns ErrEmpty for a question that is empty
// once normalised, and an error only when the search itself fails; a question
// the summary does not cover gets a Response that Abstained.
func (e *Engine) Ask(ctx context.Context, question string) (Response, error) {
	q := Normalize(question)
	words := fold(q)
	if len(words) == 0 { // nothing but punctuation, symbols or markup
		return Response{Question: q}, ErrEmpty
	}
	people, rest := e.mentions(words)
	segments, topical := e.segments(words)
	r := Response{Question: q}

	if e.isPersonQuestion(words, people, rest) {
		cards, err := e.personCards(ctx, q, words, people, segments)
		if err != nil {
			return r, err
		}
		if len(cards) > 0 {
			r.People = cards
			r.Excerpts = e.personExcerpts(cards)
			return r, nil
		}
	}
	// The words that named a segment have done their work: searching them
	// too would favour sentences that repeat "the first panel".
	excerpts, err := e.passages(ctx, strings.Join(topical, " "), people, segments)
	if err != nil {
		return r, err
	}
	r.Excerpts = excerpts
	if len(excerpts) == 0 {
		r.Suggestions = e.Suggestions()
	}
	return r, nil
}

// passages finds up to MaxExcerpts sentences that answer q. Sentences that
// credit a person the question names, or that belong to a segment it names,
// come first when any of them answers.
func (e *Engine) passages(ctx context.Context, q string, people []*content.Person, segments []*content.Segment) ([]Excerpt, error) {
	hits, err := e.x.Passages(ctx, index.Query{Text: q, Credit: people, Segments: segments, Limit: 12})
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	hits = slices.DeleteFunc(hits, func(h index.Hit) bool { return h.Coverage < minCoverage })
	if len(hits) == 0 && len(segments) > 0 && len(e.x.Topics(q)) == 0 {
		return e.segmentExcerpts(segments), nil // "what was said in the opening?"
	}
	rank(hits)
	if len(people) > 0 {
		hits = preferring(hits, func(h index.Hit) bool {
			return slices.ContainsFunc(people, h.Sentence.Credits)
		})
	}
	if len(segments) > 0 {
		hits = preferring(hits, func(h index.Hit) bool {
			return slices.ContainsFunc(segments, func(s *content.Segment) bool { return within(h.Sentence.Segment, s) })
		})
	}
	var out []Excerpt
	for _, h := range hits {
		if len(out) == MaxExcerpts || h.Score < minRelative*hits[0].Score {
			break
		}
		x := e.excerpt(h.Sentence, h.Spans)
		if !slices.ContainsFunc(out, func(o Excerpt) bool { return overlaps(o, x) }) {
			out = append(out, x)
		}
	}
	return out, nil
}

// segmentExcerpts quotes what the segments said: their statements in order,
// or their first sentences when they credit no one.
func (e *Engine) segmentExcerpts(segments []*content.Segment) []Excerpt {
	var out []Excerpt
	for _, seg := range segments {
		var picked []*content.Sentence
		for _, s := range seg.Sentences {
			if s.Kind == content.Statement {
				picked = append(picked, s)
			}
		}
		if len(picked) == 0 {
			picked = seg.Sentences
		}
		for _, s := range picked {
			x := e.excerpt(s, nil)
			if len(out) < MaxExcerpts && !slices.ContainsFunc(out, func(o Excerpt) bool { return overlaps(o, x) }) {
				out = append(out, x)
			}
		}
	}
	return out
}

// kindWeight scales a sentence's score by what it is: people ask what was
// said, so statements and narrative come before sentences that only
// introduce people or title the summary.
var kindWeight = map[content.Kind]float64{
	content.Statement: 1, content.Narrative: 1, content.Introduction: 0.6, content.Heading: 0.8,
}

// rank orders hits by the share of the question they cover, then by score
// weighted by the sentence's kind. Coverage comes first: a sentence that
// answers every part of the question beats one that repeats a part often.
func rank(hits []index.Hit) {
	for i := range hits {
		hits[i].Score *= kindWeight[hits[i].Sentence.Kind]
	}
	slices.SortStableFunc(hits, func(a, b index.Hit) int {
		if a.Coverage != b.Coverage {
			return cmp.Compare(b.Coverage, a.Coverage) // descending
		}
		return cmp.Compare(b.Score, a.Score)
	})
}

// preferring moves the hits that satisfy ok to the front, if there are any,
// keeping the order within each part.
func preferring(hits []index.Hit, ok func(index.Hit) bool) []index.Hit {
	var yes, no []index.Hit
	for _, h := range hits {
		if ok(h) {
			yes = append(yes, h)
		} else {
			no = append(no, h)
		}
	}
	if len(yes) == 0 {
		return hits
	}
	return append(yes, no...)
}

// within reports whether seg is s or one of its children.
func within(seg, s *content.Segment) bool {
	for ; seg != nil; seg = seg.Parent {
		if seg == s {
			return true
		}
	}
	return false
}

func overlaps(a, b Excerpt) bool {
	for _, s := range a.Sentences {
		if slices.Contains(b.Sentences, s) {
			return true
		}
	}
	return false
}

// excerpt quotes s, with the sentence before it when s cannot stand alone
// ("She encouraged ..."): both are contiguous text of the same segment.
func (e *Engine) excerpt(s *content.Sentence, spans []index.Span) Excerpt {
	x := Excerpt{
		Text: s.Text, Sentences: []*content.Sentence{s}, Segment: s.Segment,
		Speakers: s.Speakers, Participants: s.Participants, Kind: s.Kind, Highlights: spans,
	}
	if s.Index == 0 || !leansOnPrevious(s.Text) {
		return x
	}
	prev := e.h.Sentences[s.Index-1]
	if prev.Segment != s.Segment {
		return x
	}
	x.Text = e.h.Text[prev.Start : s.Start+len(s.Text)]
	x.Sentences = []*content.Sentence{prev, s}
	shift := s.Start - prev.Start
	x.Highlights = make([]index.Span, len(spans))
	for i, sp := range spans {
		x.Highlights[i] = index.Span{Start: sp.Start + shift, End: sp.End + shift}
	}
	return x
}

// leansOnPrevious reports whether a sentence opens with a pronoun that needs
// the sentence before it to be understood.
func leansOnPrevious(text string) bool {
	first, _, _ := strings.Cut(text, " ")
	switch first {
	case "She", "He", "They", "It", "This", "These", "Those":
		return true
	}
	return false
}

// Credit says in words whom the summary credits with the excerpt:
// "Claire Falconer (Legal Director, Focus on Labour Exploitation) and ...",
// "participants (unnamed)", or "" for a sentence that credits no one.
func (x Excerpt) Credit() string {
	var parts []string
	for _, p := range x.Speakers {
		if a := p.Affiliation(); a != "" {
			parts = append(parts, p.Name+" ("+a+")")
		} else {
			parts = append(parts, p.Name)
		}
	}
	if x.Participants {
		if len(parts) > 0 {
			parts = append(parts, "other participants")
		} else {
			parts = append(parts, "participants (unnamed)")
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Suggestions are things the summary does cover, for an answer that has none.
func (e *Engine) Suggestions() []string {
	var out []string
	for _, s := range e.h.Segments {
		if s.Kind == "panel" {
			out = append(out, s.Title)
		}
	}
	for _, s := range e.h.Segments {
		if len(s.Panellists) > 0 && s.Moderator != nil {
			out = append(out, fmt.Sprintf("Who moderated panel %d?", s.Number))
			break
		}
	}
	if len(e.h.People) > 0 {
		out = append(out, "Who is "+e.h.People[0].Name+"?")
	}
	return out
}

// coveredBy reports whether every span lies within one of cover.
func coveredBy(spans, cover []index.Span) bool {
	for _, s := range spans {
		if !slices.ContainsFunc(cover, func(c index.Span) bool { return c.Start <= s.Start && s.End <= c.End }) {
			return false
		}
	}
	return true
}

// ThemeMatch is an excerpt that speaks to a theme.
type ThemeMatch struct {
	Excerpt
	// Strength is how firmly the excerpt is on the theme: 2 for each of
	// the theme's words it holds, 1 for each related word. 2 or more is firm.
	Strength int
}

// ThemeExcerpts returns the excerpts that speak to a theme: every statement
// or narrative sentence whose own text holds one of the theme's words or
// related words (as written: no vocabulary equivalents), strongest first, then
// by search score, then in the summary's order. A word found where an
// equivalent was already found counts once. Highlights mark what was found.
func (e *Engine) ThemeExcerpts(ctx context.Context, t *content.Theme) ([]ThemeMatch, error) {
	type found struct {
		strength int
		score    float64
		spans    []index.Span
	}
	by := map[*content.Sentence]*found{}
	search := func(words []string, weight int) error {
		for _, w := range words {
			hits, err := e.x.Passages(ctx, index.Query{Text: w, Limit: len(e.h.Sentences), Literal: true})
			if err != nil {
				return fmt.Errorf("answer: theme %s: %w", t.ID, err)
			}
			for _, h := range hits {
				if h.Coverage < 1 || h.Sentence.Kind == content.Introduction || h.Sentence.Kind == content.Heading {
					continue // only in the context, or not a statement
				}
				f := by[h.Sentence]
				if f == nil {
					f = &found{}
					by[h.Sentence] = f
				}
				if !coveredBy(h.Spans, f.spans) {
					f.strength += weight
				}
				f.score = max(f.score, h.Score)
				f.spans = append(f.spans, h.Spans...)
			}
		}
		return nil
	}
	if err := search(t.Words, 2); err != nil {
		return nil, err
	}
	if err := search(t.Related, 1); err != nil {
		return nil, err
	}
	sentences := make([]*content.Sentence, 0, len(by))
	for s := range by {
		sentences = append(sentences, s)
	}
	slices.SortFunc(sentences, func(a, b *content.Sentence) int {
		return cmp.Or(cmp.Compare(by[b].strength, by[a].strength), cmp.Compare(by[b].score, by[a].score), cmp.Compare(a.Index, b.Index))
	})
	var out []ThemeMatch
	for _, s := range sentences {
		out = append(out, ThemeMatch{Excerpt: e.excerpt(s, index.Merge(by[s].spans)), Strength: by[s].strength})
	}
	return out, nil
}
