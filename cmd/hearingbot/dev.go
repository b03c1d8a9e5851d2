package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"hearingbot/internal/devui"
)

// devAddr is where dev listens unless HEARINGBOT_ADDR says otherwise: the
// loopback only, for the person at this machine.
const devAddr = "127.0.0.1:3000"

// dev serves the local page (internal/devui) until ctx ends: the bot over
// the content, its real Slack edge, and an in-process Slack stand-in.
func dev(ctx context.Context, cfg Config, s Streams) error {
	addr := devAddr
	if os.Getenv(envPrefix+"_ADDR") != "" {
		addr = cfg.Addr
	}
	_, e, d, err := openContent(ctx, cfg.ContentDir, false)
	if err != nil {
		return err
	}
	defer e.Close()
	ui, err := devui.New(ctx, e, d, cfg.logger(s.Err).With().Str("component", "slack").Logger())
	if err != nil {
		return err
	}
	defer ui.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s_ADDR: %w", envPrefix, err)
	}
	srv := &http.Server{Handler: ui.Handler(ln.Addr()), ReadHeaderTimeout: 5 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	go srv.Serve(ln)
	fmt.Fprintf(s.Out, "hearingbot dev: open http://%s/ (or http://%s/?q=Who+moderated+the+first+panel%%3F); Ctrl-C stops\n", ln.Addr(), ln.Addr())
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
