package slackbot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxBody is the largest request body the HTTP endpoint reads. Slack's
// events and commands are a few kilobytes; a button click carries the
// message it was on, and the bot's largest messages are about 20 KB.
const MaxBody = 64 << 10

// EventsPath is where Slack sends events, commands and interactivity in HTTP
// mode, as with Slack's Bolt frameworks.
const EventsPath = "/slack/events"

// Handler serves Slack's HTTP requests (Events API, slash commands and
// interactivity, all on one URL). Each request's timestamp and signature are
// checked against the signing secret before its body is used; a request
// that fails is refused with nothing done. A good request is acknowledged
// at once and answered by the workers.
//
// Until its signature is checked anyone can send a request, so what its
// body costs is bounded: at most MaxBody, in a buffer that grows as its
// bytes arrive, at a minimum pace, within a budget shared by the bodies
// being read, from which the slowest is dropped to make room (see
// defaultLimits).
func (b *Bot) Handler(signingSecret string) http.Handler {
	return b.handler(signingSecret, newReaders(defaultLimits))
}

// handler is Handler reading the bodies it has not verified yet from bodies.
func (b *Bot) handler(signingSecret string, bodies *readers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// A request refused before its body is read closes its connection:
		// else the server would wait for the rest of the body first.
		if r.ContentLength > MaxBody {
			w.Header().Set("Connection", "close")
			b.refused(w, errBodyTooLarge.status, errBodyTooLarge.reason)
			return
		}
		body, status, err := verified(w, r, signingSecret, bodies)
		if err != nil {
			w.Header().Set("Connection", "close")
			b.refused(w, status, err.Error()) // a fixed reason
			return
		}
		ctype, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		switch strings.ToLower(strings.TrimSpace(ctype)) {
		case "application/json":
			b.serveEvent(w, r, body)
		case "application/x-www-form-urlencoded":
			b.serveForm(w, body)
		default:
			b.refused(w, http.StatusUnsupportedMediaType, "unsupported content type")
		}
	})
}

// refused answers a request the bot will not take, counts it, and logs it
// with a fixed reason, never what the request held (a header can be a
// megabyte), at most refusalsPerSecond lines a second: the others are
// counted and the count logged with the next line.
func (b *Bot) refused(w http.ResponseWriter, status int, reason string) {
	b.cfg.Metrics.Request("invalid", outcomeRefused)
	if n, ok := b.refusals.allow(time.Now()); ok {
		e := b.log.Warn().Str("reason", reason).Int("status", status).Str("kind", "invalid").Str("outcome", outcomeRefused)
		if n > 0 {
			e = e.Int("suppressed", n)
		}
		e.Msg("request")
	}
	http.Error(w, http.StatusText(status), status)
}

// refusalsPerSecond is how many refusals a second are logged one by one.
const refusalsPerSecond = 10

// logLimiter lets through at most refusalsPerSecond events a second and
// counts the others.
type logLimiter struct {
	mu         sync.Mutex
	window     time.Time
	n          int // let through in this window
	suppressed int // since the last one let through
}

// allow reports whether an event at now may be logged, and how many were
// suppressed since the last one that was.
func (l *logLimiter) allow(now time.Time) (suppressed int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.window) >= time.Second {
		l.window, l.n = now, 0
	}
	if l.n >= refusalsPerSecond {
		l.suppressed++
		return 0, false
	}
	l.n++
	suppressed, l.suppressed = l.suppressed, 0
	return suppressed, true
}

// ignored counts an event the bot does not answer (its caller acknowledges it).
func (b *Bot) ignored() {
	b.cfg.Metrics.Request("event", outcomeIgnored)
}

// verified checks the request's timestamp and signature headers, then reads
// its body from bodies, and checks the signature over it. Its errors are
// *denial: their text is a fixed reason, what they wrap may quote the
// headers.
func verified(w http.ResponseWriter, r *http.Request, secret string, bodies *readers) ([]byte, int, error) {
	v, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return nil, errSignature.status, errSignature.because(err)
	}
	body, no := bodies.read(w, r.Body, r.ContentLength)
	if no != nil {
		return nil, no.status, no
	}
	if _, err := v.Write(body); err != nil {
		return nil, errNotComputed.status, errNotComputed.because(err)
	}
	if err := v.Ensure(); err != nil {
		return nil, errSignature.status, errSignature.because(err)
	}
	return body, http.StatusOK, nil
}

var (
	errSignature   = &denial{status: http.StatusUnauthorized, reason: "bad timestamp or signature"}
	errNotComputed = &denial{status: http.StatusInternalServerError, reason: "signature not computed"}
)

// serveEvent acknowledges an Events API request: URL verification is
// answered with its challenge; an event the bot answers is queued.
func (b *Bot) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		b.refused(w, http.StatusBadRequest, "malformed event")
		return
	}
	if e.Type == slackevents.URLVerification {
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil || c.Challenge == "" {
			b.refused(w, http.StatusBadRequest, "malformed challenge")
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, c.Challenge)
		return
	}
	req, ok := b.fromEvent(e)
	if !ok {
		b.ignored()
		w.WriteHeader(http.StatusOK) // not for us; acknowledged so Slack does not resend it
		return
	}
	if err := b.offer(req, false); errors.Is(err, errStopped) {
		// Not acknowledged: Slack delivers it again, to another replica or
		// to this one once it is back.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// serveForm acknowledges a slash command or an interaction (a form with a
// JSON "payload").
func (b *Bot) serveForm(w http.ResponseWriter, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		b.refused(w, http.StatusBadRequest, "malformed form")
		return
	}
	var req request
	switch {
	case form.Has("payload"):
		var ic slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
			b.refused(w, http.StatusBadRequest, "malformed payload")
			return
		}
		var ok bool
		if req, ok = fromAction(ic); !ok {
			b.ignored()
			w.WriteHeader(http.StatusOK)
			return
		}
	case form.Has("command"):
		c, err := slack.SlashCommandParse(&http.Request{Method: http.MethodPost,
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   io.NopCloser(bytes.NewReader(body))})
		if err != nil || c.ResponseURL == "" {
			b.refused(w, http.StatusBadRequest, "malformed command")
			return
		}
		req = fromCommand(c)
	default:
		b.refused(w, http.StatusBadRequest, "neither a command nor an interaction")
		return
	}
	// Slack does not redeliver commands and clicks: a refused one is
	// answered here, or by the busy notice offer queues.
	if err := b.offer(req, req.kind == kindCommand); err != nil && req.kind == kindCommand {
		// The command's own response says so at once, privately.
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: refusal(err)})
		return
	}
	w.WriteHeader(http.StatusOK)
}
