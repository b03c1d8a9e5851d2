package index

import (
	"context"
	"encoding/json"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"math"
	"os"
	"slices"
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
			{"labour inspection", []string{"labor", "inspect"}, []string{"inspection"}},
		}},
		{"ILO", []topic{{"ILO", []string{"ilo"}, []string{"International Labour Organization"}}}},
		{"Where was it held?", []topic{
			{"Where", nil, []string{"Geneva", "Palais des Nations", "Room XIX"}},
			{"held", []string{"held"}, []string{"hosted", "organized"}}, // those some sentence holds
		}},
		{"the the of and", nil},
	} {
		var got []topic
		for _, tp := range x.Topics(tc.q) {
			g := topic{Text: tp.Text, Terms: tp.Terms}
			for _, e := range tp.Equivalents {
				if !e.Bridged { // the hand vocabulary's; TestBridge checks the bridge
					g.Equivalents = append(g.Equivalents, e.Text)
				}
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
	weights := func(q string) (a, b float64) {
		topics := x.Topics(q)
		if len(topics) != 2 {
			t.Fatalf("%q: topics %+v, want two", q, topics)
		}
		return topics[0].Weight, topics[1].Weight
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	h := top(t, x, "labour inspection and football")
	if a, b := weights("labour inspection and football"); !near(h.Coverage, a/(a+b)) {
		t.Errorf("coverage = %v, want %v (the first topic's share of the weight)", h.Coverage, a/(a+b))
	}
	h = top(t, x, "xenophobia Americas")
	if a, b := weights("xenophobia Americas"); !near(h.Coverage, (a+b/2)/(a+b)) {
		t.Errorf("coverage = %v, want %v (one topic in the text, one in the context, counting half)", h.Coverage, (a+b/2)/(a+b))
	}
}

// The WordNet bridge reaches the summary's words from everyday ones, the
// hand vocabulary's phrases hold with their object inside, and a word the
// hearing lacks is known to be missing.
func TestBridge(t *testing.T) {
	x := build(t)
	for q, want := range map[string]string{
		"detained migrants":          "Return and detention policies",
		"What did the Swiss say?":    "Switzerland",
		"locking migrants up":        "Return and detention policies",
		"repatriation":               "return should not be the sole",
		"a cooperative partnership?": "cooperation",
	} {
		if h := top(t, x, q); !strings.Contains(h.Sentence.Text, want) {
			t.Errorf("%q: top hit %q does not hold %q", q, h.Sentence.Text, want)
		}
	}
	for q, want := range map[string]bool{"firewalls": false, "capital": false, "detained": true, "Swiss": true, "remedies": true} {
		if got := x.Topics(q); len(got) != 1 || got[0].Known != want {
			t.Errorf("%q: topics %+v, want one with Known %v", q, got, want)
		}
	}
}

// A bridged match covers a topic less than the asker's own word does, and a
// topic on every line weighs less than a rare one.
func TestExactOutranksBridged(t *testing.T) {
	x := build(t)
	exact := top(t, x, "detention")
	bridged := top(t, x, "custody")
	if exact.Coverage != 1 || bridged.Coverage >= exact.Coverage {
		t.Errorf("coverage: exact %v, bridged %v; want 1 and less", exact.Coverage, bridged.Coverage)
	}
	topics := x.Topics("migrants remedies firewalls")
	if len(topics) != 3 || !(topics[0].Weight < topics[1].Weight && topics[1].Weight < topics[2].Weight) {
		t.Errorf("weights of migrants, remedies, firewalls: %+v; want rising", topics)
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
	slices.Sort(got)
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

// BenchmarkPlainMatch is the baseline for answer's BenchmarkAskJSON: a bare
// Bleve match query (standard analyzer, BM25) for each question of
// eval-dev2.jsonl over the summary's sentences, one question an op.
func BenchmarkPlainMatch(b *testing.B) {
	h := content.Default()
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	batch := idx.NewBatch()
	for _, s := range h.Sentences {
		if err := batch.Index(sentenceID(s), map[string]any{"text": s.Text}); err != nil {
			b.Fatal(err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		b.Fatal(err)
	}
	f, err := os.ReadFile("../bot/answer/testdata/eval-dev2.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var questions []string
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var row struct{ Q string }
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			b.Fatal(err)
		}
		questions = append(questions, row.Q)
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(questions[i%len(questions)]), 3, 0, false)
		if _, err := idx.SearchInContext(ctx, req); err != nil {
			b.Fatal(err)
		}
		i++
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

// TestPeopleByTheirOrganisationsOtherNames: an organisation is found by the
// everyday names the vocabulary gives it, not only by its own.
func TestPeopleByTheirOrganisationsOtherNames(t *testing.T) {
	x := build(t)
	for text, want := range map[string]string{"the employers": "jochem-de-boer", "shipowners": "john-murray", "immigration law firm": "murtaza-khan"} {
		hits, err := x.People(context.Background(), Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Person.ID != want {
			t.Errorf("%q: first of %d hits is not %s", text, len(hits), want)
		}
	}
}
