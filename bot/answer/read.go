package answer

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"hearingbot/content"
	"hearingbot/index"
)

// Reading a question before it is searched: the words people use to say who
// spoke, to ask for a recap or for a figure, and typos, none of which is a
// topic the summary should match.

// group is whose statements a question asks about: "what did the panellists
// say ...", "did participants ...". A group narrows the answer; it is never
// its topic.
type group int

const (
	anyone       group = iota + 1 // speakers, people, they: any statement
	panellists                    // the panellists of a segment
	participants                  // the floor: unnamed participants
	moderators
)

var groupWords = map[string]group{
	"speakers": anyone, "speaker": anyone, "people": anyone, "they": anyone, "them": anyone,
	"everyone": anyone, "anyone": anyone, "anybody": anyone, "someone": anyone, "somebody": anyone,
	"folks": anyone, "stakeholders": anyone, "officials": anyone, "bureaucrats": anyone, "diplomats": anyone,
	"panellists": panellists, "panelists": panellists, "panellist": panellists, "panelist": panellists,
	"panel": panellists, "panels": panellists,
	"participants": participants, "participant": participants, "floor": participants, "audience": participants,
	"delegates": participants, "delegations": participants,
	"moderators": moderators, "moderator": moderators,
}

// says reports whether s is a statement of the group.
func (g group) says(s *content.Sentence) bool {
	switch g {
	case panellists:
		for seg := s.Segment; seg != nil; seg = seg.Parent {
			if slices.ContainsFunc(seg.Panellists, s.Credits) {
				return true
			}
		}
		return false
	case participants:
		return s.Participants
	case moderators:
		for seg := s.Segment; seg != nil; seg = seg.Parent {
			if seg.Moderator != nil && s.Credits(seg.Moderator) {
				return true
			}
		}
		return false
	}
	return s.Kind == content.Statement
}

// recapWords ask for a segment's or a person's main points rather than for
// a topic: dropped when the question asks for a recap or names people or a
// segment ("main points of the closing", "Arbour's main ask").
var recapWords = []string{"tldr", "tl", "dr", "speech", "speeches", "remarks", "statement", "statements",
	"recap", "recapitulate", "summary", "summarise", "summarize", "summarised", "summarized", "sum",
	"gist", "overview", "rundown", "highlights", "takeaways", "takeaway", "outline", "nutshell",
	"happened", "happen", "happening", "about", "outcome", "outcomes", "came", "come", "main", "key",
	"big", "major", "important", "points", "point", "issues", "topics", "themes", "brief", "briefly", "quick",
	"short", "cover", "covered", "part", "section", "bit", "portion", "ask", "asks", "message", "messages", "pts",
	"topic", "theme", "subject", "subjects",
	"argument", "arguments", "position", "stance", "take", "view", "views", "thoughts", "raised", "focus"}

// recapCues are the words that, alone, make a question a recap request
// (the others above only go with them or with a name or segment).
var recapCues = []string{"tldr", "tl", "recap", "recapitulate", "summary", "summarise", "summarize", "summarised",
	"summarized", "gist", "overview", "rundown", "highlights", "takeaways", "takeaway", "outline", "nutshell",
	"happened", "happen", "outcome", "outcomes", "points"}

// figureWords ask for a number: the summary gives almost none.
var figureWords = [][]string{{"how", "many"}, {"how", "much"}, {"number", "of"}, {"what", "number"},
	{"what", "percentage"}, {"what", "percent"}, {"what", "share"}, {"what", "proportion"}, {"how", "big"},
	{"how", "large"}, {"how", "long"}, {"how", "old"}, {"what", "size"}, {"what", "amount"},
	{"what", "time"}, {"which", "time"}, {"what", "hour"}, {"how", "late"}, {"how", "early"}}

// moneyVerbs after "how much did" make it ask a figure: "how much did IOM
// pay".
var moneyVerbs = []string{"pay", "paid", "cost", "costs", "spend", "spent", "give", "gave", "raise", "raised", "earn",
	"earned", "receive", "received", "contribute", "contributed", "donate", "donated", "fund", "funded", "charge", "charged"}

// auxiliaries after "how much" make it ask a degree: "how much did ...".
var auxiliaries = []string{"did", "does", "do", "is", "was", "are", "were", "has", "have", "had", "should", "would", "could", "can", "will"}

// figureNouns name a figure: "what is the budget", "the cost of".
var figureNouns = []string{"budget", "budgets", "cost", "costs", "price", "funding", "percentage", "proportion",
	"statistics", "stats", "figures", "numbers", "total", "headcount", "attendance", "turnout"}

// asksFigure returns the words asking for a number or a date, or "".
func asksFigure(words []string) string {
	whenAsks := len(words) > 0 && words[0] == "when" && !slices.ContainsFunc(words[1:], func(w string) bool {
		return slices.Contains([]string{"what", "which", "who", "how", "why", "where"}, w) // "When X, what Y?"
	})
	if hasPrefix(words, []string{"when", "and", "where"}) || hasPrefix(words, []string{"where", "and", "when"}) {
		return "when"
	}
	if whenAsks || containsSeq(words, []string{"what", "date"}) || containsSeq(words, []string{"what", "year"}) {
		return "when"
	}
	if len(words) > 0 && words[0] == "where" && future(words) {
		return "where" // "where will the conference be held?"
	}
	for _, f := range figureWords {
		for i := range words {
			// "how much did he value it" asks a degree, not a figure
			degree := f[0] == "how" && f[1] == "much" && i+2 < len(words) && slices.Contains(auxiliaries, words[i+2]) &&
				!slices.ContainsFunc(words[i+2:], func(w string) bool { return slices.Contains(moneyVerbs, w) })
			if hasPrefix(words[i:], f) && !degree {
				return strings.Join(f, " ")
			}
		}
	}
	for _, w := range words {
		if slices.Contains(figureNouns, w) {
			return w
		}
	}
	return ""
}

// future reports whether a question asks about what comes after the
// hearing: "when will it be adopted", "the next hearing", "when does the
// negotiation phase begin".
func future(words []string) bool {
	for i, w := range words {
		switch w {
		case "will", "shall", "next", "upcoming", "scheduled", "planned", "future", "soon":
			return true
		case "begin", "start", "starts", "begins", "end", "ends", "conclude":
			return i > 0 && slices.Contains([]string{"does", "do", "will"}, words[0]) ||
				i > 1 && slices.Contains([]string{"does", "do", "will"}, words[1])
		}
	}
	return false
}

// instanceNouns name kinds of things a question may ask to be named:
// "which countries", "what companies".
var instanceNouns = []string{"countries", "country", "states", "nations", "governments", "companies", "company",
	"firms", "corporations", "businesses", "cities", "city", "laws", "law", "conventions", "convention", "treaties",
	"treaty", "industries", "industry", "sectors", "sector", "universities", "institutions", "ngos", "organisations",
	"organizations"}

// asksInstances returns the kind of thing a question asks to be named,
// "which European countries ..." (as "european countries"), or "".
func asksInstances(words []string) string {
	for i, w := range words {
		// an asking "which", not "forecast which jobs a country will need"
		if w != "which" && w != "what" || i > 1 && !slices.Contains(askAfter, words[i-1]) && words[i-1] != "in" {
			continue
		}
		exactly := slices.ContainsFunc(words, func(w string) bool { return slices.Contains(exactWords, w) })
		for j := i + 1; j < min(i+4, len(words)); j++ {
			if slices.Contains(auxiliaries, words[j]) || words[j] == "else" {
				break // "what else could governments do"
			}
			if slices.Contains(instanceNouns, words[j]) || exactly && (j+1 == len(words) || slices.Contains(exactWords, words[j+1]) || slices.Contains(auxiliaries, words[j+1])) {
				// "European countries", "which rights exactly would ..."
				return strings.Join(slices.DeleteFunc(slices.Clone(words[i+1:j+1]), func(w string) bool { return slices.Contains(exactWords, w) }), " ")
			}
		}
	}
	return ""
}

// exactWords ask for the very things, by name: "which rights exactly". Not
// "specific": "which specific policies" may be answered by a list of them.
var exactWords = []string{"exactly", "precisely"}

// frameWords are capitalised words of the summary that name its own frame,
// not an instance of anything: "the Global Compact for Safe, Orderly and
// Regular Migration", "Member States".
var frameWords = []string{"global", "compact", "safe", "orderly", "regular", "migration", "member", "states",
	"general", "assembly", "president", "secretary", "conference", "united", "nations", "panellists", "mr", "ms",
	"h", "e", "during", "in", "the", "at", "both", "many"}

// namesSome reports whether text names something: a capitalised word, other
// than its first, that is neither the question's, nor the summary's frame,
// nor a word of a person's name or title ("Ms. Louise Arbour, Secretary-
// General ..." names no country).
func (e *Engine) namesSome(text string, asked []string) bool {
	for i, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		f := index.Fold(w)
		if i > 0 && unicode.IsUpper([]rune(w)[0]) && !slices.Contains(asked, f) && !slices.Contains(frameWords, f) && !e.personal[f] {
			return true
		}
	}
	return false
}

// numberWords are numbers as words.
var numberWords = []string{"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
	"twelve", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands",
	"million", "millions", "billion", "dozen", "dozens", "percent", "half", "majority"}

// date is a date or a year: "11 October 2017", "in 2018".
var date = regexp.MustCompile(`(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december|(19|20)\d\d)\b`)

// clockTime is a time of day: "10 a.m.", "3pm", "15:00".
var clockTime = regexp.MustCompile(`(?i)\b\d{1,2}(:\d\d|\s?(a\.?m\.?|p\.?m\.?)|\s?o'clock)`)

// givesFigure reports whether a sentence states the figure asked for: a time
// of day for "what time", otherwise a number other than a date or a
// document's reference ("the three main migration corridors").
func givesFigure(asked, text string) bool {
	if strings.HasSuffix(asked, "time") || strings.HasSuffix(asked, "hour") || strings.HasSuffix(asked, "late") || strings.HasSuffix(asked, "early") {
		return clockTime.MatchString(text)
	}
	if asked == "when" {
		return date.MatchString(text)
	}
	if asked == "where" {
		return false // the summary tells only where this hearing was
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/'
	})
	for i, w := range words {
		if slices.Contains(numberWords, w) && !(i > 0 && words[i-1] == "the" && i+1 < len(words) && slices.Contains(common, words[i+1])) &&
			!(i+1 < len(words) && slices.Contains([]string{"needed", "are", "were", "is", "was", "of"}, words[i+1])) {
			return true // not "the two needed to be separate"
		}
		if w == "" || !unicode.IsDigit(rune(w[0])) || strings.ContainsRune(w, '/') {
			continue
		}
		prev, next := "", ""
		if i > 0 {
			prev = words[i-1]
		}
		if i+1 < len(words) {
			next = words[i+1]
		}
		reference := prev == "paragraph" || prev == "resolution" || len(w) == 4 || isMonth(next) || isMonth(prev)
		if !reference && !strings.HasSuffix(w, "nd") && !strings.HasSuffix(w, "th") && !strings.HasSuffix(w, "st") && !strings.HasSuffix(w, "rd") {
			return true
		}
	}
	return false
}

func isMonth(w string) bool {
	return slices.Contains([]string{"january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december"}, w)
}

// casual words carry no topic: "yo what was panel 3 about pls". Stop words
// are not among them: the index leaves those out itself, and they hold
// phrases together ("head of the General Assembly").
var casual = []string{"yo", "pls", "plz", "please", "abt", "bout", "thing", "things", "stuff", "whats",
	"gimme", "give", "u", "ur", "hey", "hi", "hello", "guys", "lol", "ok", "okay", "kinda", "sorta",
	"actually", "really", "just", "bit", "little", "quickly", "info", "anything", "like", "wanna", "gonna",
	"tell", "show", "explain", "describe", "let", "know", "wondering", "curious", "get", "got", "bot",
	"hearingbot", "say", "said", "says", "talk", "talked", "discuss", "discussed", "discussion", "session",
	"segment", "anywhere", "somewhere", "everywhere", "ever", "else", "again", "exactly", "specifically",
	"basically", "according", "lots", "lot", "plenty", "bunch", "loads", "tons", "kind", "kinds", "sort", "sorts", "guy", "guys", "woman", "man", "lady", "gentleman", "person", "folks", "regarding", "concerning", "stance", "msg", "opinion", "opinions",
	"sat", "sit", "sitting", "seated"}

// common are short English words that are never typos of the hearing's.
var common = []string{"what", "which", "when", "where", "there", "their", "them", "they", "then", "than",
	"that", "this", "these", "those", "were", "will", "with", "would", "could", "should", "does", "done",
	"have", "been", "from", "into", "some", "such", "your", "yours", "here", "whom", "whose", "about",
	"also", "very", "much", "many", "more", "most", "only", "just", "even", "both", "each", "same", "other",
	"over", "under", "after", "before", "while", "because", "being", "doing", "having", "said", "made"}

// functionWords are words that the search keeps, for phrases such as
// "without papers", but that are never what a question is about.
var functionWords = []string{"be", "must", "shall", "ought", "pre", "non", "co", "re", "every", "everyone",
	"everybody", "everything", "nobody", "nothing", "none", "noone", "somebody", "someone", "something", "anybody",
	"anyone", "anything", "whole", "whatever", "whoever", "whichever", "together", "away", "anyway", "instead",
	"without", "within", "whether", "upon", "onto", "toward", "towards", "among", "amongst", "across", "beyond",
	"despite", "unless", "until", "via", "per", "whereas", "whilst"}

// possessive drops the "s" of "UN's" and "employers'", which fold leaves as
// a word of its own, and undoes contractions: "aren't" is "are not",
// "they've" "they".
func possessive(words []string) []string {
	out := words[:0]
	for i, w := range words {
		switch {
		case w == "s" || w == "ve" || w == "ll" || w == "re" || w == "d" || w == "m":
			continue
		case w == "t" && i > 0:
			out = append(out, "not")
			continue
		}
		if i+1 < len(words) && words[i+1] == "t" {
			if base, ok := contractions[w]; ok {
				w = base
			}
		}
		if long, ok := shorthand[w]; ok {
			w = long
		}
		out = append(out, w)
	}
	return out
}

// shorthand is how chat writes words that say what a question asks: "wat
// did ppl say abt detention". Abbreviations of topics ("govt") are the
// vocabulary's spellings.
var shorthand = map[string]string{"wat": "what", "wut": "what", "wot": "what", "whta": "what", "waht": "what",
	"ppl": "people", "ppls": "people", "abt": "about", "bout": "about", "abut": "about", "diff": "difference",
	"b4": "before", "bc": "because", "cuz": "because", "coz": "because", "y": "why", "u": "you", "ur": "your",
	"r": "are", "n": "and", "w": "with", "wrt": "about", "thru": "through", "tho": "though",
	"sth": "something", "smth": "something", "sb": "somebody", "smb": "somebody", "ne1": "anyone", "any1": "anyone",
	"some1": "someone", "whos": "who", "wats": "what", "wheres": "where", "hows": "how", "whys": "why"}

// contractions are the first halves of "n't" contractions, and what they
// stand for.
var contractions = map[string]string{"aren": "are", "isn": "is", "wasn": "was", "weren": "were", "don": "do",
	"doesn": "does", "didn": "did", "haven": "have", "hasn": "has", "hadn": "had", "won": "will", "wouldn": "would",
	"shouldn": "should", "couldn": "could", "can": "can", "mustn": "must"}

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
	weighed  struct { // weigh's result, for the reading it was made of
		done       bool
		known, key bool
		missing    []string
		share      float64
	}
	fold int // a fold of the bank to leave out, or index.NoFold: see index.Folds
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
		slices.ContainsFunc(a.people, func(p *content.Person) bool { return len(a.e.Card(p).Statements) > 0 }) ||
		asksWhichSegment(a.words) { // "which panel did Michelle Leighton moderate?" asks for her panel
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
	partNouns    = []string{"part", "round", "region", "corridor"}
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

// weigh sorts the question's topics: whether the summary knows any, the ones
// it lacks, their share of the question's weight, and whether one of them is
// a key word. Everyday words ("doctors", "singled out", "richer": too common,
// or how rather than what the question asks) are no key words and weigh
// half, so that a question of nothing else still abstains; function words
// weigh nothing.
func (a *asking) weigh() (known bool, missing []string, share float64, key bool) {
	if !a.weighed.done {
		w := &a.weighed
		w.known, w.missing, w.share, w.key = a.weighTopics()
		w.done = true
	}
	w := a.weighed
	return w.known, w.missing, w.share, w.key
}

// weighTopics is weigh, uncached.
func (a *asking) weighTopics() (known bool, missing []string, share float64, key bool) {
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

// settled answers what the reading settles by itself, before any search
// for candidates: a panel or hearing the summary does not have ("the fourth
// panel"), a speaker it credits nothing to ("what did the GFMD say?"), the
// part of the hearing that dealt with something ("which panel ...?").
func (a *asking) settled() (done bool, err error) {
	e := a.e
	if absent := e.absent(a.words); absent != "" {
		a.Missing, a.Absent, a.Suggestions = []string{absent}, true, e.Suggestions()
		return true, nil
	}
	if done, err := a.speakerAsked(); done || err != nil {
		return done, err
	}
	if len(a.segments) == 0 && asksWhichSegment(a.words) {
		if len(a.people) > 0 {
			return a.theirSegments(), nil // "which panel did Michelle Leighton moderate?"
		}
		return a.whichSegment()
	}
	return false, nil
}

// theirSegments answers which part of the hearing the people named took
// part in: each segment's introduction, and the sentence that names them.
func (a *asking) theirSegments() bool {
	for _, p := range a.people {
		for _, r := range p.Roles {
			for _, s := range []*content.Sentence{introduction(r.Segment), a.e.naming(r.Segment, p)} {
				if s != nil && len(a.Excerpts) < MaxExcerpts {
					a.Excerpts = addExcerpt(a.Excerpts, a.e.excerpt(s, nil))
				}
			}
		}
	}
	return len(a.Excerpts) > 0
}

// speakerAsked reads who a question asks the words of when it names no one
// the hearing knows by name: "What did the GFMD say about the refugee
// compact?" asks for the statements of whoever it describes, and when the
// summary credits none to anyone it could mean, says so.
func (a *asking) speakerAsked() (done bool, err error) {
	if len(a.people) > 0 || len(a.segments) > 0 {
		return false, nil
	}
	subject := saidBy(a.words)
	if len(subject) == 0 || slices.ContainsFunc(who(subject), func(w string) bool {
		_, g := groupWords[w]
		return g || slices.Contains(noOneNamed, w)
	}) {
		return false, nil
	}
	found, err := a.e.described(a.ctx, who(subject))
	if err != nil {
		return false, err
	}
	if len(found) == 0 {
		hits, err := a.search()
		if err != nil {
			return false, err
		}
		a.Unheard = asWritten(a.Question, []string{strings.Join(subject, " ")})[0]
		a.Related, a.Suggestions = a.e.pick(hits, minCoverage, a.named), a.e.Suggestions()
		return true, nil
	}
	a.people = found
	a.read, a.weighed.done = false, false // the subject is no longer part of the topic
	a.rest = slices.DeleteFunc(slices.Clone(a.rest), func(w string) bool { return slices.Contains(subject, w) })
	return false, nil
}
