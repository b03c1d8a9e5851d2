package index

import (
	"context"
	"testing"

	"hearingbot/content"
)

func TestQuick(t *testing.T) {
	x, err := Build(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, q := range []string{"What did the panellists say about labour inspection?", "Where was the hearing held?", "Who won the football world cup?", "What about people without papers?", "lajcak"} {
		t.Logf("Q %s topics %+v", q, x.Topics(q))
		hits, err := x.Passages(context.Background(), Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			t.Logf("  %.3f cov=%.2f %s", h.Score, h.Coverage, h.Sentence.Text[:60])
		}
		ph, _ := x.People(context.Background(), Query{Text: q, Limit: 3})
		for _, h := range ph {
			t.Logf("  P %.3f cov=%.2f %s", h.Score, h.Coverage, h.Person.Name)
		}
	}
}
