package answer

import (
	"slices"

	"hearingbot/content"
	"hearingbot/index"
)

// Composing: what the judge decided, as an answer: excerpts, person cards,
// a recap, the closest passages offered as uncertain, or an abstention that
// says what the summary lacks.

// recapOnly reports whether the question asks for nothing but the main
// points of the segments, people or group it names ("tl;dr of panel 2",
// "what did the panellists say?", "what did Swing say?"), and not for a
// person.
func (a *asking) recapOnly() bool {
	if a.e.isPersonQuestion(a.words, a.people, a.rest) {
		return false
	}
	known, missing, _, _ := a.weigh()
	return !known && len(missing) == 0 && (len(a.segments) > 0 || len(a.people) > 0 || a.rd.recap || a.rd.group != 0)
}

// recapAsked answers with the recap the question asks for.
func (a *asking) recapAsked() error {
	a.Excerpts, a.Rest = a.e.recap(a.segments, a.people, a.rd.group)
	a.More = len(a.Rest)
	if len(a.Excerpts) == 0 {
		a.Suggestions = a.e.Suggestions()
	}
	if len(a.segments) == 1 && len(a.people) == 0 && slices.ContainsFunc(a.words, func(w string) bool { return slices.Contains(positionWords, w) }) {
		a.introduce(a.segments[0]) // "what came right before the third panel?": what it was, first
	}
	return nil
}

// compose answers with the best of the ranked candidates, whose verdict is
// p: a card or a recap when one of those is best and likely enough;
// otherwise passages, once what the question asks of them is checked
// (whose they are, a figure, instances), offered as uncertain below the
// judge's answer threshold, and declined below its uncertain one.
func (a *asking) compose(q *question, ranked []judged, p float64) error {
	e, j := a.e, a.e.judge
	if len(ranked) > 0 && p >= j.Answer {
		switch top := ranked[0]; {
		case top.person != nil:
			a.People = q.cards // all the person search found: "the panellists of panel 3"
			if top.listed == 0 {
				var people []*content.Person // the people the bank points at
				for _, c := range quoted(ranked) {
					if c.person != nil {
						people = append(people, c.person)
					}
				}
				a.People = e.cards(people)
			}
			a.Excerpts = e.personExcerpts(a.People, a.segments)
			return nil
		case top.segment != nil:
			a.segments = []*content.Segment{top.segment}
			return a.recapAsked()
		}
	}
	excerpts := e.quote(ranked)
	if a.lacks(e.quote(topical(ranked))) {
		return nil
	}
	_, missing, share, key := a.weigh()
	switch {
	case p < j.Uncertain || len(excerpts) == 0 || p < j.Answer && key:
		// Unlikely, or unsure and a key word is nowhere in the summary
		// ("remittances"): say what is missing, the figure asked for first.
		a.Missing, a.Related, a.Suggestions = missing, e.related(a.hits, minCoverage/2*(1-share), a.named), e.Suggestions()
		if figure := asksFigure(a.words); figure != "" {
			a.Missing, a.Figure = []string{figure}, true
		}
	case p < j.Answer:
		a.Uncertain, a.Related, a.Suggestions = true, excerpts, e.Suggestions()
	case q.person && len(a.people) == 0:
		// "Who said migrants should be seen as people first?", "who
		// organised the hearing?": whom the sentence that says it credits,
		// or names as doing it.
		a.People, a.Excerpts = e.cards(e.doers(excerpts[0])), excerpts[:1]
	default:
		a.Excerpts = excerpts
	}
	return nil
}

// lacks says, when the excerpts cannot answer what the question asks of
// them, what the summary lacks: nothing of the people it names (a person's
// nationality), a figure or a date, the instances it asks to be named.
func (a *asking) lacks(excerpts []Excerpt) bool {
	e := a.e
	if len(a.people) > 0 && !slices.ContainsFunc(excerpts, func(x Excerpt) bool { return e.about(x, a.people) }) {
		// "What nationality is Louise Arbour?": passages on the topic that
		// are neither hers nor name her do not answer a question about her.
		a.NotCredited, a.Related, a.Suggestions = a.people, excerpts, e.Suggestions()
		return true
	}
	if figure := asksFigure(a.words); figure != "" {
		// "How many people attended?": only a passage with a figure answers.
		later := future(a.words) // the date of what came after the hearing, not the hearing's own
		if !slices.ContainsFunc(excerpts, func(x Excerpt) bool { return givesFigure(figure, x.Text) && (!later || e.laterDate(x.Text)) }) {
			a.Missing, a.Figure, a.Related, a.Suggestions = []string{figure}, true, excerpts, e.Suggestions()
			return true
		}
	}
	if kind := asksInstances(a.words); kind != "" && !slices.ContainsFunc(excerpts, func(x Excerpt) bool { return e.namesSome(x.Text, a.words) }) {
		// "Which European countries ...?": only a passage that names some
		// answers; "regularization campaigns" in general do not.
		a.Missing, a.Unnamed, a.Related, a.Suggestions = asWritten(a.Question, []string{kind}), true, excerpts, e.Suggestions()
		return true
	}
	return false
}

// related are the passages shown beside an abstention: those pick quotes
// that match the question in their own words, not only through the WordNet
// bridge (a question about people "attending" is not one about "attention").
func (e *Engine) related(hits []index.Hit, least float64, named func(index.Hit) bool) []Excerpt {
	return e.pick(slices.DeleteFunc(slices.Clone(hits), func(h index.Hit) bool { return !h.Direct }), least, named)
}

// doers are the people an excerpt credits, or for one that credits no one,
// the people it names.
func (e *Engine) doers(x Excerpt) []*content.Person {
	if x.Kind == content.Statement {
		return x.Speakers
	}
	return e.named(x)
}

// further is how likely a candidate after the first must be, as a share
// of the first's probability, to be quoted with it.
const further = 0.25

// quoted are the candidates an answer quotes, at most MaxExcerpts: the
// first, and those after it at least further as likely.
func quoted(ranked []judged) []judged {
	n := 0
	for n < len(ranked) && n < MaxExcerpts && ranked[n].p >= further*ranked[0].p {
		n++
	}
	return ranked[:n]
}

// topical are the ranked sentences that hold some of the question's topic,
// in their words or their examples'.
func topical(ranked []judged) []judged {
	return slices.DeleteFunc(sentences(ranked), func(c judged) bool { return c.covered == 0 })
}

// sentences are the ranked candidates that are sentences, in order.
func sentences(ranked []judged) []judged {
	return slices.DeleteFunc(slices.Clone(ranked), func(c judged) bool { return c.Sentence == nil })
}

// quote quotes the candidates an answer quotes (see quoted), each sentence once.
func (e *Engine) quote(ranked []judged) []Excerpt {
	var out []Excerpt
	for _, c := range quoted(sentences(ranked)) {
		x := e.excerpt(c.Sentence, c.Spans)
		if !slices.ContainsFunc(out, func(o Excerpt) bool { return overlaps(o, x) }) {
			out = append(out, x)
		}
	}
	return out
}
