package slackbot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxBody is the largest request body the HTTP endpoint reads. Slack's
// events, commands and button clicks are a few kilobytes.
const MaxBody = 256 << 10

// EventsPath is where Slack sends events, commands and interactivity in HTTP
// mode, as with Slack's Bolt frameworks.
const EventsPath = "/slack/events"

// Handler serves Slack's HTTP requests (Events API, slash commands and
// interactivity, all on one URL). Each request's timestamp and signature are
// checked against the signing secret before its body is used; a request
// that fails is refused with nothing done. A good request is acknowledged
// at once and answered by the workers.
func (b *Bot) Handler(signingSecret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, status, err := verified(w, r, signingSecret)
		if err != nil {
			b.refused(w, status, err)
			return
		}
		ctype, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		switch strings.TrimSpace(ctype) {
		case "application/json":
			b.serveEvent(w, r, body)
		case "application/x-www-form-urlencoded":
			b.serveForm(w, body)
		default:
			b.refused(w, http.StatusUnsupportedMediaType, errors.New("unsupported content type"))
		}
	})
}

// refused answers a request the bot will not take, logs it once and
// counts it.
func (b *Bot) refused(w http.ResponseWriter, status int, err error) {
	b.cfg.Metrics.Request("invalid", outcomeRefused)
	b.log.Warn().Err(err).Int("status", status).Str("kind", "invalid").Str("outcome", outcomeRefused).Msg("request")
	http.Error(w, http.StatusText(status), status)
}

// ignored counts an event the bot does not answer (its caller acknowledges it).
func (b *Bot) ignored() {
	b.cfg.Metrics.Request("event", outcomeIgnored)
}

// verified checks the request's timestamp and signature headers, then reads
// at most MaxBody bytes and checks the signature over them.
func verified(w http.ResponseWriter, r *http.Request, secret string) ([]byte, int, error) {
	v, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return nil, http.StatusUnauthorized, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, http.StatusRequestEntityTooLarge, err
	}
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	if _, err := v.Write(body); err != nil {
		return nil, http.StatusInternalServerError, err
	}
	if err := v.Ensure(); err != nil {
		return nil, http.StatusUnauthorized, err
	}
	return body, http.StatusOK, nil
}

// serveEvent acknowledges an Events API request: URL verification is
// answered with its challenge; an event the bot answers is queued.
func (b *Bot) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		b.refused(w, http.StatusBadRequest, fmt.Errorf("malformed event: %w", err))
		return
	}
	if e.Type == slackevents.URLVerification {
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil || c.Challenge == "" {
			b.refused(w, http.StatusBadRequest, errors.New("malformed challenge"))
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
		b.refused(w, http.StatusBadRequest, fmt.Errorf("malformed form: %w", err))
		return
	}
	var req request
	switch {
	case form.Has("payload"):
		var ic slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
			b.refused(w, http.StatusBadRequest, fmt.Errorf("malformed payload: %w", err))
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
			b.refused(w, http.StatusBadRequest, errors.New("malformed command"))
			return
		}
		req = fromCommand(c)
	default:
		b.refused(w, http.StatusBadRequest, errors.New("neither a command nor an interaction"))
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
