package devui

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"hearingbot/bot/answer"
	"hearingbot/content"
)

// page is the page's server for a test, with what the page's script does:
// post to its API, and wait for the messages it shows.
type page struct {
	t *testing.T
	s *Server
	h http.Handler
}

func newPage(t *testing.T) *page {
	t.Helper()
	e, err := answer.Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := New(context.Background(), e, nil, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &page{t: t, s: s, h: s.Handler(listen)}
}

// listen is where the tests' page listens.
var listen = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000}

// request is a request as the page's script makes it, with its Host and
// Origin, and a JSON body when it has one.
func request(method, path, body string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:3000"+path, strings.NewReader(body))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Origin", "http://127.0.0.1:3000")
	}
	return r
}

func (p *page) post(path, body string) {
	p.t.Helper()
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, request(http.MethodPost, path, body))
	if rec.Code != http.StatusOK {
		p.t.Fatalf("%s %s: %d", path, body, rec.Code)
	}
}

// wait returns the messages of channel once ok holds for them.
func (p *page) wait(channel string, ok func([]Message) bool) []Message {
	p.t.Helper()
	return eventually(p.t, func() []Message { return p.s.Messages(channel) }, ok)
}

// eventually returns what get returns once ok holds for it.
func eventually[T any](t *testing.T, get func() T, ok func(T) bool) T {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if v := get(); ok(v) {
			return v
		}
	}
	v := get()
	t.Fatalf("still %+v", v)
	return v
}

func count(n int) func([]Message) bool { return func(ms []Message) bool { return len(ms) == n } }

// TestMessagesAsSlackShowsThem: a question and its answer in its thread; a
// /hearing reply only for the person, without the command as a message,
// replaced in place by a click, and gone when shared, the shared copy in
// the channel.
func TestMessagesAsSlackShowsThem(t *testing.T) {
	p := newPage(t)
	p.post("/api/say", `{"text":"Who moderated the first panel?"}`)
	ms := p.wait(Channel, count(2))
	if ms[0].Bot || !ms[1].Bot || ms[1].Thread != ms[0].ID || !strings.Contains(string(ms[1].Blocks), "Ilias Chatzis") {
		t.Fatalf("question and answer: %+v", ms)
	}
	p.post("/api/say", `{"text":"/hearing who Claire Falconer"}`)
	ms = p.wait(Channel, count(3))
	private := ms[2]
	if !private.Ephemeral || private.Thread != "" || !strings.Contains(string(private.Blocks), `"action_id":"share"`) {
		t.Fatalf("the /hearing reply: %+v", private)
	}
	p.post("/api/click", `{"action":"share","value":"who Claire Falconer","message":"`+private.ID+`"}`)
	ms = p.wait(Channel, func(ms []Message) bool {
		return len(ms) == 3 && !ms[2].Ephemeral && strings.Contains(string(ms[2].Blocks), "shared")
	})
	if strings.Contains(string(ms[2].Blocks), `"action_id":"share"`) {
		t.Errorf("the shared copy offers to share again")
	}
}

// TestRepliesInTheirThread: a /hearing typed in a thread is answered in
// that thread, and so is a click on a button there.
func TestRepliesInTheirThread(t *testing.T) {
	p := newPage(t)
	p.post("/api/say", `{"text":"Who moderated the first panel?"}`)
	thread := p.wait(Channel, count(2))[0].ID
	p.post("/api/say", `{"text":"/hearing panels","thread":"`+thread+`"}`)
	panels := p.wait(Channel, count(3))[2]
	if !panels.Ephemeral || panels.Thread != thread {
		t.Fatalf("the /hearing reply in the thread %s: %+v", thread, panels)
	}
	p.post("/api/click", `{"action":"panel_panel-3","value":"panel-3","message":"`+panels.ID+`"}`)
	people := p.wait(Channel, count(4))[3]
	if !people.Ephemeral || people.Thread != thread || !strings.Contains(string(people.Blocks), "Murtaza Khan") {
		t.Fatalf("the click's reply in the thread %s: %+v", thread, people)
	}
}

// TestHome: the Home tab the bot publishes when the person opens it, and
// one of its questions answered in the person's messages with the bot,
// where they can go on asking; the channel is left alone.
func TestHome(t *testing.T) {
	p := newPage(t)
	p.post("/api/home", `{}`)
	home := eventually(t, p.s.Home, func(b json.RawMessage) bool { return b != nil })
	if !strings.Contains(string(home), `"type":"header"`) || !strings.Contains(string(home), `"action_id":"ask0"`) {
		t.Fatalf("the Home tab: %s", home)
	}
	p.post("/api/click", `{"action":"ask0","value":"Who moderated panel 1?","view":"home"}`)
	answer := p.wait(User, count(1))[0]
	if !answer.Bot || !strings.Contains(string(answer.Blocks), "Ilias Chatzis") {
		t.Fatalf("the Home tab's question answered: %+v", answer)
	}
	p.post("/api/say", `{"text":"Who is Tuesday Reitano?","view":"dm"}`)
	ms := p.wait(User, count(3))
	if ms[1].Bot || !ms[2].Bot || ms[2].Thread != "" || !strings.Contains(string(ms[2].Blocks), "Global Initiative") {
		t.Fatalf("a question in the DM: %+v", ms)
	}
	if ms := p.s.Messages(Channel); len(ms) != 0 {
		t.Errorf("the channel: %+v", ms)
	}
}

// TestRefused: requests the page never makes are refused, not guessed at.
func TestRefused(t *testing.T) {
	h := newPage(t).h
	for _, c := range []struct{ name, method, path, body string }{
		{"nothing said", http.MethodPost, "/api/say", `{"text":" "}`},
		{"said nowhere", http.MethodPost, "/api/say", `{"text":"hello","view":"home"}`},
		{"no button", http.MethodPost, "/api/click", `{"view":"home"}`},
		{"a click nowhere", http.MethodPost, "/api/click", `{"action":"ask0","view":"elsewhere"}`},
		{"messages of nowhere", http.MethodGet, "/api/messages?view=home", ""},
		{"a thread that is no message", http.MethodPost, "/api/say", `{"text":"/hearing panels","thread":"1/../x"}`},
		{"a cursor that is no number", http.MethodGet, "/api/messages?view=channel&after=last", ""},
		{"a cursor before the first", http.MethodGet, "/api/messages?view=channel&after=-1", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, request(c.method, c.path, c.body))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("%s %s %s: %d, want 400", c.method, c.path, c.body, rec.Code)
			}
		})
	}
}

// TestOnlyThePageItself: another web page open in the browser cannot make
// the bot take a question (a text/plain or form POST needs no preflight)
// nor read the conversation through a DNS-rebound name; the page's own
// requests, by 127.0.0.1 or localhost, are answered.
func TestOnlyThePageItself(t *testing.T) {
	p := newPage(t)
	say := `{"text":"Who moderated the first panel?"}`
	for _, c := range []struct {
		name, method, path, host, origin, ctype string
		want                                    int
	}{
		{"text/plain from another site", "POST", "/api/say", "127.0.0.1:3000", "http://evil.example", "text/plain", http.StatusForbidden},
		{"a form from another site", "POST", "/api/click", "127.0.0.1:3000", "http://evil.example", "application/x-www-form-urlencoded", http.StatusForbidden},
		{"JSON from another site", "POST", "/api/say", "127.0.0.1:3000", "http://evil.example", "application/json", http.StatusForbidden},
		{"from a sandboxed frame", "POST", "/api/home", "127.0.0.1:3000", "null", "application/json", http.StatusForbidden},
		{"text/plain without an origin", "POST", "/api/say", "127.0.0.1:3000", "", "text/plain", http.StatusUnsupportedMediaType},
		{"no content type", "POST", "/api/home", "127.0.0.1:3000", "", "", http.StatusUnsupportedMediaType},
		{"a DNS-rebound name reads", "GET", "/api/messages?view=channel", "evil.example:3000", "", "", http.StatusForbidden},
		{"a DNS-rebound name says", "POST", "/api/say", "evil.example:3000", "http://evil.example:3000", "application/json", http.StatusForbidden},
		{"a DNS-rebound name loads the page", "GET", "/", "evil.example:3000", "", "", http.StatusForbidden},
		{"another port", "GET", "/api/home", "127.0.0.1:3001", "", "", http.StatusForbidden},
		{"IPv6 loopback, not listened on", "GET", "/api/home", "[::1]:3000", "", "", http.StatusForbidden},
		{"the page reads", "GET", "/api/messages?view=channel", "127.0.0.1:3000", "", "", http.StatusOK},
		{"the page by localhost", "GET", "/", "localhost:3000", "", "", http.StatusOK},
		{"the page's JSON, with a charset", "POST", "/api/home", "localhost:3000", "http://localhost:3000", "application/json; charset=utf-8", http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(say))
			r.Host = c.host
			if c.origin != "" {
				r.Header.Set("Origin", c.origin)
			}
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			rec := httptest.NewRecorder()
			p.h.ServeHTTP(rec, r)
			if rec.Code != c.want {
				t.Errorf("%d %q, want %d", rec.Code, rec.Body, c.want)
			}
			if c.want != http.StatusOK && !strings.HasPrefix(rec.Body.String(), "refused: ") {
				t.Errorf("no plain reason: %q", rec.Body)
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // time for the bot to answer, had it been asked
	if ms := p.s.Messages(Channel); len(ms) != 0 {
		t.Errorf("the bot took questions from another site: %d messages", len(ms))
	}
}

// TestHostsOfTheListeningAddress: the names a Host may give, for the
// addresses the page may listen on.
func TestHostsOfTheListeningAddress(t *testing.T) {
	for _, c := range []struct {
		listen string
		ok, no []string
	}{
		{"127.0.0.1:3000", []string{"127.0.0.1:3000", "localhost:3000"}, []string{"[::1]:3000", "127.0.0.2:3000", "localhost:80", "localhost", "evil.example:3000", "127.0.0.1.nip.io:3000", ""}},
		{"[::1]:3000", []string{"[::1]:3000", "localhost:3000"}, []string{"127.0.0.1:3000", "evil.example:3000"}},
		{"127.0.0.1:80", []string{"127.0.0.1", "localhost", "localhost:80"}, []string{"evil.example"}},
		{"[::]:3000", []string{"192.168.1.5:3000", "[fe80::1]:3000", "127.0.0.1:3000", "localhost:3000"}, []string{"evil.example:3000", "192.168.1.5:3001"}},
		{"192.168.1.5:3000", []string{"192.168.1.5:3000"}, []string{"localhost:3000", "127.0.0.1:3000", "evil.example:3000"}},
	} {
		t.Run(c.listen, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", c.listen)
			if err != nil {
				t.Fatal(err)
			}
			g := newGuard(addr, nil)
			for _, h := range c.ok {
				if !g.host(h) {
					t.Errorf("%q refused", h)
				}
			}
			for _, h := range c.no {
				if g.host(h) {
					t.Errorf("%q let through", h)
				}
			}
		})
	}
}
