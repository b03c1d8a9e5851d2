package slackbot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
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
	actionShare = "share"
	actionWho   = "who_" // + person id
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

// citation is the line under an excerpt: the segment and whom the summary
// credits, with their organisations.
func citation(x answer.Excerpt) string {
	var who string
	switch c := x.Credit(); {
	case c != "":
		who = escape(c)
	case x.Kind == content.Introduction:
		who = "introduces the speakers; credits no statement to anyone"
	default:
		who = "the summary's narrative; credits no one"
	}
	return "_" + escape(x.Segment.Title) + "_ · " + who
}

// answerBlocks renders an answer: person cards, then excerpts, each with its
// citation; or the plain statement that the summary does not cover it.
func answerBlocks(r answer.Response) message {
	if r.Abstained() {
		return noAnswer(r)
	}
	var m message
	if len(r.People) > 0 {
		m.Blocks = append(m.Blocks, cardBlocks(r.People)...)
		if len(r.Excerpts) > 0 {
			m.Blocks = append(m.Blocks, slack.NewDividerBlock(), contextLine("*From the summary:*"))
		}
	}
	for _, x := range r.Excerpts {
		m.Blocks = append(m.Blocks, quote(x.Text, x.Highlights)...)
		m.Blocks = append(m.Blocks, contextLine(citation(x)))
	}
	if more := r.MoreLine(); more != "" {
		m.Blocks = append(m.Blocks, contextLine(more))
	}
	switch {
	case len(r.Excerpts) > 0:
		x := r.Excerpts[0]
		m.Text = fmt.Sprintf("“%s” (%s)", x.Text, x.Segment.Title)
	default:
		m.Text = r.People[0].Person.Name + ", " + r.People[0].Person.Affiliation()
	}
	m.Text = truncate(escape(m.Text), maxFallback)
	return m
}

func noAnswer(r answer.Response) message {
	said := fmt.Sprintf("The hearing's summary does not cover “%s”.", escape(r.Question))
	if h := r.Hedge(); h != "" {
		said = escape(h)
	}
	var m message
	m.Blocks = append(m.Blocks, section(said))
	if len(r.Related) > 0 {
		m.Blocks = append(m.Blocks, contextLine("*Related passages, not an answer:*"))
		for _, x := range r.Related {
			m.Blocks = append(m.Blocks, quote(x.Text, x.Highlights)...)
			m.Blocks = append(m.Blocks, contextLine(citation(x)))
		}
	}
	if len(r.Suggestions) > 0 {
		var b strings.Builder
		b.WriteString("It covers the hearing's segments and the people in them. Try, for example:")
		for _, s := range r.Suggestions {
			b.WriteString("\n• " + escape(s))
		}
		m.Blocks = append(m.Blocks, section(b.String()))
	}
	m.Text = truncate(said, maxFallback)
	m.abstained = true
	return m
}

// cardBlocks renders person cards: name, position, roles, and how many
// statements the summary credits to them.
func cardBlocks(cards []answer.Card) []slack.Block {
	var blocks []slack.Block
	for _, c := range cards {
		p := c.Person
		lines := []string{"*" + escape(strings.TrimSpace(p.Honorific+" "+p.Name)) + "*"}
		if a := p.Affiliation(); a != "" {
			lines = append(lines, escape(a))
		}
		if p.Role != "" {
			lines = append(lines, escape(p.Role))
		}
		for _, r := range p.Roles {
			lines = append(lines, escape(r.Label()+", "+r.Segment.Title))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")), contextLine(c.StatementsLine()))
	}
	return blocks
}

func cardsMessage(cards []answer.Card) message {
	p := cards[0].Person
	return message{Blocks: cardBlocks(cards), Text: truncate(escape(p.Name+", "+p.Affiliation()), maxFallback)}
}

// pickPerson offers buttons when a name matches several people.
func pickPerson(name string, cards []answer.Card) message {
	said := fmt.Sprintf("Several people match “%s”. Whom do you mean?", escape(name))
	var buttons []slack.BlockElement
	for _, c := range cards[:min(len(cards), 5)] {
		buttons = append(buttons, slack.NewButtonBlockElement(actionWho+c.Person.ID, c.Person.ID, plain(truncate(c.Person.Name, maxButtonText))))
	}
	return message{
		Blocks: []slack.Block{section(said), slack.NewActionBlock("", buttons...)},
		Text:   truncate(said, maxFallback),
	}
}

// segmentBlock lists a segment's title and people.
func segmentBlock(s *content.Segment) slack.Block {
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
	if s.Kind == "interactive" {
		lines = append(lines, "Participants from the floor (unnamed in the summary)")
	}
	return section(strings.Join(lines, "\n"))
}

// panelsMessage lists the hearing's segments in order with their people.
func panelsMessage(h *content.Hearing) message {
	m := message{Blocks: []slack.Block{
		slack.NewHeaderBlock(plain(truncate(h.Title, maxHeader))),
		contextLine(escape(fmt.Sprintf("%s, %s", h.Place, h.Date.Format("2 January 2006")))),
	}}
	for _, s := range h.Segments {
		m.Blocks = append(m.Blocks, segmentBlock(s))
	}
	m.Text = truncate(escape(fmt.Sprintf("The programme of the %s", h.Title)), maxFallback)
	return m
}

// panelMessage shows one segment: its people and what the summary credits
// to them, and how to ask about it.
func panelMessage(e *answer.Engine, s *content.Segment) message {
	n := 0
	for _, x := range e.Hearing().Sentences {
		if x.Segment == s && x.Kind != content.Introduction {
			n++
		}
	}
	ask := "panel"
	if s.Number > 0 {
		ask = fmt.Sprintf("panel %d", s.Number)
	}
	return message{
		Blocks: []slack.Block{
			segmentBlock(s),
			contextLine(fmt.Sprintf("The summary gives %d sentences to this segment. Ask, for example: `/hearing what did %s say about …`", n, ask)),
		},
		Text: truncate(escape(s.Title), maxFallback),
	}
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

// helpMessage is the help, after a line saying why it is shown, if any.
func helpMessage(why string) message {
	m := message{Text: "How to ask hearingbot about the hearing"}
	if why != "" {
		m.Blocks = append(m.Blocks, section(why))
	}
	m.Blocks = append(m.Blocks, section(helpText))
	return m
}

// withShare frames a private reply to /hearing: what was asked above, a
// "Share in channel" button below that posts the same reply for everyone.
func withShare(m message, command string) message {
	out := message{Text: m.Text}
	out.Blocks = append(out.Blocks, contextLine("`/hearing "+escape(command)+"`"))
	out.Blocks = append(out.Blocks, m.Blocks...)
	if len(command) <= maxValue {
		out.Blocks = append(out.Blocks, slack.NewActionBlock("",
			slack.NewButtonBlockElement(actionShare, command, plain("Share in channel"))))
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
	out.Blocks = append(out.Blocks, contextLine(fmt.Sprintf("%s shared `/hearing %s`", who, escape(command))))
	out.Blocks = append(out.Blocks, m.Blocks...)
	return out
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
