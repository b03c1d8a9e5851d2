package slackbot

import (
	"sync"
	"time"
)

// dedupe remembers request ids for a while, so that a request Slack delivers
// again (after a slow acknowledgement, or a Socket Mode reconnection) is
// answered once. Its memory is bounded: the oldest ids go first.
type dedupe struct {
	ttl time.Duration
	max int

	mu    sync.Mutex
	at    map[string]time.Time
	order []string // ids in the order they were added
}

func newDedupe(ttl time.Duration, max int) *dedupe {
	return &dedupe{ttl: ttl, max: max, at: map[string]time.Time{}}
}

// add records id and reports whether it is new.
func (d *dedupe) add(id string) bool {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.order) > 0 && (len(d.order) >= d.max || now.Sub(d.at[d.order[0]]) > d.ttl) {
		delete(d.at, d.order[0])
		d.order = d.order[1:]
	}
	if _, ok := d.at[id]; ok {
		return false
	}
	d.at[id] = now
	d.order = append(d.order, id)
	return true
}

// remove forgets id, for a request that was refused and may come again.
func (d *dedupe) remove(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.at, id) // the stale entry in order is skipped when it expires
}

// has reports whether id was added, and not yet forgotten, within the ttl.
func (d *dedupe) has(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.at[id]
	return ok && time.Since(at) <= d.ttl
}
