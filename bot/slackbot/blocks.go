package slackbot

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/content"
	"hearingbot/index"
)

// Slack's limits, which slack-go does not enforce: over them Slack rejects
// the whole message.
const (
	maxText       = 3000 // characters in a text object
	maxBlocks     = 50
	maxHeader     = 150
	maxButtonText = 75
	maxValue      = 2000 // bytes in a button value
	maxFallback   = 3000 // we keep notification text short, well under Slack's 40,000
)

// Action ids of the buttons the bot renders.
const (
	actionShare      = "share"
	actionWho        = "who_"                 // + person id: their card
	actionSaid       = "said_"                // + person id: what the summary reports they said
	actionAsk        = "ask"                  // the value is a question
	actionPanel      = "panel_"               // + segment id: its people
	actionRun        = "run"                  // the value is a /hearing command
	actionMore       = "more"                 // the value is a question: the rest of its recap
	actionSentence   = "sentence"             // the value is a sentence's index: the whole of a clipped one
	actionHelpful    = "feedback_helpful"     // the value is a feedback: see feedback
	actionNotHelpful = "feedback_not_helpful" // likewise
)

// slackID matches Slack's user, channel and team ids.
var slackID = regexp.MustCompile(`^[A-Z0-9]{2,32}$`)

// message is a reply before it is sent: Block Kit blocks and the plain-text
// fallback that notifications and screen readers use.
type message struct {
	Blocks    []slack.Block
	Text      string
	abstained bool // the summary does not cover the question
}

// escape makes text the bot did not write safe in mrkdwn: Slack reads <...>
// as mentions and links, so "<!channel>" would otherwise ping everyone.
func escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// truncate cuts s to at most n characters, ending in "…" when cut, and never
// inside an escape such as "&amp;".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndexByte(string(r), '&'); i >= 0 && !strings.Contains(string(r)[i:], ";") {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxText), false, false)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

func section(text string) slack.Block { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func contextLine(text string) slack.Block {
	return slack.NewContextBlock("", mrkdwn(text))
}

// quote renders an excerpt as a block quotation with the matched words in
// bold. An excerpt too long for one text object is split at spaces over
// several sections, so no word of the summary is ever cut.
func quote(text string, spans []index.Span) []slack.Block {
	var blocks []slack.Block
	for _, c := range chunks(text, maxText/2) {
		blocks = append(blocks, section("> "+bold(text[c.Start:c.End], shift(spans, c.Start, c.End))))
	}
	return blocks
}

// chunks splits text at spaces into pieces of at most n bytes (a piece with
// no space in it may be longer).
func chunks(text string, n int) []index.Span {
	var out []index.Span
	for start := 0; start < len(text); {
		end := len(text)
		if end-start > n {
			end = start + n
			if i := strings.LastIndexByte(text[start:end], ' '); i > 0 {
				end = start + i
			}
		}
		out = append(out, index.Span{Start: start, End: end})
		start = end
		for start < len(text) && text[start] == ' ' {
			start++
		}
	}
	return out
}

// shift keeps the spans within [from, to) and makes them relative to from.
func shift(spans []index.Span, from, to int) []index.Span {
	var out []index.Span
	for _, s := range spans {
		if s.End <= from || s.Start >= to {
			continue
		}
		out = append(out, index.Span{Start: max(s.Start, from) - from, End: min(s.End, to) - from})
	}
	return out
}

// bold escapes text and wraps the byte ranges in spans in mrkdwn bold.
// Spans separated only by spaces become one bold run ("*labour
// inspection*"): Slack shows "*labour* *inspection*" with stray gaps.
func bold(text string, spans []index.Span) string {
	spans = wholeWords(text, spans)
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if s.Start < at || s.End > len(text) || s.Start >= s.End {
			continue
		}
		for i+1 < len(spans) && spans[i+1].Start >= s.End && strings.TrimSpace(text[s.End:spans[i+1].Start]) == "" && spans[i+1].End <= len(text) {
			i++
			s.End = spans[i].End
		}
		b.WriteString(escape(text[at:s.Start]) + "*" + escape(text[s.Start:s.End]) + "*")
		at = s.End
	}
	b.WriteString(escape(text[at:]))
	return b.String()
}

// label is a segment's short name, for citations: "Panel 2", "Panel 3 ·
// Americas", "Panel 1 · Q&A", "Opening", "Closing".
func label(s *content.Segment) string {
	switch {
	case s.Kind == "panel" && s.Number > 0:
		return fmt.Sprintf("Panel %d", s.Number)
	case s.Parent != nil && s.Kind == "interactive":
		return label(s.Parent) + " · Q&A"
	case s.Parent != nil:
		_, topic, ok := strings.Cut(s.Title, "discussion on ")
		if !ok {
			topic = s.Title
		}
		return label(s.Parent) + " · " + strings.NewReplacer(" and the ", " & ", " and ", " & ").Replace(strings.TrimPrefix(topic, "the "))
	}
	return strings.TrimSuffix(s.Title, " segment")
}

// named is a segment as a sentence names it: "Panel 1, Smuggling of
// migrants, …", "the opening", "the remarks by the Director General of IOM".
func named(s *content.Segment) string {
	if s.Kind == "panel" && s.Number > 0 {
		if _, topic, ok := strings.Cut(s.Title, ": "); ok {
			return label(s) + ", " + topic
		}
		return label(s)
	}
	if s.Parent != nil {
		return label(s)
	}
	return "the " + lowerFirst(strings.TrimSuffix(s.Title, " segment"))
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// speaker names a person as a citation does: with the organisation's
// acronym ("Jeroen Beirnaert (ITUC)"), a short organisation or title, or
// alone. Full titles live in person cards.
func speaker(p *content.Person) string {
	const short = 40
	switch {
	case p.OrgShort != "":
		return p.Name + " (" + p.OrgShort + ")"
	case p.Short != "":
		return p.Name + " (" + p.Short + ")"
	case p.Organization != "" && utf8.RuneCountInString(p.Organization) <= short:
		return p.Name + " (" + p.Organization + ")"
	case p.Organization == "" && p.Title != "" && utf8.RuneCountInString(p.Title) <= short:
		return p.Name + " (" + p.Title + ")"
	}
	return p.Name
}

// wholeWords widens each span to the whole hyphenated word it is part of:
// "*Sector-wide*", not "*Sector*-wide".
func wholeWords(text string, spans []index.Span) []index.Span {
	out := make([]index.Span, len(spans))
	for i, s := range spans {
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			out[i] = s
			continue
		}
		for s.Start > 1 && text[s.Start-1] == '-' && isWordByte(text[s.Start-2]) {
			s.Start--
			for s.Start > 0 && isWordByte(text[s.Start-1]) {
				s.Start--
			}
		}
		for s.End+1 < len(text) && text[s.End] == '-' && isWordByte(text[s.End+1]) {
			s.End++
			for s.End < len(text) && isWordByte(text[s.End]) {
				s.End++
			}
		}
		out[i] = s
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// citation is the line under an excerpt: where in the hearing, and whom the
// summary credits, or what kind of sentence it is when it credits no one.
// Who is credited is the summary's; only how it is shown is short: surnames
// ("Panel 2 · panellists Beirnaert, Bingham and de Boer"), one person with
// an acronym ("Opening · Swing (IOM)"), full titles in person cards.
func citation(x answer.Excerpt) string {
	where := escape(label(x.Segment))
	panel := panelOf(x.Segment)
	whole := len(x.Speakers) > 1 && panel != nil && sameSet(x.Speakers, panel.Panellists)
	var who string
	switch {
	case len(x.Speakers) == 0 && x.Participants:
		who = "participants in the discussion"
	case len(x.Speakers) == 0 && x.Kind == content.Introduction:
		return where + " · from the summary's introduction of the speakers"
	case len(x.Speakers) == 0:
		return where + " · from the summary's own account"
	case len(x.Speakers) == 1 && !x.Participants:
		who = shortSpeaker(x.Speakers[0])
	case whole && !x.Participants:
		who = "panellists " + surnames(x.Speakers, "")
	case x.Participants:
		who = surnames(x.Speakers, "the floor")
	default:
		who = surnames(x.Speakers, "")
	}
	return where + " · " + escape(who)
}

// maxNamed is how many people a citation names before "and 3 others", so
// that it stays one line.
const maxNamed = 4

// surnames lists people by surname, then last if set: "Lederer, Lema and
// the floor"; past maxNamed, "and 3 others".
func surnames(people []*content.Person, last string) string {
	var names []string
	for _, p := range people[:min(len(people), maxNamed)] {
		names = append(names, p.Surname())
	}
	if n := len(people) - maxNamed; n > 0 {
		names = append(names, fmt.Sprintf("%d other%s", n, map[bool]string{true: "s"}[n > 1]))
	}
	if last != "" {
		names = append(names, last)
	}
	return andList(names)
}

// shortSpeaker names one person in a citation: surname and acronym ("Swing
// (IOM)"), a short organisation or title, or the whole name.
func shortSpeaker(p *content.Person) string {
	if s := speaker(p); s != p.Name {
		return p.Surname() + strings.TrimPrefix(s, p.Name)
	}
	return p.Name
}

// panelOf is the panel a segment is or belongs to, or nil.
func panelOf(s *content.Segment) *content.Segment {
	for ; s != nil; s = s.Parent {
		if len(s.Panellists) > 0 {
			return s
		}
	}
	return nil
}

// sameSet reports whether a and b hold the same people.
func sameSet(a, b []*content.Person) bool {
	if len(a) != len(b) {
		return false
	}
	for _, p := range a {
		if !slices.Contains(b, p) {
			return false
		}
	}
	return true
}

// andList joins "a", "b" and "c" as "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// excerptBlocks quotes excerpts, each with its citation; consecutive
// excerpts with the same citation share one, under the last of them.
func excerptBlocks(xs []answer.Excerpt) []slack.Block {
	xs = byCitation(xs)
	var blocks []slack.Block
	for i, x := range xs {
		text := x.Text
		if x.ClippedBefore { // a panellist's part of the list (no highlights to shift)
			text = "… " + text
		}
		if x.ClippedAfter {
			text += " …"
		}
		blocks = append(blocks, quote(text, x.Highlights)...)
		if c := citation(x); i+1 == len(xs) || citation(xs[i+1]) != c {
			blocks = append(blocks, contextLine(c))
		}
		if x.Clipped() { // the list it was cut from, one click away
			blocks = append(blocks, slack.NewActionBlock("", slack.NewButtonBlockElement(actionSentence,
				strconv.Itoa(x.Sentences[0].Index), plain("Whole sentence"))))
		}
	}
	return blocks
}

// byCitation orders excerpts so that those with the same citation stand
// together, each group where its first excerpt stood: a citation is shown
// once.
func byCitation(xs []answer.Excerpt) []answer.Excerpt {
	var order []string
	groups := map[string][]answer.Excerpt{}
	for _, x := range xs {
		c := citation(x)
		if _, ok := groups[c]; !ok {
			order = append(order, c)
		}
		groups[c] = append(groups[c], x)
	}
	out := make([]answer.Excerpt, 0, len(xs))
	for _, c := range order {
		out = append(out, groups[c]...)
	}
	return out
}

// answerBlocks renders an answer: for people, a line that answers, built
// from the data ("*Ilias Chatzis* (UNODC) moderated Panel 1, …"), then the
// passages that say so; otherwise the excerpts, each with its citation; or
// what the summary lacks.
func answerBlocks(r answer.Response) message {
	m := answered(r)
	if fb := feedbackBlock(r); fb != nil {
		m.Blocks = append(m.Blocks, fb)
	}
	return m
}

// answered is an answer without its feedback buttons: what a click on one
// leaves, with a thank-you.
func answered(r answer.Response) message {
	m := answerBody(r)
	if r.Resolved != "" {
		m.Blocks = append(m.Blocks, contextLine("Taken as “"+escape(r.Resolved)+"”"))
	}
	if r.Cut {
		m.Blocks = append(m.Blocks, contextLine(fmt.Sprintf("Only the first %d characters of the question were read.", answer.MaxQuestion)))
	}
	return m
}

// feedback is what a feedback button carries: the question, as answered,
// and the sentences the answer quoted, so that a click can be logged and
// the answer rebuilt without it.
type feedback struct {
	Question  string `json:"q"`
	Sentences []int  `json:"s,omitempty"`
}

// feedbackBlock offers "Helpful" and "Not helpful" under an answer; nil
// when its value would not fit.
func feedbackBlock(r answer.Response) slack.Block {
	fb := feedback{Question: r.Question}
	if r.Resolved != "" {
		fb.Question = r.Resolved
	}
	for _, x := range r.Excerpts {
		for _, s := range x.Sentences {
			fb.Sentences = append(fb.Sentences, s.Index)
		}
	}
	value, err := json.Marshal(fb)
	if err != nil || len(value) > maxValue {
		return nil
	}
	return slack.NewActionBlock("feedback",
		slack.NewButtonBlockElement(actionHelpful, string(value), plain("Helpful")),
		slack.NewButtonBlockElement(actionNotHelpful, string(value), plain("Not helpful")))
}

func answerBody(r answer.Response) message {
	if r.Abstained() {
		return noAnswer(r)
	}
	var m message
	if len(r.People) > 0 {
		m = peopleBlocks(r.People)
	}
	m.Blocks = append(m.Blocks, excerptBlocks(r.Excerpts)...)
	if r.More > 0 && len(r.Question) <= maxValue {
		m.Blocks = append(m.Blocks, slack.NewActionBlock("", slack.NewButtonBlockElement(actionMore, r.Question,
			plain(fmt.Sprintf("%d more from the summary", r.More)))))
	}
	if len(r.People) == 0 {
		x := r.Excerpts[0]
		m.Text = truncate(escape("“"+x.Text+"” — "+label(x.Segment)), maxFallback)
	}
	return m
}

// moreBlocks shows the rest of a recap.
func moreBlocks(r answer.Response) message {
	if len(r.Rest) == 0 {
		return message{Blocks: []slack.Block{section("Nothing more from the summary on that.")}, Text: "Nothing more from the summary on that."}
	}
	m := message{Blocks: excerptBlocks(r.Rest)}
	x := r.Rest[0]
	m.Text = truncate(escape("“"+x.Text+"” — "+label(x.Segment)), maxFallback)
	return m
}

// peopleBlocks answers with people: for each, a line that says who they
// are and what they did at the hearing, their full position under it, and
// how much the summary reports of what they said, with a button for it.
func peopleBlocks(cards []answer.Card) message {
	var lines, plainLines, said []string
	var buttons []slack.BlockElement
	for _, c := range cards {
		line := lead(c.Person, true)
		if a := c.Person.Affiliation(); a != "" {
			line += "\n" + escape(a)
		}
		lines = append(lines, line)
		plainLines = append(plainLines, lead(c.Person, false))
		said = append(said, c.StatementsLine())
		if len(c.Statements) > 0 && len(buttons) < 5 {
			what := "What " + c.Person.Surname() + " said"
			if len(c.ByName) == 0 { // the summary credits their discussion, not them
				what = "What " + c.Person.Surname() + "'s " + c.Group + " said"
			}
			buttons = append(buttons, slack.NewButtonBlockElement(actionSaid+c.Person.ID, c.Person.ID, plain(truncate(what, maxButtonText))))
		}
	}
	m := message{Blocks: []slack.Block{section(strings.Join(lines, "\n\n"))}}
	if len(cards) == 1 {
		m.Blocks = append(m.Blocks, contextLine(said[0]))
	}
	if len(buttons) > 0 {
		m.Blocks = append(m.Blocks, slack.NewActionBlock("", buttons...))
	}
	m.Text = truncate(escape(strings.Join(plainLines, " ")), maxFallback)
	return m
}

// lead is the line that answers who someone is at the hearing: "Ilias
// Chatzis (UNODC) moderated Panel 1, Smuggling of migrants, …", the name in
// bold when md.
func lead(p *content.Person, md bool) string {
	var did []string
	for i, r := range p.Roles {
		if i > 0 && p.Roles[i-1].Role == r.Role && r.Segment.Parent == p.Roles[i-1].Segment {
			// "a panellist in Panel 3, Regional perspectives on migration (Americas)"
			did[len(did)-1] += " (" + strings.TrimPrefix(label(r.Segment), label(r.Segment.Parent)+" · ") + ")"
			continue
		}
		switch {
		case r.Role == "moderator":
			did = append(did, "moderated "+named(r.Segment))
		case r.Role == "panellist":
			did = append(did, "was a panellist in "+named(r.Segment))
		case r.Segment.Kind == "remarks":
			did = append(did, "gave "+named(r.Segment))
		default:
			did = append(did, "spoke in "+named(r.Segment))
		}
	}
	name := escape(speaker(p))
	if md {
		name = "*" + escape(p.Name) + "*" + strings.TrimPrefix(escape(speaker(p)), escape(p.Name))
	}
	switch {
	case p.Role != "" && len(did) > 0:
		return name + ", " + escape(lowerFirst(p.Role)) + ", " + escape(andList(did)) + "."
	case p.Role != "":
		return name + ": " + escape(lowerFirst(p.Role)) + "."
	case len(did) > 0:
		return name + " " + escape(andList(did)) + "."
	}
	return name + "."
}

// noAnswer says what the summary lacks, first, then shows related passages
// as related, and offers questions it does answer as buttons.
func noAnswer(r answer.Response) message {
	said := fmt.Sprintf("The hearing's summary does not cover “%s”.", escape(r.Question))
	if h := r.Hedge(); h != "" {
		said = escape(h)
	}
	plainSaid := said
	if !r.Figure && !r.Absent {
		for _, w := range r.Missing { // "The summary does not mention *firewalls*."
			said = strings.Replace(said, " "+escape(w), " *"+escape(w)+"*", 1)
		}
	}
	m := message{Blocks: []slack.Block{section(said)}, abstained: true}
	if len(r.Related) > 0 {
		m.Blocks[0] = section(said + "\n*" + r.RelatedLabel() + "*")
		m.Blocks = append(m.Blocks, excerptBlocks(r.Related)...)
	}
	if len(r.Examples) > 0 {
		m.Blocks = append(m.Blocks, section("Questions it answers:"), askButtons(r.Examples))
	}
	m.Text = truncate(plainSaid, maxFallback)
	return m
}

// askButtons are buttons that ask questions.
func askButtons(questions []string) slack.Block {
	var buttons []slack.BlockElement
	for i, q := range questions[:min(len(questions), 5)] {
		if len(q) <= maxValue { // action ids are unique within a message
			buttons = append(buttons, slack.NewButtonBlockElement(fmt.Sprint(actionAsk, i), q, plain(truncate(q, maxButtonText))))
		}
	}
	return slack.NewActionBlock("", buttons...)
}

// cardsMessage answers "/hearing who NAME" for one person.
func cardsMessage(cards []answer.Card) message { return peopleBlocks(cards) }

// pickPerson offers a button for each person a name matches, labelled with
// what they are, so the asker can tell them apart.
func pickPerson(name string, cards []answer.Card) message {
	said := fmt.Sprintf("Several people match “%s”. Whom do you mean?", escape(name))
	var buttons []slack.BlockElement
	for _, c := range cards[:min(len(cards), 5)] {
		buttons = append(buttons, slack.NewButtonBlockElement(actionWho+c.Person.ID, c.Person.ID,
			plain(truncate(c.Person.Name+" · "+position(c.Person), maxButtonText))))
	}
	return message{
		Blocks: []slack.Block{section(said), slack.NewActionBlock("", buttons...)},
		Text:   truncate(said, maxFallback),
	}
}

// position is what someone is, short: "Director General, IOM".
func position(p *content.Person) string {
	org := p.OrgShort
	if org == "" {
		org = p.Organization
	}
	switch {
	case p.Title != "" && org != "":
		return p.Title + ", " + org
	case p.Title != "":
		return p.Title
	}
	return org
}

// segmentBlock shows a segment: its title, moderator, panellists and
// speakers, with their positions, and the parts a panel had.
func segmentBlock(s *content.Segment, parts []*content.Segment) slack.Block {
	lines := []string{"*" + escape(s.Title) + "*"}
	if s.Moderator != nil {
		lines = append(lines, "Moderator: "+escape(s.Moderator.Line()))
	}
	for _, p := range s.Panellists {
		lines = append(lines, "Panellist: "+escape(p.Line()))
	}
	for _, p := range s.Speakers {
		lines = append(lines, "Speaker: "+escape(p.Line()))
	}
	if line := partsLine(s, parts); line != "" {
		lines = append(lines, line)
	}
	return section(strings.Join(lines, "\n"))
}

// partsLine names a segment's parts on one line, with who took part in each:
// "Discussions: Americas (Lederer, Lema) · Africa & Europe (…)", "Then: a
// Q&A with the floor"; "" when it has none.
func partsLine(s *content.Segment, parts []*content.Segment) string {
	var discussions []string
	qa := false
	for _, p := range parts {
		if p.Kind == "interactive" {
			qa = true
			continue
		}
		d := escape(strings.TrimPrefix(label(p), label(s)+" · "))
		if people := append(slices.Clone(p.Panellists), p.Speakers...); len(people) > 0 {
			d += " (" + escape(surnames(people, "")) + ")"
		}
		discussions = append(discussions, d)
	}
	var out []string
	if len(discussions) > 0 {
		out = append(out, "Discussions: "+strings.Join(discussions, " · "))
	}
	if qa {
		out = append(out, "Then: a Q&amp;A with the floor")
	}
	return strings.Join(out, "\n")
}

// programme is the hearing's top-level segments, in order, without the
// overview.
func programme(h *content.Hearing) []*content.Segment {
	var out []*content.Segment
	for _, s := range h.Segments {
		if s.Parent == nil && s.Kind != "overview" {
			out = append(out, s)
		}
	}
	return out
}

// segmentLine is a segment's label in bold, and a panel's topic after it.
func segmentLine(s *content.Segment) string {
	line := "*" + escape(label(s)) + "*"
	if _, topic, ok := strings.Cut(s.Title, ": "); ok && s.Kind == "panel" {
		line += " · " + escape(topic)
	}
	return line
}

// panelsMessage is the programme at a glance: one line for each segment of
// the hearing, its parts on the same line, and a button for its people.
func panelsMessage(h *content.Hearing) message {
	m := message{Blocks: []slack.Block{
		slack.NewHeaderBlock(plain(truncate(h.Title, maxHeader))),
		contextLine(escape(fmt.Sprintf("%s · %s", h.Place, h.Date.Format("2 January 2006")))),
	}}
	for _, s := range programme(h) {
		line := segmentLine(s)
		var who []string
		if s.Moderator != nil {
			who = append(who, "moderated by "+escape(speaker(s.Moderator)))
		}
		if n := len(s.Panellists); n > 0 {
			who = append(who, fmt.Sprintf("%d panellists", n))
		}
		if len(s.Speakers) > 0 && s.Moderator == nil {
			var names []string
			for _, p := range s.Speakers {
				names = append(names, speaker(p))
			}
			who = append(who, escape(andList(names)))
		}
		if len(who) > 0 {
			line += "\n" + strings.Join(who, ", ")
		}
		var parts []string
		for _, p := range h.Parts(s) {
			if p.Kind != "interactive" {
				parts = append(parts, escape(strings.TrimPrefix(label(p), label(s)+" · ")))
			}
		}
		if len(parts) > 0 {
			line += "\nDiscussions: " + strings.Join(parts, " · ")
		}
		button := slack.NewButtonBlockElement(actionPanel+s.ID, s.ID, plain("People"))
		m.Blocks = append(m.Blocks, slack.NewSectionBlock(mrkdwn(line), nil, slack.NewAccessory(button)))
	}
	m.Text = truncate(escape(fmt.Sprintf("The programme of the %s", h.Title)), maxFallback)
	return m
}

// homeView is the app's Home tab: the hearing at a glance, one line for
// each segment with its moderator, today's digest theme, questions to try
// (answered in the user's DM with the bot) and how to ask.
func homeView(e *answer.Engine, d *digest.Digester, today time.Time) message {
	h := e.Hearing()
	m := message{Text: h.Title, Blocks: []slack.Block{
		slack.NewHeaderBlock(plain(truncate(h.Title, maxHeader))),
		contextLine(escape(fmt.Sprintf("%s · %s · from the hearing's official summary, quoted word for word", h.Place, h.Date.Format("2 January 2006")))),
	}}
	var lines []string
	for _, s := range programme(h) {
		line := segmentLine(s)
		if s.Moderator != nil {
			line += " · moderated by " + escape(speaker(s.Moderator))
		}
		lines = append(lines, line)
	}
	m.Blocks = append(m.Blocks, section(strings.Join(lines, "\n")))
	if d != nil {
		t := d.ThemeOf(today)
		m.Blocks = append(m.Blocks, section("*Today's digest:* "+escape(t.Title)+"\n"+escape(t.Description)))
	}
	m.Blocks = append(m.Blocks, slack.NewDividerBlock(), section("*Try a question* (the answer comes in your messages with me):"),
		askButtons(e.Examples()), slack.NewDividerBlock(),
		section("*How to ask:* mention me in a channel (`@hearingbot who moderated the first panel?`) and I answer in the thread, "+
			"where you can go on without mentioning me (“and the second one?”); write to me in *Messages*; or use `/hearing`: "+
			"`/hearing panels`, `/hearing who Claire Falconer`, `/hearing help`."))
	return m
}

// panelMessage shows one segment: its people, its parts, how much the
// summary says of it, and how to ask about it.
func panelMessage(e *answer.Engine, s *content.Segment) message {
	parts := e.Hearing().Parts(s)
	own, inParts := 0, 0
	for _, x := range e.Hearing().Sentences {
		switch {
		case x.Kind == content.Introduction || x.Kind == content.Heading:
		case x.Segment == s:
			own++
		case slices.Contains(parts, x.Segment):
			inParts++
		}
	}
	what, ask := "the "+lowerFirst(strings.TrimSuffix(s.Title, " segment")), "/hearing what was said in the "+lowerFirst(strings.TrimSuffix(s.Title, " segment"))+" about …"
	if s.Kind == "panel" && s.Number > 0 {
		what, ask = "the panel as a whole", fmt.Sprintf("/hearing what did panel %d say about …", s.Number)
	}
	said := "The summary has " + count(own, "sentence") + " on " + what
	if inParts > 0 {
		said += fmt.Sprintf(" and %d on its parts", inParts)
	}
	return message{
		Blocks: []slack.Block{
			segmentBlock(s, parts),
			contextLine(said + ". Ask, for example: `" + ask + "`"),
		},
		Text: truncate(escape(s.Title), maxFallback),
	}
}

// count is "1 sentence", "3 sentences".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const helpText = "*Ask me about the Second informal interactive multi-stakeholder hearing on the Global Compact for Migration (Geneva, 11 October 2017).* " +
	"Every answer quotes the hearing's official summary word for word and says who the summary credits.\n" +
	"• `/hearing &lt;question&gt;` or `/hearing ask &lt;question&gt;`: an answer only you see, with a button to share it\n" +
	"• `/hearing who &lt;name&gt;`: a person card, e.g. `/hearing who Claire Falconer`\n" +
	"• `/hearing panels`: the programme, with moderators and panellists\n" +
	"• `/hearing panel &lt;number or words&gt;`: one panel, e.g. `/hearing panel 2` or `/hearing panel smuggling`\n" +
	"• `/hearing themes`: the hearing's themes; `/hearing digest [theme]`: preview a daily digest\n" +
	"• `/hearing help`: this help\n" +
	"Or mention me in a channel (`@hearingbot who moderated the first panel?`) and I answer in the thread, or write to me directly."

// chatMessage answers a message that asked nothing of the hearing: a
// greeting with what the bot does and questions to try, the help, or a
// short reply to thanks.
func chatMessage(r answer.Response) message {
	try := func(m message) message {
		if len(r.Examples) > 0 {
			m.Blocks = append(m.Blocks, askButtons(r.Examples[:min(3, len(r.Examples))]))
		}
		return m
	}
	switch r.Chat {
	case answer.Greeting:
		m := try(message{Blocks: []slack.Block{section(escape(r.Hedge()))}, Text: truncate(escape(r.Hedge()), maxFallback)})
		m.Blocks = append(m.Blocks, contextLine("More ways to ask: `/hearing help`"))
		return m
	case answer.Help:
		return try(helpMessage(""))
	}
	return message{Blocks: []slack.Block{section(escape(r.Hedge()))}, Text: escape(r.Hedge())}
}

// helpMessage is the help, after a line saying why it is shown, if any.
func helpMessage(why string) message {
	m := message{Text: "How to ask hearingbot about the hearing"}
	if why != "" {
		m.Blocks = append(m.Blocks, section(why))
	}
	m.Blocks = append(m.Blocks, section(helpText))
	return m
}

// private frames a private reply to /hearing or a button: what was asked
// above it, as typed, and below it a "Share in channel" button when share
// (the command that rebuilds the reply exactly) is set.
func private(m message, asked, share string) message {
	out := message{Text: m.Text, abstained: m.abstained}
	out.Blocks = append(out.Blocks, echo("`"+userText(asked)+"`"))
	out.Blocks = append(out.Blocks, m.Blocks...)
	if share != "" && len(share) <= maxValue {
		out.Blocks = append(out.Blocks, slack.NewActionBlock("",
			slack.NewButtonBlockElement(actionShare, share, plain("Share in channel"))))
	}
	return out
}

// shared frames a reply a user chose to share in the channel.
func shared(m message, user, command string) message {
	out := message{Text: m.Text}
	who := "Someone"
	if slackID.MatchString(user) {
		who = "<@" + user + ">" // a checked id: it cannot smuggle in markup
	}
	out.Blocks = append(out.Blocks, echo(who+" shared `/hearing "+userText(command)+"`"))
	out.Blocks = append(out.Blocks, m.Blocks...)
	return out
}

// echo is a context line that shows what someone typed: verbatim, so that
// Slack turns none of it into links or mentions.
func echo(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxText), false, true))
}

// userText makes text a user typed safe to show inside the bot's own
// formatting: escaped, with backticks that would end a code span and
// broadcast words that would ping a channel neutralised.
func userText(s string) string {
	s = escape(strings.ReplaceAll(s, "`", "ʼ"))
	return broadcast.ReplaceAllString(s, "@\u2060$1")
}

var broadcast = regexp.MustCompile(`(?i)@(channel|here|everyone)`)

// didYouMean answers a mistyped subcommand with the one it is near, and a
// button that runs it.
func didYouMean(typed, command string) message {
	said := "Did you mean `/hearing " + command + "`?"
	return message{
		Blocks: []slack.Block{section(said), slack.NewActionBlock("",
			slack.NewButtonBlockElement(actionRun, command, plain("/hearing "+command)))},
		Text: "Did you mean /hearing " + command + "?",
	}
}

// fit keeps a message within Slack's block limit, saying so where it cuts;
// a closing row of buttons stays.
func fit(m message) message {
	if len(m.Blocks) <= maxBlocks {
		return m
	}
	last := m.Blocks[len(m.Blocks)-1]
	keep := maxBlocks - 1
	if last.BlockType() == slack.MBTAction {
		keep--
	}
	blocks := append(m.Blocks[:keep:keep], contextLine("…and more than fits in one message; ask a narrower question."))
	if last.BlockType() == slack.MBTAction {
		blocks = append(blocks, last)
	}
	m.Blocks = blocks
	return m
}
