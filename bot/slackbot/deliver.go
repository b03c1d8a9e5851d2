package slackbot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
)

// Retry policy for replies.
const (
	maxAttempts   = 10
	firstBackoff  = 500 * time.Millisecond
	maxBackoff    = 8 * time.Second
	maxRetryAfter = 2 * time.Minute
)

// deliver sends a request's reply, post by post, in order. A post that
// fails is retried when Slack may take it later; the first that cannot be
// delivered ends the reply with its error.
func (b *Bot) deliver(ctx context.Context, r request, posts []post) error {
	for i, p := range posts {
		send := func(ctx context.Context) error { return b.send(ctx, r, p) }
		if err := retry(ctx, send, b.failed(r.id)); err != nil {
			if p.deleteOriginal && i > 0 {
				// The shared copy is out; a private copy left behind is harmless.
				b.log.Warn().Err(err).Str("id", r.id).Msg("private copy not deleted")
				continue
			}
			return err
		}
	}
	return nil
}

// failed is told of each failed call to Slack made for the request id.
func (b *Bot) failed(id string) func(error, time.Duration, bool) {
	return func(err error, wait time.Duration, retrying bool) {
		b.cfg.Metrics.SlackError(reason(err), retrying)
		if retrying {
			b.log.Warn().Err(err).Str("id", id).Int64("wait_ms", wait.Milliseconds()).Msg("slack: retrying")
		}
	}
}

// reason names a failure for metrics.
func reason(err error) string {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var ne net.Error
	switch {
	case errors.As(err, &rl), errors.As(err, &sc) && sc.Code == 429:
		return "rate_limited"
	case errors.As(err, &sc):
		return "server_error"
	case errors.As(err, &ne):
		return "network"
	}
	return "refused"
}

// send makes one attempt at one post.
func (b *Bot) send(ctx context.Context, r request, p post) error {
	if p.home {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: r.user,
			View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: p.Blocks}}})
		return err
	}
	m := fit(p.message)
	if p.viaResponseURL {
		w := &slack.WebhookMessage{Text: m.Text, ReplaceOriginal: p.replace, DeleteOriginal: p.deleteOriginal}
		if !p.deleteOriginal {
			w.Blocks = &slack.Blocks{BlockSet: m.Blocks}
			switch {
			case p.keepVisibility: // replacing a message: Slack keeps who sees it
			case p.inChannel:
				w.ResponseType = slack.ResponseTypeInChannel
			default:
				w.ResponseType = slack.ResponseTypeEphemeral
			}
		}
		return redacted(slack.PostWebhookCustomHTTPContext(ctx, r.responseURL, b.cfg.HTTPClient, w))
	}
	opts := []slack.MsgOption{slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionText(m.Text, false)}
	if p.metadata != nil {
		opts = append(opts, slack.MsgOptionMetadata(*p.metadata))
	}
	if r.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(r.threadTS))
	}
	_, _, err := b.api.PostMessageContext(ctx, r.channel, opts...)
	return err
}

// retry calls f until it succeeds, fails for good, or ctx ends: after a
// rate limit it waits what Slack asks (Retry-After), after a server or
// network error it backs off exponentially. Slack's own refusals (a channel
// not found, invalid blocks) are not retried. failed, if set, is told of
// each failure, the wait before the next try, and whether there will be one.
func retry(ctx context.Context, f func(context.Context) error, failed func(error, time.Duration, bool)) error {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		wait, ok := retryable(err, backoff)
		ok = ok && attempt < maxAttempts
		if failed != nil {
			failed(err, wait, ok)
		}
		if !ok {
			return fmt.Errorf("after %d attempts: %w", attempt, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("after %d attempts: %w (%w)", attempt, ctx.Err(), err)
		case <-t.C:
		}
		if wait == backoff {
			backoff = min(2*backoff, maxBackoff)
		}
	}
}

// retryable says whether err may pass if tried again, and after how long.
func retryable(err error, backoff time.Duration) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return min(max(rl.RetryAfter, time.Second), maxRetryAfter), true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return backoff, sc.Code >= 500 || sc.Code == 408 || sc.Code == 429
	}
	// A network failure may pass; a URL that cannot work (an unsupported
	// scheme, a malformed host) will not.
	var op *net.OpError
	var ne net.Error
	if errors.As(err, &op) || errors.As(err, &ne) && ne.Timeout() {
		return backoff, true
	}
	return 0, false
}

// redacted is err without the response_url it may quote: a bearer URL, not
// for logs. The host stays, to tell where a reply failed.
func redacted(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	host := "?"
	if u, perr := url.Parse(ue.URL); perr == nil {
		host = u.Scheme + "://" + u.Host
	}
	return &url.Error{Op: ue.Op, URL: host + "/…", Err: ue.Err}
}

// maxResponse is the most the bot reads of one Web API response: a thread's
// page of 200 messages is far less; anything larger is an error, not memory.
const maxResponse = 8 << 20

// capResponses returns c with every response body read to at most n bytes.
func capResponses(c *http.Client, n int64) *http.Client {
	capped := *c
	capped.Transport = cappedTransport{base: transport(c), max: n}
	return &capped
}

type cappedTransport struct {
	base http.RoundTripper
	max  int64
}

func (t cappedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err == nil {
		res.Body = &cappedBody{ReadCloser: res.Body, left: t.max, max: t.max}
	}
	return res, err
}

// cappedBody fails a read past its limit.
type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("slack: a response over %d bytes", b.max)
	}
	n, err := b.ReadCloser.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, err
}
