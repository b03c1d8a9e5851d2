package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	writeWait = 5 * time.Second
	// maxAckSize: Slack silently drops Socket Mode responses this large.
	maxAckSize = 20480
)

var (
	// Slack's socket clients send Origin: https://api.slack.com.
	upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

	helloFrame = []byte(`{"type":"hello","num_connections":1,"debug_info":{"host":"fake","approximate_connection_time":18060},"connection_info":{"app_id":"` + AppID + `"}}`)

	disconnectFrame = []byte(`{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"fake"}}`)
)

// envelope is one Socket Mode request, kept until acked.
type envelope struct {
	id         string
	typ        string
	payload    json.RawMessage
	deliveries int       // how often it was queued on a connection
	sentAt     time.Time // when it was last written
}

// Ack is one acknowledgement the client sent.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // as sent (nil if none)
	Latency    time.Duration   // since the envelope was (last) written; 0 for unknown envelopes
	At         time.Time
}

// conn is one websocket connection. Only its writer goroutine writes frames;
// others queue them with send.
type conn struct {
	ws        *websocket.Conn
	mu        sync.Mutex
	queue     []outFrame
	wake      chan struct{} // buffered 1: the queue has frames
	done      chan struct{} // closed by close
	closeOnce sync.Once
}

type outFrame struct {
	data     []byte
	envelope *envelope // nil for frames that are not envelopes
	close    bool      // send a close frame and close the connection
}

func (c *conn) send(f outFrame) {
	c.mu.Lock()
	c.queue = append(c.queue, f)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close closes the connection abruptly; safe to call more than once.
func (c *conn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// SendEnvelope queues a Socket Mode request of type typ ("events_api",
// "slash_commands" or "interactive") and returns its unique envelope_id.
//
// payload is encoded as JSON, except that []byte and json.RawMessage are used
// as they are (EventCallback and BlockAction return JSON) and url.Values
// (SlashCommand) become an object of strings, as Slack sends slash commands
// over Socket Mode. SendEnvelope panics if payload cannot be encoded.
//
// The envelope goes to the current connection, or the next one if there is
// none. It stays pending until acked; every new connection gets all pending
// envelopes again, with retry_attempt incremented and retry_reason "timeout".
func (s *Server) SendEnvelope(typ string, payload any) string {
	raw, err := encodePayload(payload)
	if err != nil {
		panic(fmt.Sprintf("slackfake: SendEnvelope: %v", err))
	}
	e := &envelope{id: newEnvelopeID(), typ: typ, payload: raw}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.envelopes[e.id] = e
	s.pending = append(s.pending, e)
	if c := s.currentLocked(); c != nil {
		c.send(s.envelopeFrameLocked(e))
	}
	return e.id
}

func encodePayload(p any) (json.RawMessage, error) {
	switch p := p.(type) {
	case []byte:
		if !json.Valid(p) {
			return nil, fmt.Errorf("payload is not JSON")
		}
		return p, nil
	case json.RawMessage:
		return encodePayload([]byte(p))
	case url.Values:
		flat := map[string]string{}
		for k := range p {
			flat[k] = p.Get(k)
		}
		return json.Marshal(flat)
	}
	return json.Marshal(p)
}

// newEnvelopeID returns a random UUID, the form Slack's envelope ids take.
func newEnvelopeID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// envelopeFrameLocked encodes e for one more delivery. Call it with s.mu held.
func (s *Server) envelopeFrameLocked(e *envelope) outFrame {
	f := struct {
		EnvelopeID             string          `json:"envelope_id"`
		Type                   string          `json:"type"`
		AcceptsResponsePayload bool            `json:"accepts_response_payload"`
		RetryAttempt           int             `json:"retry_attempt"`
		RetryReason            string          `json:"retry_reason"`
		Payload                json.RawMessage `json:"payload"`
	}{
		EnvelopeID:             e.id,
		Type:                   e.typ,
		AcceptsResponsePayload: e.typ == "slash_commands" || e.typ == "interactive",
		RetryAttempt:           e.deliveries,
		Payload:                e.payload,
	}
	if e.deliveries > 0 {
		f.RetryReason = "timeout"
	}
	e.deliveries++
	data, _ := json.Marshal(f) // payload is valid JSON: encodePayload checked it
	return outFrame{data: data, envelope: e}
}

// SendRaw writes frame as a text message on the current connection, for tests
// of malformed input. Without a connection it does nothing.
func (s *Server) SendRaw(frame []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.currentLocked(); c != nil {
		c.send(outFrame{data: slices.Clone(frame)})
	}
}

// Acks returns a copy of the acks received, in arrival order. Acks for
// unknown or already acked envelopes are included; acks of 20 KB or more are
// not (Slack drops them).
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAcks blocks until at least n acks arrived or ctx is done; then it
// returns what it has and ctx.Err().
func (s *Server) WaitAcks(ctx context.Context, n int) ([]Ack, error) {
	return waitFor(ctx, s, n, func() []Ack { return slices.Clone(s.acks) })
}

// Pending reports how many envelopes have not been acked yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Disconnect sends {"type":"disconnect","reason":"refresh_requested"} on the
// current connection and closes it about 50ms later, as Slack does before a
// refresh. Without a connection it does nothing.
func (s *Server) Disconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.currentLocked(); c != nil {
		c.send(outFrame{data: disconnectFrame})
		time.AfterFunc(50*time.Millisecond, func() { c.send(outFrame{close: true}) })
	}
}

// Drop closes the current connection abruptly, without a disconnect or close
// frame, as a network failure would.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.currentLocked()
	s.forgetLocked(c)
	s.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// Connections reports how many websocket connections were accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Connected reports whether a connection is open now.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns) > 0
}

// currentLocked is the connection that gets envelopes: the newest open one.
func (s *Server) currentLocked() *conn {
	if len(s.conns) == 0 {
		return nil
	}
	return s.conns[len(s.conns)-1]
}

// handleSocket serves /ws: hello, pending envelopes, pings, and acks read.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	c := &conn{ws: ws, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	s.conns = append(s.conns, c)
	s.accepted++
	c.send(outFrame{data: helloFrame})
	for _, e := range s.pending {
		c.send(s.envelopeFrameLocked(e))
	}
	s.mu.Unlock()

	go s.writeLoop(c)
	s.readLoop(c)

	c.close()
	s.mu.Lock()
	s.forgetLocked(c)
	s.mu.Unlock()
}

// forgetLocked removes c from the open connections. Call it with s.mu held.
func (s *Server) forgetLocked(c *conn) {
	s.conns = slices.DeleteFunc(s.conns, func(x *conn) bool { return x == c })
}

// writeLoop is c's only writer of data frames: queued frames and pings.
func (s *Server) writeLoop(c *conn) {
	defer c.close()
	ping := time.NewTicker(s.pingInterval)
	defer ping.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-ping.C:
			if c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)) != nil {
				return
			}
		case <-c.wake:
			c.mu.Lock()
			q := c.queue
			c.queue = nil
			c.mu.Unlock()
			for _, f := range q {
				if f.close {
					msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
					_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait))
					return
				}
				if f.envelope != nil {
					s.mu.Lock()
					f.envelope.sentAt = time.Now() // before the write: the ack may beat us back
					s.mu.Unlock()
				}
				_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
				if c.ws.WriteMessage(websocket.TextMessage, f.data) != nil {
					return
				}
			}
		}
	}
}

// readLoop records acks until the connection fails.
func (s *Server) readLoop(c *conn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if len(data) >= maxAckSize || json.Unmarshal(data, &a) != nil || a.EnvelopeID == "" {
			continue
		}
		s.recordAck(a.EnvelopeID, a.Payload)
	}
}

func (s *Server) recordAck(id string, payload json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := Ack{EnvelopeID: id, Payload: payload, At: time.Now()}
	if e, ok := s.envelopes[id]; ok {
		if !e.sentAt.IsZero() {
			a.Latency = a.At.Sub(e.sentAt)
		}
		s.pending = slices.DeleteFunc(s.pending, func(p *envelope) bool { return p == e })
	}
	s.acks = append(s.acks, a)
	s.notifyLocked()
}
