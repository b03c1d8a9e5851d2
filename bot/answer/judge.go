package answer

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"hearingbot/content"
	"hearingbot/index"
)

// Judging: a model fitted to the question bank (logistic regression, see
// fit.go) gives each candidate the probability that it answers the
// question; the best candidate's probability decides whether the bot
// answers, offers the closest passages as uncertain, or declines.

// question is what the judge knows of a question as a whole, besides its
// candidates.
type question struct {
	a            *asking
	r            retrieval
	missing      float64 // the share of the question's weight the summary lacks
	key          bool    // a key word the summary lacks
	name         bool    // a word written as a name the summary lacks
	figure       bool    // asks for a figure or a date
	named        bool    // names people or segments
	instance     bool    // asks for instances: "which countries"
	unanswerable float64 // how strongly its words mark the bank's unanswerable questions
	person       bool    // reads as a question for a person: "who ...", "the shipping guy"
	cards        []Card  // the people the person search found, for a person question
	exact        bool    // the hearing's structure answers it: the people it names, a segment's moderator
	recap        bool    // asks for main points: "tl;dr", "what happened"
}

// theirs reports whether the candidate belongs to what the question names:
// a sentence credited to a person it names or in a segment it names, the
// card of a person it names, the recap of a segment it names.
func (q *question) theirs(c candidate) bool {
	switch {
	case c.person != nil:
		return slices.Contains(q.a.people, c.person)
	case c.segment != nil:
		return slices.Contains(q.a.segments, c.segment)
	}
	return q.a.named(c.Hit)
}

// sentence reports whether the candidate is a sentence of the given kind.
func sentence(c candidate, k content.Kind) bool { return c.Sentence != nil && c.Sentence.Kind == k }

// feature is one thing a model weighs, measured between 0 and 1 (or a little beyond).
type feature[T any] struct {
	name    string
	measure func(q *question, x T) float64
}

// candidateFeatures are what the judge weighs of each candidate. Adding one
// is a line here and a new fit (go run ./cmd/hearingjudge); the fitted file
// names them, so weights never meet the wrong feature.
var candidateFeatures = []feature[candidate]{
	// How the sentence's own words match the question's (BM25, and the
	// share of the question's weight covered, through the vocabulary and
	// the bridge).
	{"passage score", func(q *question, c candidate) float64 { return ratio(c.Score, q.r.best) }},
	{"passage coverage", func(q *question, c candidate) float64 { return c.Coverage }},
	{"passage found", func(q *question, c candidate) float64 { return flag(c.found) }},
	// How much the question resembles the bank's questions this sentence answers.
	{"example score", func(q *question, c candidate) float64 { return c.example }},
	{"example coverage", func(q *question, c candidate) float64 { return c.coverage }},
	{"example votes", func(q *question, c candidate) float64 { return c.votes }},
	{"best example", func(q *question, c candidate) float64 { return flag(c.first) }},
	// How much it resembles all those questions taken together.
	{"expanded score", func(q *question, c candidate) float64 { return c.expanded }},
	{"expanded coverage", func(q *question, c candidate) float64 { return c.expandedCoverage }},
	{"expanded best", func(q *question, c candidate) float64 { return flag(c.expandedFirst) }},
	{"topic in examples", func(q *question, c candidate) float64 { return c.topical }},
	{"topic covered", func(q *question, c candidate) float64 { return c.covered }},
	// Whose and where: the question names people or a segment, and the
	// sentence is (or is not) theirs.
	{"named, theirs", func(q *question, c candidate) float64 { return flag(q.named && q.theirs(c)) }},
	{"named, not theirs", func(q *question, c candidate) float64 { return flag(q.named && !q.theirs(c)) }},
	// "What did the panellists say ...": a statement of the group it names.
	{"group's statement", func(q *question, c candidate) float64 {
		g := q.a.reading().group
		return flag(g != 0 && c.Sentence != nil && g.says(c.Sentence))
	}},
	// What the candidate is, against what is asked.
	{"introduction", func(q *question, c candidate) float64 { return flag(sentence(c, content.Introduction)) }},
	{"person card", func(q *question, c candidate) float64 { return flag(c.person != nil) }},
	{"person card, person asked", func(q *question, c candidate) float64 { return flag(c.person != nil && q.person) }},
	{"sentence, person asked", func(q *question, c candidate) float64 { return flag(c.Sentence != nil && q.person) }},
	// "Who organised the hearing?": a sentence that says who did it.
	{"sentence naming its doers, person asked", func(q *question, c candidate) float64 {
		return flag(c.Sentence != nil && q.person && len(q.a.e.doers(q.a.e.excerpt(c.Sentence, nil))) > 0)
	}},
	{"person search found", func(q *question, c candidate) float64 { return flag(c.listed > 0) }},
	{"person search first", func(q *question, c candidate) float64 { return flag(c.listed == 1) }},
	{"person's coverage", func(q *question, c candidate) float64 { return c.personal }},
	{"person search found, bank silent", func(q *question, c candidate) float64 { return flag(c.listed > 0 && c.votes == 0) }},
	{"recap", func(q *question, c candidate) float64 { return flag(c.segment != nil) }},
	{"recap, recap asked", func(q *question, c candidate) float64 { return flag(c.segment != nil && q.recap) }},
	{"figure asked, none given", func(q *question, c candidate) float64 {
		return flag(q.figure && (c.Sentence == nil || !givesFigure(asksFigure(q.a.words), c.Sentence.Text)))
	}},
	{"instances asked, none named", func(q *question, c candidate) float64 {
		return flag(q.instance && (c.Sentence == nil || !q.a.e.namesSome(c.Sentence.Text, q.a.words)))
	}},
}

// verdictFeatures are what the judge weighs of the question and its ranked
// candidates to decide whether the best one answers it at all.
var verdictFeatures = []feature[[]judged]{
	// How likely the best candidates are, and how far apart.
	{"best candidate", func(q *question, r []judged) float64 { return nth(r, 0) }},
	{"second candidate", func(q *question, r []judged) float64 { return nth(r, 1) }},
	{"best candidate's coverage", func(q *question, r []judged) float64 { return best(r, func(c judged) float64 { return c.Coverage }) }},
	{"best candidate's topic in examples", func(q *question, r []judged) float64 { return best(r, func(c judged) float64 { return c.topical }) }},
	{"best candidate's topic covered", func(q *question, r []judged) float64 { return best(r, func(c judged) float64 { return c.covered }) }},
	{"unseen words", func(q *question, r []judged) float64 { return q.r.unseen }},
	// How much it resembles the bank's questions that the summary does not
	// answer, and the answerable ones.
	{"unanswerable votes", func(q *question, r []judged) float64 { return q.r.unanswerable }},
	{"unanswerable first", func(q *question, r []judged) float64 { return flag(q.r.noneFirst) }},
	{"best example coverage", func(q *question, r []judged) float64 { return q.r.bestExample }},
	{"unanswerable words", func(q *question, r []judged) float64 { return q.unanswerable }},
	// Words of the question that the summary lacks.
	{"missing share", func(q *question, r []judged) float64 { return q.missing }},
	{"key word missing", func(q *question, r []judged) float64 { return flag(q.key) }},
	{"name missing", func(q *question, r []judged) float64 { return flag(q.name) }},
	// What is asked, and whether the best candidate is theirs.
	{"figure asked", func(q *question, r []judged) float64 { return flag(q.figure) }},
	{"instances asked", func(q *question, r []judged) float64 { return flag(q.instance) }},
	{"named", func(q *question, r []judged) float64 { return flag(q.named) }},
	{"named, best is theirs", func(q *question, r []judged) float64 { return flag(q.named && len(r) > 0 && q.theirs(r[0].candidate)) }},
	{"best is a person card", func(q *question, r []judged) float64 {
		return best(r, func(c judged) float64 { return flag(c.person != nil) })
	}},
	{"best is a recap", func(q *question, r []judged) float64 {
		return best(r, func(c judged) float64 { return flag(c.segment != nil) })
	}},
	{"person asked", func(q *question, r []judged) float64 { return flag(q.person) }},
}

// best measures the best ranked candidate, 0 when there is none.
func best(r []judged, m func(judged) float64) float64 {
	if len(r) == 0 {
		return 0
	}
	return m(r[0])
}

// nth is the probability of the n-th ranked candidate, 0 when there is none.
func nth(r []judged, n int) float64 {
	if n < len(r) {
		return r[n].p
	}
	return 0
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// judge is the fitted judge, checked against the features it was fitted on.
type judge struct {
	content.Judge
}

// newJudge returns the judge, checked: one fitted on other features is an
// error (fit it again), and so is none.
func newJudge(j *content.Judge) (*judge, error) {
	if j == nil {
		return nil, fmt.Errorf("answer: the content has a question bank but no %s: run go run ./cmd/hearingjudge -content DIR", content.JudgeFile)
	}
	if !slices.Equal(featureNames(candidateFeatures), j.Candidate.Features) || !slices.Equal(featureNames(verdictFeatures), j.Verdict.Features) {
		return nil, fmt.Errorf("answer: %s was fitted on other features: run go run ./cmd/hearingjudge", content.JudgeFile)
	}
	return &judge{*j}, nil
}

// judgeFor is the judge for a hearing: its own, fitted to its bank; for a
// hearing without a bank, the judge the embedded hearing's questions fitted
// without their bank (its features are the same for any hearing).
func judgeFor(h *content.Hearing) *content.Judge {
	switch {
	case len(h.Examples) > 0:
		return h.Judge
	case h.Judge != nil && h.Judge.Alone != nil:
		return h.Judge.Alone
	}
	return bankless()
}

// bankless is the embedded hearing's judge for hearings without a bank.
var bankless = sync.OnceValue(func() *content.Judge { return content.Default().Judge.Alone })

func featureNames[T any](fs []feature[T]) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// measure is x's feature vector, to nine decimals: Bleve's scores differ in
// their last bits from one build of an index to the next, and the fitted
// file must not.
func measure[T any](fs []feature[T], q *question, x T) []float64 {
	v := make([]float64, len(fs))
	for i, f := range fs {
		v[i] = math.Round(f.measure(q, x)*1e9) / 1e9
	}
	return v
}

// probability is a model's probability for a feature vector.
func probability(m content.Model, v []float64) float64 {
	z := m.Bias
	for i, x := range v {
		z += m.Weights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// judged is a candidate with its probability of answering the question.
type judged struct {
	candidate
	p float64
}

// rank scores every candidate, most likely first; ties keep the search's order.
func rankBy(m content.Model, q *question) []judged {
	out := make([]judged, len(q.r.candidates))
	for i, c := range q.r.candidates {
		out[i] = judged{c, probability(m, measure(candidateFeatures, q, c))}
	}
	slices.SortStableFunc(out, func(a, b judged) int { return cmp.Compare(b.p, a.p) })
	return out
}

// verdict is the probability that the best of the ranked candidates answers the question.
func verdict(m content.Model, q *question, ranked []judged) float64 {
	return probability(m, measure(verdictFeatures, q, ranked))
}

// gather reads and searches the question for the judge: the candidates and
// what is known of the question as a whole.
func (a *asking) gather() (*question, error) {
	_, missing, share, key := a.weigh()
	person := a.e.isPersonQuestion(a.words, a.people, a.rest)
	var cards []Card
	exact := false
	if person {
		// "the shipping guy": who is asked for, not a word of their title
		described := slices.DeleteFunc(slices.Clone(a.words), func(w string) bool { return slices.Contains(casual, w) })
		var err error
		if cards, exact, err = a.e.personCards(a.ctx, strings.Join(described, " "), a.words, a.people, a.segments); err != nil {
			return nil, err
		}
	}
	if exact {
		return &question{a: a, person: true, cards: cards, exact: true}, nil
	}
	r, err := a.retrieve(cards)
	if err != nil {
		return nil, err
	}
	return &question{
		a: a, r: r, missing: share, key: key, person: person, cards: cards, recap: a.reading().recap,
		name:         slices.ContainsFunc(missing, func(m string) bool { return a.caps[index.Fold(m)] }),
		figure:       asksFigure(a.words) != "",
		named:        len(a.people) > 0 || len(a.segments) > 0,
		instance:     asksInstances(a.words) != "",
		unanswerable: a.e.x.Unanswerability(strings.Join(a.words, " "), a.fold),
	}, nil
}

// decide answers by the judge: it ranks the candidates, weighs whether the
// best answers at all, and composes the answer, the uncertain offer or the
// abstention.
func (a *asking) decide() error {
	if a.recapOnly() {
		return a.recapAsked()
	}
	q, err := a.gather()
	if err != nil {
		return err
	}
	if q.exact { // "Who is Claire Falconer?", "Who moderated panel 2?"
		a.People, a.Excerpts = q.cards, a.e.personExcerpts(q.cards, a.segments, a.people)
		return nil
	}
	j := a.e.judge
	ranked := rankBy(j.Candidate, q)
	if len(a.segments) > 0 {
		// "in the Americas discussion": another segment's passage is no
		// answer; when that segment has none, say so.
		within := slices.DeleteFunc(slices.Clone(ranked), func(c judged) bool { return !a.inNamed(c.candidate) })
		if verdict(j.Verdict, q, within) < j.Uncertain {
			a.NotIn, a.Related, a.Suggestions = a.segments, a.e.quote(ranked), a.e.Suggestions()
			return nil
		}
		ranked = within
	}
	p := verdict(j.Verdict, q, ranked)
	a.Confidence = math.Round(p*1000) / 1000
	return a.compose(q, ranked, p)
}

// inNamed reports whether a candidate lies in the segments the question
// names: a sentence of them, a person taking part in them, one of them.
func (a *asking) inNamed(c candidate) bool {
	switch {
	case c.person != nil:
		return slices.ContainsFunc(c.person.Roles, func(r content.Role) bool {
			return slices.ContainsFunc(a.segments, func(s *content.Segment) bool { return within(r.Segment, s) })
		})
	case c.segment != nil:
		return slices.ContainsFunc(a.segments, func(s *content.Segment) bool { return within(c.segment, s) })
	}
	return a.inSegments(c.Hit)
}
