package slackbot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

// sign is Slack's request signature, computed independently of slack-go.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// FuzzVerify: a request passes only with the right signature over exactly
// its body, and a timestamp within five minutes of now.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(vectorBody), int64(0), "", true)
	f.Add([]byte(`{"type":"event_callback"}`), int64(-301), "", true)
	f.Add([]byte(`{}`), int64(299), "v0=00", false)
	f.Add([]byte(""), int64(0), "v0=", false)
	f.Add([]byte("x"), int64(1<<40), "v1=abc", false)
	f.Fuzz(func(t *testing.T, body []byte, offset int64, forged string, genuine bool) {
		ts := strconv.FormatInt(time.Now().Unix()+offset, 10)
		sig := forged
		if genuine {
			sig = sign(secret, ts, body)
		}
		r := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		r.Header.Set("X-Slack-Signature", sig)
		got, status, err := verified(httptest.NewRecorder(), r, secret, newReaders(defaultLimits))
		fresh := offset > -299 && offset < 299 // a margin for the clock moving during the test
		stale := offset < -301 || offset > 301
		right := sig == sign(secret, ts, body)
		switch {
		case err == nil && (!right || stale):
			t.Fatalf("accepted: right signature %v, offset %d s", right, offset)
		case err == nil && !bytes.Equal(got, body):
			t.Fatal("the body read is not the body signed")
		case err != nil && right && fresh && len(body) <= MaxBody:
			t.Fatalf("refused a genuine request: %d %v", status, err)
		case err != nil && status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge:
			t.Fatalf("refused with %d", status)
		}
	})
}

// FuzzHandler: whatever a correctly signed request holds (Slack's JSON
// events, forms, garbage, deep nesting, invalid UTF-8), the handler does not
// panic, answers with a status Slack understands, and queues nothing for a
// request it refuses.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct {
		ctype string
		body  string
	}{
		{"application/json", `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.1","channel":"C1"}}`},
		{"application/json", `{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel_type":"im","user":"U1","text":"\xff\xfe","ts":"1.1","channel":"D1"}}`},
		{"application/json", `{"type":"url_verification","challenge":"abc"}`},
		{"application/json", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
		{"application/json", `{"type":"event_callback","event":{"type":"no_such_event"}}`},
		{"application/x-www-form-urlencoded", "command=%2Fhearing&text=who+lajcak&response_url=http%3A%2F%2Fx&trigger_id=1&user_id=U1&channel_id=C1"},
		{"application/x-www-form-urlencoded", `payload={"type":"block_actions","trigger_id":"2","response_url":"http://x","user":{"id":"U1"},"actions":[{"action_id":"share","value":"panels"}]}`},
		{"application/x-www-form-urlencoded", "payload=%7B%22type%22%3A"},
		{"text/plain", "hello"},
	} {
		f.Add(seed.ctype, []byte(seed.body))
	}
	b := offline(f)
	b.seen = newDedupe(time.Hour, 1000)
	b.jobs = make(chan job, 1<<20)
	b.notices = make(chan job, 1<<20)
	b.log = zerolog.Nop()
	h := b.Handler(secret)
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		r := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		r.Header.Set("X-Slack-Signature", sign(secret, ts, body))
		queued := len(b.jobs)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
			if len(b.jobs) != queued {
				t.Fatalf("refused with %d, yet queued", w.Code)
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
		for len(b.jobs) > 0 { // what was queued is a request the bot can answer
			j := <-b.jobs
			if j.req.kind == 0 || j.req.id == "" {
				t.Fatalf("queued a request without kind or id: %+v", j.req)
			}
		}
	})
}

// FuzzRender: whatever the question, in a mention or in /hearing, the reply
// stays within Slack's limits, has a fallback text, and carries no markup
// the bot did not write: no <…> (mentions, broadcasts, links) and no bare &.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{"Who moderated the first panel?", "<!channel> hi", "&lt;!here&gt; &amp;", "who <@U1|bob>", "panel <https://x|2>",
		"digest " + strings.Repeat("x", 600), "ask " + strings.Repeat("<>&", 300), "themes", "*bold* _it_ ~st~ `code`", "\xff"} {
		f.Add(seed)
	}
	b := offline(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		for _, k := range []kind{kindMention, kindCommand} {
			posts, err := b.reply(ctx, request{kind: k, text: text, user: "U1", responseURL: "http://x"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range posts {
				m := fit(p.message)
				if len(m.Blocks) > maxBlocks || m.Text == "" || utf8.RuneCountInString(m.Text) > maxFallback {
					t.Fatalf("%d blocks, fallback %q", len(m.Blocks), m.Text)
				}
				checkText(t, m.Text)
				raw, _ := json.Marshal(m.Blocks)
				var v any
				json.Unmarshal(raw, &v)
				walkTexts(v, func(key, s string) {
					switch key {
					case "value", "action_id":
						if len(s) > maxValue {
							t.Fatalf("%s of %d bytes", key, len(s))
						}
					case "text":
						if utf8.RuneCountInString(s) > maxText {
							t.Fatalf("text of %d characters", utf8.RuneCountInString(s))
						}
						checkText(t, s)
					}
				})
			}
		}
	})
}

// checkText fails on markup in a text the bot sends: < only as an escape,
// & only starting one, > only as a quotation mark at the start of a line.
func checkText(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, "<") {
		t.Fatalf("a < got through: %q", s)
	}
	for i := strings.Index(s, "&"); i >= 0; i = next(s, "&", i) {
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Fatalf("a bare & got through: %q", s)
		}
	}
	for i := strings.Index(s, ">"); i >= 0; i = next(s, ">", i) {
		if i > 0 && s[i-1] != '\n' {
			t.Fatalf("a > inside a line: %q", s)
		}
	}
}

func next(s, sub string, i int) int {
	j := strings.Index(s[i+1:], sub)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func walkTexts(v any, visit func(key, s string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok {
				visit(k, s)
			}
			walkTexts(x, visit)
		}
	case []any:
		for _, x := range v {
			walkTexts(x, visit)
		}
	}
}
