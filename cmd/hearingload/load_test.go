package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"hearingbot/internal/shared/redistest"
)

// TestShortRun keeps the load tool working: a short run in each mode, with
// every fault switched on, must answer every event exactly once.
func TestShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot")
	}
	for _, mode := range []string{"http", "socket"} {
		t.Run(mode, func(t *testing.T) {
			c := config{mode: mode, rate: 40, duration: 2 * time.Second, drain: 30 * time.Second,
				rateLimited: 0.1, serverErrors: 0.05, redeliver: 0.1, disconnectEvery: 700 * time.Millisecond}
			r, out := runLoad(t, c)
			if !r.ok() || r.sent != 80 || len(r.acks) < r.sent || !strings.Contains(out, "PASS") {
				t.Errorf("\n%s", out)
			}
		})
	}
}

// TestSlowFlood: signed events are all answered while 1,100 slow unsigned
// connections are held open, which the bot cuts within seconds.
func TestSlowFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot")
	}
	c := config{mode: "http", rate: 20, duration: 3 * time.Second, drain: 30 * time.Second, slowFlood: 1100}
	r, out := runLoad(t, c)
	if !r.ok() || r.flood == nil || r.flood.statuses[400] == 0 || percentile(r.flood.held, 50) > 3*time.Second ||
		!strings.Contains(out, "slow flood") {
		t.Errorf("\n%s", out)
	}
}

// TestReplicas: three bots behind one URL, a share of events redelivered to
// another replica, answer each event once when they share a Redis; alone,
// they answer redeliveries twice and the run fails (so the check can fail).
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot")
	}
	srv := redistest.Start(t)
	for _, tc := range []struct {
		redis string
		pass  bool
	}{{srv.URL, true}, {"", false}} {
		c := config{mode: "http", rate: 40, duration: 2 * time.Second, drain: 30 * time.Second,
			redeliver: 0.3, replicas: 3, redis: tc.redis}
		r, out := runLoad(t, c)
		if r.ok() != tc.pass || r.redelivered == 0 || !tc.pass && r.duplicates != r.redelivered {
			t.Errorf("redis %q: want pass %v\n%s", tc.redis, tc.pass, out)
		}
	}
}

// runLoad runs c and returns its report, and the report as printed.
func runLoad(t *testing.T, c config) (*report, string) {
	t.Helper()
	var logs bytes.Buffer
	r, err := run(context.Background(), c, &logs)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	var out bytes.Buffer
	r.write(&out)
	return r, out.String()
}
