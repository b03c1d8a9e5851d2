package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
	api := slack.New(b.cfg.BotToken, append(b.cfg.slackOptions(), slack.OptionAppLevelToken(appToken))...)
	client := socketmode.New(api, opts...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	defer b.connected.Store(false)
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
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
		b.connected.Store(true)
		b.log.Info().Msg("slack: socket mode connected")
		return nil
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect:
		b.connected.Store(false)
		b.log.Info().Str("event", string(evt.Type)).Msg("slack: socket mode not connected")
		return nil
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

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }
