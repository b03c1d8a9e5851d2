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

// Until a request's signature is checked, anyone can send it. These bound
// what such requests can cost: how many bodies are read at once (beyond it,
// 503 at once), in buffers of MaxBody reused from request to request, and
// for how long a body may take to arrive.
const (
	maxUnverified = 1024 // 64 MiB of buffers at most
	bodyDeadline  = 5 * time.Second
)

// bodies are the buffers unverified bodies are read into: a fixed size, so
// a flood of bodies that never finish costs MaxBody each, not more.
var bodies = sync.Pool{New: func() any { b := make([]byte, MaxBody+1); return &b }}

// EventsPath is where Slack sends events, commands and interactivity in HTTP
// mode, as with Slack's Bolt frameworks.
const EventsPath = "/slack/events"

// Handler serves Slack's HTTP requests (Events API, slash commands and
// interactivity, all on one URL). Each request's timestamp and signature are
// checked against the signing secret before its body is used; a request
// that fails is refused with nothing done. A good request is acknowledged
// at once and answered by the workers.
func (b *Bot) Handler(signingSecret string) http.Handler {
	unverified := make(chan struct{}, maxUnverified)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.ContentLength > MaxBody {
			b.refused(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		select {
		case unverified <- struct{}{}:
		default:
			b.refused(w, http.StatusServiceUnavailable, "too many requests being read")
			return
		}
		body, status, err := verified(w, r, signingSecret)
		<-unverified
		if err != nil {
			b.refused(w, status, reasons[status])
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
// at most MaxBody bytes, within bodyDeadline, and checks the signature over
// them. Its errors may quote the headers: log its status's reason instead.
func verified(w http.ResponseWriter, r *http.Request, secret string) ([]byte, int, error) {
	v, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return nil, http.StatusUnauthorized, err
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyDeadline))
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	n, err := io.ReadFull(r.Body, *buf)
	switch {
	case n > MaxBody:
		return nil, http.StatusRequestEntityTooLarge, errTooLarge
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF):
		return nil, http.StatusBadRequest, err
	}
	body := (*buf)[:n]
	if _, err := v.Write(body); err != nil {
		return nil, http.StatusInternalServerError, err
	}
	if err := v.Ensure(); err != nil {
		return nil, http.StatusUnauthorized, err
	}
	return bytes.Clone(body), http.StatusOK, nil
}

var errTooLarge = errors.New("body too large")

// reasons are what a refusal's log line says, by status: fixed texts.
var reasons = map[int]string{
	http.StatusUnauthorized:          "bad timestamp or signature",
	http.StatusRequestEntityTooLarge: "body too large",
	http.StatusBadRequest:            "body not read in time",
	http.StatusInternalServerError:   "signature not computed",
}

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
