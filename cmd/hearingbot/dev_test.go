package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
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

// TestDevMemory measures what 3,000 messages of 16 KB cost hearingbot dev,
// in a process of its own, and what 40 pages loading the conversation at
// once add; the figures are in SECURITY.md. Run it with
//
//	go test ./cmd/hearingbot -run TestDevMemory -dev-memory -v
func TestDevMemory(t *testing.T) {
	if !*devMemory {
		t.Skip("run with -dev-memory to measure (a minute or two)")
	}
	cmd := exec.Command(os.Args[0], "dev")
	cmd.Env = append(os.Environ(), "RUN_AS_HEARINGBOT=1", "HEARINGBOT_ADDR=127.0.0.1:0", "HEARINGBOT_LOG_LEVEL=error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	_, rest, _ := strings.Cut(line, "open http://")
	addr, _, _ := strings.Cut(rest, "/")
	base := "http://" + addr
	rss := func(field string) int64 { // in MiB
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, field+":"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kb >> 10
			}
		}
		return 0
	}
	t.Logf("started: RSS %d MiB", rss("VmRSS"))

	// A page following the conversation, as the script does.
	var page devPage
	const messages, size = 3000, 16_000
	for i := range messages {
		text := fmt.Sprintf("Who moderated the first panel? %d", i)
		text += strings.Repeat(" and then", size/9)[:size-len(text)]
		body, _ := json.Marshal(map[string]string{"text": text})
		req, _ := http.NewRequest(http.MethodPost, base+"/api/say", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("say %d: %v %v", i, res, err)
		}
		res.Body.Close()
		for end := time.Now().Add(time.Minute); i%100 == 99 && page.answers < i+1 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			page.follow(t, base) // the bot keeps up: none is told it is busy
		}
	}
	for end := time.Now().Add(time.Minute); page.answers < messages && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		page.follow(t, base)
	}
	t.Logf("%d messages of %d bytes, %d answers: RSS %d MiB, peak %d MiB; the page got %d MiB in %d responses, the largest %d KiB",
		messages, size, page.answers, rss("VmRSS"), rss("VmHWM"), page.bytes>>20, page.responses, page.largest>>10)

	var wg sync.WaitGroup
	loads := make([]devPage, 40)
	for i := range loads {
		wg.Go(func() { loads[i].follow(t, base) })
	}
	wg.Wait()
	t.Logf("40 pages loading it at once: %d messages (the newest), %d KiB in %d responses each, the largest %d KiB: RSS %d MiB, peak %d MiB",
		loads[0].messages, loads[0].bytes>>10, loads[0].responses, loads[0].largest>>10, rss("VmRSS"), rss("VmHWM"))
	if peak := rss("VmHWM"); peak >= 150 {
		t.Errorf("peak RSS %d MiB, want under 150", peak)
	}
}

// devPage follows /api/messages from its cursor, as the page's script does.
type devPage struct {
	cursor                                       int64
	messages, answers, responses, bytes, largest int
}

func (p *devPage) follow(t *testing.T, base string) {
	for more := true; more; {
		res, err := http.Get(fmt.Sprintf("%s/api/messages?view=channel&after=%d", base, p.cursor))
		if err != nil {
			t.Error(err)
			return
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		var b struct {
			Cursor   int64
			Messages []struct{ Bot, Deleted bool }
			More     bool
		}
		if err := json.Unmarshal(body, &b); err != nil {
			t.Errorf("%d: %v", res.StatusCode, err)
			return
		}
		for _, m := range b.Messages {
			if !m.Deleted {
				p.messages++
			}
			if m.Bot && !m.Deleted {
				p.answers++
			}
		}
		p.cursor, more = b.Cursor, b.More
		p.responses, p.bytes, p.largest = p.responses+1, p.bytes+len(body), max(p.largest, len(body))
	}
}
