// Package slackbot is hearingbot's Slack edge: it takes mentions, direct
// messages, the /hearing command and button clicks from Slack, over Socket
// Mode or HTTP, answers them with the answer engine, and replies in Block
// Kit. It is the only package that imports slack-go.
//
// Every request is acknowledged at once and answered afterwards by a bounded
// pool of workers; a request Slack delivers twice is answered once; replies
// are retried on rate limits and server errors, and a reply that still cannot
// be delivered is logged with the request's id.
package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
)

// Config is what the bot needs; the command line fills it from the
// environment.
type Config struct {
	BotToken string // xoxb-...
	// APIURL, if set, is the base of Slack's Web API (tests, other Slack
	// hosts), e.g. "http://127.0.0.1:8080/api/".
	APIURL  string
	Workers int // replies worked on at once (default 64: most of their time is spent waiting on Slack)
	Queue   int // requests waiting for a worker (default 1000)
	Log     zerolog.Logger
	// HTTPClient posts to Slack; nil means a client with a 15 s timeout.
	HTTPClient *http.Client
	// Digests, if set, serves /hearing themes and /hearing digest, for the
	// day in Location (nil: UTC).
	Digests  *digest.Digester
	Location *time.Location
	// Metrics, if set, is told what happens to each request.
	Metrics Metrics
	// Shared, if set, is what replicas share (internal/shared, in Redis):
	// a request is answered by the replica that claims it, a day's digest
	// posted by the one that claims it. Its failures are logged and counted
	// and the bot goes on alone.
	Shared Shared
}

// Shared claims keys across replicas for a while.
type Shared interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, key string) error
}

// Metrics is what the bot reports for monitoring (internal/metrics
// implements it).
type Metrics interface {
	Request(kind, outcome string)              // one per request, when its fate is known
	Answer(took time.Duration, abstained bool) // one per question answered
	SlackError(reason string, retrying bool)   // one per failed call to Slack
	Digest(outcome string)                     // posted, skipped or failed, per channel
	Feedback(verdict string)                   // helpful or not_helpful, once per person and answer
	RedisError()                               // a call to the shared store that failed
	Panic()                                    // a request (or a digest) whose work panicked
}

type noMetrics struct{}

func (noMetrics) Request(string, string)     {}
func (noMetrics) Answer(time.Duration, bool) {}
func (noMetrics) SlackError(string, bool)    {}
func (noMetrics) Digest(string)              {}
func (noMetrics) Feedback(string)            {}
func (noMetrics) RedisError()                {}
func (noMetrics) Panic()                     {}

// Request outcomes, for logs and metrics.
const (
	outcomeAnswered    = "answered"    // the reply was delivered
	outcomeAbstained   = "abstained"   // delivered: the summary does not cover it
	outcomeUndelivered = "undelivered" // Slack would not take the reply
	outcomeFailed      = "failed"      // the engine failed; an apology was sent
	outcomeBusy        = "busy"        // the queue was full; the asker is told
	outcomeDropped     = "dropped"     // the queue and the busy notices were full: logged, not told
	outcomeDuplicate   = "duplicate"   // Slack delivered it again; answered once
	outcomeIgnored     = "ignored"     // not for the bot: its own messages, edits, other bots
	outcomeRefused     = "refused"     // bad signature, malformed, or shutting down
)

// Bot answers Slack requests. Start it, hand it to a transport (Handler for
// HTTP mode, RunSocketMode), and Stop it to finish the work in flight.
type Bot struct {
	cfg    Config
	engine *answer.Engine
	api    webAPI
	log    zerolog.Logger
	self   identity
	seen   *dedupe
	// threads are the threads this replica answered in, "channel:ts": a
	// follow-up there is the bot's to answer even when Slack cannot say.
	threads *dedupe

	jobs    chan job
	notices chan job     // askers to tell the bot is busy
	mu      sync.RWMutex // guards closed, and sends on jobs and notices
	closed  bool
	wg      sync.WaitGroup

	connected atomic.Bool  // Socket Mode is connected
	since     atomic.Int64 // Socket Mode: when connected last changed, Unix nanoseconds
	refusals  logLimiter   // bounds the log lines of refused HTTP requests
	// and those of a shared store that fails
	redisFailures logLimiter
	// stopCtx is cancelled when Stop gives up waiting, to cut retries short.
	stopCtx    context.Context
	stopCancel context.CancelFunc
}

// webAPI is the part of Slack's Web API the bot calls.
type webAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
}

var _ webAPI = (*slack.Client)(nil)

// identity is who the bot is in the workspace, to ignore its own messages.
type identity struct{ userID, botID string }

// ErrAuth is returned by New when Slack refuses the bot token.
var ErrAuth = errors.New("slack refused the bot token")

// New checks the bot token with Slack (auth.test) and returns a Bot that
// answers with e.
func New(ctx context.Context, e *answer.Engine, c Config) (*Bot, error) {
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.Queue <= 0 {
		c.Queue = 1000
	}
	if c.Metrics == nil {
		c.Metrics = noMetrics{}
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	c.HTTPClient = capResponses(c.HTTPClient, maxResponse)
	api := slack.New(c.BotToken, c.slackOptions()...)
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) || strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "not_authed") {
			return nil, fmt.Errorf("slack: auth.test: %w (%v)", ErrAuth, err)
		}
		return nil, fmt.Errorf("slack: auth.test: %w", err)
	}
	b := &Bot{
		cfg:     c,
		engine:  e,
		api:     api,
		log:     c.Log,
		self:    identity{userID: auth.UserID, botID: auth.BotID},
		seen:    newDedupe(time.Hour, 100_000),
		threads: newDedupe(7*24*time.Hour, 100_000),
		jobs:    make(chan job, c.Queue),
		notices: make(chan job, max(c.Queue/10, 16)),
	}
	b.stopCtx, b.stopCancel = context.WithCancel(context.Background())
	return b, nil
}

func (c Config) slackOptions() []slack.Option {
	opts := []slack.Option{slack.OptionHTTPClient(c.HTTPClient)}
	if c.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(c.APIURL))
	}
	return opts
}

// Start starts the workers, and the few that tell askers the bot is busy.
func (b *Bot) Start() {
	for range b.cfg.Workers {
		b.wg.Go(func() {
			for j := range b.jobs {
				b.work(j)
			}
		})
	}
	for range noticeWorkers {
		b.wg.Go(func() {
			for j := range b.notices {
				b.protect(j.req.id, func() { b.tellBusy(j.req) })
			}
		})
	}
}

// noticeWorkers send the "busy" notices.
const noticeWorkers = 4

// Stop stops taking requests and waits for the queued and running ones to be
// answered, or for ctx to end, whichever comes first; then it cuts retries
// short. Requests offered after Stop are refused.
func (b *Bot) Stop(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.jobs)
		close(b.notices)
	}
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	defer b.cfg.HTTPClient.CloseIdleConnections()
	select {
	case <-done:
		b.stopCancel()
		return nil
	case <-ctx.Done():
		b.stopCancel()
		<-done
		return fmt.Errorf("slack: stopped before every reply was delivered: %w", ctx.Err())
	}
}

// job is a request waiting for its reply.
type job struct {
	req      request
	received time.Time
}

// errBusy and errStopped say why offer refused a request.
var (
	errBusy    = errors.New("too many questions waiting")
	errStopped = errors.New("shutting down")
)

// offer queues a request for a worker without waiting. A request already
// seen is dropped (Slack needs no second answer) and offer returns nil.
// When every worker is busy and the queue is full, offer returns errBusy:
// if tellInline, the caller tells the asker in its acknowledgement (a slash
// command's response); otherwise offer queues a notice that tells them, or,
// when even the notices are backed up, logs and counts the request as
// dropped. Memory stays bounded either way.
func (b *Bot) offer(r request, tellInline bool) error {
	if r.id != "" && !b.seen.add(r.id) {
		b.logRequest(r, outcomeDuplicate, 0)
		return nil
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		b.seen.remove(r.id) // let Slack's redelivery reach another replica
		b.logRequest(r, outcomeRefused, 0)
		return errStopped
	}
	select {
	case b.jobs <- job{req: r, received: time.Now()}:
		return nil
	default:
	}
	switch {
	case tellInline:
		b.logRequest(r, outcomeBusy, 0)
	default:
		select {
		case b.notices <- job{req: r, received: time.Now()}:
			b.logRequest(r, outcomeBusy, 0)
		default:
			b.logRequest(r, outcomeDropped, 0)
		}
	}
	return errBusy
}

// work answers one request and delivers the reply. A panic ends the
// request, not the process: it is logged with the request's id and
// counted, and the asker gets the error reply, as for any other failure.
func (b *Bot) work(j job) {
	ctx, cancel := context.WithTimeout(b.stopCtx, 2*time.Minute)
	defer cancel()
	r := j.req
	if !b.protect(r.id, func() { b.handle(ctx, j) }) {
		return
	}
	b.protect(r.id, func() {
		if err := b.deliver(ctx, r, errorReply(r)); err != nil {
			b.log.Error().Err(err).Str("id", r.id).Str("kind", r.kind.String()).Str("channel", r.channel).Msg("apology not delivered")
		}
	})
	b.logRequest(r, outcomeFailed, time.Since(j.received))
}

// handle claims a request, answers it and delivers the reply.
func (b *Bot) handle(ctx context.Context, j job) {
	r := j.req
	if r.id != "" && !b.claim(ctx, "seen:"+r.id, dedupeTTL) {
		b.logRequest(r, outcomeDuplicate, 0) // another replica answers it
		return
	}
	outcome := outcomeAnswered
	reply, err := b.reply(ctx, r)
	if err != nil {
		b.log.Error().Err(err).Str("id", r.id).Msg("no answer: the engine failed")
		reply, outcome = errorReply(r), outcomeFailed
	}
	if len(reply) == 0 {
		outcome = outcomeIgnored // a thread without the bot, a "thanks" there: not answered, not counted as answered
	}
	if len(reply) > 0 && reply[0].abstained {
		outcome = outcomeAbstained
	}
	if err := b.deliver(ctx, r, reply); err != nil {
		b.log.Error().Err(err).Str("id", r.id).Str("kind", r.kind.String()).Str("channel", r.channel).Msg("reply not delivered")
		outcome = outcomeUndelivered
	}
	b.logRequest(r, outcome, time.Since(j.received))
}

// protect runs f and reports whether it panicked. The panic is logged,
// with id, its value and the stack, and counted.
func (b *Bot) protect(id string, f func()) (panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			b.cfg.Metrics.Panic()
			b.log.Error().Str("id", id).Str("panic", truncate(fmt.Sprint(p), 300)).Str("stack", string(debug.Stack())).
				Msg("panicked: this request ends, the bot goes on")
		}
	}()
	f()
	return false
}

// dedupeTTL is how long a request is remembered as answered, here and
// across replicas.
const dedupeTTL = time.Hour

// claim claims key across replicas: true when this replica may go on. A
// bot without a shared store, or with one that fails, goes on: an answer
// twice beats no answer.
func (b *Bot) claim(ctx context.Context, key string, ttl time.Duration) bool {
	if b.cfg.Shared == nil {
		return true
	}
	ok, err := b.cfg.Shared.Claim(ctx, key, ttl)
	if err != nil {
		b.sharedFailed(err)
		return true
	}
	return ok
}

// release gives up a claim; where the store fails, the claim expires.
func (b *Bot) release(ctx context.Context, key string) {
	if b.cfg.Shared == nil {
		return
	}
	if err := b.cfg.Shared.Release(ctx, key); err != nil {
		b.sharedFailed(err)
	}
}

func (b *Bot) sharedFailed(err error) {
	b.cfg.Metrics.RedisError()
	if n, log := b.redisFailures.allow(time.Now()); log {
		b.log.Warn().Err(err).Int("suppressed", n).Msg("shared store unavailable: going on alone")
	}
}

// logRequest logs a request once its fate is known, and counts it. The
// question's text is logged at debug level only.
func (b *Bot) logRequest(r request, outcome string, latency time.Duration) {
	b.cfg.Metrics.Request(r.kind.String(), outcome)
	level := zerolog.InfoLevel
	switch outcome {
	case outcomeDuplicate, outcomeIgnored:
		level = zerolog.DebugLevel
	case outcomeUndelivered, outcomeFailed, outcomeBusy:
		level = zerolog.WarnLevel
	case outcomeDropped:
		level = zerolog.ErrorLevel
	}
	e := b.log.WithLevel(level).Str("kind", r.kind.String()).Str("id", r.id).Str("outcome", outcome)
	if latency > 0 {
		e = e.Int64("latency_ms", latency.Milliseconds())
	}
	if b.log.GetLevel() <= zerolog.DebugLevel {
		e = e.Str("question", r.text)
	}
	e.Msg("request")
}

// refusal tells a user why their request was not taken.
func refusal(err error) string {
	if errors.Is(err, errStopped) {
		return "hearingbot is restarting. Please ask again in a moment."
	}
	return "hearingbot is busy right now. Please ask again in a minute."
}

// tellBusy tells an asker their question was not taken.
func (b *Bot) tellBusy(r request) {
	ctx, cancel := context.WithTimeout(b.stopCtx, 30*time.Second)
	defer cancel()
	m := message{Text: refusal(errBusy)}
	m.Blocks = []slack.Block{section(m.Text)}
	if err := b.deliver(ctx, r, []post{{message: m, viaResponseURL: r.responseURL != ""}}); err != nil {
		b.log.Error().Err(err).Str("id", r.id).Str("kind", r.kind.String()).Msg("busy notice not delivered")
	}
}
