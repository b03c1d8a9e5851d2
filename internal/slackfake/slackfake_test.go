package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func newAPI(s *Server) *slack.Client {
	return slack.New("xoxb-1", slack.OptionAppLevelToken("xapp-1"), slack.OptionAPIURL(s.APIURL()))
}

func ctx10s(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAuthTest(t *testing.T) {
	s := New()
	defer s.Close()
	resp, err := newAPI(s).AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	got := [3]string{resp.UserID, resp.TeamID, resp.BotID}
	if want := [3]string{BotUserID, TeamID, BotID}; got != want {
		t.Errorf("AuthTest: got %v, want %v", got, want)
	}
}

func TestTokens(t *testing.T) {
	s := New()
	defer s.Close()
	tests := []struct {
		method string
		form   url.Values
		bearer string
		want   string
	}{
		{"auth.test", nil, "", "not_authed"},
		{"auth.test", url.Values{"token": {"nope"}}, "", "invalid_auth"},
		{"auth.test", url.Values{"token": {"xapp-1"}}, "", "not_allowed_token_type"},
		{"auth.test", nil, "xoxb-1", ""},
		{"apps.connections.open", nil, "xoxb-1", "not_allowed_token_type"},
		{"apps.connections.open", nil, "xapp-1", ""},
		{"conversations.history", url.Values{"token": {"xoxb-1"}}, "", "channel_not_found"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("POST", s.APIURL()+tt.method, strings.NewReader(tt.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tt.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tt.bearer)
		}
		var body struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		if code := do(t, req, &body); code != 200 || body.Error != tt.want || body.OK != (tt.want == "") {
			t.Errorf("%s %v bearer %q: HTTP %d %+v, want error %q", tt.method, tt.form, tt.bearer, code, body, tt.want)
		}
	}
}

func do(t *testing.T, req *http.Request, v any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", req.URL, err)
	}
	return resp.StatusCode
}

func TestUnknownMethod(t *testing.T) {
	s := New()
	defer s.Close()
	err := newAPI(s).SetUserPresence("away")
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Errorf("unknown method: got %v, want HTTP 404", err)
	}
}

func TestPostMessageAndHistory(t *testing.T) {
	s := New()
	defer s.Close()
	api := newAPI(s)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Hearing", false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*answer*", false, false), nil, nil),
		slack.NewActionBlock("", slack.NewButtonBlockElement("more", "q1", slack.NewTextBlockObject(slack.PlainTextType, "More", false, false))),
	}
	meta := slack.SlackMetadata{EventType: "answer", EventPayload: map[string]any{"event_id": "Ev1"}}
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionBlocks(blocks...), slack.MsgOptionText("answer", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "C1" || ts == "" {
		t.Errorf("PostMessage = %q, %q", ch, ts)
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}

	posts := s.Posts()
	want := []Post{
		{Method: "chat.postMessage", Channel: "C1", TS: ts, Text: "answer"},
		{Method: "chat.postMessage", Channel: "C1", ThreadTS: ts, TS: posts[1].TS, Text: "reply"},
	}
	if diff := cmp.Diff(want, posts, cmpopts.IgnoreFields(Post{}, "At", "Blocks", "Metadata")); diff != "" {
		t.Errorf("Posts (-want +got):\n%s", diff)
	}
	var sent slack.Blocks
	if err := json.Unmarshal(posts[0].Blocks, &sent); err != nil || len(sent.BlockSet) != 3 {
		t.Errorf("recorded blocks: %d, %v", len(sent.BlockSet), err)
	}
	var sentMeta slack.SlackMetadata
	if err := json.Unmarshal(posts[0].Metadata, &sentMeta); err != nil || !cmp.Equal(sentMeta, meta) {
		t.Errorf("recorded metadata %s, %v", posts[0].Metadata, err)
	}

	for _, withMeta := range []bool{true, false} {
		hist, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1", IncludeAllMetadata: withMeta})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist.Messages) != 1 { // the thread reply is not in the channel's history, as on Slack
			t.Fatalf("history: %d messages, want 1", len(hist.Messages))
		}
		m := hist.Messages[0]
		if m.Timestamp != ts || m.Text != "answer" || m.User != BotUserID || m.BotID != BotID {
			t.Errorf("history message %+v", m.Msg)
		}
		wantMeta := slack.SlackMetadata{}
		if withMeta {
			wantMeta = meta
		}
		if !cmp.Equal(m.Metadata, wantMeta, cmpopts.EquateEmpty()) {
			t.Errorf("include_all_metadata=%v: metadata %+v, want %+v", withMeta, m.Metadata, wantMeta)
		}
	}
}

// TestMaxPosts: a stand-in with WithMaxPosts keeps the newest posts and
// the newest messages of a channel's history; PostsAfter hands out each
// post once, however many were dropped.
func TestMaxPosts(t *testing.T) {
	s := New(WithMaxPosts(3))
	defer s.Close()
	api := newAPI(s)
	post := func(texts ...string) {
		for _, text := range texts {
			if _, _, err := api.PostMessage("C1", slack.MsgOptionText(text, false)); err != nil {
				t.Fatal(err)
			}
		}
	}
	textsOf := func(ps []Post) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Text)
		}
		return out
	}
	post("a", "b")
	first, n := s.PostsAfter(0)
	if diff := cmp.Diff([]string{"a", "b"}, textsOf(first)); diff != "" || n != 2 {
		t.Errorf("PostsAfter(0) = %d (-want +got):\n%s", n, diff)
	}
	post("c", "d", "e")
	if diff := cmp.Diff([]string{"c", "d", "e"}, textsOf(s.Posts())); diff != "" {
		t.Errorf("Posts (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		after int
		want  []string
	}{{0, []string{"c", "d", "e"}}, {2, []string{"c", "d", "e"}}, {3, []string{"d", "e"}}, {5, nil}, {9, nil}} {
		got, n := s.PostsAfter(c.after)
		if diff := cmp.Diff(c.want, textsOf(got)); diff != "" || n != 5 {
			t.Errorf("PostsAfter(%d) = %d (-want +got):\n%s", c.after, n, diff)
		}
	}
	hist, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, m := range hist.Messages {
		kept = append(kept, m.Text)
	}
	if diff := cmp.Diff([]string{"e", "d", "c"}, kept); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

func TestHistoryOrderAndRange(t *testing.T) {
	s := New()
	defer s.Close()
	api := newAPI(s)
	var ts []string
	for _, text := range []string{"a", "b", "c", "d"} {
		_, t1, err := api.PostMessage("C1", slack.MsgOptionText(text, false))
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, t1)
	}
	texts := func(p slack.GetConversationHistoryParameters) []string {
		p.ChannelID = "C1"
		h, err := api.GetConversationHistory(&p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range h.Messages {
			out = append(out, m.Text)
		}
		return out
	}
	tests := []struct {
		params slack.GetConversationHistoryParameters
		want   []string
	}{
		{slack.GetConversationHistoryParameters{}, []string{"d", "c", "b", "a"}},
		{slack.GetConversationHistoryParameters{Limit: 2}, []string{"d", "c"}},
		{slack.GetConversationHistoryParameters{Oldest: ts[1]}, []string{"d", "c"}},
		{slack.GetConversationHistoryParameters{Oldest: ts[1], Inclusive: true}, []string{"d", "c", "b"}},
		{slack.GetConversationHistoryParameters{Latest: ts[2]}, []string{"b", "a"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, texts(tt.params)); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.params, diff)
		}
	}
	if got, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C2"}); err != nil || len(got.Messages) != 0 {
		t.Errorf("empty channel: %v, %v", got, err)
	}
}

func TestEphemeralAndUpdate(t *testing.T) {
	s := New()
	defer s.Close()
	api := newAPI(s)
	if _, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	_, ts, err := api.PostMessage("C1", slack.MsgOptionText("v1", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("v2", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("C1", "1.000001", slack.MsgOptionText("v2", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of unknown ts: %v, want message_not_found", err)
	}
	posts := s.Posts()
	got := []string{posts[0].Method + " " + posts[0].User, posts[2].Method + " " + posts[2].Text}
	if diff := cmp.Diff([]string{"chat.postEphemeral U1", "chat.update v2"}, got); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "v2" {
		t.Errorf("history after update: %+v, %v", h, err)
	}
}

func TestFailNext(t *testing.T) {
	s := New()
	defer s.Close()
	api := newAPI(s)
	s.FailNext("chat.postMessage", http.StatusTooManyRequests, 3)
	s.FailNext("chat.postMessage", http.StatusInternalServerError, 0)

	_, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("first call: %v, want RateLimitedError 3s", err)
	}
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("hi", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Errorf("second call: %v, want HTTP 500", err)
	}
	if _, _, err = api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("third call: %v", err)
	}
	if got := [2]int{s.Calls("chat.postMessage"), len(s.Posts())}; got != [2]int{3, 1} {
		t.Errorf("calls, posts = %v, want [3 1]", got)
	}
}

func TestFaultsDeterministic(t *testing.T) {
	run := func() []int {
		s := New()
		defer s.Close()
		s.SetFaults(Faults{RateLimited: 0.3, ServerError: 0.2, Seed: 42})
		var codes []int
		for range 40 {
			resp, err := http.PostForm(s.APIURL()+"chat.postMessage", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "text": {"x"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q, want 1", resp.Header.Get("Retry-After"))
			}
			codes = append(codes, resp.StatusCode)
		}
		if n := len(s.Posts()); n != count(codes, 200) {
			t.Errorf("%d posts recorded for %d successes", n, count(codes, 200))
		}
		return codes
	}
	first := run()
	if diff := cmp.Diff(first, run()); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	for _, code := range []int{200, 429, 500} {
		if count(first, code) == 0 {
			t.Errorf("no %d in %v", code, first)
		}
	}
}

func count(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func TestBlockValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) } // runes, not bytes
	text := func(s string) string { return `{"type":"mrkdwn","text":"` + s + `"}` }
	section := func(s string) string { return `{"type":"section","text":` + text(s) + `}` }
	button := func(id, label, value string) string {
		return `{"type":"button","action_id":"` + id + `","text":{"type":"plain_text","text":"` + label + `"},"value":"` + value + `"}`
	}
	repeat := func(s string, n int) string { return strings.TrimSuffix(strings.Repeat(s+",", n), ",") }
	buttons := func(n int) string {
		var b []string
		for i := range n {
			b = append(b, button("a"+strings.Repeat("x", i), "ok", "v"))
		}
		return strings.Join(b, ",")
	}
	tests := []struct {
		name, blocks, want string
	}{
		{"fine", `[` + section(long(3000)) + `,{"type":"divider"},{"type":"header","text":{"type":"plain_text","text":"` + long(150) + `"}}]`, ""},
		{"text 3001", `[` + section(long(3001)) + `]`, "invalid_blocks"},
		{"51 blocks", `[` + repeat(section("x"), 51) + `]`, "invalid_blocks"},
		{"50 blocks", `[` + repeat(section("x"), 50) + `]`, ""},
		{"header 151", `[{"type":"header","text":{"type":"plain_text","text":"` + long(151) + `"}}]`, "invalid_blocks"},
		{"button text 76", `[{"type":"actions","elements":[` + button("a", long(76), "v") + `]}]`, "invalid_blocks"},
		{"button value 2001", `[{"type":"actions","elements":[` + button("a", "ok", long(2001)) + `]}]`, "invalid_blocks"},
		{"action_id 256", `[{"type":"actions","elements":[` + button(strings.Repeat("a", 256), "ok", "v") + `]}]`, "invalid_blocks"},
		{"25 actions", `[{"type":"actions","elements":[` + buttons(25) + `]}]`, ""},
		{"26 actions", `[{"type":"actions","elements":[` + buttons(26) + `]}]`, "invalid_blocks"},
		{"11 context elements", `[{"type":"context","elements":[` + repeat(text("x"), 11) + `]}]`, "invalid_blocks"},
		{"10 context elements", `[{"type":"context","elements":[` + repeat(text("x"), 10) + `]}]`, ""},
		{"duplicate action_id", `[{"type":"actions","elements":[` + button("a", "ok", "v") + `]},{"type":"section","text":` + text("x") + `,"accessory":` + button("a", "ok", "v") + `}]`, "invalid_blocks"},
		{"unknown block", `[{"type":"image","image_url":"https://x","alt_text":"x"}]`, "invalid_blocks"},
		{"section without text", `[{"type":"section"}]`, "invalid_blocks"},
		{"unknown text type", `[{"type":"section","text":{"type":"markdown","text":"x"}}]`, "invalid_blocks"},
		{"not JSON", `[{"type":`, "invalid_blocks_format"},
	}
	s := New()
	defer s.Close()
	for _, tt := range tests {
		for _, method := range []string{"chat.postMessage", "chat.postEphemeral", "response_url"} {
			var got string
			if method == "response_url" {
				resp, err := http.Post(s.ResponseURL(tt.name), "application/json", strings.NewReader(`{"text":"x","blocks":`+tt.blocks+`}`))
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					got = strings.TrimSpace(string(b))
				}
				if tt.want == "invalid_blocks_format" {
					continue // the whole body is not JSON: invalid_payload
				}
			} else {
				form := url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "user": {"U1"}, "blocks": {tt.blocks}}
				req, _ := http.NewRequest("POST", s.APIURL()+method, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				var body struct{ Error string }
				do(t, req, &body)
				got = body.Error
			}
			if got != tt.want {
				t.Errorf("%s via %s: error %q, want %q", tt.name, method, got, tt.want)
			}
		}
	}
}

func TestOversizedTextViaSlackGo(t *testing.T) {
	s := New()
	defer s.Close()
	section := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", 3001), false, false), nil, nil)
	_, _, err := newAPI(s).PostMessage("C1", slack.MsgOptionBlocks(section))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_blocks" || len(se.ResponseMetadata.Messages) == 0 {
		t.Errorf("got %#v, want invalid_blocks with a message", err)
	}
	if len(s.Posts()) != 0 {
		t.Errorf("a refused message was recorded")
	}
}

func TestResponseURL(t *testing.T) {
	s := New()
	defer s.Close()
	ctx := ctx10s(t)
	msg := &slack.WebhookMessage{Text: "done", ResponseType: slack.ResponseTypeInChannel, ReplaceOriginal: true}
	for range 5 {
		if err := slack.PostWebhookContext(ctx, s.ResponseURL("r1"), msg); err != nil {
			t.Fatal(err)
		}
	}
	var sc slack.StatusCodeError
	if err := slack.PostWebhookContext(ctx, s.ResponseURL("r1"), msg); !errors.As(err, &sc) || sc.Code != 404 {
		t.Errorf("sixth post: %v, want HTTP 404", err)
	}
	s.FailNext("response_url", 429, 2)
	var rl *slack.RateLimitedError
	if err := slack.PostWebhookContext(ctx, s.ResponseURL("r2"), msg); !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Errorf("FailNext: %v, want RateLimitedError 2s", err)
	}
	posts, err := s.WaitPosts(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := Post{Method: "response_url", Text: "done", ResponseID: "r1", ResponseType: "in_channel", ReplaceOriginal: true}
	if diff := cmp.Diff(want, posts[0], cmpopts.IgnoreFields(Post{}, "At")); diff != "" {
		t.Errorf("post (-want +got):\n%s", diff)
	}
	if got := [2]int{len(posts), s.Calls("response_url")}; got != [2]int{5, 7} {
		t.Errorf("posts, calls = %v, want [5 7]", got)
	}
}

func TestSign(t *testing.T) {
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	h := http.Header{}
	Sign(h, "8f742231b10e8888abcd99yyyzzz85a5", time.Unix(1531420618, 0), body)
	want := http.Header{
		"X-Slack-Request-Timestamp": {"1531420618"},
		"X-Slack-Signature":         {"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("Sign (-want +got):\n%s", diff)
	}

	// slack-go's verifier accepts a fresh signature and refuses a wrong secret.
	for secret, ok := range map[string]bool{"s3cret": true, "other": false} {
		h := http.Header{}
		Sign(h, "s3cret", time.Now(), body)
		v, err := slack.NewSecretsVerifier(h, secret)
		if err != nil {
			t.Fatal(err)
		}
		v.Write(body)
		if err := v.Ensure(); (err == nil) != ok {
			t.Errorf("verify with %q: %v", secret, err)
		}
	}
}

func TestRequestBuilders(t *testing.T) {
	ev, err := slackevents.ParseEvent(EventCallback("Ev1", Mention("C1", "U1", "1.000100", "1.000001", "<@UBOT> hi")), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	m, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok || ev.TeamID != TeamID || ev.APIAppID != AppID {
		t.Fatalf("parsed %+v", ev)
	}
	want := slackevents.AppMentionEvent{Type: "app_mention", User: "U1", Text: "<@UBOT> hi", TimeStamp: "1.000100", ThreadTimeStamp: "1.000001", Channel: "C1", EventTimeStamp: "1.000100"}
	if diff := cmp.Diff(want, *m, cmpopts.IgnoreFields(slackevents.AppMentionEvent{}, "Blocks")); diff != "" {
		t.Errorf("app_mention (-want +got):\n%s", diff)
	}
	if _, has := Mention("C1", "U1", "1", "", "x")["thread_ts"]; has {
		t.Error("Mention without thread: thread_ts present")
	}

	ev, err = slackevents.ParseEvent(EventCallback("Ev2", DirectMessage("D1", "U1", "1.000200", "hello")), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	if dm, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); !ok || dm.ChannelType != "im" || dm.Text != "hello" || dm.Channel != "D1" {
		t.Errorf("direct message parsed as %#v", ev.InnerEvent.Data)
	}

	form := SlashCommand("/hearing", "who spoke", "U1", "C1", "http://x/response/1")
	req := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(req)
	if err != nil {
		t.Fatal(err)
	}
	wantCmd := slack.SlashCommand{
		Token: "fake", TeamID: TeamID, TeamDomain: "fake", ChannelID: "C1", ChannelName: "fake-c1", UserID: "U1",
		UserName: "fake-u1", Command: "/hearing", Text: "who spoke", ResponseURL: "http://x/response/1", APIAppID: AppID,
		TriggerID: form.Get("trigger_id"),
	}
	if diff := cmp.Diff(wantCmd, cmd); diff != "" {
		t.Errorf("slash command (-want +got):\n%s", diff)
	}
	if a, b := SlashCommand("/x", "", "U", "C", "").Get("trigger_id"), SlashCommand("/x", "", "U", "C", "").Get("trigger_id"); a == b {
		t.Errorf("trigger_id repeated: %s", a)
	}

	var cb slack.InteractionCallback
	if err := json.Unmarshal(BlockAction("U1", "C1", "more", "q1", "http://x/response/2"), &cb); err != nil {
		t.Fatal(err)
	}
	acts := cb.ActionCallback.BlockActions
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U1" || cb.Channel.ID != "C1" || !cb.Container.IsEphemeral ||
		cb.ResponseURL != "http://x/response/2" || cb.TriggerID == "" || len(acts) != 1 || acts[0].ActionID != "more" || acts[0].Value != "q1" {
		t.Errorf("block action parsed as %+v", cb)
	}
}

// socketClient runs a socketmode client against s and forwards the requests
// it receives (events_api, slash_commands, interactive).
func socketClient(t *testing.T, s *Server) (*socketmode.Client, <-chan socketmode.Event) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	client := socketmode.New(newAPI(s), socketmode.OptionPingInterval(10*time.Second))
	got := make(chan socketmode.Event, 100)
	done := make(chan struct{}, 2)
	go func() {
		_ = client.RunContext(ctx)
		done <- struct{}{}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		for {
			select {
			case evt := <-client.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					got <- evt
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
	})
	return client, got
}

func next(t *testing.T, ctx context.Context, events <-chan socketmode.Event) socketmode.Event {
	t.Helper()
	select {
	case evt := <-events:
		return evt
	case <-ctx.Done():
		t.Fatal("no socket mode request arrived")
		return socketmode.Event{}
	}
}

// eventually polls cond until it holds or ctx ends.
func eventually(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("never: %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestSocketModeEvent(t *testing.T) {
	s := New(WithPingInterval(50 * time.Millisecond))
	defer s.Close()
	ctx := ctx10s(t)
	client, events := socketClient(t, s)

	id := s.SendEnvelope("events_api", EventCallback("Ev1", Mention("C1", "U1", "1.000100", "", "<@UBOT> hi")))
	evt := next(t, ctx, events)
	if evt.Type != socketmode.EventTypeEventsAPI || evt.Request.EnvelopeID != id || evt.Request.AcceptsResponsePayload {
		t.Fatalf("got %s %+v", evt.Type, evt.Request)
	}
	api, ok := evt.Data.(slackevents.EventsAPIEvent)
	if mention, isMention := api.InnerEvent.Data.(*slackevents.AppMentionEvent); !ok || !isMention || mention.Text != "<@UBOT> hi" {
		t.Fatalf("event data %+v", evt.Data)
	}
	if err := client.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	acks, err := s.WaitAcks(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if acks[0].EnvelopeID != id || acks[0].Payload != nil || s.Pending() != 0 || !s.Connected() || s.Connections() != 1 {
		t.Errorf("ack %+v, pending %d, connected %v, connections %d", acks[0], s.Pending(), s.Connected(), s.Connections())
	}
}

func TestSocketModeCommandAndInteraction(t *testing.T) {
	s := New(WithPingInterval(50 * time.Millisecond))
	defer s.Close()
	ctx := ctx10s(t)
	client, events := socketClient(t, s)

	s.SendEnvelope("slash_commands", SlashCommand("/hearing", "who", "U1", "C1", s.ResponseURL("r1")))
	evt := next(t, ctx, events)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if evt.Type != socketmode.EventTypeSlashCommand || !ok || cmd.Command != "/hearing" || cmd.Text != "who" || !evt.Request.AcceptsResponsePayload {
		t.Fatalf("slash command: %s %+v", evt.Type, evt.Data)
	}
	if err := client.Ack(*evt.Request, map[string]any{"text": "working"}); err != nil {
		t.Fatal(err)
	}

	s.SendEnvelope("interactive", BlockAction("U1", "C1", "more", "q1", s.ResponseURL("r2")))
	evt = next(t, ctx, events)
	cb, ok := evt.Data.(slack.InteractionCallback)
	if evt.Type != socketmode.EventTypeInteractive || !ok || cb.ActionCallback.BlockActions[0].Value != "q1" {
		t.Fatalf("interaction: %s %+v", evt.Type, evt.Data)
	}
	if err := client.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}

	acks, err := s.WaitAcks(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if string(acks[0].Payload) != `{"text":"working"}` {
		t.Errorf("ack payload %s", acks[0].Payload)
	}
}

func TestSocketModeReconnect(t *testing.T) {
	s := New(WithPingInterval(50 * time.Millisecond))
	defer s.Close()
	ctx := ctx10s(t)
	client, events := socketClient(t, s)
	eventually(t, ctx, "connected", s.Connected)

	// Slack asks for a refresh; an envelope sent meanwhile arrives after the reconnect.
	s.Disconnect()
	id := s.SendEnvelope("events_api", EventCallback("Ev1", DirectMessage("D1", "U1", "1.000100", "hi")))
	evt := next(t, ctx, events)
	if evt.Request.EnvelopeID != id {
		t.Fatalf("got envelope %s, want %s", evt.Request.EnvelopeID, id)
	}
	if n := s.Connections(); n != 2 {
		t.Errorf("Connections() = %d after Disconnect, want 2", n)
	}

	// An envelope not acked comes again on the next connection, marked as a retry.
	s.Drop()
	evt = next(t, ctx, events)
	if evt.Request.EnvelopeID != id || evt.Request.RetryAttempt == 0 || evt.Request.RetryReason != "timeout" {
		t.Fatalf("redelivery: %+v", evt.Request)
	}
	if err := client.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitAcks(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if s.Pending() != 0 || s.Connections() != 3 {
		t.Errorf("pending %d, connections %d; want 0, 3", s.Pending(), s.Connections())
	}
}

func TestSocketModeMalformedFrame(t *testing.T) {
	s := New(WithPingInterval(50 * time.Millisecond))
	defer s.Close()
	ctx := ctx10s(t)
	_, events := socketClient(t, s)
	eventually(t, ctx, "connected", s.Connected)

	s.SendRaw([]byte(`{"type":"events_api","envelope_id":"bad","payload":{"type":"event_callback","event":{"type":"nonsense"`))
	id := s.SendEnvelope("events_api", EventCallback("Ev1", Mention("C1", "U1", "1.000100", "", "<@UBOT> hi")))
	if evt := next(t, ctx, events); evt.Request.EnvelopeID != id {
		t.Errorf("after a malformed frame: got %+v", evt.Request)
	}
}

func TestCloseTwice(t *testing.T) {
	s := New()
	s.SendEnvelope("events_api", map[string]any{"type": "event_callback"})
	s.Close()
	s.Close()
	if s.Pending() != 1 || s.Connected() {
		t.Errorf("pending %d, connected %v", s.Pending(), s.Connected())
	}
}

func TestSocketHelloAndPings(t *testing.T) {
	s := New(WithPingInterval(20 * time.Millisecond))
	defer s.Close()
	ctx := ctx10s(t)
	var open struct{ URL string }
	req, _ := http.NewRequest("POST", s.APIURL()+"apps.connections.open", nil)
	req.Header.Set("Authorization", "Bearer xapp-1")
	do(t, req, &open)
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, open.URL, http.Header{"Origin": {"https://api.slack.com"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	pinged := make(chan struct{}, 1)
	ws.SetPingHandler(func(string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return nil
	})
	var hello socketmode.Request
	if err := ws.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	if hello.Type != "hello" || hello.ConnectionInfo.AppID != AppID {
		t.Errorf("first frame %+v, want hello", hello)
	}
	go func() { // pings are handled while reading
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case <-pinged:
	case <-ctx.Done():
		t.Fatal("no ping")
	}
}
