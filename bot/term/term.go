// Package term renders answers, person cards and the hearing's programme for
// a terminal: wrapped text, citations under each excerpt, matched words in
// bold where the terminal supports it.
package term

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/content"
	"hearingbot/index"
)

// Style is how to render.
type Style struct {
	Width    int  // wrap lines at this many characters
	Emphasis bool // use ANSI bold and dim
	All      bool // show the statements a recap leaves out (Response.Rest) too
}

const (
	bold  = "\x1b[1m"
	dim   = "\x1b[2m"
	reset = "\x1b[0m"
)

func (st Style) em(s, code string) string {
	if !st.Emphasis || s == "" {
		return s
	}
	return code + s + reset
}

// WriteResponse renders an answer: excerpts with citations, person cards, or
// the plain statement that the summary does not cover the question.
func WriteResponse(w io.Writer, r answer.Response, st Style) error {
	var b strings.Builder
	if r.Resolved != "" {
		b.WriteString(wrap("(Taken as: "+r.Resolved+")", nil, st, 0, false))
	}
	if r.Cut {
		b.WriteString(wrap(fmt.Sprintf("(Only the first %d characters of the question were read.)", answer.MaxQuestion), nil, st, 0, false))
	}
	if r.Abstained() {
		if h := r.Hedge(); h != "" {
			b.WriteString(wrap(h, nil, st, 0, false))
		} else {
			b.WriteString(wrap(fmt.Sprintf("The hearing's summary does not cover %q.", r.Question), nil, st, 0, false))
		}
		if len(r.Related) > 0 {
			b.WriteString(wrap(st.em(r.RelatedLabel(), bold), nil, Style{Width: st.Width}, 0, false) + "\n")
			for i, x := range r.Related {
				if i > 0 {
					b.WriteString("\n")
				}
				writeExcerpt(&b, i+1, x, st)
			}
			b.WriteString("\n")
		}
		if r.Chat == answer.Greeting || r.Chat == answer.Help {
			for _, q := range r.Examples {
				b.WriteString(wrap("- "+q, nil, st, 2, false))
			}
		}
		if len(r.Suggestions) > 0 {
			b.WriteString("It covers the hearing's segments and the people in them, for example:\n")
			for _, s := range r.Suggestions {
				b.WriteString(wrap("- "+s, nil, st, 2, false))
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	if len(r.People) > 0 {
		writeCards(&b, r.People, st)
		if len(r.Excerpts) > 0 {
			b.WriteString("\n" + st.em("From the summary:", bold) + "\n\n")
		}
	}
	for i, x := range r.Excerpts {
		if i > 0 {
			b.WriteString("\n")
		}
		writeExcerpt(&b, i+1, x, st)
	}
	left := r // what is left to say "more" of
	if st.All && len(r.Rest) > 0 {
		other := fmt.Sprintf("The other %d, in the summary's order:", len(r.Rest))
		if len(r.Rest) == 1 {
			other = "The other one:"
		}
		b.WriteString("\n" + wrapStyled(other, st, 0, dim) + "\n")
		for i, x := range r.Rest {
			if i > 0 {
				b.WriteString("\n")
			}
			writeExcerpt(&b, len(r.Excerpts)+i+1, x, st)
		}
		left.More -= len(r.Rest)
	}
	if more := left.MoreLine(); more != "" {
		b.WriteString("\n" + wrapStyled(more, st, 0, dim))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeExcerpt(b *strings.Builder, n int, x answer.Excerpt, st Style) {
	prefix := fmt.Sprintf("%d. ", n)
	b.WriteString(prefix)
	text := x.Text
	if x.ClippedBefore { // a panellist's part of the list (no highlights to shift)
		text = "… " + text
	}
	if x.ClippedAfter {
		text += " …"
	}
	b.WriteString(strings.TrimPrefix(wrap(text, x.Highlights, st, len(prefix), st.Emphasis), strings.Repeat(" ", len(prefix))))
	b.WriteString(wrapStyled("— "+x.Segment.Title, st, len(prefix), dim))
	switch c := x.Credit(); {
	case c != "":
		b.WriteString(wrapStyled("Credited to "+c, st, len(prefix), dim))
	case x.Kind == content.Introduction:
		b.WriteString(wrapStyled("Introduces the speakers; credits no statement to anyone", st, len(prefix), dim))
	default:
		b.WriteString(wrapStyled("The summary's narrative; credits no one", st, len(prefix), dim))
	}
}

// WriteDigest renders a daily digest: the theme, its description, the
// excerpts with their citations, and an invitation to ask.
func WriteDigest(w io.Writer, d digest.Digest, st Style) error {
	var b strings.Builder
	b.WriteString(wrap(st.em("Daily digest: "+d.Theme.Title, bold), nil, Style{Width: st.Width}, 0, false))
	b.WriteString(wrapStyled(d.Date.Format("Monday 2 January 2006"), st, 0, dim))
	b.WriteString(wrap(d.Theme.Description, nil, st, 0, false) + "\n")
	for i, x := range d.Excerpts {
		if i > 0 {
			b.WriteString("\n")
		}
		writeExcerpt(&b, i+1, x, st)
	}
	b.WriteString("\n" + wrap(askMore, nil, st, 0, false))
	_, err := io.WriteString(w, b.String())
	return err
}

const askMore = "Ask more: hearingbot ask \"QUESTION\", or in Slack mention @hearingbot or use /hearing."

// WriteThemes lists the digest's themes.
func WriteThemes(w io.Writer, themes []*content.Theme, st Style) error {
	var b strings.Builder
	for _, t := range themes {
		b.WriteString(st.em(t.ID, bold) + ": " + t.Title + "\n")
		b.WriteString(wrap(t.Description, nil, st, 3, false))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCards renders person cards.
func WriteCards(w io.Writer, cards []answer.Card, st Style) error {
	var b strings.Builder
	writeCards(&b, cards, st)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCards(b *strings.Builder, cards []answer.Card, st Style) {
	for i, c := range cards {
		if i > 0 {
			b.WriteString("\n")
		}
		p := c.Person
		b.WriteString(st.em(strings.TrimSpace(p.Honorific+" "+p.Name), bold) + "\n")
		if a := p.Affiliation(); a != "" {
			b.WriteString(wrap(a, nil, st, 3, false))
		}
		if p.Role != "" {
			b.WriteString(wrap(p.Role, nil, st, 3, false))
		}
		for _, r := range p.Roles {
			b.WriteString(wrap(r.Label()+", "+r.Segment.Title, nil, st, 3, false))
		}
		b.WriteString(wrapStyled(c.StatementsLine(), st, 3, dim))
	}
}

// WritePanels lists the hearing's segments in order with their people.
func WritePanels(w io.Writer, h *content.Hearing, st Style) error {
	var b strings.Builder
	b.WriteString(st.em(h.Title, bold) + "\n")
	if h.Process != "" {
		b.WriteString(wrap(h.Process, nil, st, 0, false))
	}
	b.WriteString(wrap(fmt.Sprintf("%s, %s", h.Place, h.Date.Format("2 January 2006")), nil, st, 0, false))
	if h.Resolution != "" {
		b.WriteString(wrap("Held in accordance with "+h.Resolution, nil, st, 0, false))
	}
	for _, s := range h.Segments {
		b.WriteString("\n" + wrap(st.em(s.Title, bold), nil, Style{Width: st.Width}, 0, false))
		if s.Moderator != nil {
			b.WriteString(wrap("Moderator: "+s.Moderator.Line(), nil, st, 3, false))
		}
		for _, p := range s.Panellists {
			b.WriteString(wrap("Panellist: "+p.Line(), nil, st, 3, false))
		}
		for _, p := range s.Speakers {
			b.WriteString(wrap("Speaker: "+p.Line(), nil, st, 3, false))
		}
		if s.Kind == "interactive" {
			b.WriteString(wrap("Participants from the floor (unnamed in the summary)", nil, st, 3, false))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func wrapStyled(text string, st Style, indent int, code string) string {
	if !st.Emphasis {
		return wrap(text, nil, st, indent, false)
	}
	lines := strings.SplitAfter(wrap(text, nil, st, indent, false), "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		body := strings.TrimRight(strings.TrimLeft(l, " "), "\n")
		b.WriteString(strings.Repeat(" ", len(l)-len(strings.TrimLeft(l, " "))) + code + body + reset + "\n")
	}
	return b.String()
}

// wrap breaks text into lines of at most st.Width characters, each indented
// by indent spaces, and, when bolding, wraps the bytes within spans in bold.
// Every line ends in a newline.
func wrap(text string, spans []index.Span, st Style, indent int, bolding bool) string {
	width := max(st.Width-indent, 20)
	var b strings.Builder
	line := 0 // visible characters on the current line
	pad := strings.Repeat(" ", indent)
	pos := 0
	for _, word := range strings.Split(text, " ") {
		start := pos
		pos += len(word) + 1
		if word == "" {
			continue
		}
		n := utf8.RuneCountInString(word)
		switch {
		case line == 0:
			b.WriteString(pad)
		case line+1+n > width:
			b.WriteString("\n" + pad)
			line = 0
		default:
			b.WriteString(" ")
			line++
		}
		if bolding {
			b.WriteString(emphasise(word, start, spans))
		} else {
			b.WriteString(word)
		}
		line += n
	}
	b.WriteString("\n")
	return b.String()
}

// emphasise wraps the parts of word (which starts at byte offset start of
// its text) that fall within spans in ANSI bold.
func emphasise(word string, start int, spans []index.Span) string {
	var b strings.Builder
	at := 0
	for _, s := range spans {
		from, to := max(s.Start-start, at), min(s.End-start, len(word))
		if from >= to {
			continue
		}
		b.WriteString(word[at:from] + bold + word[from:to] + reset)
		at = to
	}
	b.WriteString(word[at:])
	return b.String()
}
