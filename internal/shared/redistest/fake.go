package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Fake is a Redis stand-in on loopback that answers each command with the
// raw RESP its function returns, so that a test can make Redis misbehave
// (a huge declared length, a null where OK is due). It answers the
// handshake itself: HELLO (as Redis 7 would, in RESP3), AUTH, SELECT and
// CLIENT get what a real server gives.
type Fake struct {
	URL string
	ln  net.Listener
	wg  sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
}

// StartFake starts a Fake that the test stops when it ends. reply gets each
// command other than the handshake's, its name in upper case, and returns
// what to write back, as raw RESP ("+OK\r\n", "_\r\n", "$9\r\n").
func StartFake(t testing.TB, reply func(cmd []string) string) *Fake {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &Fake{URL: "redis://" + ln.Addr().String() + "/0", ln: ln, conns: map[net.Conn]bool{}}
	t.Cleanup(f.Close)
	f.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns[c] = true
			f.mu.Unlock()
			f.wg.Go(func() { f.serve(c, reply) })
		}
	})
	return f
}

// hello is the reply to HELLO 3: the fields go-redis reads.
const hello = "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:3\r\n"

func (f *Fake) serve(c net.Conn, reply func(cmd []string) string) {
	defer func() {
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
		c.Close()
	}()
	rd := bufio.NewReader(c)
	for {
		cmd, err := readCommand(rd)
		if err != nil {
			return
		}
		var out string
		switch cmd[0] {
		case "HELLO":
			out = hello
		case "AUTH", "SELECT", "CLIENT":
			out = "+OK\r\n"
		default:
			out = reply(cmd)
		}
		if _, err := io.WriteString(c, out); err != nil {
			return
		}
	}
}

// readCommand reads one command as a client sends it: an array of bulk
// strings.
func readCommand(rd *bufio.Reader) ([]string, error) {
	n, err := readHeader(rd, '*')
	if err != nil || n < 1 {
		return nil, fmt.Errorf("redistest: not a command (%v)", err)
	}
	cmd := make([]string, n)
	for i := range cmd {
		size, err := readHeader(rd, '$')
		if err != nil || size < 0 || size > 1<<20 {
			return nil, fmt.Errorf("redistest: not a bulk string (%v)", err)
		}
		b := make([]byte, size+2)
		if _, err := io.ReadFull(rd, b); err != nil {
			return nil, err
		}
		cmd[i] = string(b[:size])
	}
	cmd[0] = strings.ToUpper(cmd[0])
	return cmd, nil
}

func readHeader(rd *bufio.Reader, kind byte) (int, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 4 || line[0] != kind || !strings.HasSuffix(line, "\r\n") {
		return 0, fmt.Errorf("%q", line)
	}
	return strconv.Atoi(line[1 : len(line)-2])
}

// Close stops the server and closes its connections.
func (f *Fake) Close() {
	f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}
