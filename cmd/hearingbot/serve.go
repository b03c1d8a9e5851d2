package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/bot/slackbot"
	"hearingbot/index"
)

// What serve answers on HEARINGBOT_ADDR, besides slackbot.EventsPath in
// HTTP mode.
const (
	healthPath  = "/healthz" // the process is alive
	readyPath   = "/readyz"  // it can answer: index built, Slack reachable
	metricsPath = "/metrics" // Prometheus
)

// serve runs the Slack bot until ctx ends (SIGINT or SIGTERM), then finishes
// the replies in flight.
func serve(ctx context.Context, cfg Config, s Streams) error {
	m, err := cfg.slackMode()
	if err != nil {
		return err
	}
	loc, sched, err := cfg.digestSettings(false)
	if err != nil {
		return err
	}
	log := zerolog.New(s.Err).With().Timestamp().Logger()
	h, err := loadHearing(cfg.ContentDir)
	if err != nil {
		return err
	}
	x, err := index.Build(h)
	if err != nil {
		return err
	}
	defer x.Close()
	e := answer.New(h, x)
	digests, err := digest.New(ctx, e)
	switch {
	case errors.Is(err, digest.ErrNoThemes) && sched == nil:
		digests = nil // no themes, no digest: the rest works
	case err != nil:
		return err
	}
	bot, err := slackbot.New(ctx, e, slackbot.Config{
		BotToken: cfg.SlackBotToken, APIURL: cfg.apiURL(),
		Workers: cfg.Workers, Queue: cfg.Queue,
		Log:     log.With().Str("component", "slack").Logger(),
		Digests: digests, Location: loc,
	})
	if err != nil {
		return err
	}
	bot.Start()
	if sched != nil {
		scheduleCtx, stopSchedule := context.WithCancel(ctx)
		defer stopSchedule()
		go digests.Run(scheduleCtx, sched, loc, cfg.DigestChannels, bot, log.With().Str("component", "digest").Logger())
		log.Info().Str("schedule", cfg.DigestSchedule).Str("tz", loc.String()).Strs("channels", cfg.DigestChannels).Msg("digest scheduled")
	}
	log.Info().Str("mode", string(m)).Str("version", buildVersion()).Msg("serving")

	var runErr error
	switch m {
	case socketMode:
		runErr = bot.RunSocketMode(ctx, cfg.SlackAppToken)
	case httpMode:
		runErr = serveHTTP(ctx, cfg.Addr, bot.Handler(cfg.SlackSigningSecret), log)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := bot.Stop(stopCtx); err != nil {
		log.Error().Err(err).Msg("shutdown")
	}
	log.Info().Msg("stopped")
	return runErr
}

// serveHTTP serves Slack's requests on addr until ctx ends, then stops
// taking new ones and lets those being read finish.
func serveHTTP(ctx context.Context, addr string, events http.Handler, log zerolog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("POST "+slackbot.EventsPath, events)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s_ADDR: %w", envPrefix, err)
	}
	log.Info().Str("addr", ln.Addr().String()).Str("path", slackbot.EventsPath).Msg("listening")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
