package slackbot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"hearingbot/internal/slackfake"
)

func callback(t *testing.T, body string) slackevents.EventsAPIEvent {
	t.Helper()
	e, err := slackevents.ParseEvent([]byte(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestWhichEventsAreAnswered(t *testing.T) {
	b := offline(t)
	for _, tc := range []struct {
		name  string
		event string
		want  kind // 0: ignored
	}{
		{"mention", `{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.1","channel":"C1"}`, kindMention},
		{"mention in a thread", `{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.2","thread_ts":"1.1","channel":"C1"}`, kindMention},
		{"mention by a bot", `{"type":"app_mention","user":"U2","bot_id":"B2","text":"<@UBOT> hi","ts":"1.1","channel":"C1"}`, 0},
		{"edited mention", `{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.1","channel":"C1","edited":{"user":"U1","ts":"1.3"}}`, 0},
		{"mention in a DM", `{"type":"app_mention","user":"U1","text":"<@UBOT> hi","ts":"1.1","channel":"D1"}`, 0},
		{"DM", `{"type":"message","channel_type":"im","user":"U1","text":"hi","ts":"1.1","channel":"D1"}`, kindDM},
		{"own DM", `{"type":"message","channel_type":"im","user":"UBOT","text":"hi","ts":"1.1","channel":"D1"}`, 0},
		{"bot DM", `{"type":"message","channel_type":"im","user":"U2","bot_id":"B2","text":"hi","ts":"1.1","channel":"D1"}`, 0},
		{"edit", `{"type":"message","subtype":"message_changed","channel_type":"im","channel":"D1","message":{"user":"U1","text":"hi","ts":"1.1"},"ts":"1.2"}`, 0},
		{"deletion", `{"type":"message","subtype":"message_deleted","channel_type":"im","channel":"D1","deleted_ts":"1.1","ts":"1.2"}`, 0},
		{"channel message", `{"type":"message","channel_type":"channel","user":"U1","text":"hi","ts":"1.1","channel":"C1"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := callback(t, `{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":`+tc.event+`}`)
			r, ok := b.fromEvent(e)
			if ok != (tc.want != 0) || r.kind != tc.want {
				t.Fatalf("got %v %v, want %v", r.kind, ok, tc.want)
			}
			if tc.name == "mention in a thread" && r.threadTS != "1.1" || tc.name == "mention" && r.threadTS != "1.1" {
				t.Errorf("thread %q", r.threadTS)
			}
		})
	}
}

func TestDedupe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDedupe(time.Minute, 3)
		if !d.add("a") || d.add("a") {
			t.Fatal("a second add of the same id must report a duplicate")
		}
		d.remove("a")
		if !d.add("a") {
			t.Fatal("a removed id is new again")
		}
		time.Sleep(2 * time.Minute)
		if !d.add("a") {
			t.Fatal("an expired id is new again")
		}
		for _, id := range []string{"b", "c", "d", "e"} {
			d.add(id)
		}
		if len(d.at) > 3 {
			t.Errorf("%d ids kept, max 3", len(d.at))
		}
	})
}

func TestRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			errs     []error
			wantErr  bool
			wantWait time.Duration
		}{
			{"429 then success", []error{&slack.RateLimitedError{RetryAfter: 3 * time.Second}}, false, 3 * time.Second},
			{"500s then success", []error{slack.StatusCodeError{Code: 500}, slack.StatusCodeError{Code: 503}}, false, firstBackoff * 3},
			{"refused", []error{slack.SlackErrorResponse{Err: "channel_not_found"}}, true, 0},
			{"always 500", slices.Repeat([]error{slack.StatusCodeError{Code: 500}}, maxAttempts), true, firstBackoff * 95}, // 0.5+1+2+4+8+8+8+8+8 s
		} {
			start := time.Now()
			calls := 0
			err := retry(context.Background(), func(context.Context) error {
				calls++
				if calls <= len(tc.errs) {
					return tc.errs[calls-1]
				}
				return nil
			}, nil)
			if (err != nil) != tc.wantErr {
				t.Errorf("%s: err %v", tc.name, err)
			}
			if waited := time.Since(start); waited != tc.wantWait {
				t.Errorf("%s: waited %v, want %v", tc.name, waited, tc.wantWait)
			}
		}
	})
}

// Slack's documented signing example (from its own SDKs' tests).
const (
	vectorSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	vectorTimestamp = 1531420618
	vectorBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	vectorSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSigningTestVector(t *testing.T) {
	check := func(sig string, at time.Time) (int, error) {
		r := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader([]byte(vectorBody)))
		r.Header.Set("X-Slack-Request-Timestamp", strconv.Itoa(vectorTimestamp))
		r.Header.Set("X-Slack-Signature", sig)
		time.Sleep(time.Until(at)) // the fake clock moves to the moment of the request
		_, status, err := verified(httptest.NewRecorder(), r, vectorSecret, newReaders(defaultLimits))
		return status, err
	}
	synctest.Test(t, func(t *testing.T) {
		signed := time.Unix(vectorTimestamp, 0)
		if status, err := check(vectorSignature, signed.Add(time.Second)); err != nil {
			t.Errorf("Slack's own example refused: %d %v", status, err)
		}
		bad := vectorSignature[:len(vectorSignature)-1] + "0"
		if status, err := check(bad, signed.Add(2*time.Second)); !errors.Is(err, slack.ErrInvalidSignature) && status != http.StatusUnauthorized {
			t.Errorf("a wrong signature: %d %v", status, err)
		}
		if status, err := check(vectorSignature, signed.Add(6*time.Minute)); !errors.Is(err, slack.ErrExpiredTimestamp) || status != http.StatusUnauthorized {
			t.Errorf("a stale timestamp: %d %v", status, err)
		}
	})
}

func TestNearest(t *testing.T) {
	for word, want := range map[string]string{"pannels": "panels", "hlep": "help", "whoo": "who", "smuggling": "", "ilo": "", "iom": "", "a": "", "pane": "panel", "trafficking": ""} {
		if got := nearest(word); got != want {
			t.Errorf("nearest(%q) = %q, want %q", word, got, want)
		}
	}
}

// TestResponseURLIsNeverLoggedWhole: a response_url is a bearer URL; errors
// and ids name its host only, and what cannot succeed is not retried.
func TestResponseURLIsNeverLoggedWhole(t *testing.T) {
	secretPath := "/commands/T1/12345/SeCrEtToKeN"
	for _, raw := range []string{"ftp://hooks.slack.com" + secretPath, "http://127.0.0.1:1" + secretPath} {
		err := redacted(slack.PostWebhookCustomHTTPContext(context.Background(), raw, http.DefaultClient, &slack.WebhookMessage{Text: "x"}))
		if err == nil || strings.Contains(err.Error(), "SeCrEtToKeN") {
			t.Errorf("%s: error %v", raw, err)
		}
		_, retry := retryable(err, time.Second)
		if want := strings.HasPrefix(raw, "http:"); retry != want { // refused connection: maybe later; ftp: never
			t.Errorf("%s: retry %v, want %v (%v)", raw, retry, want, err)
		}
	}
	r := fromCommand(slack.SlashCommand{ResponseURL: "https://hooks.slack.com" + secretPath, UserID: "U1"})
	if strings.Contains(r.id, "SeCrEt") {
		t.Errorf("id %q holds the response_url", r.id)
	}
}

// TestRefusalsLogAFixedReasonAtBoundedRate: a refusal's log line never
// quotes the request, and a burst of them logs a few lines and a count.
func TestRefusalsLogAFixedReasonAtBoundedRate(t *testing.T) {
	var logs bytes.Buffer
	b := offline(t)
	b.log = zerolog.New(&logs)
	h := b.Handler("secret")
	for range 50 {
		r := httptest.NewRequest(http.MethodPost, EventsPath, strings.NewReader("{}"))
		r.Header.Set("X-Slack-Request-Timestamp", strings.Repeat("9", 100_000))
		r.Header.Set("X-Slack-Signature", "v0=00")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if strings.Contains(logs.String(), "99999") {
		t.Error("a refusal quoted the request's header")
	}
	if lines := strings.Count(logs.String(), "\n"); lines > refusalsPerSecond+1 || logs.Len() > 10<<10 {
		t.Errorf("%d lines, %d bytes for 50 refusals", lines, logs.Len())
	}
}

func TestUnconnectedClock(t *testing.T) {
	var b Bot
	now := time.Now()
	if d := b.Unconnected(now); d != 0 {
		t.Errorf("before Socket Mode: %s", d)
	}
	b.setConnected(false)
	if d := b.Unconnected(now.Add(6 * time.Minute)); d < 5*time.Minute {
		t.Errorf("never connected for 6 minutes: %s", d)
	}
	b.setConnected(true)
	if d := b.Unconnected(now.Add(time.Hour)); d != 0 {
		t.Errorf("connected: %s", d)
	}
}

// TestResponsesAreCapped: a Web API response past the cap is an error, not
// memory.
func TestResponsesAreCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), 1<<20))
	}))
	defer srv.Close()
	res, err := capResponses(srv.Client(), 1000).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil || len(body) > 1000 {
		t.Errorf("read %d bytes, error %v", len(body), err)
	}
}

// panickyStore is a shared store that panics on the keys that hold on,
// and lets every other claim through.
type panickyStore struct{ on string }

var _ Shared = panickyStore{}

func (s panickyStore) Claim(_ context.Context, key string, _ time.Duration) (bool, error) {
	if strings.Contains(key, s.on) {
		panic("claim " + key)
	}
	return true, nil
}

func (panickyStore) Release(context.Context, string) error { return nil }

// countingPanics counts panics.
type countingPanics struct {
	noMetrics
	n atomic.Int64
}

func (c *countingPanics) Panic() { c.n.Add(1) }

// TestAPanicEndsItsRequestNotTheBot: a request whose work panics gets the
// error reply, the panic is logged with its id and counted, and the next
// request, on the same single worker, is answered; a digest that panics
// is an error.
func TestAPanicEndsItsRequestNotTheBot(t *testing.T) {
	counts := &countingPanics{}
	h := start(t, false, 1, func(c *Config) { c.Shared, c.Metrics = panickyStore{"Boom"}, counts })
	h.event("EvBoom", slackfake.Mention("C1", "U1", "800.1", "", "<@UBOT> who is Lajcak?"))
	h.event("EvFine", slackfake.Mention("C1", "U1", "800.2", "", "<@UBOT> who is Lajcak?"))
	posts := settle(t, h.fake, 2)
	var got []string
	for _, p := range posts {
		got = append(got, p.ThreadTS+" "+strconv.FormatBool(strings.Contains(p.Text, "something went wrong")))
	}
	if want := []string{"800.1 true", "800.2 false"}; !slices.Equal(got, want) {
		t.Errorf("posts (thread, apology): %q, want %q", got, want)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"level":"error","id":"EvBoom","panic":"claim seen:EvBoom"`) {
		t.Errorf("the panic was not logged with its id:\n%s", logs)
	}
	dg := h.bot.cfg.Digests.Today(time.Now().UTC())
	if posted, err := h.bot.PublishDigest(context.Background(), "CBoom", dg); posted || err == nil {
		t.Errorf("a digest that panicked: posted %v, error %v", posted, err)
	}
	if n := counts.n.Load(); n != 2 {
		t.Errorf("%d panics counted, want 2", n)
	}
}
