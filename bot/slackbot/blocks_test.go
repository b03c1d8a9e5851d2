package slackbot

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/content"
	"hearingbot/index"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func engine(t testing.TB) *answer.Engine {
	t.Helper()
	e, err := answer.Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// offline is a Bot that renders replies without talking to Slack.
func offline(t testing.TB) *Bot {
	e := engine(t)
	d, err := digest.New(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return &Bot{engine: e, self: identity{userID: "UBOT", botID: "BBOT"}, cfg: Config{Digests: d, Location: time.UTC, Metrics: noMetrics{}}}
}

func TestGoldenDigest(t *testing.T) {
	d := offline(t).cfg.Digests
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	golden(t, "digest", digestBlocks(d.Today(day)))
}

// golden compares the rendered message with testdata/name.golden.json.
func golden(t *testing.T, name string, m message) {
	t.Helper()
	got, err := json.MarshalIndent(struct {
		Text   string        `json:"text"`
		Blocks []slack.Block `json:"blocks"`
	}{m.Text, m.Blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(strings.TrimSpace(string(want)), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
	checkLimits(t, m)
}

// checkLimits fails when a message breaks one of Slack's limits.
func checkLimits(t *testing.T, m message) {
	t.Helper()
	if len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	if m.Text == "" {
		t.Error("no plain-text fallback")
	}
	b, _ := json.Marshal(m.Blocks)
	var generic []map[string]any
	json.Unmarshal(b, &generic)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok && utf8.RuneCountInString(s) > maxText {
				t.Errorf("a text of %d characters", utf8.RuneCountInString(s))
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(generic)
}

func TestGoldenBlocks(t *testing.T) {
	b := offline(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, kind, text string }{
		{"mention-passage", "mention", "What did the panellists say about labour inspection?"},
		{"mention-person", "mention", "Who moderated the first panel?"},
		{"mention-participants", "mention", "What did participants say about the shipping industry?"},
		{"mention-missing-word", "mention", "What did participants say about firewalls?"},
		{"mention-recap", "mention", "tl;dr of panel 2"},
		{"mention-abstain-broadcast", "mention", "<!channel> what about &lt;b&gt;sourdough&lt;/b&gt; &amp; rye?"},
		{"mention-empty", "mention", "<@UBOT>"},
		{"command-help", "command", "help"},
		{"command-who", "command", "who Claire Falconer"},
		{"command-who-several", "command", "who IOM"},
		{"command-panels", "command", "panels"},
		{"command-panel", "command", "panel 2"},
		{"command-question", "command", "what did the panellists say about recruitment fees?"},
		{"command-unknown", "command", "pannels"},
		{"command-themes", "command", "themes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kindMention
			if tc.kind == "command" {
				k = kindCommand
			}
			posts, err := b.reply(ctx, request{kind: k, text: tc.text, responseURL: "http://x"})
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != 1 {
				t.Fatalf("%d posts", len(posts))
			}
			golden(t, tc.name, posts[0].message)
		})
	}
}

func TestShareRebuildsTheReplyForEveryone(t *testing.T) {
	b := offline(t)
	ctx := context.Background()
	posts, err := b.reply(ctx, request{kind: kindAction, action: actionShare, value: "who Claire Falconer", user: "U123", responseURL: "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 2 || !posts[0].inChannel || !posts[1].deleteOriginal {
		t.Fatalf("want an in-channel post then a deletion, got %+v", posts)
	}
	golden(t, "action-share", posts[0].message)
}

func TestSharedCreditsOnlyARealUserID(t *testing.T) {
	m := shared(message{Text: "x"}, "U1> <!channel", "who x")
	b, _ := json.Marshal(m.Blocks)
	if strings.Contains(string(b), "<!channel") || !strings.Contains(string(b), "Someone shared") {
		t.Errorf("a forged user id got through: %s", b)
	}
}

func TestEscapeNeutralisesMarkup(t *testing.T) {
	for in, want := range map[string]string{
		"<!channel>":         "&lt;!channel&gt;",
		"<@U123|bob> & co":   "&lt;@U123|bob&gt; &amp; co",
		"already &amp; safe": "already &amp;amp; safe",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBold(t *testing.T) {
	text := "labour inspection & fair recruitment <now>"
	spans := []index.Span{{Start: 0, End: 6}, {Start: 7, End: 17}, {Start: 20, End: 24}}
	want := "*labour inspection* &amp; *fair* recruitment &lt;now&gt;"
	if got := bold(text, spans); got != want {
		t.Errorf("bold = %q, want %q", got, want)
	}
}

func TestLongExcerptSplitsAtSpacesWithinLimits(t *testing.T) {
	text := strings.TrimSpace(strings.Repeat("migration governance ", 400)) // 8,399 bytes
	blocks := quote(text, []index.Span{{Start: 0, End: 9}, {Start: len(text) - 10, End: len(text)}})
	if len(blocks) < 3 {
		t.Fatalf("%d blocks for %d bytes", len(blocks), len(text))
	}
	var words int
	for _, bl := range blocks {
		s := bl.(*slack.SectionBlock).Text.Text
		if utf8.RuneCountInString(s) > maxText {
			t.Errorf("section of %d characters", utf8.RuneCountInString(s))
		}
		words += len(strings.Fields(strings.NewReplacer(">", "", "*", "").Replace(s)))
	}
	if words != 800 {
		t.Errorf("%d words quoted, want all 800", words)
	}
}

func TestFitKeepsTheButtons(t *testing.T) {
	var m message
	for range 60 {
		m.Blocks = append(m.Blocks, section("x"))
	}
	m.Blocks = append(m.Blocks, slack.NewActionBlock("", slack.NewButtonBlockElement(actionShare, "v", plain("Share"))))
	got := fit(m)
	if len(got.Blocks) != maxBlocks || got.Blocks[maxBlocks-1].BlockType() != slack.MBTAction {
		t.Errorf("fit: %d blocks, last %s", len(got.Blocks), got.Blocks[len(got.Blocks)-1].BlockType())
	}
}

func TestTruncateKeepsEscapesWhole(t *testing.T) {
	s := strings.Repeat("a", 9) + "&amp;"
	if got := truncate(s, 12); got != strings.Repeat("a", 9)+"…" {
		t.Errorf("truncate = %q", got)
	}
}
