package shared

import (
	"errors"
	"net"
	"strconv"
	"syscall"
)

// What one reply from Redis may hold. go-redis allocates whatever a reply
// declares (a string's length, an array's count) before it reads a byte of
// it, so the connection checks each declaration as it comes. The bot's own
// replies are a few bytes (OK, a null, "1"), the handshake's a few hundred.
const (
	maxReply  = 64 << 10 // bytes: its lines, and the strings they declare
	maxValues = 4096     // values, nested ones included
)

// Errors of a connection whose server broke the rules above; they stick,
// and go-redis then closes the connection.
var (
	errReplyTooLarge = errors.New("redis: reply over 64 KiB or 4096 values, refused unread")
	errMalformed     = errors.New("redis: malformed reply")
)

// limit wraps a connection to Redis so that its reads fail before go-redis
// sees a reply that would exceed the limits. A connection the pool can peek
// at for its health check (TCP) stays one.
func limit(c net.Conn) net.Conn {
	l := &limited{Conn: c}
	if sc, ok := c.(syscall.Conn); ok {
		return limitedSyscall{l, sc}
	}
	return l
}

// limited follows the replies read through it (RESP2 and RESP3).
type limited struct {
	net.Conn
	err  error
	scan scanner
}

// limitedSyscall lets the pool's health check peek at the socket (with
// MSG_PEEK, which consumes nothing, so the scanner misses nothing).
type limitedSyscall struct {
	*limited
	syscall.Conn
}

func (c *limited) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.Conn.Read(p)
	if serr := c.scan.feed(p[:n]); serr != nil {
		c.err = serr
		return 0, serr
	}
	return n, err
}

// scanner follows RESP through a connection's bytes, a chunk at a time.
type scanner struct {
	size    int    // bytes of the current reply: lines read, and strings declared
	values  int    // values of the current reply so far
	pending int    // values still to come in the current reply; 0 between replies
	body    int    // bytes of a string (and its CRLF) still to pass
	line    []byte // the start of the line being read (a type and a length)
	long    bool   // the line is longer than what line keeps
	cr      bool   // the last byte was CR
}

// maxLine is the most of a line the scanner keeps: enough for a type, a
// length and CRLF. What follows in a longer line (a status, an error) is
// counted, not kept.
const maxLine = 32

func (s *scanner) feed(b []byte) error {
	for len(b) > 0 {
		if s.body > 0 {
			n := min(s.body, len(b))
			s.body, b = s.body-n, b[n:]
			s.endValue()
			continue
		}
		c := b[0]
		b = b[1:]
		if s.size++; s.size > maxReply {
			return errReplyTooLarge
		}
		switch {
		case c == '\n' && s.cr && len(s.line) > 0:
			err := s.header(s.line, s.long)
			s.line, s.long = s.line[:0], false
			if err != nil {
				return err
			}
		case c == '\n':
			return errMalformed
		case len(s.line) < maxLine:
			s.line = append(s.line, c)
		default:
			s.long = true
		}
		s.cr = c == '\r'
	}
	return nil
}

// header takes the start of a value's line, without its LF: its type, and
// a length or a count; long says the line went on.
func (s *scanner) header(line []byte, long bool) error {
	if s.pending == 0 {
		s.pending = 1 // a new reply
	}
	if s.values++; s.values > maxValues {
		return errReplyTooLarge
	}
	kind := line[0]
	switch kind {
	case '+', '-', ':', ',', '#', '(', '_':
		s.pending--
		s.endValue()
		return nil
	case '$', '=', '!', '*', '~', '>', '%', '|':
	default:
		return errMalformed
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-1]))
	if long || err != nil || n < -1 {
		return errMalformed
	}
	if kind != '|' { // an attribute comes before the value it describes
		s.pending--
	}
	switch {
	case n == -1: // a null (RESP2)
	case kind == '$' || kind == '=' || kind == '!':
		if n > maxReply-s.size {
			return errReplyTooLarge
		}
		s.size += n
		s.body = n + 2
	case kind == '%' || kind == '|':
		n *= 2 // pairs
		fallthrough
	default:
		if n > maxValues-s.values-s.pending {
			return errReplyTooLarge
		}
		s.pending += n
	}
	s.endValue()
	return nil
}

// endValue starts afresh when the current reply is complete.
func (s *scanner) endValue() {
	if s.pending == 0 && s.body == 0 {
		s.size, s.values = 0, 0
	}
}
