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

// TestMessagesAsSlackShowsThem: a question and its answer in its thread; a
// /hearing reply only for the person, replaced in place by a click, and
// gone when shared, the shared copy in the channel.
func TestMessagesAsSlackShowsThem(t *testing.T) {
	e, err := answer.Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := New(context.Background(), e, nil, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := s.Handler()
	post := func(path, body string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewBufferString(body)))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d", path, body, rec.Code)
		}
	}
	wait := func(ok func([]Message) bool) []Message {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if ms := s.Messages(); ok(ms) {
				return ms
			}
		}
		t.Fatalf("messages: %+v", s.Messages())
		return nil
	}
	post("/api/say", `{"text":"Who moderated the first panel?"}`)
	ms := wait(func(ms []Message) bool { return len(ms) == 2 })
	if ms[0].Bot || !ms[1].Bot || ms[1].Thread != ms[0].ID || !strings.Contains(string(ms[1].Blocks), "Ilias Chatzis") {
		t.Fatalf("question and answer: %+v", ms)
	}
	post("/api/say", `{"text":"/hearing who Claire Falconer"}`)
	ms = wait(func(ms []Message) bool { return len(ms) == 4 })
	private := ms[3]
	if !private.Ephemeral || !strings.Contains(string(private.Blocks), `"action_id":"share"`) {
		t.Fatalf("the /hearing reply: %+v", private)
	}
	post("/api/click", `{"action":"share","value":"who Claire Falconer","message":"`+private.ID+`"}`)
	ms = wait(func(ms []Message) bool {
		return len(ms) == 4 && !ms[3].Ephemeral && strings.Contains(string(ms[3].Blocks), "shared")
	})
	if strings.Contains(string(ms[3].Blocks), `"action_id":"share"`) {
		t.Errorf("the shared copy offers to share again")
	}
}
