package answer

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxQuestion is the longest question, in characters, that is read; the rest
// of a longer one is ignored.
const MaxQuestion = 500

var (
	// Slack markup: <@U123>, <@U123|name>, <#C123|general>, <!channel>,
	// <!subteam^S1|@team>, <https://x|label>, <mailto:a@b|a@b>.
	slackLink = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)
	// Emoji codes such as :wave: or :+1: and skin tones (::skin-tone-2:).
	emojiCode = regexp.MustCompile(`:[a-z0-9_+\-]+:(?::skin-tone-\d:)?`)
)

// Normalize turns what a person typed, in Slack or a terminal, into the
// question the engine answers: Slack mentions, broadcasts and links reduced to
// their labels, emoji codes and control characters removed, HTML entities
// decoded, invalid UTF-8 replaced, Unicode composed (NFC), whitespace
// collapsed, and the length capped at MaxQuestion characters.
func Normalize(s string) string {
	s = clean(s)
	if r := []rune(s); len(r) > MaxQuestion {
		s = strings.TrimSpace(string(r[:MaxQuestion]))
	}
	return s
}

// clean is Normalize without the cap on length.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = slackLink.ReplaceAllStringFunc(s, func(m string) string {
		parts := slackLink.FindStringSubmatch(m)
		target, label := parts[1], parts[2]

		if label != "" && !strings.ContainsAny(target[:min(1, len(target))], "@!#") {
			return " " + label + " " // a link's label is what the person wrote
		}
		return " " // mentions, channels, broadcasts and bare URLs carry no question
	})
	s = html.UnescapeString(s) // Slack sends &amp; &lt; &gt;
	s = emojiCode.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\uFFFD' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return ' '
		}
		return r
	}, s)
	s = norm.NFC.String(s)
	return strings.Join(strings.Fields(s), " ") // every Unicode space, not only ASCII
}
