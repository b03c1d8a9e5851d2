package shared

import (
	"context"
	"strings"
	"testing"
	"time"

	"hearingbot/internal/shared/redistest"
)

func TestClaimOnceReleaseAndFailFast(t *testing.T) {
	srv := redistest.Start(t)
	r, err := New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		if ok, err := r.Claim(ctx, "k", time.Minute); err != nil || ok != want {
			t.Fatalf("claim %d: %v %v, want %v", i+1, ok, err, want)
		}
	}
	if err := r.Release(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Claim(ctx, "k", time.Minute); err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	srv.Stop()
	if _, err := r.Claim(ctx, "other", time.Minute); err == nil {
		t.Fatal("a claim on a stopped server succeeded")
	}
}

// TestBadURLsAreRefusedWithoutTheirPassword: the URL is a secret; an error
// about it says what is wrong and never quotes it.
func TestBadURLsAreRefusedWithoutTheirPassword(t *testing.T) {
	for _, url := range []string{
		"not a url",
		"http://:s3cret@host:6379/0",
		"redis://user:s3cret@host:port/0",
		"redis://%zz:s3cret@host/0",
		"redis://:s3cret@host:6379/db",
	} {
		_, err := New(url)
		if err == nil {
			t.Errorf("%q was taken", url)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: the error quotes the password: %v", url, err)
		}
	}
}

// TestUnexpectedRepliesAreFailures: a claim is taken only when the server
// says so as Redis does (a null, and the key holding a value); a null to
// every command, or a reply SET never gives, is a failure, which the bot
// logs and goes on from, not a request to drop as a duplicate.
func TestUnexpectedRepliesAreFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set, get string
		ok       bool
		fails    bool
	}{
		{"OK", "+OK\r\n", "", true, false},
		{"taken", "_\r\n", "$1\r\n1\r\n", false, false},
		{"taken, in RESP2", "$-1\r\n", "$1\r\n1\r\n", false, false},
		{"a RESP3 null to everything", "_\r\n", "_\r\n", false, true},
		{"a RESP2 null to everything", "$-1\r\n", "$-1\r\n", false, true},
		{"an integer", ":1\r\n", "", false, true},
		{"another status", "+QUEUED\r\n", "", false, true},
		{"an array", "*1\r\n+OK\r\n", "", false, true},
		{"a null, then an array for the holder", "_\r\n", "*1\r\n$1\r\n1\r\n", false, true},
		{"an error", "-ERR nope\r\n", "", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.StartFake(t, func(cmd []string) string {
				if cmd[0] == "GET" {
					return tc.get
				}
				return tc.set
			})
			r, err := New(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ok, err := r.Claim(context.Background(), "k", time.Minute)
			if ok != tc.ok || (err != nil) != tc.fails {
				t.Errorf("claimed %v, error %v; want %v, failure %v", ok, err, tc.ok, tc.fails)
			}
		})
	}
}
