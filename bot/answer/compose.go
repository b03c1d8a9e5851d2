package answer

import (
	"cmp"
	"slices"
	"strings"

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
	a.More, a.recap = len(a.Rest), true
	if len(a.Excerpts) == 0 && len(a.people) > 0 {
		// "was anyone from the ILO there?": the summary credits a
		// moderator with nothing, but says who they are.
		a.People = a.e.cards(a.people)
		a.Excerpts = a.e.personExcerpts(a.People, a.segments, a.people)
		return nil
	}
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
			a.Excerpts = e.personExcerpts(a.People, a.segments, a.people)
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
	if figure := asksFigure(a.words); figure != "" {
		// "How many people attended?", "how much did IOM pledge?": only a
		// passage with a figure answers, whoever the question names.
		later := future(a.words) // the date of what came after the hearing, not the hearing's own
		if !slices.ContainsFunc(excerpts, func(x Excerpt) bool { return givesFigure(figure, x.Text) && (!later || e.laterDate(x.Text)) }) {
			a.Missing, a.Figure, a.Related, a.Suggestions = []string{figure}, true, excerpts, e.Suggestions()
			return true
		}
	}
	if len(a.people) > 0 && !slices.ContainsFunc(excerpts, func(x Excerpt) bool { return e.about(x, a.people) }) {
		// "What nationality is Louise Arbour?": passages on the topic that
		// are neither hers nor name her do not answer a question about her.
		a.NotCredited, a.Related, a.Suggestions = a.people, excerpts, e.Suggestions()
		return true
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
// the people it names by name or title ("the President of the General
// Assembly organized ..."), not by their organisation ("with support from
// IOM" names no one).
func (e *Engine) doers(x Excerpt) []*content.Person {
	if x.Kind == content.Statement {
		return x.Speakers
	}
	text := index.Fold(x.Text)
	return slices.DeleteFunc(e.named(x), func(p *content.Person) bool {
		return !strings.Contains(text, index.Fold(p.Name)) && !slices.ContainsFunc(append([]string{p.Title}, p.Aliases...), func(a string) bool {
			return len(strings.Fields(a)) > 1 && strings.Contains(text, index.Fold(a))
		})
	})
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

// whichSegment answers "which panel dealt with X?" with the sentence that
// introduces the segment whose passages best answer X, then those passages;
// done is false when no passage answers X.
func (a *asking) whichSegment() (done bool, err error) {
	e := a.e
	hits, err := a.search()
	if err != nil {
		return false, err
	}
	x := e.pick(hits, minCoverage, a.named)
	if len(x) == 0 || x[0].Kind == content.Heading {
		return false, nil
	}
	seg := x[0].Segment
	panel := slices.Contains(a.words, "panel")
	if p := e.panelByTopic(a.reading().topic); p != nil && panel {
		seg = p // the titles say what each panel was on
	}
	if panel || seg.Kind == "interactive" { // a panel's own parts answer "which panel"
		for seg.Parent != nil {
			seg = seg.Parent
		}
	}
	intro := slices.IndexFunc(seg.Sentences, func(s *content.Sentence) bool { return s.Kind != content.Heading })
	if intro < 0 {
		return false, nil
	}
	first := e.excerpt(seg.Sentences[intro], nil)
	a.Excerpts = []Excerpt{first}
	for _, o := range x {
		if len(a.Excerpts) < MaxExcerpts && within(o.Segment, seg) && !overlaps(o, first) {
			a.Excerpts = append(a.Excerpts, o)
		}
	}
	return true, nil
}

// introduce puts first the sentence that introduces the segment, if it has
// one, within the excerpt limit.
func (a *asking) introduce(seg *content.Segment) {
	i := slices.IndexFunc(seg.Sentences, func(s *content.Sentence) bool { return s.Kind == content.Introduction })
	if i < 0 {
		return
	}
	x := a.e.excerpt(seg.Sentences[i], nil)
	rest := slices.DeleteFunc(a.Excerpts, func(o Excerpt) bool { return overlaps(o, x) })
	if len(rest) == MaxExcerpts { // the last main point moves to the rest, where "more" finds it
		a.Rest, a.More = append([]Excerpt{rest[MaxExcerpts-1]}, a.Rest...), a.More+1
		rest = rest[:MaxExcerpts-1]
	}
	a.Excerpts = append([]Excerpt{x}, rest...)
}

// about reports whether an excerpt is about any of the people: it credits
// them, or names them other than to introduce them.
func (e *Engine) about(x Excerpt, people []*content.Person) bool {
	if slices.ContainsFunc(people, func(p *content.Person) bool {
		return slices.ContainsFunc(x.Sentences, func(s *content.Sentence) bool { return s.Credits(p) })
	}) {
		return true
	}
	if x.Kind == content.Introduction {
		return false // naming a moderator is not saying what they argued
	}
	named := e.named(x)
	return slices.ContainsFunc(people, func(p *content.Person) bool { return slices.Contains(named, p) })
}

// pick quotes the best ranked hits that cover at least least of the
// question, or half that for the hits named picks, and score within
// minRelative of the best.
func (e *Engine) pick(hits []index.Hit, least float64, named func(index.Hit) bool) []Excerpt {
	hits = slices.DeleteFunc(slices.Clone(hits), func(h index.Hit) bool {
		if named(h) {
			return h.Coverage < least/2
		}
		return h.Coverage < least
	})
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
	return out
}

// recap quotes the main points of the segments (of the whole hearing when
// none is given), only the people's or the group's statements when there are
// people or a group: one from each segment and each of its parts in turn, in
// the summary's order. It returns the others too.
func (e *Engine) recap(segments []*content.Segment, people []*content.Person, g group) (main, others []Excerpt) {
	if len(segments) == 0 {
		for _, s := range e.h.Segments {
			if s.Parent == nil && s.Kind != "overview" {
				segments = append(segments, s)
			}
		}
	}
	var parts [][]*content.Sentence // each segment's own sentences, then each part's
	for _, seg := range segments {
		partsOf := []*content.Segment{seg}
		if len(segments) == 1 {
			partsOf = append(partsOf, e.h.Parts(seg)...)
		}
		for _, part := range partsOf {
			var picked []*content.Sentence
			for _, s := range e.h.Sentences {
				if !within(s.Segment, part) || (part == seg && s.Segment != seg && len(partsOf) > 1) {
					continue
				}
				said := g == 0 || g.says(s)
				if len(people) > 0 {
					said = slices.ContainsFunc(people, s.Credits)
				}
				if (s.Kind == content.Statement || s.Kind == content.Narrative) && said {
					picked = append(picked, s)
				}
			}
			if len(picked) > 0 {
				parts = append(parts, picked)
			}
		}
	}
	inOrder := true
	if len(people) == 1 && len(e.Card(people[0]).ByName) == 0 {
		// "what did the shipping guy say?": the summary credits his
		// discussion, not him; what it says of his own field comes first.
		var field []index.Topic // each word of their title and organisation, as it is: "shipping"
		for _, t := range e.x.Terms(people[0].Title + " " + people[0].Organization) {
			field = append(field, index.Topic{Text: t, Terms: []string{t}, Known: true, Weight: 1})
		}
		for _, p := range parts {
			slices.SortStableFunc(p, func(a, b *content.Sentence) int {
				return cmp.Compare(e.x.Match(b, field).Coverage, e.x.Match(a, field).Coverage)
			})
		}
		inOrder = false
	}
	var chosen []*content.Sentence
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	for round := 0; len(chosen) < MaxExcerpts && len(chosen) < total; round++ {
		for _, p := range parts {
			if round < len(p) && len(chosen) < MaxExcerpts {
				chosen = append(chosen, p[round])
			}
		}
	}
	if inOrder {
		slices.SortFunc(chosen, func(a, b *content.Sentence) int { return cmp.Compare(a.Index, b.Index) })
	}
	var out, rest []Excerpt
	for _, s := range chosen {
		out = addExcerpt(out, e.excerpt(s, nil))
	}
	for _, p := range parts {
		for _, s := range p {
			if x := e.excerpt(s, nil); !slices.Contains(chosen, s) && !slices.ContainsFunc(append(out, rest...), func(o Excerpt) bool { return overlaps(o, x) }) {
				rest = append(rest, x)
			}
		}
	}
	return out, rest
}

// addExcerpt adds x to out unless an excerpt of out holds it already; an
// excerpt x holds more of ("She encouraged ..." with the sentence before it)
// takes the place of the one it holds.
func addExcerpt(out []Excerpt, x Excerpt) []Excerpt {
	i := slices.IndexFunc(out, func(o Excerpt) bool { return overlaps(o, x) })
	switch {
	case i < 0:
		return append(out, x)
	case len(x.Sentences) > len(out[i].Sentences):
		out[i] = x
	}
	return out
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
