package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
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
			var logs bytes.Buffer
			r, err := run(context.Background(), c, &logs)
			if err != nil {
				t.Fatalf("%v\n%s", err, logs.String())
			}
			var out bytes.Buffer
			r.write(&out)
			if !r.ok() || r.sent != 80 || len(r.acks) < r.sent || !strings.Contains(out.String(), "PASS") {
				t.Errorf("\n%s", out.String())
			}
		})
	}
}
