// Package answer turns a question about the hearing into an answer: verbatim
// excerpts of the summary with their citations, person cards, or a plain
// statement that the summary does not cover the question. It knows nothing of
// Slack or terminals; the command line, the Slack edge and the digest all call
// the same Engine.
//
// A question goes through four stages, a file each, each handing the next
// its own type:
//
//   - read (read.go, people.go, spell.go): normalise and correct it, find the
//     people, segments and speaker groups it names and what kind of answer
//     it asks for, into an asking;
//   - retrieve (retrieve.go): the candidates that may answer it, from the
//     summary's words, the person search and the question bank, into a
//     retrieval;
//   - judge (judge.go): a model fitted to the bank (fit.go) ranks the
//     candidates and weighs whether the best answers at all;
//   - compose (compose.go): excerpts, cards, a recap, the closest passages
//     offered as uncertain, or an abstention that says what is missing.
//
// Follow-ups (followup.go) are read in the context of the answer before and
// then go through the same stages.
package answer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hearingbot/content"
	"hearingbot/index"
)

// ErrEmpty is returned for a question with nothing to answer once normalised.
var ErrEmpty = errors.New("answer: empty question")

// MaxExcerpts is the most excerpts an answer quotes.
const MaxExcerpts = 3

// Bounds for what the judge does not decide: a passage shown as related must
// cover at least minCoverage of the weight of the question's topics (half
// that when it is credited to a person the question names or belongs to a
// segment it names) and score at least minRelative of the best; a person
// question shows at most maxCards cards.
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
	// Chat is set when the message asked nothing of the hearing ("hi",
	// "help", "thanks"): no passage answers it, Examples are what to try.
	Chat    Chat
	hearing string // the hearing's title, for a chat reply

	segments []*content.Segment // the segments the question named
	people   []*content.Person  // the people it named
	shown    []int              // for a follow-up, the sentences shown before it
	recap    bool               // the answer is the recap of its segments, people or group
}

// Abstained reports whether the summary does not cover the question.
func (r Response) Abstained() bool { return len(r.Excerpts) == 0 && len(r.People) == 0 }

// Hedge is the first line of a reply that does not answer: what the summary
// lacks, in plain words ("The summary does not mention firewalls."), or "" when
// nothing particular is missing.
func (r Response) Hedge() string {
	switch {
	case r.Chat == Greeting:
		return "Hi! I answer questions about the " + r.hearing + ", quoting its official summary word for word and naming who said what. Try one of these, or ask your own."
	case r.Chat == Help:
		return "Ask me anything about the " + r.hearing + ": who spoke, what they said, what a panel was about. I quote the official summary word for word and name whom it credits; mention me in a channel, write to me directly, or use /hearing (/hearing help lists its commands)."
	case r.Chat == Thanks:
		return "Glad to help. Ask me anything else about the hearing."
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
	return fmt.Sprintf("%d more in the summary: ask “what else?” or `ask --all` to see them.", r.More)
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
	// ClippedBefore and ClippedAfter say that Text is the part of its
	// sentence (a long list of panellists) that names the person asked
	// about, cut before or after it: shown with "…" where it is cut. Text
	// stays the summary's own words, one piece of it, never stitched.
	ClippedBefore, ClippedAfter bool
}

// Clipped reports whether the excerpt is part of its sentence.
func (x Excerpt) Clipped() bool { return x.ClippedBefore || x.ClippedAfter }

// Card is a person card.
type Card struct {
	Person *content.Person
	// Statements are the sentences the summary credits the person with:
	// ByName those it credits to them, not to their panel or discussion as
	// a whole (Group says which, "discussion" or "panel", when there is one).
	Statements []*content.Sentence
	ByName     []*content.Sentence
	Group      string
}

// StatementsLine says in words what the summary credits the card's person
// with, and only what it says: "The summary credits nothing to him by name;
// his discussion's statements: 5."
func (c Card) StatementsLine() string {
	him, his := pronouns(c.Person)
	n, k := len(c.Statements), len(c.ByName)
	switch {
	case n == 0:
		return "The summary credits no statement to " + him + "."
	case k == n:
		return "The summary credits " + him + " with " + count(n, "statement") + "."
	case k == 0:
		return fmt.Sprintf("The summary credits nothing to %s by name; %s %s's statements: %d.", him, his, c.Group, n)
	}
	return fmt.Sprintf("The summary credits %s with %s by name, and %s %s's with %d more.", him, count(k, "statement"), his, c.Group, n-k)
}

// pronouns are the words for a person that their honorific gives.
func pronouns(p *content.Person) (object, possessive string) {
	switch h := strings.TrimPrefix(p.Honorific, "H.E. "); h {
	case "Mr.":
		return "him", "his"
	case "Ms.", "Mrs.", "Miss":
		return "her", "her"
	}
	return "them", "their"
}

// count is "1 statement", "3 statements".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
	judge          *judge          // the fitted judge: the hearing's, or the one for hearings without a bank
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
			e.personal[w] = len(w) > 2 && w != "and" && w != "for" && w != "the" // "Liaison on the Global Compact": not "on"
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
	if c := ChatOf(question); c != NoChat {
		return e.chatReply(question, c), nil
	}
	r, err := e.ask(ctx, question, index.NoFold)
	if err == nil && r.Abstained() {
		r.Examples = e.Examples()
	}
	r.Cut = Cut(question)
	return r, err
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
	if done, err := a.settled(); done || err != nil {
		return a.Response, err
	}
	return a.Response, a.decide()
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
