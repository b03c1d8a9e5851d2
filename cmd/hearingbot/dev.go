package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"hearingbot/internal/devui"
)

// dev serves the local page (internal/devui) until ctx ends: the bot over
// the content, its real Slack edge, and an in-process Slack stand-in. It
// listens on the loopback unless HEARINGBOT_DEV_PUBLIC allows more, and
// then says so.
func dev(ctx context.Context, cfg Config, s Streams) error {
	addr, err := devListenAddr(cfg)
	if err != nil {
		return err
	}
	log := cfg.logger(s.Err)
	_, e, d, err := openContent(ctx, cfg.ContentDir, false)
	if err != nil {
		return err
	}
	defer e.Close()
	ui, err := devui.New(ctx, e, d, log.With().Str("component", "slack").Logger())
	if err != nil {
		return err
	}
	defer ui.Close()
	ln, err := net.ListenTCP("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s_ADDR: %w", envPrefix, err)
	}
	at := ln.Addr().(*net.TCPAddr)
	if !at.IP.IsLoopback() {
		log.Warn().Str("addr", at.String()).Msgf("hearingbot dev listens beyond the loopback (%s_DEV_PUBLIC=true): anyone who reaches this address can use the page and ask the bot", envPrefix)
	}
	open := at.String()
	if at.IP.IsUnspecified() {
		open = net.JoinHostPort("127.0.0.1", fmt.Sprint(at.Port))
	}
	srv := &http.Server{Handler: ui.Handler(at), ReadHeaderTimeout: 5 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	go srv.Serve(ln)
	fmt.Fprintf(s.Out, "hearingbot dev: open http://%s/ (or http://%s/?q=Who+moderated+the+first+panel%%3F); Ctrl-C stops\n", open, open)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// devListenAddr resolves where dev listens, and refuses an address beyond
// the loopback (every interface, a network's address, a name that is not
// the loopback's) unless HEARINGBOT_DEV_PUBLIC is true: the page asks the
// bot for whoever reaches it.
func devListenAddr(cfg Config) (*net.TCPAddr, error) {
	addr := cfg.devAddr()
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return nil, listProblems("configuration", []string{fmt.Sprintf("%s_ADDR: %q is not an address to listen on (e.g. 127.0.0.1:3000): %v", envPrefix, addr, err)})
	}
	if cfg.DevPublic || tcp.IP.IsLoopback() {
		return tcp, nil
	}
	where := "on " + tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		where = "on every interface"
	}
	return nil, listProblems("configuration", []string{fmt.Sprintf(
		"%s_ADDR: %q would make hearingbot dev listen beyond the loopback (%s), where anyone who reaches it can use the page and ask the bot; use 127.0.0.1:PORT, or set %s_DEV_PUBLIC=true to allow it",
		envPrefix, addr, where, envPrefix)})
}
