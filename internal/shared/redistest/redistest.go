// Package redistest starts Redis servers for tests: Start, Debian's
// redis-server (.ci/run installs it), on a free loopback port, with no
// persistence (without the binary a test is skipped, or fails in CI); and
// StartFake, a stand-in that answers what the test tells it to, for a Redis
// that misbehaves.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Server is a running redis-server.
type Server struct {
	URL string
	cmd *exec.Cmd
}

// Start starts a redis-server that the test stops when it ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no redis-server: .ci/run installs Debian's redis-server")
		}
		t.Skip("no redis-server here (apt-get install redis-server)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd: cmd}
	t.Cleanup(s.Stop)
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprint("127.0.0.1:", port)); err == nil {
			c.Close()
			return s
		}
	}
	t.Fatal("redis-server did not start")
	return nil
}

// Stop stops the server, as a failure would (the test's cleanup too).
func (s *Server) Stop() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}
