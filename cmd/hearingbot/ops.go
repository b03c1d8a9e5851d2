package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"text/tabwriter"
	"time"
)

// showConfig prints the effective configuration, secrets redacted, and
// checks it as serve would.
func showConfig(cfg Config, s Streams) error {
	tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
	for _, v := range cfg.variables() {
		fmt.Fprintf(tw, "%s\t%s\n", v.Name, v.shown())
	}
	tw.Flush()
	// Everything serve checks before it starts, all at once.
	m, err := cfg.slackMode()
	errs := []error{err}
	_, sched, err := cfg.digestSettings(false)
	errs = append(errs, err)
	if _, e, _, err := openContent(context.Background(), cfg.ContentDir, sched != nil); err != nil {
		errs = append(errs, err)
	} else {
		e.Close()
	}
	var warnings []string
	if _, closeStore, err := cfg.sharedStore(func(w string) { warnings = append(warnings, w) }); err != nil {
		errs = append(errs, err)
	} else {
		closeStore()
	}
	for _, w := range warnings {
		fmt.Fprintf(s.Out, "\nwarning: %s\n", w)
	}
	if err := allProblems("serve would not start", errs...); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "\nserve would start in %s mode\n", map[mode]string{socketMode: "Socket", httpMode: "HTTP"}[m])
	return nil
}

// healthcheck asks a running serve on this machine whether it is alive,
// for a container's HEALTHCHECK (the image has no shell or curl).
func healthcheck(ctx context.Context, cfg Config) error {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("%s_ADDR: %q is not host:port", envPrefix, cfg.Addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + healthPath
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, res.Status)
	}
	return nil
}
