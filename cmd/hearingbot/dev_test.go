package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startDev runs hearingbot dev with the environment set by t until the
// test ends, and returns the address it says to open and what it writes to
// standard error.
func startDev(t *testing.T) (addr string, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, stderr := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"dev"}, Streams{Out: out, Err: stderr}) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	for end := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if _, rest, ok := strings.Cut(out.String(), "open http://"); ok {
			addr, _, _ = strings.Cut(rest, "/")
		}
	}
	if addr == "" {
		t.Fatalf("no address: %q %q", out, stderr)
	}
	return addr, stderr
}

// TestDevServesThePage: hearingbot dev serves the page and answers through
// it, on the address given.
func TestDevServesThePage(t *testing.T) {
	t.Setenv("HEARINGBOT_ADDR", "127.0.0.1:0")
	addr, _ := startDev(t)
	res, err := http.Get("http://" + addr + "/?q=Who+moderated+the+first+panel%3F")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the page: %v %v", res, err)
	}
	res.Body.Close()
}

// TestDevStaysOnTheLoopback: an address beyond the loopback is refused,
// with what to do, unless HEARINGBOT_DEV_PUBLIC allows it; then dev says
// at start that it listens beyond the loopback.
func TestDevStaysOnTheLoopback(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		t.Run(addr, func(t *testing.T) {
			t.Setenv("HEARINGBOT_ADDR", addr)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // would it serve
			defer cancel()
			var out, errb lockedBuffer
			code := Main(ctx, []string{"dev"}, Streams{Out: &out, Err: &errb})
			stdout, stderr := out.String(), errb.String()
			if code != exitError || stdout != "" || !strings.Contains(stderr, "HEARINGBOT_ADDR: \""+addr+"\" would make hearingbot dev listen beyond the loopback") ||
				!strings.Contains(stderr, "HEARINGBOT_DEV_PUBLIC=true") {
				t.Errorf("exit %d, %q %q", code, stdout, stderr)
			}
		})
	}
	t.Run("HEARINGBOT_DEV_PUBLIC=true", func(t *testing.T) {
		t.Setenv("HEARINGBOT_ADDR", ":0")
		t.Setenv("HEARINGBOT_DEV_PUBLIC", "true")
		t.Setenv("HEARINGBOT_LOG_FORMAT", "json")
		addr, stderr := startDev(t)
		if !strings.HasPrefix(addr, "127.0.0.1:") || !strings.Contains(stderr.String(), `"level":"warn"`) ||
			!strings.Contains(stderr.String(), "listens beyond the loopback") {
			t.Errorf("open %s; %s", addr, stderr)
		}
	})
	t.Run("localhost", func(t *testing.T) {
		t.Setenv("HEARINGBOT_ADDR", "localhost:0")
		addr, stderr := startDev(t)
		if !strings.HasPrefix(addr, "127.0.0.1:") || strings.Contains(stderr.String(), "beyond") {
			t.Errorf("open %s; %s", addr, stderr)
		}
	})
	t.Run("HEARINGBOT_DEV_PUBLIC=maybe", func(t *testing.T) {
		t.Setenv("HEARINGBOT_DEV_PUBLIC", "maybe")
		if code, _, stderr := runMain(t, "", "dev"); code != exitError || !strings.Contains(stderr, `HEARINGBOT_DEV_PUBLIC: "maybe" is not true or false`) {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
}
