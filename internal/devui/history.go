package devui

import (
	"cmp"
	"encoding/json"
	"slices"
)

// What the page keeps and sends: the newest maxMessages messages and at most
// maxBytes of their text and blocks, the oldest dropped first; a response of
// /api/messages holds about maxResponse bytes of messages at most (always at
// least one), and says when more are waiting.
const (
	maxMessages = 500
	maxBytes    = 4 << 20
	maxResponse = 256 << 10
)

// history is the page's messages, bounded. Every change (a message added,
// replaced or deleted) takes the next number, so that the page asks only for
// the changes after the last one it has. It is not safe for concurrent use.
type history struct {
	maxMessages, maxBytes int
	entries               []entry // in the order they were added
	bytes                 int     // of the entries' text and blocks
	last                  int64   // the number of the last change
}

// entry is a message held: where it is, and the number of its last change.
type entry struct {
	Message
	channel string
	changed int64
}

func newHistory() *history { return &history{maxMessages: maxMessages, maxBytes: maxBytes} }

func size(m Message) int { return len(m.Text) + len(m.Blocks) }

// add appends a message to channel, numbering it, and drops the oldest
// messages beyond the bounds (never the one added).
func (h *history) add(channel string, m Message) {
	h.last++
	m.Order = h.last
	h.entries = append(h.entries, entry{Message: m, channel: channel, changed: h.last})
	h.bytes += size(m)
	h.trim()
}

func (h *history) trim() {
	n := 0
	for len(h.entries)-n > 1 && (len(h.entries)-n > h.maxMessages || h.bytes > h.maxBytes) {
		h.bytes -= size(h.entries[n].Message)
		n++
	}
	clear(h.entries[:n]) // let go of what they hold
	h.entries = h.entries[n:]
}

// find returns the message id, or nil.
func (h *history) find(id string) *entry {
	for i := len(h.entries) - 1; i >= 0; i-- {
		if h.entries[i].ID == id && !h.entries[i].Deleted {
			return &h.entries[i]
		}
	}
	return nil
}

// replace gives the message id new text and blocks, and says whether it
// holds that message.
func (h *history) replace(id, text string, blocks json.RawMessage) bool {
	e := h.find(id)
	if e == nil {
		return false
	}
	h.bytes -= size(e.Message)
	e.Text, e.Blocks = text, blocks
	h.bytes += size(e.Message)
	h.last++
	e.changed = h.last
	h.trim()
	return true
}

// remove deletes the message id. It stays, empty, as a change to send.
func (h *history) remove(id string) {
	if e := h.find(id); e != nil {
		h.bytes -= size(e.Message)
		e.Text, e.Blocks, e.Deleted = "", nil, true
		h.last++
		e.changed = h.last
	}
}

// of returns channel's messages, in order.
func (h *history) of(channel string) []Message {
	var out []Message
	for _, e := range h.entries {
		if e.channel == channel && !e.Deleted {
			out = append(out, e.Message)
		}
	}
	return out
}

// since returns channel's messages changed after the change numbered after,
// in the order of their changes.
func (h *history) since(channel string, after int64) []entry {
	var out []entry
	for _, e := range h.entries {
		if e.channel == channel && e.changed > after {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.changed, b.changed) })
	return out
}

// oldest is the Order of the oldest message held: those before it were
// dropped.
func (h *history) oldest() int64 {
	if len(h.entries) == 0 {
		return h.last + 1
	}
	return h.entries[0].Order
}
