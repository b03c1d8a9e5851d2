package index

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hearingbot/content"
)

func build(t testing.TB) *Index {
	t.Helper()
	x, err := Build(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func top(t *testing.T, x *Index, q string) Hit {
	t.Helper()
	hits, err := x.Passages(context.Background(), Query{Text: q})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatalf("%q: no hits", q)
	}
	return hits[0]
}

// Accent folding happens on tokens, so highlight offsets cover whole runes.
func TestFoldingKeepsOffsets(t *testing.T) {
	x := build(t)
	for _, q := range []string{"lajcak", "Lajčák", "LAJCAK"} {
		h := top(t, x, q)
		var got []string
		for _, sp := range h.Spans {
			got = append(got, h.Sentence.Text[sp.Start:sp.End])
		}
		if diff := cmp.Diff([]string{"Lajčák"}, got); diff != "" {
			t.Errorf("%q: highlighted (-want +got):\n%s", q, diff)
		}
	}
}

func TestSpellingsAndAccentsMatchAlike(t *testing.T) {
	x := build(t)
	for _, pair := range [][2]string{
		{"labour inspection", "labor inspection"},
		{"regularisation", "regularization"},
		{"Jürg Lauber", "jurg lauber"},
		{"Gómez Camacho", "gomez camacho"},
	} {
		a, b := top(t, x, pair[0]), top(t, x, pair[1])
		if a.Sentence != b.Sentence {
			t.Errorf("%q finds %q, %q finds %q", pair[0], a.Sentence.Text, pair[1], b.Sentence.Text)
		}
	}
}

// User text is analysed, never parsed: query syntax is just words.
func TestQuerySyntaxIsText(t *testing.T) {
	x := build(t)
	for _, q := range []string{`"unclosed`, `a:b:c`, `/.*/`, `*`, `?`, `text:labour`, `+migrants -return`, `2030`,
		`title:^5`, `migra~2`, `(((`, `\`, `{"query":"x"}`, strings.Repeat("migrants ", 200)} {
		hits, err := x.Passages(context.Background(), Query{Text: q})
		if err != nil {
			t.Errorf("%q: %v", q, err)
		}
		if q == `*` || q == `/.*/` || q == `?` {
			if len(hits) > 0 {
				t.Errorf("%q matched %d sentences: a wildcard was honoured", q, len(hits))
			}
		}
		if _, err := x.People(context.Background(), Query{Text: q}); err != nil {
			t.Errorf("people %q: %v", q, err)
		}
	}
}

func TestTopics(t *testing.T) {
	x := build(t)
	type topic struct {
		Text        string
		Terms       []string
		Equivalents []string
	}
	for _, tc := range []struct {
		q    string
		want []topic
	}{
		{"What did the panellists say about labour inspection?", []topic{
			{"panellists", []string{"panelist"}, nil},
			{"labour inspection", []string{"labor", "inspect"}, []string{"inspection", "inspectors"}},
		}},
		{"ILO", []topic{{"ILO", []string{"ilo"}, []string{"International Labour Organization"}}}},
		{"Where was it held?", []topic{
			{"Where", nil, []string{"Geneva", "Palais des Nations", "Room XIX"}},
			{"held", []string{"held"}, []string{"hosted", "organized", "convened", "took place", "take place", "venue"}},
		}},
		{"the the of and", nil},
	} {
		var got []topic
		for _, tp := range x.Topics(tc.q) {
			g := topic{Text: tp.Text, Terms: tp.Terms}
			for _, e := range tp.Equivalents {
				g.Equivalents = append(g.Equivalents, e.Text)
			}
			got = append(got, g)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q topics (-want +got):\n%s", tc.q, diff)
		}
	}
}

func TestVocabularyBridgesWords(t *testing.T) {
	x := build(t)
	for q, want := range map[string]string{
		"ILO":              "Ms. Michelle Leighton",
		"deportation":      "return should not be the sole",
		"people smugglers": "smuggling",
		"rescue at sea":    "saving",
	} {
		if h := top(t, x, q); !strings.Contains(strings.ToLower(h.Sentence.Text), strings.ToLower(want)) {
			t.Errorf("%q: top hit %q does not hold %q", q, h.Sentence.Text, want)
		}
	}
}

func TestCoverage(t *testing.T) {
	x := build(t)
	h := top(t, x, "labour inspection and football")
	if h.Coverage != 0.5 {
		t.Errorf("coverage = %v, want 0.5 (one topic of two)", h.Coverage)
	}
	h = top(t, x, "xenophobia Americas")
	if h.Coverage != 0.75 {
		t.Errorf("coverage = %v, want 0.75 (one topic in the text, one in the context)", h.Coverage)
	}
}

func TestPeople(t *testing.T) {
	x := build(t)
	hits, err := x.People(context.Background(), Query{Text: "co-facilitators of the negotiations"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		if h.Coverage == 1 {
			got = append(got, h.Person.ID)
		}
	}
	if diff := cmp.Diff([]string{"juan-jose-gomez-camacho", "jurg-lauber"}, got); diff != "" {
		t.Errorf("fully covered people (-want +got):\n%s", diff)
	}
}

func BenchmarkBuild(b *testing.B) {
	h := content.Default()
	for b.Loop() {
		x, err := Build(h)
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

func BenchmarkPassages(b *testing.B) {
	x := build(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := x.Passages(ctx, Query{Text: "What did the panellists say about labour inspection?"}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzPassages: whatever the text, building and running its query neither
// fails nor panics, and every hit's spans lie within its sentence.
func FuzzPassages(f *testing.F) {
	for _, seed := range []string{"labour inspection", "+title:foo -bar* ~2 AND OR", `"unclosed phrase`, "regularization", "a:b:c /regex/ [1 TO 5]", "\xff\xfe", "ILO IOM UNODC", ""} {
		f.Add(seed, false)
	}
	x := build(f)
	f.Fuzz(func(t *testing.T, text string, literal bool) {
		hits, err := x.Passages(context.Background(), Query{Text: text, Literal: literal, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Coverage < 0 || h.Coverage > 1 {
				t.Fatalf("coverage %v", h.Coverage)
			}
			for _, s := range h.Spans {
				if s.Start < 0 || s.End > len(h.Sentence.Text) || s.Start >= s.End {
					t.Fatalf("span %v outside %q", s, h.Sentence.Text)
				}
			}
		}
		if _, err := x.People(context.Background(), Query{Text: text}); err != nil {
			t.Fatal(err)
		}
	})
}
