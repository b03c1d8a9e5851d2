package answer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"hearingbot/content"
	"hearingbot/index"
)

// Retrieving: the candidates that may answer a question, from the summary's
// words (the passage search), from the people it names or describes (the
// person search), and from the question bank (the examples the question
// resembles, and what answers them: sentences, people, segments).

// maxExamples is how many of the bank's examples a question is compared
// with; maxExpanded how many of the targets whose examples taken together
// match it best become candidates.
const (
	maxExamples = 10
	maxExpanded = 5
)

// candidate is what may answer the question: a sentence (Hit.Sentence), a
// person's card (person) or a segment's recap (segment), with what the
// searches found of it.
type candidate struct {
	index.Hit                  // for a sentence; Score is 0 when only the bank found it
	person    *content.Person  // a person card
	segment   *content.Segment // a segment's recap
	found     bool             // the passage search returned the sentence
	listed    int              // the person's place among those the person search found, from 1; 0 when it did not
	personal  float64          // how much of the question the person's name, title, organisation and roles hold
	example   float64          // its best example's score, relative to the best example's
	coverage  float64          // how much of the question that example covers
	votes     float64          // its examples' share of the example hits' scores
	first     bool             // the best example is answered by it
	// How the question matches all its examples taken together: the score
	// relative to the best target's, the coverage, and whether it is the best.
	expanded, expandedCoverage float64
	expandedFirst              bool
	// topical is how much of the question's topic (its words less the names
	// of people and segments) its examples taken together hold; covered how
	// much they and the sentence hold between them.
	topical, covered float64
}

// answers is the candidate as what answers a bank example.
func (c candidate) answers() content.Example {
	return content.Example{Sentence: c.Sentence, Person: c.person, Segment: c.segment}
}

// retrieval is what the searches found for one question.
type retrieval struct {
	candidates []candidate
	best       float64 // the best passage score
	// unanswerable is the share of the example hits' scores that goes to
	// questions the summary does not answer; noneFirst is true when the best
	// example is one.
	unanswerable float64
	noneFirst    bool
	bestExample  float64 // the best example's coverage of the question
	unseen       float64 // the share of the topic's weight that neither the hearing nor the bank holds
}

// retrieve runs the searches, once, and merges their candidates: the
// passage hits in their order, the people the person search found (cards),
// then what only the bank found.
func (a *asking) retrieve(cards []Card) (retrieval, error) {
	var r retrieval
	hits, err := a.search()
	if err != nil {
		return r, err
	}
	text := strings.Join(a.words, " ")
	topics := a.e.x.Topics(text)
	examples, err := a.e.x.Examples(a.ctx, index.Query{Text: text, Limit: maxExamples}, a.fold)
	if err != nil {
		return r, fmt.Errorf("answer: %w", err)
	}
	for _, h := range hits {
		r.best = max(r.best, h.Score)
		r.candidates = append(r.candidates, candidate{Hit: h, found: true})
	}
	for i, c := range cards {
		a.candidate(&r, content.Example{Person: c.Person}).listed = i + 1
	}
	a.vote(&r, examples)
	expanded := a.e.x.Expand(topics, a.fold)
	a.expand(&r, expanded)
	topical := expanded
	if !sameTopics(topics, a.reading().topics) {
		topical = a.e.x.Expand(a.reading().topics, a.fold) // the topic less the names
	}
	for k := range r.candidates {
		c := &r.candidates[k]
		t := a.e.x.Target(c.answers())
		c.topical, c.covered = topical.Coverage(t), max(topical.Covered(t), c.Coverage)
	}
	for k := range r.candidates {
		if c := &r.candidates[k]; c.person != nil {
			c.personal = a.e.x.PersonCoverage(c.person, topics) // of the whole question: names and roles count
		}
	}
	r.unseen = a.e.x.Unseen(a.reading().topics, a.fold)
	return r, nil
}

// vote counts the example hits for what answers them.
func (a *asking) vote(r *retrieval, examples []index.ExampleHit) {
	if len(examples) == 0 {
		return
	}
	var total float64
	for _, x := range examples {
		total += x.Score
	}
	top := examples[0].Score
	r.bestExample = examples[0].Coverage
	for i, x := range examples {
		ex := a.e.h.Examples[x.Example]
		share := x.Score / total
		if ex.Unanswerable() {
			r.unanswerable += share
			r.noneFirst = r.noneFirst || i == 0
			continue
		}
		c := a.candidate(r, ex)
		if rel := x.Score / top; rel > c.example {
			c.example, c.coverage = rel, x.Coverage
		}
		c.votes += share
		c.first = c.first || i == 0
	}
}

// candidate returns the candidate for what answers ex, adding it when no
// search found it yet.
func (a *asking) candidate(r *retrieval, ex content.Example) *candidate {
	j := slices.IndexFunc(r.candidates, func(c candidate) bool {
		return c.Sentence == ex.Sentence && c.person == ex.Person && c.segment == ex.Segment
	})
	if j < 0 {
		c := candidate{person: ex.Person, segment: ex.Segment}
		if ex.Sentence != nil {
			c.Hit = a.e.x.Match(ex.Sentence, a.reading().topics)
		}
		r.candidates = append(r.candidates, c)
		j = len(r.candidates) - 1
	}
	return &r.candidates[j]
}

// expand adds the targets whose examples taken together match the question
// best, and marks every candidate with its expanded match.
func (a *asking) expand(r *retrieval, expanded *index.Expansion) {
	scores := expanded.Scores
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(scores[j], scores[i]) })
	if len(order) == 0 || scores[order[0]] == 0 {
		return
	}
	top := scores[order[0]]
	for _, t := range order[:min(maxExpanded, len(order))] {
		if scores[t] > 0 {
			a.candidate(r, a.e.target(t))
		}
	}
	for k := range r.candidates {
		c := &r.candidates[k]
		t := a.e.x.Target(c.answers())
		c.expanded, c.expandedCoverage, c.expandedFirst = scores[t]/top, expanded.Coverage(t), t == order[0]
	}
}

// target is what answers the examples of target number t (see index.Target).
func (e *Engine) target(t int) content.Example {
	nS, nP := len(e.h.Sentences), len(e.h.People)
	switch {
	case t < nS:
		return content.Example{Sentence: e.h.Sentences[t]}
	case t < nS+nP:
		return content.Example{Person: e.h.People[t-nS]}
	}
	return content.Example{Segment: e.h.Segments[t-nS-nP]}
}

func (a *asking) search() ([]index.Hit, error) {
	if !a.searched {
		a.searched = true
		var err error
		a.hits, err = a.e.ranked(a.ctx, a.reading(), a.people, a.segments)
		return a.hits, err
	}
	return a.hits, nil
}

// ranked searches the passages for what the question reads: the hits best
// first, sentences of the group it names, that credit a person it names, or
// that belong to a segment it names coming first when any of them matches.
func (e *Engine) ranked(ctx context.Context, rd reading, people []*content.Person, segments []*content.Segment) ([]index.Hit, error) {
	if strings.TrimSpace(rd.topic) == "" {
		return nil, nil
	}
	hits, err := e.x.Passages(ctx, index.Query{Text: rd.topic, Topics: rd.topics, Credit: people, Segments: segments, Limit: 8})
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	rank(hits)
	if g := rd.group; g != 0 {
		hits = preferring(hits, func(h index.Hit) bool { return g.says(h.Sentence) })
	}
	byPeople := func(h index.Hit) bool { return slices.ContainsFunc(people, h.Sentence.Credits) }
	inSegments := func(h index.Hit) bool { return inAny(h.Sentence, segments) }
	if len(segments) > 0 {
		hits = preferring(hits, inSegments)
	}
	if len(people) > 0 {
		hits = preferring(hits, byPeople)
	}
	if len(people) > 0 && len(segments) > 0 { // "Lajčák at the opening"
		hits = preferring(hits, func(h index.Hit) bool { return byPeople(h) && inSegments(h) })
	}
	return hits, nil
}

// kindWeight scales a sentence's score by what it is: people ask what was
// said, so statements and narrative come before sentences that only
// introduce people or title the summary.
var kindWeight = map[content.Kind]float64{
	content.Statement: 1, content.Narrative: 1, content.Introduction: 0.6, content.Heading: 0.8,
}

// rank orders hits by the share of the question they cover, then by score,
// both weighted by the sentence's kind. Coverage comes first: a sentence that
// answers every part of the question beats one that repeats a part often.
func rank(hits []index.Hit) {
	for i := range hits {
		hits[i].Score *= kindWeight[hits[i].Sentence.Kind]
	}
	slices.SortStableFunc(hits, func(a, b index.Hit) int {
		ca, cb := a.Coverage*kindWeight[a.Sentence.Kind], b.Coverage*kindWeight[b.Sentence.Kind]
		if ca != cb {
			return cmp.Compare(cb, ca) // descending
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

// sameTopics reports whether two readings hold the same topics' words.
func sameTopics(a, b []index.Topic) bool {
	return slices.EqualFunc(a, b, func(x, y index.Topic) bool { return x.Text == y.Text && x.Weight == y.Weight })
}
