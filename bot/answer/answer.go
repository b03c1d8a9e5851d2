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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"hearingbot/content"
	"hearingbot/index"
)

// ErrEmpty is returned for a question with nothing to answer once normalised.
var ErrEmpty = errors.New("answer: empty question")

// MaxExcerpts is the most excerpts an answer quotes.
const MaxExcerpts = 3

// Thresholds. A hit must cover at least minCoverage of the weight of the
// question's topics (half that when it is credited to a person the question
// names or belongs to a segment it names); further excerpts must score at
// least minRelative of the first.
const (
	minCoverage = 0.25
	minRelative = 0.25
	maxCards    = 8
)

// Response is the answer to one question.
type Response struct {
	Question string    // the question as normalised
	Excerpts []Excerpt // at most MaxExcerpts, best first
	People   []Card    // person cards, best first
	// More counts the further statements of a recap that Excerpts leaves out;
	// Rest are they, in the summary's order.
	More int
	Rest []Excerpt
	// Missing, when the summary does not cover the question, are the
	// question's words that it never mentions ("firewalls"), or the kind of
	// figure asked for ("how many") when the summary gives none.
	Missing []string
	// Figure is true when Missing is a figure the question asks for.
	Figure bool
	// Unnamed is true when Missing is the kind of thing a question asks to be
	// named ("countries") and no passage on it names any.
	Unnamed bool
	// Absent is true when Missing is a panel or hearing the question names by
	// a number the summary does not have ("the fourth panel").
	Absent bool
	// NotCredited are the people a question asks about when no passage on
	// its topic is theirs or names them.
	NotCredited []*content.Person
	// Unheard is who a question asks the words of, as it names them, when
	// the summary credits no statement to anyone it could mean ("the GFMD").
	Unheard string
	// NotIn are the segments a question asks about when none of their
	// passages answers it.
	NotIn []*content.Segment
	// Related are the passages closest to the rest of a question the summary
	// does not cover: shown as related, never as the answer.
	Related []Excerpt
	// Uncertain is true when the judge found passages that may answer the
	// question but not surely: they are in Related, offered as such.
	Uncertain bool
	// Confidence is the judge's probability that the passages found answer
	// the question, when the judge decided; 0 otherwise.
	Confidence float64
	// Suggestions, when the summary does not cover the question, are things
	// it does cover.
	Suggestions []string
	// Examples, when the summary does not cover the question, are questions
	// it answers.
	Examples []string
	// Cut is true when the question was longer than MaxQuestion characters
	// and only its beginning was read.
	Cut bool
	// NothingMore, for "what else?", says everything was shown already.
	NothingMore bool
	// NeedsContext says a follow-up came without the answer it follows
	// ("and the second one?"): it is not guessed at.
	NeedsContext bool
	// Resolved, for a follow-up, is the question it was taken as ("who
	// moderated the second panel" for "and the second one?"), or "".
	Resolved string

	segments []*content.Segment // the segments the question named
	people   []*content.Person  // the people it named
	shown    []int              // for a follow-up, the sentences shown before it
}

// Abstained reports whether the summary does not cover the question.
func (r Response) Abstained() bool { return len(r.Excerpts) == 0 && len(r.People) == 0 }

// Hedge is the first line of a reply that does not answer: what the summary
// lacks, in plain words ("The summary does not mention firewalls."), or "" when
// nothing particular is missing.
func (r Response) Hedge() string {
	switch {
	case r.Uncertain:
		return "I am not sure the summary answers that."
	case r.NothingMore:
		return "That is all the summary says on it."
	case r.NeedsContext:
		return "That seems to follow an earlier question I cannot see any more: ask it in full, for example “Who moderated the second panel?”"
	case r.Figure && r.Missing[0] == "when":
		return "The summary gives no date for that."
	case r.Figure && r.Missing[0] == "where":
		return "The summary gives no place for that."
	case r.Figure:
		return "The summary gives no figures for that (" + r.Missing[0] + ")."
	case r.Unnamed:
		return "The summary names no " + r.Missing[0] + " for that."
	case r.Absent:
		return "The summary has no " + r.Missing[0] + "."
	case len(r.NotCredited) > 0:
		names := make([]string, len(r.NotCredited))
		for i, p := range r.NotCredited {
			names[i] = p.Name
		}
		return "Nothing the summary says about " + strings.Join(names, " or ") + " answers that."
	case r.Unheard != "":
		return "The summary credits no statement to " + r.Unheard + "."
	case len(r.NotIn) > 0:
		titles := make([]string, len(r.NotIn))
		for i, s := range r.NotIn {
			titles[i] = s.Title
		}
		return "Nothing the summary says of " + strings.Join(titles, " or ") + " answers that."
	case len(r.Missing) == 1:
		return "The summary does not mention " + r.Missing[0] + "."
	case len(r.Missing) > 1:
		return "The summary does not mention " + strings.Join(r.Missing[:len(r.Missing)-1], ", ") + " or " + r.Missing[len(r.Missing)-1] + "."
	}
	return ""
}

// RelatedLabel heads the related passages of a reply that does not answer.
func (r Response) RelatedLabel() string {
	if r.Uncertain {
		return "The closest passages, which may not answer it:"
	}
	return "Related passages, not an answer:"
}

// MoreLine says, after a recap, how many more statements the summary holds,
// or "" when it holds none.
func (r Response) MoreLine() string {
	if r.More == 0 {
		return ""
	}
	return fmt.Sprintf("%d more in the summary: ask about a topic of the segment to see it.", r.More)
}

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
	names map[string][]name // by first word
	// Prepared once, not per question: each segment alias as folded words,
	// under its first word; each panel title's index terms.
	aliasesByFirst map[string][]segmentAlias
	panelTerms     map[*content.Segment][]string
	corrector      *corrector
	personal       map[string]bool // the words of people's names and titles, folded
	hearingNth     int             // the hearing's number, from its title ("Second ..."), or 0
	titleWords     map[string]bool // the words of the hearing's title, as questions are read
	judge          *judge          // the fitted judge; nil without one (fixed thresholds)
}

// segmentAlias is another name of a segment, as folded words. A topical
// alias is also a word of the summary's sentences other than the segment's
// title ("Mediterranean"): a question that names it may ask for that word.
type segmentAlias struct {
	segment *content.Segment
	words   []string
	topical bool
}

// newEngine returns an Engine over the hearing, its index and its judge.
func newEngine(h *content.Hearing, x *index.Index, j *judge) *Engine {
	e := &Engine{h: h, x: x, judge: j, names: names(h), corrector: newCorrector(h), hearingNth: hearingNumber(h.Title),
		aliasesByFirst: map[string][]segmentAlias{}, panelTerms: map[*content.Segment][]string{}}
	e.titleWords = map[string]bool{}
	for _, w := range fold(h.Title) {
		e.titleWords[w] = len(w) > 3 // "informal", not "on" or "the"
	}
	e.personal = map[string]bool{}
	for _, p := range h.People {
		for _, w := range fold(p.Name + " " + p.Title) {
			e.personal[w] = true
		}
	}
	said := map[string]bool{}
	for _, s := range h.Sentences {
		for _, w := range fold(s.Text) {
			said[w] = true
		}
	}
	for _, s := range h.Segments {
		title := fold(s.Title)
		for _, a := range s.Aliases {
			if f := fold(a); len(f) > 0 {
				topical := !slices.ContainsFunc(f, func(w string) bool { return !said[w] }) &&
					slices.ContainsFunc(f, func(w string) bool { return !slices.Contains(title, w) })
				e.aliasesByFirst[f[0]] = append(e.aliasesByFirst[f[0]], segmentAlias{s, f, topical})
			}
		}
		if s.Kind == "panel" {
			e.panelTerms[s] = x.Terms(s.Title)
		}
	}
	return e
}

// Open indexes the hearing and returns an Engine over it; Close releases
// the index. A judge fitted on other features than the engine's is an error.
func Open(h *content.Hearing) (*Engine, error) {
	j, err := newJudge(judgeFor(h))
	if err != nil {
		return nil, err
	}
	x, err := index.Build(h)
	if err != nil {
		return nil, err
	}
	return newEngine(h, x, j), nil
}

// Close releases the engine's index.
func (e *Engine) Close() error { return e.x.Close() }

// Hearing returns the hearing the engine answers about.
func (e *Engine) Hearing() *content.Hearing { return e.h }

// Ask answers a question. It returns ErrEmpty for a question that is empty
// once normalised, and an error only when the search itself fails; a question
// the summary does not cover gets a Response that Abstained.
func (e *Engine) Ask(ctx context.Context, question string) (Response, error) {
	r, err := e.ask(ctx, question, index.NoFold)
	if err == nil && r.Abstained() {
		r.Examples = e.Examples()
	}
	r.Cut = Cut(question)
	return r, err
}

// spelled spells out numbered ordinals, as the summary writes them: "the 2nd
// hearing" is "the second hearing".
func spelled(words []string) []string {
	for i, w := range words {
		if n := ordinals[w]; n > 0 && n < len(ordinalWords) && len(w) > 2 && unicode.IsDigit(rune(w[0])) {
			words[i] = ordinalWords[n]
		}
	}
	return words
}

var ordinalWords = []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}

// untitled leaves out the words of the hearing's title before "hearing": in
// "the informal interactive multi-stakeholder hearing", "interactive" names
// the hearing, not its interactive segments, nor a topic. An ordinal stays:
// "the first informal hearing" is another hearing.
func (e *Engine) untitled(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w == "hearing" {
			for len(out) > 0 && e.titleWords[out[len(out)-1]] && ordinals[out[len(out)-1]] == 0 {
				out = out[:len(out)-1]
			}
		}
		out = append(out, w)
	}
	return out
}

// Cut reports whether Normalize cuts a question at MaxQuestion characters.
func Cut(question string) bool {
	return utf8.RuneCountInString(question) > MaxQuestion && utf8.RuneCountInString(clean(question)) > MaxQuestion
}

// ask answers a question; skip, when not negative, is an example of the
// bank to leave out (see Examples).
func (e *Engine) ask(ctx context.Context, question string, leftOut int) (r Response, err error) {
	a, err := e.begin(ctx, question, leftOut)
	if err != nil {
		return a.Response, err
	}
	defer func() { r.segments, r.people = a.segments, a.people }() // what it was about, for a follow-up
	q := a.Question
	if absent := e.absent(a.words); absent != "" {
		a.Missing, a.Absent, a.Suggestions = []string{absent}, true, e.Suggestions() // "the fourth panel"
		return a.Response, nil
	}
	if len(a.people) == 0 && len(a.segments) == 0 {
		if subject := saidBy(a.words); len(subject) > 0 && !slices.ContainsFunc(who(subject), func(w string) bool {
			_, g := groupWords[w]
			return g || slices.Contains(noOneNamed, w)
		}) {
			// "What did the GFMD say about the refugee compact?": only a
			// speaker's statements say what they said.
			found, err := e.described(ctx, who(subject))
			if err != nil {
				return a.Response, err
			}
			if len(found) == 0 {
				hits, err := a.search()
				if err != nil {
					return a.Response, err
				}
				a.Unheard = asWritten(q, []string{strings.Join(subject, " ")})[0]
				a.Related, a.Suggestions = e.pick(hits, minCoverage, a.named), e.Suggestions()
				return a.Response, nil
			}
			a.people = found
			a.read = false // the subject is no longer part of the topic
			a.rest = slices.DeleteFunc(slices.Clone(a.rest), func(w string) bool { return slices.Contains(subject, w) })
		}
	}
	if len(a.segments) == 0 && len(a.people) == 0 && asksWhichSegment(a.words) {
		if done, err := a.whichSegment(); done || err != nil {
			return a.Response, err
		}
	}
	return a.Response, a.decide()
}

// begin reads a question: normalised, corrected, with the people and
// segments it names. It returns ErrEmpty for a question of no words.
func (e *Engine) begin(ctx context.Context, question string, leftOut int) (*asking, error) {
	q := Normalize(question)
	words := possessive(fold(acronyms(asked(q))))
	if len(words) == 0 { // nothing but punctuation, symbols or markup
		return &asking{Response: Response{Question: q}}, ErrEmpty
	}
	caps := capitals(acronyms(q))
	a := &asking{e: e, ctx: ctx, fold: leftOut, Response: Response{Question: q}, words: e.untitled(spelled(e.corrector.correct(words, caps))), caps: caps}
	a.people, a.rest = e.mentions(a.words)
	a.people = leaders(a.words, a.people)
	a.segments, _ = e.segments(a.words)
	a.panelOfModerators()
	return a, nil
}

// asking is one question on its way to an answer: what was read of it, and
// the Response being made.
type asking struct {
	Response
	e        *Engine
	ctx      context.Context
	words    []string        // folded and corrected
	caps     map[string]bool // the words written as names, folded: see capitals
	people   []*content.Person
	rest     []string // the words that do not name people
	segments []*content.Segment
	rd       reading // what the rest of the question asks, read when needed
	read     bool

	hits     []index.Hit // the passage search, run once and only when needed
	searched bool
	fold     int // a fold of the bank to leave out, or index.NoFold: see index.Folds
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

// reading reads, once, the words of the question that name neither people
// nor a segment: those have done their work, and searching them too would
// favour sentences that repeat "the first panel". So have the words that
// say who spoke, or that ask for a recap.
func (a *asking) reading() reading {
	if !a.read {
		a.read = true
		_, topical := a.e.segments(a.rest)
		a.rd = a.e.read(topical, len(a.people) > 0 || len(a.segments) > 0)
	}
	return a.rd
}

// named reports whether a hit is credited to a person the question names or
// belongs to a segment it names: who said it, or where, is much of the
// question, so it needs to match less of the rest.
func (a *asking) named(h index.Hit) bool {
	return slices.ContainsFunc(a.people, h.Sentence.Credits) || a.inSegments(h)
}

func (a *asking) inSegments(h index.Hit) bool { return inAny(h.Sentence, a.segments) }

// inAny reports whether s belongs to one of the segments or their parts.
func inAny(s *content.Sentence, segments []*content.Segment) bool {
	return slices.ContainsFunc(segments, func(seg *content.Segment) bool { return within(s.Segment, seg) })
}

// panelOfModerators reads "the ILO panel" as the panel that the
// organisation's moderator chaired, not as what the moderator said (the
// summary credits moderators with nothing).
func (a *asking) panelOfModerators() {
	if len(a.people) == 0 || !slices.ContainsFunc(a.words, func(w string) bool { return w == "panel" || w == "panels" }) ||
		slices.ContainsFunc(a.people, func(p *content.Person) bool { return len(a.e.Card(p).Statements) > 0 }) {
		return
	}
	for _, p := range a.people {
		for _, r := range p.Roles {
			if !slices.Contains(a.segments, r.Segment) {
				a.segments = append(a.segments, r.Segment)
			}
		}
	}
	a.people = nil
}

// segmentNouns, after "which" or "what", ask in which part of the hearing
// something was discussed; partNouns do so only after "which": "what part
// will NGOs play" asks no part of the hearing.
var (
	segmentNouns = []string{"panel", "segment", "session", "discussion"}
	partNouns    = []string{"part", "round"}
)

// asksWhichSegment reports whether the words ask which part of the hearing
// dealt with something: "which panel dealt with trafficking?", "in what
// session was recruitment discussed?".
func asksWhichSegment(words []string) bool {
	for i, w := range words {
		if w == "what" && i+1 < len(words) && slices.Contains(segmentNouns, words[i+1]) ||
			w == "which" && slices.ContainsFunc(words[i+1:min(i+3, len(words))], func(n string) bool {
				return slices.Contains(segmentNouns, n) || slices.Contains(partNouns, n)
			}) {
			return true
		}
	}
	return false
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

// saidBy returns who a question asks the words of, "did X say ..."; nil
// when it asks no one's.
func saidBy(words []string) []string {
	for i, w := range words[:min(len(words), 4)] {
		if w != "did" && w != "does" && w != "do" {
			continue
		}
		for j := i + 2; j < len(words) && j <= i+5; j++ {
			if slices.Contains(sayWords, words[j]) || slices.Contains(reactWords, words[j]) {
				return words[i+1 : j]
			}
		}
		return nil
	}
	return nil
}

// reactWords, like sayWords, ask what someone said or thought.
var reactWords = []string{"think", "thought", "react", "reacted", "respond", "responded", "want", "wanted", "ask",
	"asked", "recommend", "recommended", "propose", "demand", "demanded", "oppose", "opposed", "argue", "believe",
	"feel", "stress", "emphasise", "emphasize", "mention", "highlight", "note", "suggest", "object", "objected",
	"disagree", "disagreed", "agree", "agreed", "support", "supported", "reject", "rejected", "criticise",
	"criticize", "criticised", "criticized", "comment", "commented", "speak", "complain", "complained", "welcome", "welcomed"}

// modifiers among recapWords ask for a recap only before another of them:
// "the key points", not "what would be key".
var modifiers = []string{"main", "key", "big", "major", "important", "brief", "quick", "short"}

// nextIn reports whether the word after the i-th is in list.
func nextIn(words []string, i int, list []string) bool {
	return i+1 < len(words) && slices.Contains(list, words[i+1])
}

// who is a subject without the determiner that says how many of them:
// "any Member State" are the Member States.
func who(subject []string) []string {
	if len(subject) > 1 && slices.Contains(determiners, subject[0]) {
		return subject[1:]
	}
	return subject
}

// determiners before who a question asks the words of say how many, not who.
var determiners = []string{"any", "the", "a", "an", "some", "each", "every", "one", "either"}

// noOneNamed, as who a question asks the words of, name no one in
// particular: pronouns, quantities, the hearing itself ("did it say ...").
var noOneNamed = []string{"he", "she", "it", "we", "you", "i", "his", "her", "their", "its", "hearing", "summary", "nobody", "no", "one", "any", "many", "some", "most", "all", "other", "others"}

// positionWords find a segment by its place: "what came before panel 3".
var positionWords = []string{"before", "after", "preceding", "following", "preceded", "followed", "next", "previous"}

// introduce puts first the sentence that introduces the segment, if it has
// one, within the excerpt limit.
func (a *asking) introduce(seg *content.Segment) {
	i := slices.IndexFunc(seg.Sentences, func(s *content.Sentence) bool { return s.Kind == content.Introduction })
	if i < 0 {
		return
	}
	x := a.e.excerpt(seg.Sentences[i], nil)
	rest := slices.DeleteFunc(a.Excerpts, func(o Excerpt) bool { return overlaps(o, x) })
	if len(rest) == MaxExcerpts {
		rest, a.More = rest[:MaxExcerpts-1], a.More+1
	}
	a.Excerpts = append([]Excerpt{x}, rest...)
}

// weigh sorts the question's topics: whether the summary knows any, the ones
// it lacks, their share of the question's weight, and whether one of them is
// a key word. Everyday words ("doctors", "singled out", "richer": too common,
// or how rather than what the question asks) are no key words and weigh
// half, so that a question of nothing else still abstains; function words
// weigh nothing.
func (a *asking) weigh() (known bool, missing []string, share float64, key bool) {
	var weight, missingWeight float64
	rd := a.reading()
	for i, t := range rd.topics {
		w := t.Weight
		switch {
		case t.Known && !(a.caps[index.Fold(t.Text)] && !nameKnown(t)):
			known = true
		case slices.Contains(functionWords, t.Text) || len([]rune(t.Text)) < 3:
			continue
		case a.e.generic(index.Fold(t.Text)) && !a.e.compound(rd, i):
			w /= 2
			missing, missingWeight = append(missing, t.Text), missingWeight+w
		default:
			missing, missingWeight, key = append(missing, t.Text), missingWeight+w, true
		}
		weight += w
	}
	if weight > 0 {
		share = missingWeight / weight
	}
	return known, asWritten(a.Question, missing), share, key
}

// topics are the topics of text, an everyday word weighing half: it tells
// less of what a question is about, however rare it is in the summary
// ("help", "find", "special").
func (e *Engine) topics(text string) []index.Topic {
	topics := e.x.Topics(text)
	for i, t := range topics {
		if len(t.Terms) == 1 && e.generic(index.Fold(t.Text)) {
			topics[i].Weight /= 2
		}
	}
	return topics
}

// reading is what is left of a question once the words that name people and
// segments are taken out.
type reading struct {
	topic  string        // the words to search for
	topics []index.Topic // their topics
	group  group         // whose statements the question asks about, or 0
	recap  bool          // asks for main points: "tl;dr", "what happened"
}

// read reads the words left of a question. named says whether it names
// people or a segment: then words such as "main points", "part" or "take"
// ask for what they said, not for a topic.
func (e *Engine) read(words []string, named bool) reading {
	var rd reading
	for _, w := range words {
		if slices.Contains(recapCues, w) {
			rd.recap = true
		}
	}
	var topic []string
	subject := true // no word of the topic read yet: a group word here says who spoke
	for i, w := range words {
		if (w == "when" || w == "where") && i > 1 {
			continue // "what did he stress when things were wrapping up": not a question of time
		}
		if g, ok := groupWords[w]; ok && subject {
			rd.group = max(rd.group, g) // the most specific group named
			continue
		}
		if (rd.recap || named) && slices.Contains(recapWords, w) && !(slices.Contains(modifiers, w) && !nextIn(words, i, recapWords)) {
			continue // "Arbour's main points"; but "what would be key to the compact" asks what is key
		}
		if (w == "came" || w == "come") && i+1 < len(words) && words[i+1] == "out" {
			rd.recap = true // "what came out of the Americas discussion?"
			continue
		}
		if w == "out" && i > 0 && (words[i-1] == "came" || words[i-1] == "come") {
			continue
		}
		if slices.Contains(casual, w) {
			continue
		}
		if w == "take" && i > 0 && i+1 < len(words) && words[i+1] == "on" && slices.Contains([]string{"the", "your", "their", "his", "her", "its"}, words[i-1]) {
			continue // "what's the take on return policies": their view, not a phrasal verb
		}
		if len(w) > 3 && !slices.Contains(e.h.Vocabulary.Ignore, w) && !slices.Contains(common, w) {
			subject = false // "ask participants to provide": participants are the topic
		}
		topic = append(topic, w)
	}
	rd.topic = strings.Join(topic, " ")
	rd.topics = e.topics(rd.topic)
	return rd
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

// generic reports whether a word, in any of its common inflections or in
// American spelling, is an everyday word too common or too much about how
// rather than what to be what a question is about ("doctors", "singled",
// "neighbouring"): missing from the summary, it weighs half.
func (e *Engine) generic(word string) bool {
	if e.h.Generic[word] {
		return true // most are as written: no need to try inflections
	}
	for _, w := range []string{word, american.Replace(word)} {
		for _, base := range baseForms(w) {
			if e.h.Generic[base] {
				return true
			}
		}
	}
	return false
}

// laterDate reports whether text gives a year after the hearing's.
func (e *Engine) laterDate(text string) bool {
	for _, y := range year.FindAllString(text, -1) {
		if n, _ := strconv.Atoi(y); n > e.h.Date.Year() {
			return true
		}
	}
	return false
}

var year = regexp.MustCompile(`\b(19|20)\d\d\b`)

// compound reports whether the i-th topic, a common noun, stands right
// before or after a topic the summary has and so changes what it means:
// "student visas" are not the summary's visas, nor "forced marriage" its
// forced labour.
func (e *Engine) compound(rd reading, i int) bool {
	w := index.Fold(rd.topics[i].Text)
	if !slices.ContainsFunc(baseForms(w), func(b string) bool { return e.h.CommonNouns[b] }) {
		return false
	}
	topic := index.Fold(rd.topic)
	next := i+1 < len(rd.topics) && rd.topics[i+1].Known && strings.Contains(topic, w+" "+index.Fold(rd.topics[i+1].Text))
	prev := i > 0 && rd.topics[i-1].Known && strings.Contains(topic, index.Fold(rd.topics[i-1].Text)+" "+w)
	return next || prev // "student visas", "forced marriage"
}

// american respells the usual British endings: WordNet is American.
var american = strings.NewReplacer("our", "or", "isation", "ization", "ise", "ize", "yse", "yze", "tre", "ter")

// baseForms are the word and what it may be inflected from: "harsher" may
// be "harsh", "singled" "single", "bigger" "big".
func baseForms(w string) []string {
	out := []string{w}
	for _, r := range [][2]string{{"s", ""}, {"es", ""}, {"ed", ""}, {"ed", "e"}, {"d", ""}, {"ing", ""}, {"ing", "e"},
		{"er", ""}, {"er", "e"}, {"est", ""}, {"est", "e"}, {"ier", "y"}, {"iest", "y"}, {"ied", "y"}, {"ies", "y"},
		{"ly", ""}, {"ily", "y"}} {
		if base, ok := strings.CutSuffix(w, r[0]); ok && len(base) >= 2 {
			base += r[1]
			out = append(out, base)
			if n := len(base); n > 2 && base[n-1] == base[n-2] { // "bigg" -> "big"
				out = append(out, base[:n-1])
			}
		}
	}
	return out
}

// acronyms keeps upper-case acronyms that are also English stop words from
// being read as such: "the US" is not "us".
func acronyms(q string) string {
	if strings.Contains(q, "U") {
		q = usAcronym.ReplaceAllString(q, "USA")
	}
	return q
}

var usAcronym = regexp.MustCompile(`\bU\.?S\.?\b`)

// nameKnown reports whether a name the question writes with a capital is the
// summary's own, or the hand vocabulary's, or what the summary's names are
// called ("Swiss" for "Switzerland"): a dictionary's synonym of a name is
// another name ("US" is not the Americas segment's "America").
func nameKnown(t index.Topic) bool {
	return t.Own || slices.ContainsFunc(t.Equivalents, func(p index.Phrase) bool {
		return !p.Bridged || p.Relation == content.Pertainym || p.Relation == content.Derivation
	})
}

// asWritten returns the words as the question wrote them: the search reads
// "germany", the reply says "Germany".
func asWritten(q string, words []string) []string {
	written := map[string]string{"usa": "US"} // acronyms made it "USA"
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if f := index.Fold(w); written[f] == "" {
			written[f] = w
		}
	}
	out := make([]string, len(words))
	for i, w := range words {
		parts := strings.Fields(w)
		for j, p := range parts {
			if o, ok := written[p]; ok {
				parts[j] = o
			}
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// sayWords in a "who" question ask who said something.
var sayWords = []string{"said", "say", "says", "stressed", "emphasised", "emphasized", "argued", "noted", "mentioned",
	"highlighted", "underlined", "underscored", "called", "raised", "talked", "spoke", "suggested", "proposed", "warned",
	"insisted", "pointed", "claimed", "stated", "urged"}

// asked returns the sentences of q that ask, when it also holds others:
// "Detention centres are prisons. Did anyone demand detention be reviewed?"
// asks about detention, not about prisons.
func asked(q string) string {
	ends := sentenceEnd.FindAllStringIndex(q, -1)
	var out []string
	start := 0
	for _, m := range ends {
		if strings.Contains(q[m[0]:m[1]], "?") {
			out = append(out, strings.TrimSpace(q[start:m[1]]))
		}
		start = m[1]
	}
	if len(ends) < 2 || len(out) == 0 {
		return q
	}
	return strings.Join(out, " ")
}

var sentenceEnd = regexp.MustCompile(`[.!?]+(\s+|$)`)

// capitals returns the words the question writes with a capital letter, not
// at its start, folded: names, which the corrector matches more eagerly and
// which, missing from the summary, are key words ("Germany", "Bali Process").
func capitals(q string) map[string]bool {
	out := map[string]bool{}
	for i, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if i > 0 && unicode.IsUpper([]rune(w)[0]) {
			out[index.Fold(w)] = true
		}
	}
	return out
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
			for _, s := range e.h.Segments {
				if s.Parent == seg {
					partsOf = append(partsOf, s)
				}
			}
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
	slices.SortFunc(chosen, func(a, b *content.Sentence) int { return cmp.Compare(a.Index, b.Index) })
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

// within reports whether seg is s or one of its children.
func within(seg, s *content.Segment) bool {
	for ; seg != nil; seg = seg.Parent {
		if seg == s {
			return true
		}
	}
	return false
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

// Examples are three questions the summary answers, from the hearing's own
// data: who moderated its first panel, what its second was about, and who
// its first speaker is.
func (e *Engine) Examples() []string {
	var out []string
	for _, s := range e.h.Segments {
		if s.Kind == "panel" && s.Moderator != nil {
			out = append(out, fmt.Sprintf("Who moderated panel %d?", s.Number))
			break
		}
	}
	var panels []*content.Segment
	for _, s := range e.h.Segments {
		if s.Kind == "panel" {
			panels = append(panels, s)
		}
	}
	if len(panels) > 0 {
		out = append(out, fmt.Sprintf("What happened in panel %d?", panels[min(1, len(panels)-1)].Number))
	}
	for _, p := range e.h.People {
		if len(e.Card(p).Statements) > 0 {
			out = append(out, "What did "+p.Name+" say?")
			break
		}
	}
	return out
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
