package answer

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"hearingbot/content"
	"hearingbot/index"
)

// fold splits s into lower-case, accent-free words of letters and digits.
func fold(s string) []string {
	return strings.FieldsFunc(index.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// name is one way of writing a person's name (full name, surname, alias)
// or their organisation's (full name, acronym), and the people it names.
type name struct {
	words  []string
	people []*content.Person
}

// names lists every form of every person's name and organisation under its
// first word, longest first, so that "Gómez Camacho" wins over "Gómez".
func names(h *content.Hearing) map[string][]name {
	byForm := map[string]*name{}
	var order []string
	add := func(form string, p *content.Person) {
		words := slices.DeleteFunc(fold(form), func(w string) bool { return slices.Contains(nameFiller, w) })
		if len(words) == 0 {
			return
		}
		key := strings.Join(words, " ")
		n, ok := byForm[key]
		if !ok {
			n = &name{words: words}
			byForm[key] = n
			order = append(order, key)
		}
		if !slices.Contains(n.people, p) {
			n.people = append(n.people, p)
		}
	}
	for _, p := range h.People {
		full := fold(p.Name)
		add(p.Name, p)
		add(full[len(full)-1], p) // surname
		for _, a := range p.Aliases {
			add(a, p)
		}
		if p.Organization == "" {
			continue
		}
		add(p.Organization, p)
		for _, group := range h.Vocabulary.Synonyms { // its acronym: "ILO"
			if slices.ContainsFunc(group, func(m string) bool { return index.Fold(m) == index.Fold(p.Organization) }) {
				for _, m := range group {
					add(m, p)
				}
			}
		}
	}
	byFirst := map[string][]name{}
	for _, key := range order {
		n := *byForm[key]
		byFirst[n.words[0]] = append(byFirst[n.words[0]], n)
	}
	for _, list := range byFirst {
		slices.SortStableFunc(list, func(a, b name) int { return len(b.words) - len(a.words) })
	}
	return byFirst
}

// nameFiller are the small words that names and descriptions are matched
// without: "the head of the UN migration agency" is "head UN migration agency".
var nameFiller = []string{"the", "of", "on", "and", "for", "a", "an", "in", "at", "to", "s"}

// mentions returns the people the words name, in order, once each, and the
// words left when the names are taken out.
func (e *Engine) mentions(words []string) (people []*content.Person, rest []string) {
	var kept []int // positions of the words that are not filler
	for i, w := range words {
		if !slices.Contains(nameFiller, w) {
			kept = append(kept, i)
		}
	}
	used := make([]bool, len(words))
	for k := 0; k < len(kept); {
		n := 0
		for _, nm := range e.names[words[kept[k]]] {
			if k+len(nm.words) <= len(kept) && slices.EqualFunc(nm.words, kept[k:k+len(nm.words)], func(w string, i int) bool { return words[i] == w }) {
				for _, p := range nm.people {
					if !slices.Contains(people, p) {
						people = append(people, p)
					}
				}
				n = len(nm.words)
				break
			}
		}
		if n == 0 {
			k++
			continue
		}
		for i := kept[k]; i <= kept[k+n-1]; i++ {
			used[i] = true
		}
		k += n
	}
	for i, w := range words {
		if !used[i] {
			rest = append(rest, w)
		}
	}
	return people, rest
}

// headWords ask for whoever leads an organisation: "the IOM chief".
var headWords = []string{"head", "chief", "boss", "leader", "director", "president", "dg"}

// leaders narrows several people of one organisation to those who lead it,
// when the words ask for its head; otherwise it returns people unchanged.
func leaders(words []string, people []*content.Person) []*content.Person {
	if len(people) < 2 || !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(headWords, w) }) {
		return people
	}
	var out []*content.Person
	for _, p := range people {
		title := fold(p.Title)
		if slices.ContainsFunc(headWords, func(h string) bool { return slices.Contains(title, h) }) || slices.Contains(title, "general") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return people
	}
	return out
}

func hasPrefix(words, prefix []string) bool {
	return len(words) >= len(prefix) && slices.Equal(words[:len(prefix)], prefix)
}

var (
	ordinals = map[string]int{"first": 1, "1st": 1, "one": 1, "1": 1, "i": 1,
		"second": 2, "2nd": 2, "two": 2, "2": 2, "ii": 2,
		"third": 3, "3rd": 3, "three": 3, "3": 3, "iii": 3,
		"fourth": 4, "4th": 4, "four": 4, "4": 4, "iv": 4, "fifth": 5, "5th": 5, "five": 5, "5": 5,
		"sixth": 6, "6th": 6, "six": 6, "6": 6}
	// words that refer to a panel without its number
	panelWords = []string{"panel", "panels", "panellists", "panelists", "panellist", "panelist"}
	// words that refer to a segment by its kind
	kindWords = map[string][]string{"opening": {"opening", "opened", "beginning", "kickoff"},
		"closing": {"closing", "concluding", "conclusion", "wrap", "wrapping", "wrapup", "closed"}}
	// words for a panel's interactive segment, besides "interactive"
	floorWords = [][]string{{"q", "a"}, {"floor"}, {"questions"}, {"open", "discussion"}, {"dialogue"}}
	// generic words that every panel title shares and that pick no panel
	panelFiller = []string{"panel", "migrat", "migrant", "discuss"}
)

// segments returns the segments the words refer to explicitly: "the first
// panel", "panel 2", "the opening", "the interactive segment", a region
// ("Asia"); and the words that are left when those references are taken out.
func (e *Engine) segments(words []string) (segs []*content.Segment, rest []string) {
	used := make([]bool, len(words))
	use := func(from, to int) {
		for i := from; i < to; i++ {
			used[i] = true
		}
	}
	add := func(s *content.Segment) {
		if s != nil && !slices.Contains(segs, s) {
			segs = append(segs, s)
		}
	}
	panel := e.panelIn(words, use)
	floor := make([]bool, len(words)) // "interactive", "Q&A", "the floor"
	for i, w := range words {
		floor[i] = w == "interactive" || slices.ContainsFunc(floorWords, func(f []string) bool { return hasPrefix(words[i:], f) })
	}
	for _, s := range e.h.Segments {
		for i, w := range words {
			switch {
			case s.Kind == "interactive" && floor[i] && (panel == nil || s.Parent == panel):
				add(s)
				use(i, i+1)
			case slices.Contains(kindWords[s.Kind], w):
				add(s)
				use(i, i+1)
			}
		}
	}
	for i, w := range words {
		for _, a := range e.aliasesByFirst[w] {
			if hasPrefix(words[i:], a.words) {
				add(a.segment)
				if !a.topical {
					use(i, i+len(a.words))
				}
			}
		}
	}
	if len(segs) == 0 {
		add(panel)
	}
	if len(segs) == 1 && !slices.Contains(floor, true) {
		segs[0] = e.besideAsked(words, segs[0], used, use)
	}
	for i, w := range words {
		if !used[i] {
			rest = append(rest, w)
		}
	}
	return segs, rest
}

// panelIn finds the panel words name by number or topic ("the second
// panel", "panel 3", "the last panel", "the trafficking panel"), marking the
// words that named it; nil when they name none.
func (e *Engine) panelIn(words []string, use func(from, to int)) *content.Segment {
	var panel *content.Segment
	for i, w := range words {
		if w != "panel" && w != "panels" {
			continue
		}
		switch {
		case i > 0 && ordinals[words[i-1]] > 0:
			panel = e.h.Panel(ordinals[words[i-1]])
			use(i-1, i+1)
		case i > 0 && words[i-1] == "last":
			panel = e.lastPanel()
			use(i-1, i+1)
		case i+1 < len(words) && ordinals[words[i+1]] > 0:
			panel = e.h.Panel(ordinals[words[i+1]])
			use(i, i+2)
		default:
			// "the trafficking panel", "the panel on irregular migration"
			if p, from, to := e.panelNamed(words, i); p != nil {
				panel = p
				use(from, to)
			}
		}
	}
	return panel
}

// besideAsked is the segment next to seg when the words ask for it ("just
// before the third panel"), marking the words that did; seg otherwise.
func (e *Engine) besideAsked(words []string, seg *content.Segment, used []bool, use func(from, to int)) *content.Segment {
	for i, w := range words {
		if w != "before" && w != "preceding" && w != "after" && w != "following" {
			continue
		}
		refers := i+1 < len(words) && used[i+1] || i+2 < len(words) && used[i+2] // "before (the) opening"
		next := e.beside(seg, w == "after" || w == "following")
		if next == nil || !refers {
			return seg
		}
		use(i, i+1)
		if i > 0 && slices.Contains([]string{"right", "just", "immediately", "directly", "shortly"}, words[i-1]) {
			use(i-1, i) // "right before"
		}
		return next
	}
	return seg
}

// panelNamed returns the panel that the words next to "panel" at i name
// by its topic ("the trafficking panel", "the panel on labour migration"),
// and the range of words that named it; nil when they name none.
func (e *Engine) panelNamed(words []string, i int) (*content.Segment, int, int) {
	from := i
	for from > 0 && i-from < 3 && !slices.Contains(nameFiller, words[from-1]) && ordinals[words[from-1]] == 0 {
		from--
	}
	to := i + 1
	if to < len(words) && (words[to] == "on" || words[to] == "about") {
		// a title's own "and" goes on ("regular pathways and decent work")
		for to++; to < len(words) && to-i <= 7 && (!slices.Contains(nameFiller, words[to]) ||
			words[to] == "and" && to+1 < len(words) && !slices.Contains(nameFiller, words[to+1])); to++ {
		}
	}
	if from == i && to == i+1 {
		return nil, 0, 0
	}
	p := e.panelByTopic(strings.Join(words[from:to], " "))
	return p, from, to
}

// absent returns the words that name, by its number, a panel or a hearing
// the summary does not have ("the fourth panel", "the first hearing": this
// was the second), or "".
func (e *Engine) absent(words []string) string {
	hearing := e.hearingNth
	for i := 0; i+1 < len(words); i++ {
		n, next := ordinals[words[i]], words[i+1]
		if n == 0 || words[i] == "i" || words[i] == "one" {
			continue // "I", "one of the panels"
		}
		if (next == "panel" || next == "panels") && e.h.Panel(n) == nil {
			return words[i] + " panel"
		}
		if hearing > 0 && n != hearing && slices.Contains(words[i+1:min(i+4, len(words))], "hearing") {
			return words[i] + " hearing"
		}
	}
	for i := 0; i+1 < len(words); i++ { // "panel 4"
		if words[i] == "panel" && ordinals[words[i+1]] > 0 && e.h.Panel(ordinals[words[i+1]]) == nil {
			return "panel " + words[i+1]
		}
	}
	return ""
}

// beside returns the top-level segment after s (or before it), or nil.
func (e *Engine) beside(s *content.Segment, after bool) *content.Segment {
	for s.Parent != nil {
		s = s.Parent
	}
	var top []*content.Segment
	for _, t := range e.h.Segments {
		if t.Parent == nil && t.Kind != "overview" {
			top = append(top, t)
		}
	}
	i := slices.Index(top, s)
	switch {
	case i < 0:
		return nil
	case after && i+1 < len(top):
		return top[i+1]
	case !after && i > 0:
		return top[i-1]
	}
	return nil
}

// hearingNumber is the number a hearing's title gives it ("Second informal
// ..."), or 0.
func hearingNumber(title string) int {
	if t := fold(title); len(t) > 0 {
		return ordinals[t[0]]
	}
	return 0
}

func (e *Engine) lastPanel() *content.Segment {
	var last *content.Segment
	for _, s := range e.h.Segments {
		if s.Kind == "panel" {
			last = s
		}
	}
	return last
}

// panelByTopic returns the panel whose title holds the most of the topics
// of text, each whole, in its own words or the hand vocabulary's ("forced
// labour" is the title's "slavery", not its "labour"); nil when none holds
// one or two hold as many.
func (e *Engine) panelByTopic(text string) *content.Segment {
	topics := e.x.Topics(text)
	var best *content.Segment
	bestN := 0
	for _, s := range e.h.Segments {
		if s.Kind != "panel" {
			continue
		}
		holds := func(terms []string) bool {
			terms = slices.DeleteFunc(slices.Clone(terms), func(t string) bool { return slices.Contains(panelFiller, t) })
			return len(terms) > 0 && !slices.ContainsFunc(terms, func(t string) bool { return !slices.Contains(e.panelTerms[s], t) })
		}
		n := 0
		for _, t := range topics {
			if holds(t.Terms) || slices.ContainsFunc(t.Equivalents, func(eq index.Phrase) bool { return !eq.Bridged && holds(eq.Terms) }) {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN = s, n
		case n == bestN:
			best = nil // as close to another: names neither
		}
	}
	return best
}

func containsSeq(words, seq []string) bool { return seqIndex(words, seq) >= 0 }

// seqIndex returns where seq starts in words, or -1.
func seqIndex(words, seq []string) int {
	for i := range words {
		if hasPrefix(words[i:], seq) {
			return i
		}
	}
	return -1
}

var (
	askWho = []string{"who", "whom", "whose"}
	// words that open a question: without one, a phrase naming a person
	// ("the shipping guy") asks who that is
	openers = []string{"what", "which", "who", "whom", "whose", "how", "why", "when", "where", "did", "does", "do",
		"was", "were", "is", "are", "can", "could", "should", "would", "will", "has", "have", "had", "any", "anyone",
		"anybody", "somebody", "someone", "tell", "give", "show", "list", "summarise", "summarize", "recap", "explain", "describe", "in", "on", "at", "according", "during", "after", "before"}
	// nouns that name a person by what they are
	personNouns = []string{"guy", "person", "lady", "woman", "man", "gentleman", "fellow", "chief", "head", "boss",
		"rep", "representative", "official", "director", "speaker", "panellist", "panelist", "moderator", "ambassador",
		"envoy", "delegate", "expert", "lawyer", "chair", "president", "partner", "advocate", "coordinator", "manager"}
	askAfter = []string{"by", "to", "for", "with", "from", "of"}
	// nouns that, after "which" or "what", ask for people or organisations
	askWhich = []string{"partner", "representative", "director", "official", "expert", "lawyer", "ambassador", "delegate", "org", "orgs", "organisation", "organisations", "organization", "organizations", "agency", "agencies", "ngo", "ngos", "union", "unions", "person", "people", "speaker", "speakers", "panellist", "panellists", "panelist", "panelists", "moderator", "moderators", "company", "companies", "group", "groups"}
	onTopic  = []string{"on", "about", "regarding", "towards", "toward", "concerning"}
	askAbout = [][]string{{"job"}, {"role"}, {"title"}, {"position"}, {"org"}, {"organisation"}, {"organization"}, {"affiliation"}, {"employer"}, {"background"}, {"bio"}, {"profile"}, {"work", "for"}, {"works", "for"}, {"work", "at"}, {"works", "at"}, {"represent"}, {"represents"}, {"represented"}, {"representing"}, {"where"}}
	// words that ask for people even without a name: "did anyone speak for unions?"
	askFor    = [][]string{{"name"}, {"names"}, {"called"}, {"speak", "for"}, {"spoke", "for"}, {"speaks", "for"}, {"speaking", "for"}, {"on", "behalf"}, {"represented"}, {"representing"}}
	bareExtra = []string{"exec", "executive", "dir", "director", "deputy", "head", "chief", "mr", "ms", "mrs", "dr", "h", "e", "he", "she", "is", "was", "the", "a", "s", "tell", "me", "about", "please", "info", "information", "card"}

	moderatorWords = []string{"moderated", "moderator", "moderators", "moderate", "moderating", "chaired", "chair", "chairs",
		"chairing", "led", "lead", "leading", "facilitated", "ran", "running", "hosted", "hosting"}
)

// isPersonQuestion reports whether the question asks for people rather than
// for what was said: "who ...", "which organisation ...", "what is X's job",
// or a bare name.
func (e *Engine) isPersonQuestion(words []string, people []*content.Person, rest []string) bool {
	for i, w := range words {
		// "who" asks near the start or after a preposition ("moderated by
		// whom"); later it is a relative: "decide who they let in".
		if slices.Contains(askWho, w) && (i < 3 || slices.Contains(askAfter, words[i-1])) {
			return true
		}
		// "what organisation", "which first-panel speaker"; not "what did
		// the panellists say"
		reach := map[string]int{"which": 3, "what": 1}[w]
		if reach > 0 && slices.ContainsFunc(words[i+1:min(i+1+reach, len(words))], func(n string) bool { return slices.Contains(askWhich, n) }) {
			return true
		}
	}
	for _, a := range askFor {
		if containsSeq(words, a) {
			return true
		}
	}
	if !slices.Contains(openers, words[0]) && slices.ContainsFunc(words, func(w string) bool { return slices.Contains(personNouns, w) }) {
		return true // "the shipping guy", "the person from the platform for undocumented migrants"
	}
	for i, w := range words {
		// "the panellist from the anti-trafficking alliance", "the guy from ICS"
		if (slices.Contains(askWhich, w) || slices.Contains(casual, w)) && i+1 < len(words) && words[i+1] == "from" && len(people) > 0 {
			return true
		}
	}
	if len(people) == 0 {
		return false
	}
	for _, a := range askAbout {
		// "what role did Swing see for NGOs", "his position on detention"
		// ask his view, not his role
		if i := seqIndex(words, a); i >= 0 && !(a[0] != "where" && (nextIn(words, i+len(a)-1, auxiliaries) || nextIn(words, i+len(a)-1, onTopic))) {
			return true
		}
	}
	if n := len(words); words[n-1] == "do" && (n < 2 || words[n-2] != "to") { // "what does Milka Isinta do?", not "... encourage them to do?"
		return true
	}
	for _, w := range rest {
		if !slices.Contains(bareExtra, w) {
			return false
		}
	}
	return true // nothing but a name
}

// personCards answers a person question: the people it names, the moderator
// or panellists of the segment it names, or the people whose title,
// organisation or role match it. exact is true for the first two: the
// hearing's structure answers them, no search is needed.
func (e *Engine) personCards(ctx context.Context, q string, words []string, people []*content.Person, segments []*content.Segment) (cards []Card, exact bool, err error) {
	if len(people) > 0 {
		return e.cards(people), true, nil
	}
	if len(segments) == 0 && slices.ContainsFunc(words, func(w string) bool { return slices.Contains(panelWords, w) }) {
		// "the panel on regional perspectives"
		if p := e.panelByTopic(q); p != nil {
			segments = []*content.Segment{p}
		}
	}
	if len(segments) > 0 {
		var found []*content.Person
		moderator := slices.ContainsFunc(words, func(w string) bool { return slices.Contains(moderatorWords, w) })
		for _, s := range segments {
			found = append(found, segmentPeople(s, moderator)...)
		}
		if len(found) > 1 {
			// "Which first-panel speaker works on organized crime?": those
			// of the segment whose position matches the rest, if any do.
			_, rest := e.segments(words) // "Asia" named the segment: it picks no one in it
			hits, err := e.x.People(ctx, index.Query{Text: strings.Join(rest, " "), Limit: len(e.h.People)})
			if err != nil {
				return nil, false, fmt.Errorf("answer: %w", err)
			}
			var matched []*content.Person
			for _, h := range hits {
				if slices.Contains(found, h.Person) && (len(matched) == 0 || h.Score >= hits[0].Score*minRelative*2) {
					matched = append(matched, h.Person)
				}
			}
			if len(matched) > 0 && len(matched) < len(found) {
				found = matched
			}
		}
		if len(found) > 0 {
			return e.cards(found), true, nil
		}
	}
	hits, err := e.x.People(ctx, index.Query{Text: q, Topics: e.topics(q), Segments: segments, Limit: maxCards})
	if err != nil {
		return nil, false, fmt.Errorf("answer: %w", err)
	}
	var found []*content.Person
	for _, h := range hits {
		if h.Coverage < minPersonCoverage || h.Coverage < hits[0].Coverage {
			break
		}
		found = append(found, h.Person)
	}
	return e.cards(found), false, nil
}

// described returns the people whose name, title, organisation and roles
// match every word of a description ("the shipping guy", "the World Bank":
// not the World Employment Confederation).
func (e *Engine) described(ctx context.Context, words []string) ([]*content.Person, error) {
	words = slices.DeleteFunc(slices.Clone(words), func(w string) bool { return slices.Contains(casual, w) })
	q := strings.Join(words, " ")
	hits, err := e.x.People(ctx, index.Query{Text: q, Topics: e.topics(q), Limit: maxCards})
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	var found []*content.Person
	for _, h := range hits {
		if h.Coverage >= 1 {
			found = append(found, h.Person)
		}
	}
	return found, nil
}

// minPersonCoverage is the share of a person question that a person's name,
// title, organisation and roles must match.
const minPersonCoverage = 0.4

// named returns the people an excerpt names ("The President of the General
// Assembly organized ...").
func (e *Engine) named(x Excerpt) []*content.Person {
	people, _ := e.mentions(fold(x.Text))
	return people
}

// segmentPeople returns a segment's moderator (looking up to the panel a
// discussion belongs to), or its panellists, or its speakers.
func segmentPeople(s *content.Segment, moderator bool) []*content.Person {
	if moderator {
		for ; s != nil; s = s.Parent {
			if s.Moderator != nil {
				return []*content.Person{s.Moderator}
			}
		}
		return nil
	}
	if len(s.Panellists) > 0 {
		return s.Panellists
	}
	return s.Speakers
}

func (e *Engine) cards(people []*content.Person) []Card {
	var out []Card
	for _, p := range people {
		if len(out) == maxCards {
			break
		}
		if !slices.ContainsFunc(out, func(c Card) bool { return c.Person == p }) {
			out = append(out, e.Card(p))
		}
	}
	return out
}

// Card returns a person's card: the person and the sentences the summary
// credits them with.
func (e *Engine) Card(p *content.Person) Card {
	c := Card{Person: p}
	for _, s := range e.h.Sentences {
		if !s.Credits(p) {
			continue
		}
		c.Statements = append(c.Statements, s)
		if g := groupCredited(s); g != nil {
			c.Group = map[bool]string{true: "panel", false: "discussion"}[g.Kind == "panel"]
		} else {
			c.ByName = append(c.ByName, s)
		}
	}
	return c
}

// groupCredited is the panel or discussion whose panellists the summary
// credits s to as a whole ("Panellists underlined …", a discussion's
// statements), or nil when it credits people of their own.
func groupCredited(s *content.Sentence) *content.Segment {
	if len(s.Speakers) < 2 {
		return nil
	}
	for seg := s.Segment; seg != nil; seg = seg.Parent {
		for _, group := range [][]*content.Person{seg.Panellists, seg.Speakers} {
			if len(group) == len(s.Speakers) && !slices.ContainsFunc(s.Speakers, func(p *content.Person) bool { return !slices.Contains(group, p) }) {
				return seg
			}
		}
	}
	return nil
}

// personExcerpts cites, for person cards, the sentences that introduce the
// people and then what the summary credits them with. One person named, or
// described with no segment ("the shipping guy"), gets only their part of a
// list of panellists; one card for "who was on panel 2?" keeps the list.
func (e *Engine) personExcerpts(cards []Card, segments []*content.Segment, named []*content.Person) []Excerpt {
	var picked []*content.Sentence
	add := func(s *content.Sentence) {
		if len(picked) < MaxExcerpts && !slices.Contains(picked, s) {
			picked = append(picked, s)
		}
	}
	for _, c := range cards {
		for _, s := range e.h.Sentences {
			if s.Kind != content.Statement && strings.Contains(s.Text, c.Person.Name) {
				add(s)
				break
			}
		}
	}
	for _, c := range cards {
		for _, s := range c.Statements {
			if len(segments) == 0 || inAny(s, segments) { // "who spoke in the closing?": what they said there
				add(s)
			}
		}
	}
	var out []Excerpt
	for _, s := range picked {
		x := e.excerpt(s, nil)
		if len(cards) == 1 && s.Kind != content.Statement && (slices.Contains(named, cards[0].Person) || len(segments) == 0) {
			x = clipped(x, cards[0].Person) // the person asked about, not the whole panel
		}
		if !slices.ContainsFunc(out, func(o Excerpt) bool { return overlaps(o, x) }) {
			out = append(out, x)
		}
	}
	return out
}

// Sentence is the excerpt of the summary's sentence of index i, whole (with
// the sentence before it when it leans on it), for "Whole sentence".
func (e *Engine) Sentence(i int) (Excerpt, bool) {
	if i < 0 || i >= len(e.h.Sentences) {
		return Excerpt{}, false
	}
	return e.excerpt(e.h.Sentences[i], nil), true
}

// clipped is the part of an excerpt of one sentence, a list of three or
// more people, that names p: from the honorific before their name to the
// next person's, less the words that join them ("; ", " and "). Any other
// excerpt is returned whole.
func clipped(x Excerpt, p *content.Person) Excerpt {
	at := strings.Index(x.Text, p.Name)
	starts := honorific.FindAllStringIndex(x.Text, -1)
	if len(x.Sentences) != 1 || at < 0 || len(starts) < 3 {
		return x
	}
	start, end := 0, len(x.Text)
	for _, h := range starts {
		switch {
		case h[1] <= at:
			start = h[0]
		case end == len(x.Text):
			end = h[0]
		}
	}
	if end < len(x.Text) {
		end = start + len(strings.TrimRight(strings.TrimSuffix(strings.TrimRight(x.Text[start:end], " "), " and"), " ,;"))
	}
	x.ClippedBefore, x.ClippedAfter = start > 0, end < len(x.Text)
	x.Text, x.Highlights = x.Text[start:end], nil
	return x
}

// honorific is where a person's name begins in a list of them.
var honorific = regexp.MustCompile(`\b(?:H\.E\. )?(?:Mr|Ms|Mrs|Dr|Prof)\. `)

// Who returns the cards of the people a name or description points to:
// exact names first ("Gomez Camacho", "lajcak"), then a search of names,
// titles, organisations and roles. No card means no match.
func (e *Engine) Who(ctx context.Context, who string) ([]Card, error) {
	q := Normalize(who)
	if q == "" {
		return nil, ErrEmpty
	}
	if people, _ := e.mentions(fold(q)); len(people) > 0 {
		return e.cards(people), nil
	}
	cards, _, err := e.personCards(ctx, q, fold(q), nil, nil)
	return cards, err
}

// Segment returns the segment text names: a panel's number ("2", "ii",
// "second"), a reference such as "the opening", "panel 3 interactive" or
// "Asia", or words of a panel's title ("smuggling"). It returns nil when text
// names no segment.
func (e *Engine) Segment(text string) *content.Segment {
	words := fold(Normalize(text))
	if len(words) == 0 {
		return nil
	}
	if len(words) == 1 && ordinals[words[0]] > 0 {
		return e.h.Panel(ordinals[words[0]])
	}
	if segs, _ := e.segments(words); len(segs) > 0 {
		return segs[0]
	}
	return e.panelByTopic(text)
}

// naming is the sentence of a segment, or of the segment it is part of, that
// names the person without crediting them: the one that introduces them.
func (e *Engine) naming(seg *content.Segment, p *content.Person) *content.Sentence {
	for ; seg != nil; seg = seg.Parent {
		for _, s := range seg.Sentences {
			if s.Kind != content.Statement && strings.Contains(s.Text, p.Name) {
				return s
			}
		}
	}
	return nil
}
