package answer

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"hearingbot/content"
)

// Context is what an earlier answer in a conversation tells the next
// question: what was asked, what it was about, and what was shown. It is a
// plain value, so that it can travel with the answer (Slack message
// metadata, a command line's --context) and any replica can read it back.
type Context struct {
	Question string   `json:"question"`
	Segments []string `json:"segments,omitempty"` // segment ids
	People   []string `json:"people,omitempty"`   // person ids
	Shown    []int    `json:"shown,omitempty"`    // indexes of the sentences quoted
	// FromAnswer is true when Segments and People are what the answer was
	// about rather than what the question named: a new topic ("and on
	// detention?") is then not narrowed to them.
	FromAnswer bool `json:"from_answer,omitempty"`
	// Recap is true when the answer was the recap of what the question
	// named: "and the second panel?" then asks for the second panel's.
	Recap bool `json:"recap,omitempty"`
}

// Context is what the response tells a follow-up: the people and segments
// the question named, or else those the answer is about (the people of its
// cards, the speakers and segment of a single excerpt).
func (r Response) Context() Context {
	c := Context{Question: r.Question, Recap: r.recap}
	if r.Resolved != "" {
		c.Question = r.Resolved
	}
	people, segments := r.people, r.segments
	for _, card := range r.People {
		if !slices.Contains(people, card.Person) {
			people = append(people, card.Person)
		}
	}
	if len(people) == 0 && len(segments) == 0 && len(r.Excerpts) > 0 && sameSegment(r.Excerpts) {
		// An answer from one segment is about it; one from several is about
		// its topic, and "and on family reunification?" narrows to none.
		segments, c.FromAnswer = []*content.Segment{r.Excerpts[0].Segment}, true
		if len(r.Excerpts) == 1 && len(r.Excerpts[0].Speakers) == 1 {
			people = r.Excerpts[0].Speakers
		}
	}
	for _, p := range people {
		c.People = append(c.People, p.ID)
	}
	for _, s := range segments {
		c.Segments = append(c.Segments, s.ID)
	}
	c.Shown = slices.Clone(r.shown)
	for _, x := range append(slices.Clone(r.Excerpts), r.Related...) { // not Rest: those were not shown
		for _, s := range x.Sentences {
			if !slices.Contains(c.Shown, s.Index) {
				c.Shown = append(c.Shown, s.Index)
			}
		}
	}
	return c
}

// sameSegment reports whether the excerpts all come from one segment.
func sameSegment(xs []Excerpt) bool {
	return !slices.ContainsFunc(xs, func(x Excerpt) bool { return x.Segment != xs[0].Segment })
}

// FollowUp answers a question asked after another, reading what depends on
// it from prev: pronouns ("what else did she say?"), ordinals and ellipsis
// ("and the second one?", "what about panel 3?", "and on returns?"), "what
// else". A question that stands on its own is answered as it is, and so is
// any question when prev is empty (the context was lost): never wrongly.
func (e *Engine) FollowUp(ctx context.Context, question string, prev Context) (Response, error) {
	words := possessive(fold(Normalize(question)))
	if prev.Question == "" {
		if dependent(words) && !e.namesItsSubject(words) {
			// "and the second one?" with nothing before it: no guess.
			return Response{Question: Normalize(question), NeedsContext: true, Examples: e.Examples()}, nil
		}
		return e.Ask(ctx, question)
	}
	if r, ok := e.aboutTheAnswer(words, prev); ok {
		r.Question = Normalize(question)
		return r, nil
	}
	resolved, more := e.resolve(words, prev)
	if resolved == "" {
		return e.Ask(ctx, question)
	}
	r, err := e.Ask(ctx, resolved)
	r.Question, r.Resolved = Normalize(question), r.Question
	if err != nil || !more {
		return r, err
	}
	r.shown = prev.Shown // "what else?" again: not what was shown before either
	// "What else?": what was not shown yet. An excerpt's own sentence is its
	// last; one before it is there only to be understood ("She encouraged
	// …" after the sentence that names her), and may have been shown.
	fresh := func(x Excerpt) bool { return !slices.Contains(prev.Shown, x.Sentences[len(x.Sentences)-1].Index) }
	all := append(slices.Clone(r.Excerpts), r.Rest...)
	all = slices.DeleteFunc(all, func(x Excerpt) bool { return !fresh(x) })
	r.Excerpts, r.Rest, r.People = all[:min(len(all), MaxExcerpts)], all[min(len(all), MaxExcerpts):], nil
	r.More = len(r.Rest)
	if len(r.Excerpts) == 0 {
		r.Related, r.NothingMore = nil, true
	}
	return r, nil
}

// aboutTheAnswer answers a follow-up about the answer before it rather than
// the hearing: "who said that?", "who are they?" (whom its first passage
// credits or names), "where was that?" (the segment it comes from). ok is
// false for any other question.
func (e *Engine) aboutTheAnswer(words []string, prev Context) (r Response, ok bool) {
	if len(prev.Shown) == 0 || prev.Shown[0] >= len(e.h.Sentences) || len(words) > 4 {
		return r, false
	}
	refers := slices.ContainsFunc(words, func(w string) bool { return slices.Contains(answerPronouns, w) })
	if !refers || segmentPronoun(words) >= 0 || // "who moderated it?" is about the segment: resolve reads it
		len(prev.People) > 0 && !slices.Contains(words, "that") && !slices.Contains(words, "this") {
		return r, false // "who is she?" follows the people before: resolve reads it
	}
	x := e.excerpt(e.h.Sentences[prev.Shown[0]], nil)
	switch words[0] {
	case "who", "whom":
		if doers := e.doers(x); len(doers) > 0 {
			r.People = e.cards(doers)
		}
		r.Excerpts = []Excerpt{x} // its citation says whom the summary credits
		return r, true
	case "where":
		r.Excerpts = []Excerpt{x}
		if intro := introduction(x.Segment); intro != nil && intro != x.Sentences[0] {
			r.Excerpts = []Excerpt{e.excerpt(intro, nil), x}
		}
		return r, true
	}
	return r, false
}

// segmentPronoun is where "it" stands for the segment the answer before was
// about ("who moderated it?", "who was on it?", "what was said in it?"),
// -1 when it does not.
func segmentPronoun(words []string) int {
	for i, w := range words {
		if w == "it" && i > 0 && (slices.Contains(moderatorWords, words[i-1]) || slices.Contains(segmentPrepositions, words[i-1])) {
			return i
		}
	}
	return -1
}

// segmentPrepositions before "it" make it a place in the hearing.
var segmentPrepositions = []string{"on", "in", "at", "during", "from"}

// answerPronouns stand for what the answer before said, or whom it credits.
var answerPronouns = []string{"that", "this", "it", "they", "them"}

// introduction is the first sentence of a segment or of the segment it is
// part of that is not a heading: what says what the segment was.
func introduction(s *content.Segment) *content.Sentence {
	for ; s != nil; s = s.Parent {
		if i := slices.IndexFunc(s.Sentences, func(x *content.Sentence) bool { return x.Kind != content.Heading }); i >= 0 {
			return s.Sentences[i]
		}
	}
	return nil
}

// resolve rewrites a follow-up as the question it stands for, given prev;
// "" when it stands on its own. more is true for "what else".
func (e *Engine) resolve(words []string, prev Context) (resolved string, more bool) {
	people := e.peopleOf(prev)
	segments := e.segmentsOf(prev)
	named, _ := e.mentions(words)
	segs, _ := e.segments(words)
	prevWords := possessive(fold(prev.Question))
	ownSubject := e.namesItsSubject(words) // before "it" is read as a segment: "panel" is a word of people's roles

	if who, at, n, ok := ordinalPerson(words, people); ok { // "what does the last one do?"
		out := append(append(slices.Clone(words[:at]), strings.Fields(who.Name)...), words[at+n:]...)
		return strings.Join(out, " "), false
	}
	if i := segmentPronoun(words); i >= 0 && len(segs) == 0 && len(segments) == 1 { // "who moderated it?"
		words = append(append(slices.Clone(words[:i]), strings.Fields(segmentRef(segments[0]))...), words[i+1:]...)
		if len(people) == 0 || !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(pronounsFor, w) }) {
			return strings.Join(words, " "), false
		}
	}
	switch {
	case isElse(words):
		switch {
		case len(segs) > 0 && !slices.ContainsFunc(words, func(w string) bool { return w == "that" || w == "there" || w == "this" }):
			return "What happened in " + segmentRef(segs[0]) + "?", true // "anything else from the closing?"
		case len(people) > 0:
			return "What did " + nameList(people) + " say?", true
		case len(segments) > 0:
			return "What happened in " + segmentRef(segments[0]) + "?", true
		}
		return prev.Question, true
	case len(named) == 0 && slices.ContainsFunc(words, func(w string) bool { return slices.Contains(pronounsFor, w) }) && len(people) > 0 && !ownSubject:
		// "what else did she say about detention?", "what was his role?"
		out := make([]string, len(words))
		for i, w := range words {
			out[i] = w
			if slices.Contains(pronounsFor, w) {
				out[i] = nameList(people)
			}
		}
		_, more := elsewhere(words)
		return strings.Join(out, " "), more
	}
	ordinal := false
	if s, at, n, ok := ordinalSegment(words, e.listedSegments(prev, prevWords)); ok && len(segs) == 0 { // "tell me about the second one"
		ref := segmentRef(s)
		if s.Kind == "panel" && s.Number < len(ordinalWords) {
			ref = "the " + ordinalWords[s.Number] + " panel" // "who moderated the second panel", as one would say it
		}
		words = append(append(slices.Clone(words[:at]), strings.Fields(ref)...), words[at+n:]...)
		segs, _ = e.segments(words)
		ordinal = true
	}
	rest, ok := ellipsis(words)
	if !ok {
		if ordinal {
			return strings.Join(words, " "), false
		}
		return "", false
	}
	switch {
	case len(segs) > 0 && len(segments) > 0 && prev.Recap: // another segment's recap
		return "What happened in " + segmentRef(segs[0]) + "?", false
	case len(segs) > 0 && len(segments) > 0: // another segment, the same question
		_, frame := e.segments(prevWords)
		return joinFrame(frame, rest), false
	case len(named) > 0 && len(people) > 0: // another person, the same question
		_, frame := e.mentions(prevWords)
		return joinFrame(frame, rest), false
	case len(segs) > 0 || len(named) > 0:
		return "", false
	case len(people) > 0 && !prev.FromAnswer: // another topic, the same people: "and on returns?"
		return "What did " + nameList(people) + " say about " + strings.Join(rest, " ") + "?", false
	case len(segments) > 0 && !prev.FromAnswer:
		return "What was said about " + strings.Join(rest, " ") + " in " + segmentRef(segments[0]) + "?", false
	}
	return "", false
}

// joinFrame puts what a follow-up adds into the frame of the question
// before, with one determiner where both have one: "who moderated the" and
// "the second panel" make "who moderated the second panel".
func joinFrame(frame, rest []string) string {
	if n := len(frame); n > 0 && len(rest) > 0 && slices.Contains(determiners, frame[n-1]) && slices.Contains(determiners, rest[0]) {
		frame = frame[:n-1]
	}
	return strings.Join(append(slices.Clone(frame), rest...), " ")
}

// namesItsSubject reports whether a question names the people its pronouns
// stand for: "what did the President say in his closing remarks" is about
// the President, and follows nothing.
func (e *Engine) namesItsSubject(words []string) bool {
	if people, _ := e.mentions(words); len(people) > 0 {
		return true
	}
	i := slices.IndexFunc(words, func(w string) bool { return slices.Contains(pronounsFor, w) })
	return i > 0 && slices.ContainsFunc(words[:i], func(w string) bool { return e.personal[w] })
}

// ordinalPerson finds "the first one", "the second speaker", "the last
// panellist" among words, standing for one of people (in the order the
// answer before gave them): the person, where the phrase starts and its
// length in words.
func ordinalPerson(words []string, people []*content.Person) (p *content.Person, at, n int, ok bool) {
	if len(people) < 2 {
		return nil, 0, 0, false
	}
	for i, w := range words {
		k := ordinals[w]
		if w == "last" {
			k = len(people)
		}
		if k < 1 || k > len(people) || w == "one" || i+1 == len(words) || !slices.Contains(personOrdinalNouns, words[i+1]) {
			continue
		}
		at, n = i, 2
		if i > 0 && (words[i-1] == "the" || words[i-1] == "that") {
			at, n = i-1, 3
		}
		return people[k-1], at, n, true
	}
	return nil, 0, 0, false
}

// ordinalSegment finds "the second one", "the last discussion", "and the
// third?" among words, standing for one of listed: the segment, where the
// phrase starts and its length in words. "The second panel" names panel 2
// whatever came before, and is left to the segment reader.
func ordinalSegment(words []string, listed []*content.Segment) (s *content.Segment, at, n int, ok bool) {
	if len(listed) < 2 {
		return nil, 0, 0, false
	}
	for i, w := range words {
		k, last := ordinals[w], w == "last" || w == "final"
		if last {
			k = len(listed)
		}
		// "one" and "i" are ordinals only in a segment's name ("panel one").
		if k < 1 || k > len(listed) || !last && !slices.Contains(ordinalWords[1:], w) {
			continue
		}
		at, n = i, 1
		if i+1 < len(words) {
			if !slices.Contains(segmentOrdinalNouns, words[i+1]) {
				continue
			}
			n = 2
		}
		if i > 0 && (words[i-1] == "the" || words[i-1] == "that") {
			at, n = i-1, n+1
		}
		return listed[k-1], at, n, true
	}
	return nil, 0, 0, false
}

// segmentOrdinalNouns after an ordinal pick one of the segments before.
var segmentOrdinalNouns = []string{"one", "discussion", "session", "segment", "part", "region", "corridor"}

// listedSegments are the segments an ordinal in a follow-up picks from: the
// panels after a question about panels ("what were the panels about?");
// the parts of the one segment before after a question about its parts
// ("which regions did the third panel cover?"); the segments of the named
// one's kind ("who moderated panel 2?", "and the first one?"); else those the
// answer's passages came from, in their order.
func (e *Engine) listedSegments(prev Context, prevWords []string) []*content.Segment {
	segments := e.segmentsOf(prev)
	parts := slices.ContainsFunc(prevWords, func(w string) bool { return slices.Contains(partsWords, w) })
	switch {
	case slices.Contains(prevWords, "panels"):
		return e.kindOf(&content.Segment{Kind: "panel"})
	case parts && len(segments) == 1:
		return e.h.Parts(segments[0])
	case len(segments) > 0 && !prev.FromAnswer:
		return e.kindOf(segments[0])
	}
	var shown []*content.Segment
	for _, i := range prev.Shown {
		if i < len(e.h.Sentences) && !slices.Contains(shown, e.h.Sentences[i].Segment) {
			shown = append(shown, e.h.Sentences[i].Segment)
		}
	}
	if len(shown) == 1 {
		return e.h.Parts(shown[0])
	}
	return shown
}

// partsWords ask for the parts of a segment.
var partsWords = []string{"discussions", "regions", "sessions", "segments", "parts", "corridors"}

// kindOf is the segments of s's kind and parent, in the hearing's order.
func (e *Engine) kindOf(s *content.Segment) []*content.Segment {
	return slices.DeleteFunc(slices.Clone(e.h.Segments), func(x *content.Segment) bool { return x.Kind != s.Kind || x.Parent != s.Parent })
}

// personOrdinalNouns after an ordinal pick one of the people before.
var personOrdinalNouns = []string{"one", "speaker", "person", "panellist", "panelist", "guy", "woman", "man", "lady"}

// dependent reports whether a question cannot stand on its own: "what
// else?", "and the second one?", "what did she say?".
func dependent(words []string) bool {
	if isElse(words) {
		return true
	}
	if rest, ok := ellipsis(words); ok && slices.ContainsFunc(rest, func(w string) bool { return w == "one" || w == "ones" }) {
		return true
	}
	return slices.ContainsFunc(words, func(w string) bool { return slices.Contains([]string{"he", "she", "him", "her", "his", "hers"}, w) })
}

// pronounsFor stand for the people the last answer was about.
var pronounsFor = []string{"he", "she", "him", "her", "his", "hers", "they", "them", "their"}

// ellipsis returns what a follow-up adds after "and", "what about", "how
// about" ("and the second one?" adds "the second one"), and whether it is
// one: a few words, no question of their own.
func ellipsis(words []string) ([]string, bool) {
	for _, lead := range [][]string{{"and", "what", "about"}, {"and", "how", "about"}, {"what", "about"}, {"how", "about"}, {"what", "of"}, {"and", "for"}, {"and", "on"}, {"and", "in"}, {"and"}} {
		if hasPrefix(words, lead) {
			rest := words[len(lead):]
			return rest, len(rest) > 0 && len(rest) <= 5 && !slices.ContainsFunc(rest, func(w string) bool {
				return slices.Contains([]string{"what", "who", "which", "how", "why", "when", "where", "did", "does"}, w)
			})
		}
	}
	return nil, false
}

// isElse reports whether the words ask for more of the same: "what else?",
// "anything else", "more".
func isElse(words []string) bool {
	if _, ok := elsewhere(words); !ok || len(words) > 7 {
		return false
	}
	// Nothing else but words that ask for more of the same: "what else did
	// they say?", "anything else from that discussion?", "what else was said
	// there".
	return !slices.ContainsFunc(words, func(w string) bool { return !slices.Contains(moreWords, w) && groupWords[w] == 0 })
}

// moreWords may stand with "else" or "more" in a question that asks for
// more of the same: the rest of it is no topic.
var moreWords = []string{"what", "anything", "something", "else", "more", "any", "did", "do", "does", "was", "were", "is",
	"they", "he", "she", "it", "say", "said", "says", "talk", "talked", "mention", "mentioned", "discussed", "come", "came", "up",
	"there", "from", "in", "that", "this", "the", "discussion", "session", "segment", "part", "and", "on", "about", "tell", "me",
	"us", "show", "give", "of", "plz", "please"}

// elsewhere reports whether the words hold "else" or "more": what else.
func elsewhere(words []string) (int, bool) {
	i := slices.IndexFunc(words, func(w string) bool { return w == "else" || w == "more" })
	return i, i >= 0
}

func (e *Engine) peopleOf(c Context) []*content.Person { return known(c.People, e.h.Person) }

func (e *Engine) segmentsOf(c Context) []*content.Segment { return known(c.Segments, e.h.Segment) }

// known looks ids up, once each, leaving out those the hearing does not
// have (a context from another version of the content, or typed by hand).
func known[T any](ids []string, get func(string) *T) []*T {
	var out []*T
	for _, id := range ids {
		if x := get(id); x != nil && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// nameList joins people's names: "Jürg Lauber and Juan José Gómez Camacho".
func nameList(people []*content.Person) string {
	var n []string
	for _, p := range people {
		n = append(n, p.Name)
	}
	return strings.Join(n, " and ")
}

// segmentRef names a segment so that a question finds it again.
func segmentRef(s *content.Segment) string {
	if s.Kind == "panel" && s.Number > 0 {
		return "panel " + strconv.Itoa(s.Number)
	}
	return s.Title
}
