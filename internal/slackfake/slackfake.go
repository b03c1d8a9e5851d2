// Package slackfake is a stand-in for Slack on loopback: the Web API methods
// the bot calls (auth.test, chat.*, conversations.history,
// apps.connections.open), response_url endpoints and a Socket Mode websocket.
//
// It behaves like Slack where a client can tell the difference: API errors
// are HTTP 200 with {"ok":false}, Block Kit limits are enforced, 429s carry
// Retry-After, the socket sends hello, pings and disconnect frames, and
// unacknowledged envelopes are redelivered on the next connection. Tests
// inspect what the bot did with Posts, Acks and Calls, and inject faults with
// SetFaults and FailNext.
//
// A Server is safe for concurrent use.
package slackfake

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Identities the fake workspace reports.
const (
	TeamID    = "T0FAKE"
	BotUserID = "UBOT"
	BotID     = "BBOT"
	AppID     = "AFAKE"
)

// maxResponseURLPosts is how often Slack lets a response_url be used.
const maxResponseURLPosts = 5

// Option configures a Server.
type Option func(*Server)

// WithPingInterval sets how often the server pings each socket connection
// (default 5s; d <= 0 keeps the default). A socketmode client reconnects when
// it sees no ping within its own OptionPingInterval, so keep d well below that.
func WithPingInterval(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.pingInterval = d
		}
	}
}

// WithMaxPosts keeps the last n posts, and the last n messages of each
// channel's history, dropping the oldest (n <= 0 keeps all, the default):
// for a stand-in that runs for as long as a person uses it (hearingbot dev).
func WithMaxPosts(n int) Option {
	return func(s *Server) { s.maxPosts = max(n, 0) }
}

// Server is a fake Slack. Create it with New and Close it when done.
type Server struct {
	hs           *httptest.Server
	pingInterval time.Duration
	maxPosts     int // 0: no limit
	closeOnce    sync.Once
	done         chan struct{} // closed by Close

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever posts or acks grow
	posts    []Post
	dropped  int // posts dropped by maxPosts, before posts[0]
	calls    map[string]int
	history  map[string][]*message // per channel, oldest first
	lastTS   int64                 // microseconds of the last ts given
	used     map[string]int        // response_url id -> successful posts
	faults   Faults
	rng      *rand.Rand
	failNext map[string][]failure

	envelopes map[string]*envelope
	pending   []*envelope // not acked, in send order
	acks      []Ack
	conns     []*conn // open connections, oldest first; the last gets envelopes
	accepted  int
	closed    bool
}

type failure struct {
	status, retryAfter int
	code               string // Slack's error code; "" for the status's own
}

// New starts a fake Slack on a loopback httptest.Server.
func New(opts ...Option) *Server {
	s := &Server{
		pingInterval: 5 * time.Second,
		done:         make(chan struct{}),
		changed:      make(chan struct{}),
		calls:        map[string]int{},
		history:      map[string][]*message{},
		used:         map[string]int{},
		failNext:     map[string][]failure{},
		envelopes:    map[string]*envelope{},
	}
	for _, o := range opts {
		o(s)
	}
	s.SetFaults(Faults{})
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/response/", s.handleResponseURL)
	mux.HandleFunc("/ws", s.handleSocket)
	s.hs = httptest.NewServer(mux)
	return s
}

// Close closes every websocket connection and the HTTP server. It is safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := slices.Clone(s.conns)
		s.mu.Unlock()
		close(s.done)
		for _, c := range conns {
			c.close()
		}
		s.hs.Close()
	})
}

// URL is the server's base URL, such as http://127.0.0.1:1234.
func (s *Server) URL() string { return s.hs.URL }

// APIURL is the Web API base, URL()+"/api/", as slack.OptionAPIURL wants it.
func (s *Server) APIURL() string { return s.hs.URL + "/api/" }

// ResponseURL is a response_url for slash commands and interactions; posts to
// it are recorded with Method "response_url" and ResponseID id. Each id takes
// at most 5 posts, as on Slack.
func (s *Server) ResponseURL(id string) string { return s.hs.URL + "/response/" + id }

// Post is one message the bot delivered.
type Post struct {
	Method          string // "chat.postMessage", "chat.postEphemeral", "chat.update" or "response_url"
	Channel         string
	User            string // chat.postEphemeral: the user who sees it
	ThreadTS        string
	TS              string          // the ts the fake assigned (postMessage, postEphemeral) or updated (update)
	Text            string          //
	Blocks          json.RawMessage // as sent (nil if none)
	Metadata        json.RawMessage // chat.postMessage "metadata" field as sent (nil if none)
	ResponseID      string          // response_url: the id in the path
	ResponseType    string          // response_url: "ephemeral", "in_channel" or ""
	ReplaceOriginal bool            // response_url
	DeleteOriginal  bool            // response_url
	At              time.Time
}

// Posts returns a copy of the successful posts in arrival order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// PostsAfter returns the posts that arrived after the first n, and how
// many have arrived: pass that back to get only the newer ones. Posts that
// WithMaxPosts dropped before they were asked for are not returned.
func (s *Server) PostsAfter(n int) ([]Post, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := s.dropped + len(s.posts)
	return slices.Clone(s.posts[min(max(n-s.dropped, 0), len(s.posts)):]), total
}

// Roots returns the posts in channel that are not thread replies, as a
// channel's reader sees them at first.
func (s *Server) Roots(channel string) []Post {
	var roots []Post
	for _, p := range s.Posts() {
		if p.Channel == channel && p.ThreadTS == "" {
			roots = append(roots, p)
		}
	}
	return roots
}

// WaitPosts blocks until at least n posts succeeded or ctx is done; then it
// returns what it has and ctx.Err().
func (s *Server) WaitPosts(ctx context.Context, n int) ([]Post, error) {
	return waitFor(ctx, s, n, func() []Post { return slices.Clone(s.posts) })
}

// Calls reports how many requests method received, failed or not. Methods are
// named as in the URL ("chat.postMessage"); response_url posts are
// "response_url".
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// waitFor polls get, under s.mu, each time posts or acks change.
func waitFor[T any](ctx context.Context, s *Server, n int, get func() []T) ([]T, error) {
	for {
		s.mu.Lock()
		items, changed := get(), s.changed
		s.mu.Unlock()
		if len(items) >= n {
			return items, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return items, ctx.Err()
		}
	}
}

// notifyLocked wakes waiters. Call it with s.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Faults makes chat.postMessage, chat.postEphemeral, chat.update and
// response_url posts fail at random. A faulted call counts in Calls and
// records nothing.
type Faults struct {
	RateLimited float64       // share of calls answered 429 with Retry-After
	RetryAfter  int           // seconds for Retry-After (default 1)
	ServerError float64       // share of calls answered 500
	Delay       time.Duration // added before answering each call
	Seed        int64         // for the random choice (0: a fixed default seed); the same seed and call order give the same faults
}

// SetFaults replaces the fault settings and restarts the random sequence.
func (s *Server) SetFaults(f Faults) {
	if f.RetryAfter == 0 {
		f.RetryAfter = 1
	}
	seed := uint64(f.Seed)
	if seed == 0 {
		seed = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.rng = rand.New(rand.NewPCG(seed, seed))
}

// FailNext makes the next call of method (any Web API method, or
// "response_url") answer status before any processing; a 429 carries
// Retry-After: retryAfter (0 is allowed and sent as is). Calls queue: calling
// FailNext twice fails the next two calls. FailNext wins over Faults.
func (s *Server) FailNext(method string, status int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], failure{status: status, retryAfter: retryAfter})
}

// FailNextWith makes the next call of a Web API method answer, as Slack
// does, HTTP 200 with {"ok": false, "error": code} ("missing_scope",
// "not_in_channel"). It queues with FailNext.
func (s *Server) FailNextWith(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], failure{status: http.StatusOK, code: code})
}

// faultable lists the methods Faults applies to.
var faultable = map[string]bool{
	"chat.postMessage": true, "chat.postEphemeral": true, "chat.update": true, "response_url": true,
}

// intercept counts the call and, if a fault is due, waits Faults.Delay and
// answers the fault. It reports whether it answered.
func (s *Server) intercept(w http.ResponseWriter, r *http.Request, method string) bool {
	s.mu.Lock()
	s.calls[method]++
	var f failure
	var delay time.Duration
	if q := s.failNext[method]; len(q) > 0 {
		f, s.failNext[method] = q[0], q[1:]
	} else if faultable[method] {
		x := s.rng.Float64()
		switch {
		case x < s.faults.RateLimited:
			f = failure{status: http.StatusTooManyRequests, retryAfter: s.faults.RetryAfter}
		case x < s.faults.RateLimited+s.faults.ServerError:
			f = failure{status: http.StatusInternalServerError}
		}
	}
	if faultable[method] {
		delay = s.faults.Delay
	}
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.done:
		}
	}
	if f.status == 0 {
		return false
	}
	code := cmp.Or(f.code, "internal_error")
	if f.status == http.StatusTooManyRequests {
		code = "ratelimited"
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
	}
	if method == "response_url" {
		http.Error(w, code, f.status)
	} else {
		writeJSON(w, f.status, apiError(code))
	}
	return true
}

// message is a chat.postMessage message as conversations.history shows it.
type message struct {
	Type     string          `json:"type"`
	User     string          `json:"user"`
	BotID    string          `json:"bot_id"`
	Text     string          `json:"text"`
	TS       string          `json:"ts"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// ReplyCount is how many replies a thread's parent has.
	ReplyCount int `json:"reply_count,omitempty"`

	broadcast bool // reply_broadcast: a thread reply also shown in the channel
}

// Plant adds a person's message to a thread (or to the channel, with no
// threadTS) as if it had been posted long ago: it is in what
// conversations.replies and conversations.history read back, with no event
// sent and no Post recorded. It returns the message's ts.
func (s *Server) Plant(channel, user, threadTS, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	s.history[channel] = append(s.history[channel], &message{Type: "message", User: user, Text: text, TS: ts, ThreadTS: threadTS})
	return ts
}

// PlantUndecodable adds to a thread a message whose blocks are not Block
// Kit (a string), as a newer Slack might send one: a client that decodes
// blocks strictly fails on the whole page. It returns the message's ts.
func (s *Server) PlantUndecodable(channel, user, threadTS string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	s.history[channel] = append(s.history[channel], &message{Type: "message", User: user, Text: "?", TS: ts, ThreadTS: threadTS,
		Blocks: json.RawMessage(`"not blocks"`)})
	return ts
}

// nextTSLocked returns a new message ts: the time now, as Slack's are (so
// history's oldest and latest filter them as Slack would), and increasing.
func (s *Server) nextTSLocked() string {
	us := max(time.Now().UnixMicro(), s.lastTS+1)
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// tsMicros parses a Slack ts ("1700000000.000100") into microseconds.
func tsMicros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	n, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	us, _ := strconv.ParseInt(frac, 10, 64)
	return n*1e6 + us
}

// recordLocked appends a post and wakes waiters. Call it with s.mu held.
func (s *Server) recordLocked(p Post) {
	p.At = time.Now()
	s.posts = append(s.posts, p)
	if n := len(s.posts) - s.maxPosts; s.maxPosts > 0 && n > 0 {
		s.posts = dropOldest(s.posts, n)
		s.dropped += n
	}
	s.notifyLocked()
}

// dropOldest drops the first n of list, letting go of what they hold.
func dropOldest[T any](list []T, n int) []T {
	clear(list[:n])
	return list[n:]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// handleResponseURL serves POST /response/<id> as Slack's response_url does:
// a JSON message in, "ok" (or an error word) out.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	if s.intercept(w, r, "response_url") {
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "invalid_method", http.StatusMethodNotAllowed)
		return
	}
	var m struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	n := 0
	if len(m.Blocks) > 0 && string(m.Blocks) != "null" {
		var err *blockError
		if n, err = validateBlocks(m.Blocks); err != nil {
			http.Error(w, "invalid_blocks", http.StatusBadRequest)
			return
		}
	} else {
		m.Blocks = nil
	}
	if m.Text == "" && n == 0 && !m.DeleteOriginal {
		http.Error(w, "no_text", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used[id] >= maxResponseURLPosts {
		http.Error(w, "used_url", http.StatusNotFound)
		return
	}
	s.used[id]++
	s.recordLocked(Post{
		Method: "response_url", ThreadTS: m.ThreadTS, Text: m.Text, Blocks: m.Blocks,
		ResponseID: id, ResponseType: m.ResponseType,
		ReplaceOriginal: m.ReplaceOriginal, DeleteOriginal: m.DeleteOriginal,
	})
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("ok"))
}
