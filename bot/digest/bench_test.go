package digest

import (
	"context"
	"testing"

	"hearingbot/bot/answer"
	"hearingbot/content"
)

// BenchmarkNew measures what the digest adds to start-up: a search per
// theme word, and the pools.
func BenchmarkNew(b *testing.B) {
	e, err := answer.Open(content.Default())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	for b.Loop() {
		if _, err := New(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
