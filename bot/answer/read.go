package answer

import (
	"regexp"
	"slices"
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
