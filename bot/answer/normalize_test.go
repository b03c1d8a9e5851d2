package answer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<@U024BE7LH> who is lajcak?", "who is lajcak?"},
		{"<@U024BE7LH|bot> hi", "hi"},
		{"<!channel> what about <#C123|general> returns", "what about returns"},
		{"<!here|@here> <!subteam^S1|@team> ILO", "ILO"},
		{"see <https://example.org|labour inspection> please", "see labour inspection please"},
		{"see <https://example.org> too", "see too"},
		{"Q&amp;A &lt;b&gt;", "Q&A <b>"},
		{":wave: rescue at sea :+1::skin-tone-2:", "rescue at sea"},
		{"  many\t\nspaces\u00a0here ", "many spaces here"},
		{"Lajc\u030ca\u0301k", "Lajčák"}, // decomposed -> NFC
		{"zero\u200bwidth", "zero width"},
		{"bad \xff utf8", "bad utf8"},
		{"ctrl\x00\x07chars", "ctrl chars"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeCapsLength(t *testing.T) {
	got := Normalize(strings.Repeat("é", MaxQuestion*3))
	if n := utf8.RuneCountInString(got); n != MaxQuestion {
		t.Errorf("length = %d runes, want %d", n, MaxQuestion)
	}
	if !utf8.ValidString(got) {
		t.Error("cut mid-rune")
	}
}
