package slackbot

import (
	"bytes"
	"encoding/json"
	"errors"
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
			b.log.Warn().Err(err).Int("status", status).Str("remote", r.RemoteAddr).Msg("slack request refused")
			http.Error(w, http.StatusText(status), status)
			return
		}
		ctype, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		switch strings.TrimSpace(ctype) {
		case "application/json":
			b.serveEvent(w, r, body)
		case "application/x-www-form-urlencoded":
			b.serveForm(w, body)
		default:
			http.Error(w, "unsupported content type", http.StatusUnsupportedMediaType)
		}
	})
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
		b.log.Warn().Err(err).Msg("slack event not understood")
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	if e.Type == slackevents.URLVerification {
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil || c.Challenge == "" {
			http.Error(w, "malformed challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, c.Challenge)
		return
	}
	req, ok := b.fromEvent(e)
	if !ok {
		w.WriteHeader(http.StatusOK) // not for us; acknowledged so Slack does not resend it
		return
	}
	switch err := b.offer(req); {
	case errors.Is(err, errStopped):
		// Not acknowledged: Slack delivers it again, to another replica or
		// to this one once it is back.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	case err != nil:
		b.busy(req)
	}
	w.WriteHeader(http.StatusOK)
}

// serveForm acknowledges a slash command or an interaction (a form with a
// JSON "payload").
func (b *Bot) serveForm(w http.ResponseWriter, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	var req request
	switch {
	case form.Has("payload"):
		var ic slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
			http.Error(w, "malformed payload", http.StatusBadRequest)
			return
		}
		var ok bool
		if req, ok = fromAction(ic); !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
	case form.Has("command"):
		c, err := slack.SlashCommandParse(&http.Request{Method: http.MethodPost,
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   io.NopCloser(bytes.NewReader(body))})
		if err != nil || c.ResponseURL == "" {
			http.Error(w, "malformed command", http.StatusBadRequest)
			return
		}
		req = fromCommand(c)
	default:
		http.Error(w, "unknown request", http.StatusBadRequest)
		return
	}
	if err := b.offer(req); err != nil {
		// The command's own response says so at once, privately.
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: refusal(err)})
		b.log.Warn().Err(err).Str("id", req.id).Str("kind", req.kind.String()).Msg("request refused")
		return
	}
	w.WriteHeader(http.StatusOK)
}
