package slackbot

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// bodyLimits bound what the bodies of requests whose signature is not yet
// checked can cost: anyone can send them.
type bodyLimits struct {
	// buffered is the budget of all the bodies being read at once: their
	// buffers, which grow as their bytes arrive, and perReader each.
	buffered int64
	// perReader is charged to each body being read, for what its
	// connection costs besides the body: the server's buffers, the
	// goroutine, the request.
	perReader int64
	first     int64         // a body's first buffer (less if it declares less)
	grace     time.Duration // before a body must keep up with rate
	rate      int64         // bytes a second a body must average after grace
	deadline  time.Duration // the most a body may take, whatever its rate
	settled   time.Duration // a body younger than this has no rate yet: it is not dropped for another
}

// defaultLimits are the HTTP endpoint's. Slack sends a body at once, and its
// largest, a click on the bot's largest message, is about 20 KB: it arrives
// within the grace. A connection that sends a byte a second is cut after
// the grace; one that keeps the budget full must send at rate.
var defaultLimits = bodyLimits{
	buffered:  32 << 20,
	perReader: 24 << 10,
	first:     1 << 10,
	grace:     time.Second,
	rate:      32 << 10,
	deadline:  5 * time.Second,
	settled:   100 * time.Millisecond,
}

// Why a body is not read, with the status and the fixed reason its refusal
// gives.
var (
	errBodyTooLarge = &denial{status: http.StatusRequestEntityTooLarge, reason: "body too large"}
	errBodySlow     = &denial{status: http.StatusBadRequest, reason: "body not read in time"}
	errBodyUnread   = &denial{status: http.StatusBadRequest, reason: "body not read"}
	errBodiesFull   = &denial{status: http.StatusServiceUnavailable, reason: "too many bodies being read, none slower"}
	errBodyDropped  = &denial{status: http.StatusServiceUnavailable, reason: "slowest body dropped for another"}
)

// denial is why a request is refused: its status, a fixed reason for the
// log that never quotes the request, and what caused it, if anything.
type denial struct {
	status int
	reason string
	cause  error
}

func (d *denial) Error() string { return d.reason }
func (d *denial) Unwrap() error { return d.cause }

// because is d caused by err.
func (d denial) because(err error) *denial {
	d.cause = err
	return &d
}

// readers are the bodies being read before their signature is checked.
// They share a budget of bytes: a body is charged what it has been sent (its
// buffer grows as bytes arrive, doubling) and must arrive at the limits'
// rate. When the budget is short, the slowest body being read, the one that
// has received the fewest bytes a second, is dropped to make room, unless
// it is the one asking.
type readers struct {
	limits bodyLimits
	mu     sync.Mutex
	used   int64                // guarded by mu
	all    map[*reader]struct{} // guarded by mu
}

func newReaders(l bodyLimits) *readers {
	return &readers{limits: l, all: map[*reader]struct{}{}}
}

// reader is one body being read.
type reader struct {
	rc       *http.ResponseController
	start    time.Time
	received int64 // guarded by readers.mu, as the rest
	charged  int64
	dropped  bool // to make room for another: its read is cut
}

// read reads a body of declared bytes (-1: unknown) from r, at most
// MaxBody, and returns it. w's connection's read deadline follows the
// body's pace: its grace, then a second more for every rate bytes received,
// within the limits' deadline.
func (rs *readers) read(w http.ResponseWriter, r io.Reader, declared int64) ([]byte, *denial) {
	rd := &reader{rc: http.NewResponseController(w), start: time.Now()}
	limit := int64(MaxBody) + 1 // a byte more than MaxBody tells a body too large
	if declared >= 0 {
		limit = min(limit, declared+1) // the server stops at declared: the byte more meets its EOF
	}
	var buf []byte
	if no := rs.grow(rd, &buf, min(limit, rs.limits.first)); no != nil {
		return nil, no
	}
	defer rs.leave(rd)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				return nil, errBodyTooLarge
			}
			if no := rs.grow(rd, &buf, min(limit, 2*int64(cap(buf)))); no != nil {
				return nil, no
			}
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		done := errors.Is(err, io.EOF)
		switch {
		case !rs.arrived(rd, n, done):
			return nil, errBodyDropped
		case done:
			return buf, nil
		case err == nil:
		case isTimeout(err):
			return nil, errBodySlow.because(err)
		default:
			return nil, errBodyUnread.because(err)
		}
	}
}

// isTimeout reports whether err is a read deadline passing.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// grow reserves the budget for buf to grow to size bytes, dropping slower
// readers while it is short, and grows it. A reader not yet among rs joins
// them, charged perReader too.
func (rs *readers) grow(rd *reader, buf *[]byte, size int64) *denial {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rd.dropped {
		return errBodyDropped
	}
	_, joined := rs.all[rd]
	more := size - int64(cap(*buf))
	if !joined {
		more += rs.limits.perReader
	}
	now := time.Now()
	for rs.used+more > rs.limits.buffered {
		slow := rs.slowest(now)
		if slow == nil || slow == rd { // none settled, or the asker is the slowest
			return errBodiesFull
		}
		rs.drop(slow)
	}
	if !joined {
		rs.all[rd] = struct{}{}
		rs.pace(rd)
	}
	rs.used += more
	rd.charged += more
	grown := make([]byte, len(*buf), size)
	copy(grown, *buf)
	*buf = grown
	return nil
}

// arrived counts n bytes received by rd and moves its read deadline on;
// it reports false if rd was dropped meanwhile and its body is not done.
func (rs *readers) arrived(rd *reader, n int, done bool) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rd.dropped && !done {
		return false
	}
	rd.received += int64(n)
	if done {
		// The body is in (whole, even if dropped just now): the server's
		// own timeouts apply again.
		_ = rd.rc.SetReadDeadline(time.Time{})
		return true
	}
	rs.pace(rd)
	return true
}

// pace sets rd's read deadline to when it falls behind: the grace, and a
// second for every rate bytes it has received, within the deadline.
func (rs *readers) pace(rd *reader) {
	l := rs.limits
	d := min(l.deadline, l.grace+time.Duration(rd.received*int64(time.Second)/l.rate))
	_ = rd.rc.SetReadDeadline(rd.start.Add(d))
}

// slowest is the settled reader with the fewest bytes a second, the oldest
// of those that tie; nil if there is none.
func (rs *readers) slowest(now time.Time) *reader {
	var slow *reader
	for rd := range rs.all {
		if now.Sub(rd.start) < rs.limits.settled {
			continue
		}
		if slow == nil || rd.slower(slow, now) {
			slow = rd
		}
	}
	return slow
}

// slower reports whether a has received fewer bytes a second than b, or as
// many and is older.
func (a *reader) slower(b *reader, now time.Time) bool {
	ageA, ageB := now.Sub(a.start), now.Sub(b.start)
	ra, rb := a.received*int64(ageB), b.received*int64(ageA) // a.received/ageA < b.received/ageB
	return ra < rb || ra == rb && ageA > ageB
}

// drop cuts rd's read and gives back its budget.
func (rs *readers) drop(rd *reader) {
	rd.dropped = true
	_ = rd.rc.SetReadDeadline(time.Unix(1, 0))
	rs.used -= rd.charged
	rd.charged = 0
	delete(rs.all, rd)
}

// leave gives back what rd was charged, once its body is read or refused.
func (rs *readers) leave(rd *reader) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if !rd.dropped {
		rs.used -= rd.charged
		delete(rs.all, rd)
	}
}
