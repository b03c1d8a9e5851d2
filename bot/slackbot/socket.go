package slackbot

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// SocketOption tunes the Socket Mode connection.
type SocketOption = socketmode.Option

// RunSocketMode connects to Slack over Socket Mode with the app-level token
// (xapp-...) and answers until ctx ends or Slack refuses the token. It
// reconnects by itself when Slack asks or the connection drops; envelopes not
// acknowledged before a drop are delivered again by Slack and answered once.
// Start the bot first; Stop it after RunSocketMode returns.
func (b *Bot) RunSocketMode(ctx context.Context, appToken string, opts ...SocketOption) error {
	// Reconnections go through apps.connections.open: pacing that call
	// paces them, whatever asked for them (a disconnect, a dropped link).
	paced := *b.cfg.HTTPClient
	paced.Transport = &reconnectPacer{base: transport(b.cfg.HTTPClient)}
	api := slack.New(b.cfg.BotToken, append(b.cfg.slackOptions(), slack.OptionHTTPClient(&paced), slack.OptionAppLevelToken(appToken))...)
	disabled := make(chan struct{}, 1)
	client := socketmode.New(api, append([]SocketOption{socketmode.OptionReadLimit(maxFrame),
		socketmode.OptionDialer(watchingDialer(func() {
			select {
			case disabled <- struct{}{}:
			default:
			}
		}))}, opts...)...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.setConnected(false) // the clock of /healthz starts now
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	defer b.setConnected(false)
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case <-disabled:
			return ErrLinkDisabled
		case evt := <-client.Events:
			if err := b.socketEvent(ctx, client, evt); err != nil {
				return err
			}
		}
	}
}

// socketEvent handles one event from the Socket Mode client: requests are
// queued and then acknowledged (queueing never waits).
func (b *Bot) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) error {
	var req request
	ok := false
	switch evt.Type {
	case socketmode.EventTypeConnected:
		b.setConnected(true)
		b.log.Info().Msg("slack: socket mode connected")
		return nil
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect:
		b.setConnected(false)
		b.log.Info().Str("event", string(evt.Type)).Msg("slack: socket mode not connected")
		return nil
	case socketmode.EventTypeHello:
		return nil // the connection's greeting: nothing to answer or acknowledge
	case socketmode.EventTypeInvalidAuth:
		return fmt.Errorf("slack: socket mode: %w", ErrAuth)
	case socketmode.EventTypeErrorBadMessage:
		b.badMessage(ctx, client, evt)
		return nil
	case socketmode.EventTypeEventsAPI:
		if e, isEvent := evt.Data.(slackevents.EventsAPIEvent); isEvent {
			req, ok = b.fromEvent(e)
		}
	case socketmode.EventTypeSlashCommand:
		if c, isCommand := evt.Data.(slack.SlashCommand); isCommand && c.ResponseURL != "" {
			req, ok = fromCommand(c), true
		}
	case socketmode.EventTypeInteractive:
		if ic, isAction := evt.Data.(slack.InteractionCallback); isAction {
			req, ok = fromAction(ic)
		}
	}
	if evt.Request == nil {
		return nil // made by the client, not sent by Slack: nothing to acknowledge
	}
	if !ok {
		b.ignored()
	}
	var payload any
	if ok {
		switch err := b.offer(req, req.kind == kindCommand); {
		case errors.Is(err, errStopped):
			return nil // not acknowledged: Slack delivers it again
		case err != nil && req.kind == kindCommand:
			payload = map[string]string{"response_type": "ephemeral", "text": refusal(err)}
		}
	}
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		b.log.Error().Err(err).Str("envelope", evt.Request.EnvelopeID).Msg("slack: not acknowledged")
	}
	return nil
}

// badMessage acknowledges an envelope the client could not decode (an event
// type it does not know, a malformed payload): otherwise Slack sends it again
// and again.
func (b *Bot) badMessage(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if bad == nil || json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		b.log.Warn().Msg("slack: socket mode frame not understood")
		return
	}
	b.log.Warn().Err(bad.Cause).Str("envelope", env.EnvelopeID).Msg("slack: envelope not understood; acknowledged and dropped")
	if err := client.AckCtx(ctx, env.EnvelopeID, nil); err != nil {
		b.log.Error().Err(err).Str("envelope", env.EnvelopeID).Msg("slack: not acknowledged")
	}
}

// ErrLinkDisabled is returned when Slack closes the connection because
// Socket Mode was turned off for the app: reconnecting cannot help.
var ErrLinkDisabled = errors.New("slack: Socket Mode is turned off for this app (link_disabled): turn it on in the app's settings, or run in HTTP mode")

// linkDisabled is how Slack's disconnect frame says Socket Mode is off.
var linkDisabled = []byte(`"reason":"link_disabled"`)

// watchingDialer dials Slack's websocket as the client would, and calls
// disabled when the connection's frames say link_disabled: slack-go
// reconnects after any disconnect and does not tell why.
func watchingDialer(disabled func()) *websocket.Dialer {
	watch := func(c net.Conn, err error) (net.Conn, error) {
		if err != nil {
			return nil, err
		}
		return &watchedConn{Conn: c, disabled: disabled}, nil
	}
	var d net.Dialer
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 45 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return watch(d.DialContext(ctx, network, addr))
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			host, _, _ := net.SplitHostPort(addr)
			tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := tc.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return watch(tc, nil)
		},
	}
}

// watchedConn reports link_disabled in what it reads, across reads.
type watchedConn struct {
	net.Conn
	disabled func()
	tail     []byte // the end of the last read, where a match may begin
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		seen := append(c.tail, p[:n]...)
		if bytes.Contains(seen, linkDisabled) {
			c.disabled()
		}
		c.tail = append(c.tail[:0], seen[max(0, len(seen)-len(linkDisabled)):]...)
	}
	return n, err
}

// maxFrame is the largest Socket Mode frame read: Slack's envelopes are a
// few kilobytes, a click with the message it was on some tens.
const maxFrame = 1 << 20

// Reconnection pacing: a connection that lasted less than stableFor is
// followed by a wait that doubles from minReconnectWait to maxReconnectWait,
// with jitter, so that an endpoint that keeps disconnecting the bot costs a
// few requests a minute, not thousands a second.
const (
	stableFor        = 30 * time.Second
	minReconnectWait = time.Second
	maxReconnectWait = time.Minute
)

// reconnectPacer delays apps.connections.open when connections do not last.
type reconnectPacer struct {
	base http.RoundTripper
	mu   sync.Mutex
	last time.Time     // the last call
	wait time.Duration // the wait before the next, if it comes soon
}

func (p *reconnectPacer) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/apps.connections.open") {
		if d := p.next(time.Now()); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return nil, r.Context().Err()
			}
		}
	}
	return p.base.RoundTrip(r)
}

// next returns how long a call at now waits.
func (p *reconnectPacer) next(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last.IsZero() || now.Sub(p.last) > stableFor+p.wait {
		p.wait = 0
	} else {
		p.wait = min(max(2*p.wait, minReconnectWait), maxReconnectWait)
	}
	d := p.wait
	if d > 0 {
		d = d/2 + rand.N(d/2+1) // jitter: replicas do not reconnect in step
	}
	p.last = now.Add(d)
	return d
}

func transport(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Unconnected is how long Socket Mode has been without a connection: 0 while
// connected, and since RunSocketMode started when it never was.
func (b *Bot) Unconnected(now time.Time) time.Duration {
	if b.connected.Load() {
		return 0
	}
	since := b.since.Load()
	if since == 0 {
		return 0 // not running Socket Mode
	}
	return now.Sub(time.Unix(0, since))
}

func (b *Bot) setConnected(up bool) {
	if b.connected.Swap(up) != up || b.since.Load() == 0 {
		b.since.Store(time.Now().UnixNano())
	}
}
