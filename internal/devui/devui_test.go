package devui

import (
	"bytes"
	"context"
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
	return &page{t: t, s: s, h: s.Handler()}
}

func (p *page) post(path, body string) {
	p.t.Helper()
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewBufferString(body)))
	if rec.Code != http.StatusOK {
		p.t.Fatalf("%s %s: %d", path, body, rec.Code)
	}
}

// wait returns the messages once ok holds for them.
func (p *page) wait(ok func([]Message) bool) []Message {
	p.t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ms := p.s.Messages(); ok(ms) {
			return ms
		}
	}
	p.t.Fatalf("messages: %+v", p.s.Messages())
	return nil
}

func count(n int) func([]Message) bool { return func(ms []Message) bool { return len(ms) == n } }

// TestMessagesAsSlackShowsThem: a question and its answer in its thread; a
// /hearing reply only for the person, without the command as a message,
// replaced in place by a click, and gone when shared, the shared copy in
// the channel.
func TestMessagesAsSlackShowsThem(t *testing.T) {
	p := newPage(t)
	p.post("/api/say", `{"text":"Who moderated the first panel?"}`)
	ms := p.wait(count(2))
	if ms[0].Bot || !ms[1].Bot || ms[1].Thread != ms[0].ID || !strings.Contains(string(ms[1].Blocks), "Ilias Chatzis") {
		t.Fatalf("question and answer: %+v", ms)
	}
	p.post("/api/say", `{"text":"/hearing who Claire Falconer"}`)
	ms = p.wait(count(3))
	private := ms[2]
	if !private.Ephemeral || private.Thread != "" || !strings.Contains(string(private.Blocks), `"action_id":"share"`) {
		t.Fatalf("the /hearing reply: %+v", private)
	}
	p.post("/api/click", `{"action":"share","value":"who Claire Falconer","message":"`+private.ID+`"}`)
	ms = p.wait(func(ms []Message) bool {
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
	thread := p.wait(count(2))[0].ID
	p.post("/api/say", `{"text":"/hearing panels","thread":"`+thread+`"}`)
	panels := p.wait(count(3))[2]
	if !panels.Ephemeral || panels.Thread != thread {
		t.Fatalf("the /hearing reply in the thread %s: %+v", thread, panels)
	}
	p.post("/api/click", `{"action":"panel_panel-3","value":"panel-3","message":"`+panels.ID+`"}`)
	people := p.wait(count(4))[3]
	if !people.Ephemeral || people.Thread != thread || !strings.Contains(string(people.Blocks), "Murtaza Khan") {
		t.Fatalf("the click's reply in the thread %s: %+v", thread, people)
	}
}
