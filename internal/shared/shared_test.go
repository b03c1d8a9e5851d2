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
// about it says what is wrong and never quotes it, nor any part of its
// password (an escape such as %ZZ, what a / or ? in it cuts off).
func TestBadURLsAreRefusedWithoutTheirPassword(t *testing.T) {
	for _, tc := range []struct{ url, password, says string }{
		{"not a url", "", "does not start with redis://"},
		{"http://:Qx7s3cret@host:6379/0", "Qx7s3cret", "does not start with redis://"},
		{"Qx7:s3cret", "Qx7:s3cret", "does not start with redis://"},
		{"redis://user:Qx7s3cret@host:port/0", "Qx7s3cret", "does not parse"},
		{"redis://%zz:Qx7s3cret@host/0", "Qx7s3cret", "a % not followed by two hexadecimal digits"},
		{"redis://:Qx7%ZZv9@host:6379/0", "Qx7%ZZv9", "a % not followed by two hexadecimal digits"},
		{"redis://:Qx7/v9k@host:6379/0", "Qx7/v9k", "does not parse"},
		{"redis://u:1234/Qx7v9@host", "1234/Qx7v9", "the path is not a database number"},
		{"redis://u:1234?Qx7v9@host", "1234?Qx7v9", "an option after ? that the client does not know"},
		{"redis://:Qx7s3cret@host:6379/db", "Qx7s3cret", "the path is not a database number"},
		{"redis://:Qx7s3cret@host:6379/0/Qx7s3cret", "Qx7s3cret", "the path is not a database number"},
		{"redis://:Qx7s3cret@host:6379/0?dial_timeout=Qx7s3cret", "Qx7s3cret", "whose value the client cannot read"},
	} {
		_, err := New(tc.url)
		if err == nil {
			t.Errorf("%q was taken", tc.url)
			continue
		}
		if !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%q: %v; want it to say %q", tc.url, err, tc.says)
		}
		for i := 0; i+3 <= len(tc.password); i++ {
			if part := tc.password[i : i+3]; strings.Contains(err.Error(), part) {
				t.Errorf("%q: the error quotes %q of the password: %v", tc.url, part, err)
			}
		}
	}
}

// TestURLsTakenWarnedOrRefused: a database number a Redis could have is
// taken, an absurd one refused with what to use instead; TLS that checks
// no certificate is taken, with a warning to pass on.
func TestURLsTakenWarnedOrRefused(t *testing.T) {
	const taken, warned, refused = "taken", "warned", "refused"
	for url, want := range map[string]string{
		"redis://host:6379":                          taken,
		"redis://host:6379/0":                        taken,
		"redis://host:6379/15":                       taken,
		"redis://host:6379/999":                      taken,
		"redis://host:6379/0?db=3":                   taken,
		"redis://host:6379/1000":                     refused,
		"redis://host:6379/99999999999":              refused,
		"redis://host:6379/-1":                       refused,
		"redis://host:6379/0?db=99999999":            refused,
		"rediss://:pw@host:6379/0?skip_verify=true":  warned,
		"rediss://:pw@host:6379/0?skip_verify=1":     warned,
		"rediss://:pw@host:6379/0?skip_verify=false": taken,
		"rediss://:pw@host:6379/0":                   taken,
	} {
		r, err := New(url)
		got := refused
		if err == nil {
			r.Close()
			got = map[bool]string{false: taken, true: warned}[r.Warning() != ""]
		}
		if got != want {
			t.Errorf("%s: %s (%v), want %s", url, got, err, want)
		}
		if err != nil && !strings.Contains(err.Error(), "use 0 to 999") {
			t.Errorf("%s: %v does not say what to use", url, err)
		}
		if err == nil && strings.Contains(r.Warning(), "pw@") {
			t.Errorf("%s: the warning quotes the URL: %s", url, r.Warning())
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
