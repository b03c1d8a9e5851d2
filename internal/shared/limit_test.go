package shared

import (
	"context"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hearingbot/internal/shared/redistest"
)

// TestHugeRepliesAreErrorsNotAllocations: a server (or anything on the path
// of a plain redis://) that declares a reply of 8 EiB or 1.4 GiB makes the
// call fail as a Redis failure, without a panic and without allocating what
// it declares; the next call, on a new connection, works.
func TestHugeRepliesAreErrorsNotAllocations(t *testing.T) {
	for _, tc := range []struct{ name, reply string }{
		{"8 EiB string", "$9223372036854775806\r\n"},
		{"1.4 GiB string", "$1500000000\r\n"},
		{"1.4 GiB verbatim string", "=1500000000\r\n"},
		{"1.4 GiB string in an array", "*1\r\n$1500000000\r\n"},
		{"a billion elements", "*1000000000\r\n"},
		{"a billion pairs", "%1000000000\r\n"},
		{"a billion-element array in a map", "%1\r\n+k\r\n*1000000000\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hostile atomic.Bool
			hostile.Store(true)
			srv := redistest.StartFake(t, func(cmd []string) string {
				if hostile.Swap(false) {
					return tc.reply
				}
				return "+OK\r\n"
			})
			r, err := New(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = r.Claim(context.Background(), "k", time.Minute)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Error("the claim succeeded")
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("error %v; allocated %d KiB, peak RSS %s", err, allocated>>10, peakRSS())
			if allocated > 1<<20 {
				t.Errorf("the call allocated %d MiB", allocated>>20)
			}
			if ok, err := r.Claim(context.Background(), "k", time.Minute); err != nil || !ok {
				t.Errorf("the next claim: %v %v", ok, err)
			}
		})
	}
}

// peakRSS is the process's peak resident memory (Linux), for the log.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestScannerFollowsReplies: what Redis sends passes, in one read or a byte
// at a time; a reply over the limits, or one that is not RESP, fails.
func TestScannerFollowsReplies(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"many small replies", strings.Repeat("+OK\r\n_\r\n$-1\r\n:1\r\n", 5000), nil},
		{"nested values, an attribute, nulls", "*3\r\n%1\r\n+a\r\n*0\r\n|1\r\n+ttl\r\n:1\r\n$1\r\n1\r\n*-1\r\n", nil},
		{"a long error", "-ERR " + strings.Repeat("x", 1000) + "\r\n+OK\r\n", nil},
		{"a 60 KiB string", "$61440\r\n" + strings.Repeat("x", 61440) + "\r\n+OK\r\n", nil},
		{"a 64 KiB string", "$65536\r\n", errReplyTooLarge},
		{"a line without an end", "+" + strings.Repeat("x", 70000), errReplyTooLarge},
		{"5,000 values", "*5000\r\n" + strings.Repeat(":1\r\n", 5000), errReplyTooLarge},
		{"a bare LF", "+OK\n", errMalformed},
		{"an unknown type", "?1\r\n", errMalformed},
		{"a length that is not a number", "$1x\r\n", errMalformed},
		{"a negative length", "$-2\r\n", errMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var whole scanner
			if err := whole.feed([]byte(tc.in)); err != tc.want {
				t.Errorf("in one read: %v, want %v", err, tc.want)
			}
			var bytewise scanner
			var err error
			for i := 0; i < len(tc.in) && err == nil; i++ {
				err = bytewise.feed([]byte{tc.in[i]})
			}
			if err != tc.want {
				t.Errorf("a byte at a time: %v, want %v", err, tc.want)
			}
		})
	}
}
