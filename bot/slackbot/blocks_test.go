package slackbot

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
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
	return &Bot{engine: e, self: identity{userID: "UBOT", botID: "BBOT"}, cfg: Config{Digests: d, Location: time.UTC, Metrics: noMetrics{}}, threads: newDedupe(time.Hour, 100)}
}

func TestGoldenDigest(t *testing.T) {
	d := offline(t).cfg.Digests
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	top, thread := digestParts(d.Today(day))
	golden(t, "digest", top)
	golden(t, "digest-thread", thread)
	golden(t, "digest-preview", previewBlocks(d.Today(day)))
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
		{"mention-related", "mention", "What did the closing segment say about detention?"},
		{"mention-people", "mention", "who spoke for the unions?"},
		{"mention-greeting", "mention", "<@UBOT> hi!"},
		{"mention-help", "mention", "<@UBOT> help"},
		{"mention-thanks", "mention", "<@UBOT> thanks!"},
		{"mention-clipped", "mention", "who is john murray"},
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

// TestGoldenActions: what each button answers, privately.
func TestGoldenActions(t *testing.T) {
	b := offline(t)
	for _, tc := range []struct{ name, action, value string }{
		{"action-who", actionWho + "william-lacy-swing", "william-lacy-swing"},
		{"action-said", actionSaid + "louise-arbour", "louise-arbour"},
		{"action-ask", actionAsk + "0", "Who moderated panel 1?"},
		{"action-panel", actionPanel + "panel-3", "panel-3"},
		{"action-run", actionRun, "panels"},
		{"action-more", actionMore, "tl;dr of panel 2"},
		{"action-sentence", actionSentence, "34"}, // the third panel's list of panellists
	} {
		t.Run(tc.name, func(t *testing.T) {
			posts, err := b.reply(context.Background(), request{kind: kindAction, action: tc.action, value: tc.value, user: "U1", responseURL: "http://x"})
			if err != nil || len(posts) != 1 || !posts[0].viaResponseURL || posts[0].inChannel {
				t.Fatalf("want one private reply, got %+v, %v", posts, err)
			}
			golden(t, tc.name, posts[0].message)
		})
	}
	golden(t, "error", errorReply(request{kind: kindMention})[0].message)
	golden(t, "home", homeView(b.engine, b.cfg.Digests, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)))
	golden(t, "busy", message{Text: refusal(errBusy), Blocks: []slack.Block{section(refusal(errBusy))}})
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

// texts returns the text a message shows in sections (quoted and written
// text) and in context lines (citations and small print), each line apart.
func texts(m message) (sections []string, contexts []string) {
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				sections = append(sections, b.Text.Text)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					contexts = append(contexts, t.Text)
				}
			}
		}
	}
	return sections, contexts
}

// runes counts the characters a person sees: escapes as the character
// they stand for, without mrkdwn's bold and quote marks.
func runes(ss []string) int {
	seen := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "*", "", "> ", "")
	n := 0
	for _, s := range ss {
		n += utf8.RuneCountInString(seen.Replace(s))
	}
	return n
}

// TestAnswersReadAtAGlance holds every answer to issue 11's measures:
// citations short beside what they cite, none repeated, each under 120
// characters on screen; person answers name the person first; a missing word said.
func TestAnswersReadAtAGlance(t *testing.T) {
	b := offline(t)
	questions := []string{
		"What did the panellists say about recruitment fees?", "Who moderated the first panel?",
		"What did participants say about the shipping industry?", "tl;dr of panel 2", "What did Swing say?",
		"what was said about detention?", "Who is the Swiss ambassador?", "who spoke for the unions?",
		"What did the panellists say about labour inspection?", "what happened at the closing",
		"Which panel dealt with labour shortages?", "What did participants say about firewalls?",
	}
	questions = append(questions, devQuestions(t)...) // and those of the shared development set, as users asked them
	for _, q := range questions {
		t.Run(q, func(t *testing.T) {
			m, err := b.answer(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			sections, contexts := texts(m)
			// Citations name the people credited (issue 22), and stay short
			// beside what they cite: one line each, never longer than the
			// quotations past one line ("Room XIX, Palais des Nations, Geneva"
			// is shorter than its citation).
			if c, s := runes(contexts), runes(sections); c > s && c > 120 {
				t.Errorf("citations %d characters for %d of text", c, s)
			}
			seen := map[string]bool{}
			for _, c := range contexts {
				if n := utf8.RuneCountInString(html.UnescapeString(c)); n >= 120 {
					t.Errorf("a citation of %d characters on screen: %s", n, c)
				}
				if seen[c] {
					t.Errorf("citation repeated: %s", c)
				}
				seen[c] = true
			}
			r, _ := b.engine.Ask(context.Background(), q)
			if len(r.People) > 0 {
				name := r.People[0].Person.Name
				if i := strings.Index(m.Text, name); i < 0 || utf8.RuneCountInString(m.Text[:i+len(name)]) > 80 {
					t.Errorf("notification %q does not name %s in its first 80 characters", m.Text, name)
				}
			}
			for _, group := range []string{"panellists", "participants", "speakers"} {
				// who spoke, when the question names them, is never the topic
				if strings.Contains(strings.ToLower(q), group) && strings.Contains(strings.ToLower(strings.Join(sections, " ")), "*"+group+"*") {
					t.Errorf("a speaker-group word in bold: %s", group)
				}
			}
			if len(r.Missing) > 0 && !r.Figure && !r.Absent && !strings.Contains(sections[0], r.Missing[0]) {
				t.Errorf("first line %q does not name the missing %q", sections[0], r.Missing[0])
			}
		})
	}
}

// TestDigestChannelMessageIsShort: every theme's digest shows under 900
// characters in the channel, and every excerpt once, in the channel or in
// its thread.
func TestDigestChannelMessageIsShort(t *testing.T) {
	d := offline(t).cfg.Digests
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, th := range d.Themes() {
		dg := d.For(th, day)
		top, thread := digestParts(dg)
		if n := visible(top.Blocks); n >= maxDigestTop {
			t.Errorf("%s: %d characters at channel level", th.ID, n)
		}
		sections, _ := texts(message{Blocks: append(top.Blocks, thread.Blocks...)})
		all := strings.ReplaceAll(strings.Join(sections, "\n"), "*", "")
		for _, x := range dg.Excerpts {
			if n := strings.Count(all, escape(x.Text)); n != 1 {
				t.Errorf("%s: an excerpt shown %d times: %s", th.ID, n, x.Text)
			}
		}
	}
}

// TestNoShareOnAbstentionsOrChoices: only an answer is worth sharing.
func TestNoShareOnAbstentionsOrChoices(t *testing.T) {
	b := offline(t)
	for text, want := range map[string]bool{"what about firewalls?": false, "who IOM": false, "help": false, "pannels": false,
		"who moderated the first panel?": true, "panels": true} {
		posts, err := b.reply(context.Background(), request{kind: kindCommand, text: text, responseURL: "http://x"})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(blocksJSONOf(posts[0].message), `"action_id":"share"`)
		if got != want {
			t.Errorf("/hearing %s: share button %v, want %v", text, got, want)
		}
	}
}

func blocksJSONOf(m message) string {
	b, _ := json.Marshal(m.Blocks)
	return string(b)
}

// TestWhatTheUserTypedIsShownAsTyped: echoed verbatim, with nothing in it
// that could end the bot's code span or ping a channel.
func TestWhatTheUserTypedIsShownAsTyped(t *testing.T) {
	m := private(message{Text: "x"}, "what about `code` and @channel or @here <!everyone>?", "")
	e := m.Blocks[0].(*slack.ContextBlock).ContextElements.Elements[0].(*slack.TextBlockObject)
	if !e.Verbatim {
		t.Error("the echo is not verbatim")
	}
	if strings.Count(e.Text, "`") != 2 || strings.Contains(e.Text, "@channel") || strings.Contains(e.Text, "@here") || strings.Contains(e.Text, "<!") {
		t.Errorf("echo %q", e.Text)
	}
}

// TestSharedDigestPreviewIsTheOneSeen: a preview shared after midnight is
// the day's it was made for, not the next day's.
func TestSharedDigestPreviewIsTheOneSeen(t *testing.T) {
	b := offline(t)
	day := time.Date(2026, 11, 27, 23, 59, 0, 0, time.UTC)
	m, share, err := b.command(context.Background(), "digest", day)
	if err != nil || !strings.HasPrefix(share, "2026-11-27"+dateMark) {
		t.Fatalf("share value %q, %v", share, err)
	}
	posts, err := b.reply(context.Background(), request{kind: kindAction, action: actionShare, value: share, user: "U1", responseURL: "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := blocksJSONOf(posts[0].message); !strings.Contains(got, blocksJSONOf(message{Blocks: m.Blocks[:2]})[1:40]) || !strings.Contains(got, "27 November 2026") {
		t.Errorf("shared a different digest: %s", got)
	}
}

func TestWhoSeveralSaysWhoIsWho(t *testing.T) {
	b := offline(t)
	m, n, _ := b.who(context.Background(), "IOM")
	if n < 2 {
		t.Fatalf("%d people match IOM", n)
	}
	got := blocksJSONOf(m)
	if !strings.Contains(got, "William Lacy Swing · Director General, IOM") {
		t.Errorf("buttons do not say who is the Director General: %s", got)
	}
}

func TestBoldWholeHyphenatedWords(t *testing.T) {
	text := "Sector-wide visa schemes"
	if got := bold(text, []index.Span{{Start: 0, End: 6}}); got != "*Sector-wide* visa schemes" {
		t.Errorf("bold = %q", got)
	}
}

// TestCitationsNameWhomTheSummaryCredits walks every sentence of the
// summary and every answer to eval-dev2: each citation names the people the
// summary credits (by surname, "and 2 others" past four), or says
// "participants" or "the summary" when it credits no one by name, on one line.
func TestCitationsNameWhomTheSummaryCredits(t *testing.T) {
	b := offline(t)
	var xs []answer.Excerpt
	for _, s := range b.engine.Hearing().Sentences {
		xs = append(xs, answer.Excerpt{Text: s.Text, Sentences: []*content.Sentence{s}, Segment: s.Segment,
			Speakers: s.Speakers, Participants: s.Participants, Kind: s.Kind})
	}
	for _, q := range devQuestions(t) {
		r, err := b.engine.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		xs = append(append(xs, r.Excerpts...), r.Related...)
	}
	for _, x := range xs {
		c := html.UnescapeString(citation(x))
		if n := utf8.RuneCountInString(c); n >= 120 {
			t.Errorf("%d characters: %s", n, c)
		}
		for i, p := range x.Speakers {
			if i < maxNamed && !strings.Contains(c, p.Surname()) {
				t.Errorf("%q does not name %s", c, p.Name)
			}
		}
		switch {
		case len(x.Speakers) > maxNamed && !strings.Contains(c, fmt.Sprintf("%d other", len(x.Speakers)-maxNamed)):
			t.Errorf("%q does not count the others", c)
		case len(x.Speakers) == 0 && x.Participants && !strings.Contains(c, "participants"):
			t.Errorf("%q does not say participants", c)
		case len(x.Speakers) == 0 && !x.Participants && !strings.Contains(c, "the summary"):
			t.Errorf("%q does not say it is the summary's", c)
		case len(x.Speakers) > 0 && x.Participants && !strings.Contains(c, "the floor"):
			t.Errorf("%q does not say the floor", c)
		}
	}
}

func TestSurnamesPastFourCountTheOthers(t *testing.T) {
	people := engine(t).Hearing().People
	if got, want := surnames(people[:6], "the floor"), "Lajčák, Arbour, Chatzis, Falconer, 2 others and the floor"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := surnames(people[:5], ""), "Lajčák, Arbour, Chatzis, Falconer and 1 other"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// devQuestions are the questions of the shared development set.
func devQuestions(t *testing.T) []string {
	raw, err := os.ReadFile("../answer/testdata/eval-dev2.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var row struct{ Q string }
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		out = append(out, row.Q)
	}
	return out
}

// TestWordsPeopleCanFollow: a segment's parts on one line with who was in
// each, how much the summary says in plain words, every speaker of the
// opening and closing with a position, and a figure the summary lacks said
// as such.
func TestWordsPeopleCanFollow(t *testing.T) {
	b := offline(t)
	text := func(command string) string {
		m, _, err := b.command(context.Background(), command, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sections, contexts := texts(m)
		return strings.Join(append(sections, contexts...), "\n")
	}
	panel3 := text("panel 3")
	for _, want := range []string{"Discussions: Americas (Lederer and Lema) · Africa &amp; Europe (Isinta, LeVoy and Murray)", "1 sentence on the panel as a whole and 14 on its parts"} {
		if !strings.Contains(panel3, want) {
			t.Errorf("/hearing panel 3 lacks %q:\n%s", want, panel3)
		}
	}
	if strings.Contains(panel3, "Part:") || strings.Contains(panel3, "itself") {
		t.Errorf("/hearing panel 3 in the old words:\n%s", panel3)
	}
	if opening := text("panel opening"); !strings.Contains(opening, "what was said in the opening about") {
		t.Errorf("/hearing panel opening: %s", opening)
	}
	panels := text("panels")
	for _, want := range []string{"Louise Arbour (Secretary-General of the Conference)", "Jürg Lauber (Switzerland, co-facilitator)", "Juan José Gómez Camacho (Mexico, co-facilitator)"} {
		if !strings.Contains(panels, want) {
			t.Errorf("/hearing panels lacks %q", want)
		}
	}
	m, err := b.answer(context.Background(), "how much money did IOM pledge?")
	if err != nil {
		t.Fatal(err)
	}
	if sections, _ := texts(m); !strings.HasPrefix(sections[0], "The summary gives no figures for that") {
		t.Errorf("first line %q", sections[0])
	}
}
