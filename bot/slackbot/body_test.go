package slackbot

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hearingbot/internal/slackfake"
)

// slowBodies opens n connections to the harness's endpoint, each with a
// forged head declaring declared bytes, and sends the first sent[i%len]
// bytes of each body.
func (h *harness) slowBodies(n, declared int, sent ...int) []net.Conn {
	h.t.Helper()
	addr := strings.TrimPrefix(strings.TrimSuffix(h.events, EventsPath), "http://")
	conns := make([]net.Conn, 0, n)
	h.t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			h.t.Fatal(err)
		}
		conns = append(conns, c)
		body := bytes.Repeat([]byte(" "), sent[i%len(sent)])
		if _, err := c.Write(append(slackfake.ForgedHead(EventsPath, declared, time.Now()), body...)); err != nil {
			h.t.Fatal(err)
		}
	}
	return conns
}

// statusBy is the status the bot answered on c by deadline, 0 if none.
func statusBy(c net.Conn, deadline time.Time) int {
	c.SetReadDeadline(deadline)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// TestSlowUnsignedBodiesLeaveRoomForSlack: 1,100 connections that pass the
// header checks, declare 64 KiB and send one byte (more than the 1,024
// bodies the bot once read at once, each for up to 5 s) do not keep Slack's
// signed requests out, and each is cut after a second, not 5.
func TestSlowUnsignedBodiesLeaveRoomForSlack(t *testing.T) {
	h := start(t, false, 8)
	opened := time.Now()
	conns := h.slowBodies(1100, MaxBody, 1)
	time.Sleep(200 * time.Millisecond) // the bot is reading them all
	for i := range 20 {
		h.event(fmt.Sprint("EvSlow", i), slackfake.Mention("C1", "U1", fmt.Sprintf("5.%d", i), "", "<@UBOT> who is Lajcak?"))
	}
	got := make([]int, len(conns)) // what each was answered, 0 for nothing yet
	now := time.Now()
	for i, c := range conns {
		got[i] = statusBy(c, now)
	}
	if took := time.Since(opened); took < 900*time.Millisecond { // else the machine is too slow to tell
		if n := tally(got); n[0] != len(conns) {
			t.Errorf("%s after opening them, once the signed events were acknowledged, the slow bodies were answered %v, want none yet", took, n)
		}
	}
	h.posts(20)
	for i, c := range conns {
		if got[i] == 0 {
			got[i] = statusBy(c, opened.Add(3*time.Second))
		}
	}
	if n := tally(got); n[http.StatusBadRequest] != len(conns) {
		t.Errorf("within 3 s the slow bodies were answered %v (status: count; 0: not yet), want all 400", n)
	}
}

// tally counts the statuses.
func tally(statuses []int) map[int]int {
	n := map[int]int{}
	for _, s := range statuses {
		n[s]++
	}
	return n
}

// TestFullBudgetDropsTheSlowestBody: bodies are charged what they have been
// sent, not what they declare; when the budget is short, the body that has
// sent the fewest bytes a second is dropped, and a signed request is read.
func TestFullBudgetDropsTheSlowestBody(t *testing.T) {
	h := start(t, false, 1)
	l := bodyLimits{buffered: 64 << 10, perReader: 4 << 10, first: 1 << 10, grace: time.Minute, rate: 1,
		deadline: time.Minute, settled: 20 * time.Millisecond}
	bodies := newReaders(l)
	srv := httptest.NewServer(h.bot.handler(secret, bodies))
	t.Cleanup(srv.Close)
	h.events = srv.URL + EventsPath
	used := func() (int64, int) {
		bodies.mu.Lock()
		defer bodies.mu.Unlock()
		return bodies.used, len(bodies.all)
	}

	// One byte: a 1 KiB buffer; 3 KiB: grown to 4 KiB. 61 KiB of 64, each
	// body declaring 64 KiB.
	slowest := h.slowBodies(1, MaxBody, 1)[0]
	others := h.slowBodies(7, MaxBody, 3<<10)
	want := int64(8*l.perReader + 1<<10 + 7*(4<<10))
	waitUntil(t, func() bool { n, _ := used(); return n == want })
	time.Sleep(2 * l.settled)

	h.event("EvFull", slackfake.Mention("C1", "U1", "6.1", "", "<@UBOT> who is Lajcak?"))
	if got := statusBy(slowest, time.Now().Add(5*time.Second)); got != http.StatusServiceUnavailable {
		t.Errorf("the slowest body: %d, want 503", got)
	}
	for i, c := range others {
		if got := statusBy(c, time.Now().Add(10*time.Millisecond)); got != 0 {
			t.Errorf("body %d, as fast as the others, answered %d: want it still read", i, got)
		}
	}
	h.posts(1)
	for _, c := range others {
		c.Close()
	}
	waitUntil(t, func() bool { n, readers := used(); return n == 0 && readers == 0 })
}

// TestSlowBodyIsCutAtItsPace: after the grace, a body must keep up with the
// minimum rate, whatever it declares; one that does is read in full.
func TestSlowBodyIsCutAtItsPace(t *testing.T) {
	h := start(t, false, 1)
	l := defaultLimits
	l.grace, l.rate = 300*time.Millisecond, 8<<10
	srv := httptest.NewServer(h.bot.handler(secret, newReaders(l)))
	t.Cleanup(srv.Close)
	h.events = srv.URL + EventsPath

	opened := time.Now()
	conns := h.slowBodies(2, MaxBody, 1, 4<<10) // behind from the grace; behind half a second later
	fast := h.slowBodies(1, 16<<10, 0)[0]
	go func() { // 16 KiB at 50 KiB a second, ahead of the rate: read in full
		for range 16 {
			time.Sleep(20 * time.Millisecond)
			fast.Write(bytes.Repeat([]byte(" "), 1<<10))
		}
	}()
	for i, earliest := range []time.Duration{l.grace, l.grace + 500*time.Millisecond} {
		got := statusBy(conns[i], opened.Add(3*time.Second))
		if took := time.Since(opened); got != http.StatusBadRequest || took < earliest || took > 2*time.Second {
			t.Errorf("body %d: %d after %s, want 400 between %s and 2s", i, got, took.Round(time.Millisecond), earliest)
		}
	}
	if got := statusBy(fast, opened.Add(3*time.Second)); got != http.StatusUnauthorized {
		t.Errorf("the body ahead of the rate: %d, want 401 (read, and its signature checked)", got)
	}
}

// TestChunkedBodies: a body of unknown length is read as it grows, and
// refused once it is more than MaxBody.
func TestChunkedBodies(t *testing.T) {
	h := start(t, false, 1)
	post := func(body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, h.events, io.MultiReader(bytes.NewReader(body))) // no length: chunked
		req.Header.Set("Content-Type", "application/json")
		slackfake.Sign(req.Header, secret, time.Now(), body)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if req.ContentLength != 0 {
			t.Fatalf("sent with a length: %d", req.ContentLength)
		}
		return res.StatusCode
	}
	body := slackfake.EventCallback("EvChunked", slackfake.Mention("C1", "U1", "7.1", "", "<@UBOT> who is Lajcak?"))
	if got := post(body); got != http.StatusOK {
		t.Errorf("a signed event: %d", got)
	}
	if got := post(append(body, bytes.Repeat([]byte(" "), MaxBody)...)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("over MaxBody: %d, want 413", got)
	}
	h.posts(1)
}
