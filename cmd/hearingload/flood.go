package main

import (
	"bufio"
	"context"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"hearingbot/internal/slackfake"
)

// floodDeclared is the body every slow connection declares: the most the
// bot reads (slackbot.MaxBody).
const floodDeclared = 64 << 10

// flood holds slow unsigned connections open to the bot's HTTP endpoint,
// as an attacker who knows no secret can: each sends a head that passes the
// format checks (a fresh timestamp, a well-formed signature that is wrong),
// declares a 64 KiB body, sends one byte of it and then one byte a second,
// and is opened again as soon as the bot closes it, so that the bot always
// has n of them.
type flood struct {
	n    int
	addr string

	opened atomic.Int64 // connections opened
	sent   atomic.Int64 // bytes sent, heads included
	failed atomic.Int64 // dials that failed

	mu       sync.Mutex
	held     []time.Duration // how long the bot kept each closed connection
	statuses map[int]int     // what the bot answered them; 0: closed without an answer
	took     time.Duration   // from start to stop
}

// start opens the connections and keeps them open until the returned stop
// is called, which closes them and returns once they are closed. It waits
// until the n connections are open, or a few seconds.
func (f *flood) start(ctx context.Context) (stop func()) {
	f.statuses = map[int]int{}
	ctx, cancel := context.WithCancel(ctx)
	began := time.Now()
	var wg sync.WaitGroup
	for range f.n {
		wg.Go(func() {
			for ctx.Err() == nil {
				f.hold(ctx)
			}
		})
	}
	for deadline := time.Now().Add(5 * time.Second); f.opened.Load() < int64(f.n) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return func() {
		cancel()
		wg.Wait()
		f.took = time.Since(began)
	}
}

// hold opens one slow connection and keeps it until the bot closes it or
// ctx ends.
func (f *flood) hold(ctx context.Context) {
	c, err := net.Dial("tcp", f.addr)
	if err != nil {
		f.failed.Add(1)
		select { // a listen queue overflowing: try again shortly
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
		return
	}
	f.opened.Add(1)
	opened := time.Now()
	closed := make(chan struct{})
	go func() { // the body, one byte a second, until the connection ends
		defer c.Close()
		head := slackfake.ForgedHead("/slack/events", floodDeclared, time.Now())
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for next := append(head, '{'); ; next = []byte{' '} {
			n, err := c.Write(next)
			f.sent.Add(int64(n))
			if err != nil {
				return
			}
			select {
			case <-t.C:
			case <-closed:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	status := 0
	if res, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
		status = res.StatusCode
		res.Body.Close()
	}
	close(closed)
	if ctx.Err() != nil && status == 0 { // closed by the end of the flood, not by the bot
		return
	}
	f.mu.Lock()
	f.held = append(f.held, time.Since(opened))
	f.statuses[status]++
	f.mu.Unlock()
}

// floodReport is what a flood cost its attacker and how the bot answered it.
type floodReport struct {
	conns, opened, failed int
	bytesPerSecond        float64
	held                  []time.Duration
	statuses              map[int]int
}

func (f *flood) report() *floodReport {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &floodReport{conns: f.n, opened: int(f.opened.Load()), failed: int(f.failed.Load()),
		bytesPerSecond: float64(f.sent.Load()) / max(f.took.Seconds(), 1e-9),
		held:           slices.Clone(f.held), statuses: maps.Clone(f.statuses)}
}
