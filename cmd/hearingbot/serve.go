package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"hearingbot/bot/slackbot"
	"hearingbot/internal/metrics"
)

// What serve answers on HEARINGBOT_ADDR, besides slackbot.EventsPath in
// HTTP mode.
const (
	healthPath  = "/healthz" // the process is alive
	readyPath   = "/readyz"  // it can answer: index built, Slack reachable
	metricsPath = "/metrics" // Prometheus
)

// serve runs the Slack bot until ctx ends (SIGINT or SIGTERM). It listens
// on HEARINGBOT_ADDR from the start, for health, readiness and metrics (and
// Slack's requests in HTTP mode), and turns ready once the index is built,
// Slack has accepted the token and, in Socket Mode, the connection is up.
// On the way out it turns unready, stops taking requests, finishes the
// replies in flight within HEARINGBOT_SHUTDOWN_TIMEOUT, and returns nil.
func serve(ctx context.Context, cfg Config, s Streams) error {
	m, slackErr := cfg.slackMode()
	loc, sched, digestErr := cfg.digestSettings(false)
	if err := allProblems("configuration", slackErr, digestErr); err != nil {
		return err
	}
	log := cfg.logger(s.Err)
	met := metrics.New(buildVersion())

	var (
		started atomic.Bool                  // set once the bot is up; cleared at shutdown
		bot     atomic.Pointer[slackbot.Bot] // set once the bot is up
		events  atomic.Pointer[http.Handler] // HTTP mode: set once the bot is up
	)
	ready := func() bool {
		b := bot.Load()
		return started.Load() && b != nil && (m == httpMode || b.Connected())
	}
	// Health and metrics on their own listener when HEARINGBOT_METRICS_ADDR
	// is set, so that the public one (Slack's, in HTTP mode) shows nothing
	// else; on the one listener otherwise.
	public, internal := http.NewServeMux(), http.NewServeMux()
	if cfg.MetricsAddr == "" {
		internal = public
	}
	// Alive unless Socket Mode has been without a connection for too long:
	// then the liveness probe restarts the pod rather than leave it idle.
	alive := func(w http.ResponseWriter, r *http.Request) {
		if b := bot.Load(); b != nil && m == socketMode {
			if d := b.Unconnected(time.Now()); d > maxUnconnected {
				http.Error(w, fmt.Sprintf("no Socket Mode connection for %s", d.Round(time.Second)), http.StatusServiceUnavailable)
				return
			}
		}
		io.WriteString(w, "ok\n")
	}
	operations(internal, ready, alive, met)
	if cfg.MetricsAddr != "" {
		public.HandleFunc("GET "+healthPath, alive) // for a load balancer's checks
	}
	public.Handle("POST "+slackbot.EventsPath, slackEvents(&events))
	srv, addr, err := listen(cfg.Addr, public)
	if err != nil {
		return err
	}
	defer srv.Close()
	servers := []*http.Server{srv}
	if cfg.MetricsAddr != "" {
		msrv, maddr, err := listen(cfg.MetricsAddr, internal)
		if err != nil {
			return err
		}
		defer msrv.Close()
		servers = append(servers, msrv)
		log.Info().Str("addr", maddr).Msg("metrics listening")
	}
	log.Info().Str("addr", addr).Str("mode", string(m)).Str("version", buildVersion()).Msg("listening")

	_, e, digests, err := openContent(ctx, cfg.ContentDir, sched != nil)
	if err != nil {
		return err
	}
	defer e.Close()
	store, closeStore, err := cfg.sharedStore(func(w string) { log.Warn().Msg(w) })
	if err != nil {
		return err
	}
	defer closeStore()
	b, err := slackbot.New(ctx, e, slackbot.Config{
		BotToken: cfg.SlackBotToken, APIURL: cfg.apiURL(),
		Workers: cfg.Workers, Queue: cfg.Queue,
		Log:     log.With().Str("component", "slack").Logger(),
		Digests: digests, Location: loc, Metrics: met, Shared: store,
	})
	if err != nil {
		return err
	}
	b.Start()
	bot.Store(b)
	if m == httpMode {
		h := b.Handler(cfg.SlackSigningSecret)
		events.Store(&h)
	}
	started.Store(true)

	var scheduled sync.WaitGroup
	scheduleCtx, stopSchedule := context.WithCancel(ctx)
	defer stopSchedule()
	if sched != nil {
		scheduled.Go(func() {
			digests.Run(scheduleCtx, sched, loc, cfg.DigestChannels, b, log.With().Str("component", "digest").Logger())
		})
		log.Info().Str("schedule", cfg.DigestSchedule).Str("tz", loc.String()).Strs("channels", cfg.DigestChannels).Msg("digest scheduled")
	}
	log.Info().Msg("serving")

	var runErr error
	switch m {
	case socketMode:
		runErr = b.RunSocketMode(ctx, cfg.SlackAppToken) // returns when ctx ends, the connection closed
	case httpMode:
		<-ctx.Done()
	}

	log.Info().Int64("timeout_ms", cfg.ShutdownTimeout.Milliseconds()).Msg("shutting down: finishing replies in flight")
	started.Store(false)
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	stopSchedule()
	if err := b.Stop(stopCtx); err != nil {
		log.Error().Err(err).Msg("shutdown")
	}
	select {
	case <-wait(&scheduled):
	case <-stopCtx.Done():
		log.Error().Msg("shutdown: a digest was still being posted")
	}
	for _, srv := range servers {
		if err := srv.Shutdown(stopCtx); err != nil {
			log.Warn().Err(err).Msg("shutdown: HTTP server")
		}
	}
	log.Info().Msg("stopped")
	return runErr
}

// maxUnconnected is how long Socket Mode may stay without a connection
// before /healthz says the process is not alive.
const maxUnconnected = 5 * time.Minute

// operations serves /healthz, /readyz and /metrics on mux.
func operations(mux *http.ServeMux, ready func() bool, alive http.HandlerFunc, met *metrics.Metrics) {
	mux.HandleFunc("GET "+healthPath, alive)
	mux.HandleFunc("GET "+readyPath, func(w http.ResponseWriter, r *http.Request) {
		if !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET "+metricsPath, met.Handler())
}

// slackEvents serves Slack's requests once the bot is up (503 until then).
func slackEvents(events *atomic.Pointer[http.Handler]) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := events.Load()
		if h == nil {
			http.Error(w, "not serving Slack requests (yet)", http.StatusServiceUnavailable)
			return
		}
		(*h).ServeHTTP(w, r)
	})
}

// maxHeaderBytes bounds a request's headers.
const maxHeaderBytes = 32 << 10

// listen starts serving h on addr and returns the server and the address it
// listens on (addr may give port 0).
func listen(addr string, h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("%s_ADDR: %w", envPrefix, err)
	}
	// Slack's headers are a few hundred bytes: a megabyte of them is refused
	// (431) before any handler runs or logs.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		MaxHeaderBytes: maxHeaderBytes}
	go srv.Serve(ln)
	return srv, ln.Addr().String(), nil
}

// wait returns a channel closed when wg is done.
func wait(wg *sync.WaitGroup) <-chan struct{} {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}
