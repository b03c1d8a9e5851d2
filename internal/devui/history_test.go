package devui

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ids(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// TestHistoryIsBounded: at most so many messages and so many bytes of
// text and blocks, the oldest dropped first, but never the message just
// added; replaced and deleted messages are changes after the cursor.
func TestHistoryIsBounded(t *testing.T) {
	h := &history{maxMessages: 3, maxBytes: 100}
	add := func(id string, n int) { h.add(Channel, Message{ID: id, Text: strings.Repeat("x", n)}) }
	check := func(step string, want []string, bytes int) {
		t.Helper()
		if diff := cmp.Diff(want, ids(h.of(Channel))); diff != "" || h.bytes != bytes {
			t.Errorf("%s: %d bytes, want %d (-want +got):\n%s", step, h.bytes, bytes, diff)
		}
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		add(id, 10)
	}
	check("four messages", []string{"b", "c", "d"}, 30)
	if h.oldest() != 2 {
		t.Errorf("oldest %d, want b's order, 2", h.oldest())
	}
	add("e", 70)
	check("100 bytes", []string{"c", "d", "e"}, 90)
	add("f", 30)
	check("110 bytes", []string{"e", "f"}, 100)
	h.replace("f", strings.Repeat("y", 40), json.RawMessage(`[]`))
	check("f replaced by 42 bytes", []string{"f"}, 42)
	add("g", 500)
	check("one message over the bound", []string{"g"}, 500)

	h = &history{maxMessages: 10, maxBytes: 1000}
	add("a", 1)
	add("b", 1)
	cursor := h.last
	add("c", 1)
	h.replace("a", "", json.RawMessage(`[{"type":"divider"}]`))
	h.remove("c")
	h.add(User, Message{ID: "d"})
	got := h.since(Channel, cursor)
	if len(got) != 2 || got[0].ID != "a" || got[0].Order != 1 || got[0].Deleted || got[1].ID != "c" || !got[1].Deleted || got[1].Text != "" {
		t.Errorf("changes since %d: %+v, want a replaced, then c deleted", cursor, got)
	}
	check("a replaced, c deleted", []string{"a", "b"}, 21)
	if got := h.since(Channel, h.last); got != nil {
		t.Errorf("changes after the last: %+v", got)
	}
}

// follower is what the page's script does with /api/messages: ask for the
// changes after its cursor, batch after batch while more wait, and merge
// them into what it shows.
type follower struct {
	t       *testing.T
	h       http.Handler
	view    string
	cursor  int64
	shown   map[string]Message
	biggest int // the largest response, in bytes
}

func (f *follower) update() (batches int) {
	f.t.Helper()
	for more := true; more; batches++ {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, request(http.MethodGet, "/api/messages?view="+f.view+"&after="+strconv.FormatInt(f.cursor, 10), ""))
		var b struct {
			Cursor, Oldest int64
			Messages       []Message
			More           bool
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); rec.Code != http.StatusOK || err != nil {
			f.t.Fatalf("%d %v: %.200s", rec.Code, err, rec.Body)
		}
		f.biggest = max(f.biggest, rec.Body.Len())
		if b.Cursor < f.cursor || b.More && len(b.Messages) == 0 {
			f.t.Fatalf("cursor %d after %d, %d messages, more %v", b.Cursor, f.cursor, len(b.Messages), b.More)
		}
		for _, m := range b.Messages {
			if m.Deleted {
				delete(f.shown, m.ID)
			} else {
				f.shown[m.ID] = m
			}
		}
		for id, m := range f.shown {
			if m.Order < b.Oldest {
				delete(f.shown, id)
			}
		}
		f.cursor, more = b.Cursor, b.More
	}
	return batches
}

// messages are what the follower shows, in order.
func (f *follower) messages() []Message {
	out := slices.Collect(maps.Values(f.shown))
	slices.SortFunc(out, func(a, b Message) int { return int(a.Order - b.Order) })
	return out
}

func newFollower(p *page, view string) *follower {
	return &follower{t: p.t, h: p.h, view: view, shown: map[string]Message{}}
}

// TestMessagesByCursor: the page asks only for what changed after what it
// has, a response at most maxResponse of messages; what it merges is what
// the server holds: new messages, a /hearing reply, the reply deleted and
// its shared copy when it is shared.
func TestMessagesByCursor(t *testing.T) {
	p := newPage(t)
	const asked = 24 // 16 KB each: more than a response holds
	for i := range asked {
		p.post("/api/say", `{"text":"Who moderated the first panel? `+strconv.Itoa(i)+strings.Repeat(" and then", 1800)+`"}`)
	}
	p.wait(Channel, count(2*asked))
	f := newFollower(p, "channel")
	if n := f.update(); n < 2 {
		t.Errorf("%d batches for %d questions of 16 KB, want them cut", n, asked)
	}
	if f.biggest > maxResponse+1<<10 {
		t.Errorf("a response of %d bytes, over %d", f.biggest, maxResponse)
	}
	same := func(step string) {
		t.Helper()
		want := p.s.Messages(Channel)
		if diff := cmp.Diff(want, f.messages(), cmp.Comparer(func(a, b json.RawMessage) bool { return string(a) == string(b) })); diff != "" {
			t.Errorf("%s: the page's messages (-server +page):\n%s", step, diff)
		}
	}
	same("the questions")
	before := f.cursor
	if n := f.update(); n != 1 || f.cursor != before {
		t.Errorf("nothing new: %d batches, cursor %d after %d", n, f.cursor, before)
	}

	p.post("/api/say", `{"text":"/hearing who Claire Falconer"}`)
	private := p.wait(Channel, count(2*asked+1))[2*asked]
	f.update()
	same("a /hearing reply")
	p.post("/api/click", `{"action":"share","value":"who Claire Falconer","message":"`+private.ID+`"}`)
	p.wait(Channel, func(ms []Message) bool { return !ms[len(ms)-1].Ephemeral })
	f.update()
	same("shared")
	if _, ok := f.shown[private.ID]; ok {
		t.Errorf("the shared reply is still shown")
	}
}

// TestPageForgetsWhatTheServerDrops: beyond its bounds the server drops
// the oldest messages, and so does the page that follows it.
func TestPageForgetsWhatTheServerDrops(t *testing.T) {
	p := newPage(t)
	p.s.history.maxMessages = 5
	f := newFollower(p, "channel")
	for i := range 4 {
		p.post("/api/say", `{"text":"Who moderated panel `+strconv.Itoa(i%3+1)+`?"}`)
		p.wait(Channel, func(ms []Message) bool { return ms[len(ms)-1].Bot }) // answered
		f.update()
	}
	ms := p.s.Messages(Channel)
	if len(ms) != 5 || !ms[0].Bot || ms[1].Text != "Who moderated panel 3?" {
		t.Errorf("kept %d: %+v, want the newest 5, from the second answer", len(ms), ms)
	}
	if diff := cmp.Diff(ids(ms), ids(f.messages())); diff != "" {
		t.Errorf("the page (-server +page):\n%s", diff)
	}
}
