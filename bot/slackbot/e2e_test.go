package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/internal/slackfake"
)

const secret = "test-signing-secret"

// harness is a bot serving a Slack stand-in, in HTTP mode or Socket Mode.
type harness struct {
	t      *testing.T
	fake   *slackfake.Server
	bot    *Bot
	engine *answer.Engine
	socket bool
	events string // HTTP mode: the bot's /slack/events URL
	seq    atomic.Int64
	logs   *syncBuffer
}

// syncBuffer collects logs from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var modes = []struct {
	name   string
	socket bool
}{{"http", false}, {"socket", true}}

func start(t *testing.T, socket bool, workers int, tune ...func(*Config)) *harness {
	t.Helper()
	fake := slackfake.New(slackfake.WithPingInterval(200 * time.Millisecond))
	t.Cleanup(fake.Close)
	h := &harness{t: t, fake: fake, engine: engine(t), socket: socket, logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	digests, err := digest.New(ctx, h.engine)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{BotToken: "xoxb-test", APIURL: fake.APIURL(), Workers: workers, Log: zerolog.New(h.logs), Digests: digests}
	for _, f := range tune {
		f(&cfg)
	}
	bot, err := New(ctx, h.engine, cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = bot
	bot.Start()
	done := make(chan struct{})
	if socket {
		go func() {
			defer close(done)
			if err := bot.RunSocketMode(ctx, "xapp-test", socketmode.OptionPingInterval(5*time.Second)); err != nil {
				t.Errorf("socket mode: %v", err)
			}
		}()
		waitUntil(t, bot.Connected)
	} else {
		srv := httptest.NewServer(bot.Handler(secret))
		t.Cleanup(srv.Close)
		h.events = srv.URL + EventsPath
		close(done)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		bot.Stop(context.Background())
	})
	return h
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

func (h *harness) id(prefix string) string { return fmt.Sprintf("%s%d", prefix, h.seq.Add(1)) }

// event delivers an Events API event as Slack would in the harness's mode.
func (h *harness) event(eventID string, ev map[string]any) {
	h.t.Helper()
	body := slackfake.EventCallback(eventID, ev)
	if h.socket {
		h.fake.SendEnvelope("events_api", body)
		return
	}
	if res := h.post("application/json", body, nil); res.StatusCode != http.StatusOK {
		h.t.Fatalf("event refused: %s", res.Status)
	}
}

func (h *harness) command(text, responseID string) {
	h.t.Helper()
	form := slackfake.SlashCommand("/hearing", text, "U1", "C1", h.fake.ResponseURL(responseID))
	if h.socket {
		h.fake.SendEnvelope("slash_commands", form)
		return
	}
	if res := h.post("application/x-www-form-urlencoded", []byte(form.Encode()), nil); res.StatusCode != http.StatusOK {
		h.t.Fatalf("command refused: %s", res.Status)
	}
}

func (h *harness) click(actionID, value, responseID string) {
	h.clickAs("U1", actionID, value, responseID)
}

func (h *harness) clickAs(user, actionID, value, responseID string) {
	h.t.Helper()
	h.send(slackfake.BlockAction(user, "C1", actionID, value, h.fake.ResponseURL(responseID)))
}

// clickOn clicks a button of the message of messageTS, with a response_url
// of its own, as Slack sends one with each click.
func (h *harness) clickOn(user, messageTS, actionID, value, responseID string) {
	h.t.Helper()
	h.send(slackfake.BlockActionOn(user, "C1", messageTS, actionID, value, h.fake.ResponseURL(responseID)))
}

// send delivers an interaction payload.
func (h *harness) send(payload []byte) {
	h.t.Helper()
	if h.socket {
		h.fake.SendEnvelope("interactive", payload)
		return
	}
	form := url.Values{"payload": {string(payload)}}
	if res := h.post("application/x-www-form-urlencoded", []byte(form.Encode()), nil); res.StatusCode != http.StatusOK {
		h.t.Fatalf("click refused: %s", res.Status)
	}
}

// post sends a signed request to the bot's HTTP endpoint; sign may alter the
// headers after signing.
func (h *harness) post(ctype string, body []byte, tamper func(http.Header)) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.events, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	slackfake.Sign(req.Header, secret, time.Now(), body)
	if tamper != nil {
		tamper(req.Header)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// posts waits for n posts and checks no more arrive once a sentinel
// question, asked after everything else, is answered (with one worker,
// replies go out in order).
func (h *harness) posts(n int) []slackfake.Post {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := h.fake.WaitPosts(ctx, n); err != nil {
		h.t.Fatalf("waiting for %d posts: %v (got %d)\nlogs:\n%s", n, err, len(h.fake.Posts()), h.logs)
	}
	h.event(h.id("EvSentinel"), slackfake.DirectMessage("DSENTINEL", "U9", "9.9", "sentinel: who is Lajcak?"))
	all, err := h.fake.WaitPosts(ctx, n+1)
	if err != nil {
		h.t.Fatalf("sentinel: %v", err)
	}
	if len(all) != n+1 || all[n].Channel != "DSENTINEL" {
		for _, p := range all {
			h.t.Logf("post %s %s thread %q: %.120s", p.Method, p.Channel, p.ThreadTS, p.Text)
		}
		h.t.Fatalf("want exactly %d posts before the sentinel's answer, got %d", n, len(all)-1)
	}
	return all[:n]
}

// rendered is what the bot should post for a question.
func (h *harness) rendered(q string) message {
	r, err := h.engine.Ask(context.Background(), q)
	if err != nil {
		h.t.Fatal(err)
	}
	return answerBlocks(r)
}

// unescaped is JSON as Slack reads it: Go escapes <, > and & as \u003c
// and so on, which would hide markup from a test.
func unescaped(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return b.String()
}

func blocksJSON(t *testing.T, m message) string {
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMentionsAndDMs(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "100.1", "", "<@UBOT> who moderated the first panel?"))
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "100.3", "100.2", "<@UBOT> what did the panellists say about labour inspection?"))
			h.event(h.id("Ev"), slackfake.DirectMessage("D1", "U1", "100.4", "what about firewalls?"))
			got := h.posts(3)
			for i, want := range []struct{ channel, thread, question string }{
				{"C1", "100.1", "who moderated the first panel?"},
				{"C1", "100.2", "what did the panellists say about labour inspection?"},
				{"D1", "", "what about firewalls?"},
			} {
				p := got[i]
				if p.Method != "chat.postMessage" || p.Channel != want.channel || p.ThreadTS != want.thread {
					t.Errorf("reply %d: %s in %s thread %q, want chat.postMessage in %s thread %q", i, p.Method, p.Channel, p.ThreadTS, want.channel, want.thread)
				}
				m := h.rendered(want.question)
				if string(p.Blocks) != blocksJSON(t, m) || p.Text != m.Text {
					t.Errorf("reply %d to %q: blocks differ from the rendered answer:\n%s", i, want.question, p.Blocks)
				}
			}
		})
	}
}

// TestCitationsNameTheSpeakersInSlack: what Slack receives names whom the
// summary credits, not "the panellists"; and a greeting is answered as one.
func TestCitationsNameTheSpeakersInSlack(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "100.1", "", "<@UBOT> What creates demand for illegal migration?"))
			h.event(h.id("Ev"), slackfake.DirectMessage("D1", "U1", "100.2", "hi"))
			got := h.posts(2)
			if !strings.Contains(string(got[0].Blocks), "Beirnaert") {
				t.Errorf("the answer does not name Beirnaert: %s", got[0].Blocks)
			}
			if !strings.HasPrefix(got[1].Text, "Hi!") || strings.Count(string(got[1].Blocks), `"type":"button"`) != 3 {
				t.Errorf("the greeting: %q %s", got[1].Text, got[1].Blocks)
			}
		})
	}
}

// TestFollowUpsInALongThread: Slack pages a thread oldest first; the
// context is the latest answer's, past the first page.
func TestFollowUpsInALongThread(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "400.1", "", "<@UBOT> Who is William Lacy Swing?"))
			waitUntil(t, func() bool { return len(h.fake.Posts()) == 1 })
			for i := range 250 {
				h.fake.Plant("C1", "U2", "400.1", fmt.Sprint("chatter ", i))
			}
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "400.2", "400.1", "Who is Louise Arbour?"))
			waitUntil(t, func() bool { return len(h.fake.Posts()) == 2 })
			h.fake.FailNext("conversations.replies", http.StatusInternalServerError, 0) // a failed page is tried again
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "400.3", "400.1", "what did she say?"))
			got := h.posts(3)
			if !strings.Contains(string(got[2].Blocks), "Arbour") || strings.Contains(string(got[2].Blocks), "Swing underscored") {
				t.Errorf("'what did she say?' after 250 replies, not about Arbour: %s", got[2].Blocks)
			}
		})
	}
}

// TestFollowUpsWhenTheThreadCannotBeRead: with conversations.replies
// failing, a follow-up in a thread the bot answered in is answered as a new
// question (here: asked for in full), as the log says; one in a thread the
// bot cannot tell is its own gets nothing, and is counted as ignored.
func TestFollowUpsWhenTheThreadCannotBeRead(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "500.1", "", "<@UBOT> Who moderated the first panel?"))
			waitUntil(t, func() bool { return len(h.fake.Posts()) == 1 })
			h.fake.FailNextWith("conversations.replies", "missing_scope")
			// and a page slack-go cannot decode
			h.fake.PlantUndecodable("C1", "U3", "500.1")
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U2", "600.2", "600.1", "and the second one?")) // not the bot's
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "500.2", "500.1", "and the second one?"))
			got := h.posts(2)
			if got[1].ThreadTS != "500.1" || !strings.Contains(got[1].Text, "ask it in full") {
				t.Errorf("the follow-up in the bot's thread: thread %q, %q", got[1].ThreadTS, got[1].Text)
			}
			for _, p := range h.fake.Posts() {
				if p.ThreadTS == "600.1" {
					t.Errorf("the thread that is not the bot's was answered: %q", p.Text)
				}
			}
		})
	}
}

// TestARecapsContextTravels: the metadata carries the whole context, so
// "and the second panel?" after a recap is that panel's recap in Slack too.
func TestARecapsContextTravels(t *testing.T) {
	h := start(t, false, 1)
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "800.1", "", "<@UBOT> tl;dr of panel 1"))
	waitUntil(t, func() bool { return len(h.fake.Posts()) == 1 })
	h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "800.2", "800.1", "and the second panel?"))
	got := h.posts(2)
	if !strings.Contains(string(got[0].Metadata), `"recap":true`) || !strings.Contains(string(got[1].Blocks), "What happened in panel 2?") {
		t.Errorf("metadata %s; the follow-up: %s", got[0].Metadata, got[1].Blocks)
	}
}

// TestFollowUpsInAThread: a question in the thread of the bot's answer is
// answered there without a mention, read with that answer's context; a
// thread the bot has no part in, and a "thanks", get nothing.
func TestFollowUpsInAThread(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "200.1", "", "<@UBOT> Who moderated the first panel?"))
			waitUntil(t, func() bool { return len(h.fake.Posts()) == 1 }) // the answer the follow-up reads
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "200.2", "200.1", "and the second one?"))
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U2", "300.2", "300.1", "and the second one?")) // not the bot's thread
			h.event(h.id("Ev"), slackfake.ThreadMessage("C1", "U1", "200.3", "200.1", "thanks!"))
			got := h.posts(2)
			if got[1].ThreadTS != "200.1" || !strings.Contains(string(got[1].Blocks), "Michelle Leighton") {
				t.Errorf("the follow-up: thread %q, %s", got[1].ThreadTS, got[1].Blocks)
			}
			var meta struct {
				EventType    string         `json:"event_type"`
				EventPayload map[string]any `json:"event_payload"`
			}
			if err := json.Unmarshal(got[1].Metadata, &meta); err != nil || meta.EventType != AnswerEventType {
				t.Errorf("the answer carries no context: %s (%v)", got[1].Metadata, err)
			}
		})
	}
}

// TestFeedbackCountedOncePerPersonAndAnswer: a click is counted, logged
// with the question and answered by replacing the buttons with thanks; a
// second click by the same person on the same answer changes nothing.
func TestFeedbackCountedOncePerPersonAndAnswer(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			counted := &countingFeedback{}
			h := start(t, mode.socket, 1, func(c *Config) { c.Metrics = counted })
			value := buttonValueOf(t, h.rendered("What did the panellists say about labour inspection?"), actionHelpful)
			// A channel's answer: each click brings a response_url of its own.
			h.clickOn("U1", "700.1", actionHelpful, value, "fb1")
			h.clickOn("U1", "700.1", actionHelpful, value, "fb2") // again: once
			h.clickOn("U2", "700.1", actionNotHelpful, value, "fb3")
			h.clickOn("U2", "700.1", actionHelpful, value, "fb4") // U2 changes their mind
			got := h.posts(3)
			for _, p := range got {
				// only the clicker sees the thanks; the answer and its buttons stay, for everyone
				if p.ReplaceOriginal || p.ResponseType == "in_channel" || !strings.HasPrefix(p.Text, "Thanks: noted") {
					t.Errorf("want a private thanks that leaves the answer alone: %+v", p)
				}
			}
			if h, n := counted.get("helpful"), counted.get("not_helpful"); h != 2 || n != 1 {
				t.Errorf("%d helpful and %d not helpful counted, want 2 and 1", h, n)
			}
			if !strings.Contains(h.logs.String(), `"message":"feedback"`) || !strings.Contains(h.logs.String(), "labour inspection") {
				t.Errorf("no feedback line with the question:\n%s", h.logs)
			}
		})
	}
}

// TestHomeTab: opening the Home tab publishes the hearing at a glance; a
// question tried there is answered in the user's DM.
func TestHomeTab(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.HomeOpened("U7"))
			payload := slackfake.HomeBlockAction("U7", actionAsk+"0", "Who moderated panel 1?")
			if mode.socket {
				h.fake.SendEnvelope("interactive", payload)
			} else {
				form := url.Values{"payload": {string(payload)}}
				if res := h.post("application/x-www-form-urlencoded", []byte(form.Encode()), nil); res.StatusCode != http.StatusOK {
					t.Fatalf("click refused: %s", res.Status)
				}
			}
			got := h.posts(2)
			home, answer := got[0], got[1]
			if home.Method != "views.publish" || home.User != "U7" || !strings.Contains(string(home.Blocks), "Panel 3") ||
				!strings.Contains(string(home.Blocks), "moderated by Ilias Chatzis") {
				t.Errorf("home: %s %s %s", home.Method, home.User, home.Blocks)
			}
			if answer.Method != "chat.postMessage" || answer.Channel != "U7" || !strings.Contains(string(answer.Blocks), "Ilias Chatzis") {
				t.Errorf("the question from Home: %s in %s: %s", answer.Method, answer.Channel, answer.Blocks)
			}
		})
	}
}

// buttonValueOf is the value of a message's button with the action id.
func buttonValueOf(t *testing.T, m message, action string) string {
	t.Helper()
	for _, b := range m.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.ActionID == action {
					return btn.Value
				}
			}
		}
	}
	t.Fatalf("no %s button", action)
	return ""
}

// countingFeedback counts verdicts.
type countingFeedback struct {
	noMetrics
	mu sync.Mutex
	n  map[string]int
}

func (m *countingFeedback) Feedback(verdict string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[verdict]++
}

func (m *countingFeedback) get(verdict string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[verdict]
}

// TestFollowUpsInADM: in a DM the last answer is the context.
func TestFollowUpsInADM(t *testing.T) {
	h := start(t, true, 1)
	h.event(h.id("Ev"), slackfake.DirectMessage("D5", "U5", "400.1", "Who moderated the first panel?"))
	waitUntil(t, func() bool { return len(h.fake.Posts()) == 1 })
	h.event(h.id("Ev"), slackfake.DirectMessage("D5", "U5", "400.2", "and the second one?"))
	got := h.posts(2)
	if got[1].Channel != "D5" || !strings.Contains(string(got[1].Blocks), "Michelle Leighton") {
		t.Errorf("the DM follow-up: %s %s", got[1].Channel, got[1].Blocks)
	}
}

func TestIgnoresBotsEditsAndDeletions(t *testing.T) {
	h := start(t, false, 1)
	h.event(h.id("Ev"), map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": slackfake.BotUserID, "text": "my own answer", "ts": "1.1"})
	h.event(h.id("Ev"), map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "bot_id": "B2", "user": "U2", "text": "another bot", "ts": "1.2"})
	h.event(h.id("Ev"), map[string]any{"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D1", "ts": "1.3",
		"message": map[string]any{"user": "U1", "text": "edited question", "ts": "1.1"}})
	h.event(h.id("Ev"), map[string]any{"type": "message", "subtype": "message_deleted", "channel_type": "im", "channel": "D1", "ts": "1.4", "deleted_ts": "1.1"})
	h.posts(0)
}

func TestHearingCommand(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			cases := []struct {
				text, want string
				share      bool
			}{
				{"help", "/hearing who", false},
				{"", "/hearing who", false},
				{"frobnicate", "does not mention *frobnicate*", false},
				{"hlep", "Did you mean `/hearing help`?", false},
				{"who Claire Falconer", "Focus on Labour Exploitation", true},
				{"who IOM", "Several people match", false},
				{"panels", "Regional perspectives on migration", true},
				{"panel 2", "Panel 2: Irregular migration", true},
				{"panel 9", "No panel matches", false},
				{"themes", "Decent work and fair recruitment", true},
				{"digest skills", "Daily digest: Recognition of skills", true},
				{"digest", "Daily digest: ", true},
				{"digest sourdough", "No theme matches", false},
				{"ask who moderated the first panel?", "moderated Panel 1", true},
				{"what did the panellists say about labour inspection?", "*labour inspection*", true},
			}
			for i, c := range cases {
				h.command(c.text, fmt.Sprint("r", i))
			}
			got := h.posts(len(cases))
			for i, c := range cases {
				p := got[i]
				if p.Method != "response_url" || p.ResponseID != fmt.Sprint("r", i) || p.ResponseType != "ephemeral" {
					t.Errorf("/hearing %s: %s %s %q, want an ephemeral response", c.text, p.Method, p.ResponseID, p.ResponseType)
				}
				if !strings.Contains(string(p.Blocks), c.want) {
					t.Errorf("/hearing %s: reply lacks %q:\n%s", c.text, c.want, p.Blocks)
				}
				if has := strings.Contains(string(p.Blocks), `"action_id":"share"`); has != c.share {
					t.Errorf("/hearing %s: share button %v, want %v", c.text, has, c.share)
				}
			}
		})
	}
}

func TestShareAndPick(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.click(actionShare, "who Claire Falconer", "s1")
			h.click(actionShare, "who Claire Falconer", "s1") // a double click shares once
			h.click(actionWho+"william-lacy-swing", "william-lacy-swing", "p1")
			got := h.posts(3)
			share, del, pick := got[0], got[1], got[2]
			if share.ResponseType != "in_channel" || !strings.Contains(unescaped(share.Blocks), "<@U1> shared") || !strings.Contains(string(share.Blocks), "Claire Falconer") {
				t.Errorf("share: %s %s", share.ResponseType, share.Blocks)
			}
			if strings.Contains(string(share.Blocks), `"action_id":"share"`) {
				t.Error("the shared message offers to share again")
			}
			if !del.DeleteOriginal || del.ResponseID != "s1" {
				t.Errorf("the private copy is not deleted: %+v", del)
			}
			if !pick.ReplaceOriginal || !strings.Contains(string(pick.Blocks), "William Lacy Swing") {
				t.Errorf("pick: %+v", pick)
			}
		})
	}
}

func TestRedeliveredEventAnsweredOnce(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			ev := slackfake.Mention("C1", "U1", "100.1", "", "<@UBOT> who is Lajcak?")
			h.event("EvSame", ev)
			h.event("EvSame", ev) // Slack's retry: a new delivery of the same event id
			if !mode.socket {
				body := slackfake.EventCallback("EvSame", ev)
				h.post("application/json", body, func(hd http.Header) { hd.Set("X-Slack-Retry-Num", "1"); hd.Set("X-Slack-Retry-Reason", "http_timeout") })
			}
			h.posts(1)
		})
	}
}

func TestBadRequestsAreRefusedAndTheBotGoesOn(t *testing.T) {
	h := start(t, false, 1)
	good := slackfake.EventCallback("EvBad", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	for _, tc := range []struct {
		name   string
		body   []byte
		tamper func(http.Header)
		want   int
	}{
		{"bad signature", good, func(hd http.Header) { hd.Set("X-Slack-Signature", "v0=00") }, http.StatusUnauthorized},
		{"no signature", good, func(hd http.Header) { hd.Del("X-Slack-Signature") }, http.StatusUnauthorized},
		{"stale timestamp", good, func(hd http.Header) {
			slackfake.Sign(hd, secret, time.Now().Add(-10*time.Minute), good)
		}, http.StatusUnauthorized},
		{"future timestamp", good, func(hd http.Header) {
			slackfake.Sign(hd, secret, time.Now().Add(10*time.Minute), good)
		}, http.StatusUnauthorized},
		{"other secret", good, func(hd http.Header) { slackfake.Sign(hd, "not-the-secret", time.Now(), good) }, http.StatusUnauthorized},
		{"oversized body", append(good, bytes.Repeat([]byte(" "), MaxBody)...), nil, http.StatusRequestEntityTooLarge},
		{"malformed JSON", []byte(`{"type":"event_callback","event":`), nil, http.StatusBadRequest},
		{"not JSON", []byte(`hello`), nil, http.StatusBadRequest},
		{"deep JSON", []byte(strings.Repeat(`{"a":`, 10500) + "1" + strings.Repeat("}", 10500)), nil, http.StatusBadRequest},
		{"invalid UTF-8 JSON", []byte("{\"type\":\"event_callback\",\"event\":\xff}"), nil, http.StatusBadRequest},
	} {
		if res := h.post("application/json", tc.body, tc.tamper); res.StatusCode != tc.want {
			t.Errorf("%s: %s, want %d", tc.name, res.Status, tc.want)
		}
	}
	for _, form := range []string{"payload=%7Bnot+json", "command=%2Fhearing&text=x", "something=else", "%zz"} {
		if res := h.post("application/x-www-form-urlencoded", []byte(form), nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("form %q: %s, want 400", form, res.Status)
		}
	}
	if res := h.post("text/plain", []byte("hi"), nil); res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %s", res.Status)
	}
	h.posts(0) // nothing was posted, and the bot still answers (the sentinel)
}

func TestURLVerification(t *testing.T) {
	h := start(t, false, 1)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	req, _ := http.NewRequest(http.MethodPost, h.events, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	slackfake.Sign(req.Header, secret, time.Now(), body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(got) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge: %s %q", res.Status, got)
	}
}

func TestRateLimitedThenDelivered(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.fake.FailNext("chat.postMessage", http.StatusTooManyRequests, 1)
			h.fake.FailNext("chat.postMessage", http.StatusInternalServerError, 0)
			h.fake.FailNext("response_url", http.StatusTooManyRequests, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
			h.command("who Lajcak", "r1")
			got := h.posts(2)
			if h.fake.Calls("chat.postMessage") != 4 || h.fake.Calls("response_url") != 2 { // 3 for the mention, 1 for the sentinel
				t.Errorf("calls: postMessage %d, response_url %d", h.fake.Calls("chat.postMessage"), h.fake.Calls("response_url"))
			}
			for _, p := range got {
				if !strings.Contains(string(p.Blocks), "Miroslav Lajčák") {
					t.Errorf("%s: %s", p.Method, p.Blocks)
				}
			}
		})
	}
}

func TestUndeliverableReplyIsLogged(t *testing.T) {
	h := start(t, false, 1)
	h.fake.FailNext("chat.postMessage", http.StatusForbidden, 0) // a refusal: not worth retrying
	h.event("EvNowhere", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	h.posts(0)
	if logs := h.logs.String(); !strings.Contains(logs, `"id":"EvNowhere"`) || !strings.Contains(logs, "reply not delivered") {
		t.Errorf("no log line for the undelivered reply:\n%s", logs)
	}
}

func TestBroadcastInAQuestionPingsNobody(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 1)
			h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> <!channel> what about &lt;!here&gt; and &lt;@U2&gt; sourdough?"))
			h.command("&lt;!channel&gt; sourdough", "r1")
			h.command("who &lt;!everyone&gt;", "r2")
			for _, p := range h.posts(3) {
				// Button values are data the bot reads back, never shown.
				shown := buttonValue.ReplaceAllString(unescaped(p.Blocks), "")
				for _, s := range []string{shown, p.Text} {
					if strings.Contains(s, "<!") || strings.Contains(s, "<@U2") {
						t.Errorf("%s: markup got through: %s", p.Method, s)
					}
				}
			}
		})
	}
}

var buttonValue = regexp.MustCompile(`"value":"[^"]*"`)

func TestSocketModeReconnectsWithoutLosingQuestions(t *testing.T) {
	h := start(t, true, 1)
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	h.fake.Disconnect()
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.2", "", "<@UBOT> who moderated the first panel?"))
	h.fake.Drop()
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.3", "", "<@UBOT> what about labour inspection?"))
	got := h.posts(3)
	threads := map[string]bool{}
	for _, p := range got {
		threads[p.ThreadTS] = true
	}
	if len(threads) != 3 || h.fake.Connections() < 2 {
		t.Errorf("answered threads %v after %d connections", threads, h.fake.Connections())
	}
	waitUntil(t, func() bool { return h.fake.Pending() == 0 })
}

// TestSocketModeDisconnectStormCostsLittle: an endpoint that disconnects the
// bot as soon as it connects gets a few reconnections a second at first,
// then fewer, not thousands.
func TestSocketModeDisconnectStormCostsLittle(t *testing.T) {
	h := start(t, true, 1)
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		h.fake.Disconnect()
	}
	if n := h.fake.Connections(); n > 6 {
		t.Errorf("%d connections in 3 s of disconnects", n)
	}
	if n := strings.Count(h.logs.String(), "\n"); n > 40 {
		t.Errorf("%d log lines in 3 s of disconnects", n)
	}
}

// TestSocketModeHelloIsNoEvent: the greeting is neither acknowledged nor
// counted.
func TestSocketModeHelloIsNoEvent(t *testing.T) {
	counted := &countingMetrics{}
	h := start(t, true, 1, func(c *Config) { c.Metrics = counted })
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	h.posts(1) // the sentinel's DM counts too
	if n := counted.get("event", outcomeIgnored); n != 0 {
		t.Errorf("%d events ignored: the hello was counted as one", n)
	}
}

// TestSocketModeRefusesHugeFrames: a frame over the read limit closes that
// connection (it is never held in memory whole) and the bot reconnects and
// answers.
func TestSocketModeRefusesHugeFrames(t *testing.T) {
	h := start(t, true, 1)
	h.fake.SendRaw([]byte(`{"type":"events_api","envelope_id":"big","payload":"` + strings.Repeat("x", 4<<20) + `"}`))
	waitUntil(t, func() bool { return h.fake.Connections() >= 2 })
	h.event(h.id("Ev"), slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	h.posts(1)
}

// countingMetrics counts requests by kind and outcome.
type countingMetrics struct {
	noMetrics
	mu sync.Mutex
	n  map[string]int
}

func (m *countingMetrics) Request(kind, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[kind+"/"+outcome]++
}

func (m *countingMetrics) get(kind, outcome string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[kind+"/"+outcome]
}

func TestSocketModeAcknowledgesWhatItCannotRead(t *testing.T) {
	h := start(t, true, 1)
	id := h.fake.SendEnvelope("events_api", []byte(`{"type":"event_callback","event_id":"EvOdd","event":{"type":"no_such_event_type"}}`))
	h.fake.SendRaw([]byte(`{not json`))
	waitUntil(t, func() bool {
		for _, a := range h.fake.Acks() {
			if a.EnvelopeID == id {
				return true
			}
		}
		return false
	})
	h.posts(0)
}

func TestDigestPostedOncePerDay(t *testing.T) {
	h := start(t, false, 1)
	day := time.Now().UTC()
	dg := h.bot.cfg.Digests.Today(day)
	h.fake.FailNext("conversations.history", http.StatusTooManyRequests, 1)
	h.fake.FailNext("chat.postMessage", http.StatusInternalServerError, 0)
	ctx := context.Background()
	for i, want := range []bool{true, false, false} {
		posted, err := h.bot.PublishDigest(ctx, "CDIGEST", dg)
		if err != nil || posted != want {
			t.Fatalf("publish %d: posted %v, %v; want %v", i+1, posted, err, want)
		}
	}
	// Another day's digest is not the same digest.
	if posted, err := h.bot.PublishDigest(ctx, "CDIGEST", h.bot.cfg.Digests.Today(day.AddDate(0, 0, 1))); err != nil || !posted {
		t.Fatalf("the next day: posted %v, %v", posted, err)
	}
	var posts, threads []slackfake.Post
	for _, p := range h.fake.Posts() {
		switch {
		case p.Channel == "CDIGEST" && p.ThreadTS == "":
			posts = append(posts, p)
		case p.Channel == "CDIGEST":
			threads = append(threads, p)
		}
	}
	if len(posts) != 2 || len(threads) != 2 {
		t.Fatalf("%d digests and %d thread replies posted, want 2 of each", len(posts), len(threads))
	}
	for i := range posts {
		if threads[i].ThreadTS != posts[i].TS {
			t.Errorf("digest %d: its rest went to thread %q, not the digest's (%q)", i, threads[i].ThreadTS, posts[i].TS)
		}
	}
	var meta struct {
		EventType    string            `json:"event_type"`
		EventPayload map[string]string `json:"event_payload"`
	}
	if err := json.Unmarshal(posts[0].Metadata, &meta); err != nil || meta.EventType != DigestEventType ||
		meta.EventPayload["date"] != dg.DateString() || meta.EventPayload["theme"] != dg.Theme.ID {
		t.Errorf("metadata %s (%v)", posts[0].Metadata, err)
	}
	if !strings.Contains(string(posts[0].Blocks), dg.Theme.Title) {
		t.Errorf("blocks: %s", posts[0].Blocks)
	}
	if h.fake.Calls("conversations.history") < 4 || h.fake.Calls("chat.postMessage") != 5 {
		t.Errorf("calls: history %d, postMessage %d", h.fake.Calls("conversations.history"), h.fake.Calls("chat.postMessage"))
	}
}

// TestDigestThreadPostedOnceWhenMissing: a digest whose thread reply never
// went out (the process stopped in between) gets it on the next run, once.
func TestDigestThreadPostedOnceWhenMissing(t *testing.T) {
	h := start(t, false, 1)
	dg := h.bot.cfg.Digests.Today(time.Now().UTC())
	top, _ := digestParts(dg)
	ctx := context.Background()
	_, ts, err := h.bot.api.PostMessageContext(ctx, "CDIGEST", slack.MsgOptionBlocks(top.Blocks...), slack.MsgOptionText(top.Text, false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: DigestEventType, EventPayload: map[string]any{"date": dg.DateString(), "theme": dg.Theme.ID}}))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if posted, err := h.bot.PublishDigest(ctx, "CDIGEST", dg); err != nil || posted != want {
			t.Fatalf("publish %d: posted %v, %v; want %v", i+1, posted, err, want)
		}
	}
	var threads []slackfake.Post
	for _, p := range h.fake.Posts() {
		if p.Channel == "CDIGEST" && p.ThreadTS != "" {
			threads = append(threads, p)
		}
	}
	if len(threads) != 1 || threads[0].ThreadTS != ts {
		t.Errorf("%d thread replies (%+v), want one in the digest's thread %s", len(threads), threads, ts)
	}
}

// TestDigestKnownWithoutMetadata: where history brings no metadata back,
// the digest's header block id still says it is the day's digest.
func TestDigestKnownWithoutMetadata(t *testing.T) {
	h := start(t, false, 1)
	dg := h.bot.cfg.Digests.Today(time.Now().UTC())
	top, thread := digestParts(dg)
	ctx := context.Background()
	_, ts, err := h.bot.api.PostMessageContext(ctx, "CDIGEST", slack.MsgOptionBlocks(top.Blocks...), slack.MsgOptionText(top.Text, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.bot.api.PostMessageContext(ctx, "CDIGEST", slack.MsgOptionTS(ts), slack.MsgOptionBlocks(thread.Blocks...), slack.MsgOptionText(thread.Text, false)); err != nil {
		t.Fatal(err)
	}
	if posted, err := h.bot.PublishDigest(ctx, "CDIGEST", dg); err != nil || posted {
		t.Errorf("posted %v, %v: want the digest found by its block id", posted, err)
	}
}

// TestOverloadTellsAskersTheBotIsBusy: with one slow worker and a queue of
// two, a burst is still acknowledged; every question is answered, or its
// asker told the bot is busy, or (when even that queue is full) it is
// logged as dropped. None disappears.
func TestOverloadTellsAskersTheBotIsBusy(t *testing.T) {
	const burst = 40
	h := start(t, false, 1, func(c *Config) { c.Queue = 2 })
	h.fake.SetFaults(slackfake.Faults{Delay: 200 * time.Millisecond})
	for i := range burst {
		h.event(fmt.Sprint("EvBurst", i), slackfake.Mention("C1", "U1", fmt.Sprintf("2.%d", i), "", "<@UBOT> who is Lajcak?"))
	}
	h.command("who Lajcak", "busy-command") // told inline, in the acknowledgement
	outcomes := func() map[string]int {
		n := map[string]int{}
		for _, line := range strings.Split(h.logs.String(), "\n") {
			var l struct{ Message, Outcome, Kind string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Message == "request" && l.Kind == "mention" {
				n[l.Outcome]++
			}
		}
		return n
	}
	waitUntil(t, func() bool { n := outcomes(); return n["answered"]+n["busy"]+n["dropped"] == burst })
	n := outcomes()
	if n["busy"] == 0 || n["answered"] == 0 {
		t.Errorf("outcomes %v: want some answered and some told the bot is busy", n)
	}
	waitUntil(t, func() bool { return len(h.fake.Posts()) >= n["answered"]+n["busy"] })
	busy := 0
	for _, p := range h.fake.Posts() {
		if strings.Contains(p.Text, "busy right now") {
			busy++
		}
	}
	if busy != n["busy"] {
		t.Errorf("%d busy notices posted, %d logged", busy, n["busy"])
	}
}

// TestNoGoroutineLeaks: after a load in each mode and a shutdown, the
// process is back to the goroutines it had before.
func TestNoGoroutineLeaks(t *testing.T) {
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			h := start(t, mode.socket, 8)
			for i := range 100 {
				h.event(fmt.Sprint("EvLeak", i), slackfake.Mention("C1", "U1", fmt.Sprintf("3.%d", i), "", "<@UBOT> who is Lajcak?"))
				if i%20 == 0 {
					h.command("panels", fmt.Sprint("leak", i))
				}
			}
			if mode.socket {
				h.fake.Disconnect()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if _, err := h.fake.WaitPosts(ctx, 105); err != nil {
				t.Fatal(err)
			}
		}) // the subtest's cleanups stop the bot and the stand-in
	}
	http.DefaultClient.CloseIdleConnections()
	var after int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if after = runtime.NumGoroutine(); after <= before {
			return
		}
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
}

// TestHostileQuestionsAreAnsweredSafely: search syntax, invalid UTF-8, Slack
// markup and a replayed request are just a question, answered once.
func TestHostileQuestionsAreAnsweredSafely(t *testing.T) {
	h := start(t, false, 1)
	questions := []string{
		`<@UBOT> +title:smuggling -trafficking* AND "unclosed ~2 [1 TO 5] /regex/`,
		"<@UBOT> who is \xff\xfe Lajcak\u202e?",
		"<@UBOT> " + strings.Repeat("trafficking ", 2000),
	}
	for i, q := range questions {
		h.event(fmt.Sprint("EvHostile", i), slackfake.Mention("C1", "U1", fmt.Sprintf("4.%d", i), "", q))
	}
	replay := slackfake.EventCallback("EvReplay", slackfake.Mention("C1", "U1", "4.9", "", "<@UBOT> who is Lajcak?"))
	for range 3 { // the same signed request, sent again within the five minutes
		if res := h.post("application/json", replay, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("replay: %s", res.Status)
		}
	}
	got := h.posts(len(questions) + 1)
	for _, p := range got {
		if len(p.Blocks) == 0 || !utf8.ValidString(p.Text) {
			t.Errorf("reply in %s: %q", p.ThreadTS, p.Text)
		}
	}
}

// TestSocketModeStopsWhenTheLinkIsDisabled: Slack's disconnect for Socket
// Mode turned off ends RunSocketMode with an error that says so, rather than
// reconnecting for ever.
func TestSocketModeStopsWhenTheLinkIsDisabled(t *testing.T) {
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bot, err := New(ctx, engine(t), Config{BotToken: "xoxb-test", APIURL: fake.APIURL(), Workers: 1, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	bot.Start()
	defer bot.Stop(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- bot.RunSocketMode(ctx, "xapp-test") }()
	waitUntil(t, bot.Connected)
	fake.SendRaw([]byte(`{"type":"disconnect","reason":"link_disabled","debug_info":{"host":"fake"}}`))
	select {
	case err := <-errc:
		if !errors.Is(err, ErrLinkDisabled) {
			t.Errorf("RunSocketMode: %v, want ErrLinkDisabled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode still running after link_disabled")
	}
}
