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
