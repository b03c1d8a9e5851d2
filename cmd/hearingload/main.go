// Command hearingload drives "hearingbot serve" with Slack traffic at a
// steady, open-loop rate and reports how it held up: acknowledgement
// latency, replies delivered, duplicates, missing replies, end-to-end
// latency and the bot's memory.
//
// It starts a Slack stand-in on loopback (internal/slackfake), runs the real
// binary against it in HTTP mode or Socket Mode, and can make the stand-in
// misbehave: rate limits, server errors, slow answers, redelivered events,
// Socket Mode disconnections; and it can flood the bot with slow unsigned
// requests meanwhile.
//
//	go run ./cmd/hearingload -mode http -rate 200 -duration 60s
//	go run ./cmd/hearingload -mode http -replicas 3 -redis redis://127.0.0.1:6379/0 -redeliver 0.2
//	go run ./cmd/hearingload -mode http -rate 20 -duration 15s -slow-flood 1100
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	var c config
	flag.StringVar(&c.mode, "mode", "http", "how the bot talks to Slack: http or socket")
	flag.Float64Var(&c.rate, "rate", 200, "events per second")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long to send")
	flag.StringVar(&c.bin, "bin", "", "the hearingbot binary (default: build ./cmd/hearingbot)")
	flag.IntVar(&c.workers, "workers", 0, "HEARINGBOT_WORKERS for the bot (0: its default)")
	flag.Float64Var(&c.rateLimited, "429", 0, "share of Web API calls answered 429 with Retry-After")
	flag.Float64Var(&c.serverErrors, "500", 0, "share of Web API calls answered 500")
	flag.DurationVar(&c.slow, "slow", 0, "delay before the Web API answers each call")
	flag.Float64Var(&c.redeliver, "redeliver", 0, "share of events Slack delivers twice")
	flag.DurationVar(&c.disconnectEvery, "disconnect-every", 0, "Socket Mode: disconnect the bot this often (0: never)")
	flag.DurationVar(&c.drain, "drain", 60*time.Second, "how long to wait for the last replies")
	flag.BoolVar(&c.baseline, "baseline", false, "HTTP mode: first send the same load to a bare handler, for comparison")
	flag.IntVar(&c.replicas, "replicas", 1, "HTTP mode: run this many bots behind one URL, round-robin (redeliveries go to another)")
	flag.StringVar(&c.redis, "redis", "", "a Redis URL the bots share (HEARINGBOT_REDIS_URL); without it replicas answer redeliveries twice")
	flag.IntVar(&c.slowFlood, "slow-flood", 0, "HTTP mode: hold this many slow unsigned connections open meanwhile (each declares 64 KiB and sends a byte a second)")
	flag.Parse()
	if c.mode != "http" && c.mode != "socket" || c.rate <= 0 || c.duration <= 0 || c.replicas < 1 || c.replicas > 1 && c.mode != "http" ||
		c.slowFlood < 0 || c.slowFlood > 0 && c.mode != "http" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "hearingload: -mode is http or socket; -rate and -duration are positive; -replicas (1 or more) and -slow-flood are for http; no arguments")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := run(ctx, c, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hearingload:", err)
		os.Exit(1)
	}
	r.write(os.Stdout)
	if !r.ok() {
		os.Exit(1)
	}
}
