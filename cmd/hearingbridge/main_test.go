package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"hearingbot/content"
)

const wordnetDir = "/usr/share/wordnet"

// needWordNet skips the test where WordNet is not installed, except in CI,
// which installs it (.ci/run) and so must not pass without it.
func needWordNet(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(wordnetDir + "/index.noun"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("WordNet 3.0 is missing in CI: %v", err)
		}
		t.Skipf("WordNet 3.0 is not installed (%v): apt-get install wordnet-base", err)
	}
}

// The bridge as generated now, once per test binary: reading WordNet takes
// most of a second.
var generated = sync.OnceValues(func() ([]byte, error) {
	h, err := content.LoadDir("../../content")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	_, err = generate(wordnetDir, h, &b)
	return b.Bytes(), err
})

func bridgeLines(t *testing.T) []string {
	t.Helper()
	needWordNet(t)
	out, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

func TestGenericIsUpToDate(t *testing.T) {
	needWordNet(t)
	var b bytes.Buffer
	if _, err := writeGeneric(wordnetDir, &b); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("../../content/generic.txt")
	if err != nil {
		t.Fatalf("%v\nwrite it with: go run ./cmd/hearingbridge", err)
	}
	if !bytes.Equal(b.Bytes(), file) {
		t.Fatal("content/generic.txt is out of date: regenerate it with: go run ./cmd/hearingbridge")
	}
	var words []string
	for _, line := range strings.Split(b.String(), "\n") {
		word, _, _ := strings.Cut(line, "\t")
		words = append(words, word)
	}
	for _, w := range []string{"still", "harsh", "basic", "drive", "quickly", "doctor", "hand"} {
		if !slices.Contains(words, w) {
			t.Errorf("%q is not generic", w)
		}
	}
	for _, w := range []string{"firewall", "remittance", "vaccine", "budget", "detention", "migrant"} {
		if slices.Contains(words, w) {
			t.Errorf("%q, a particular thing, is generic", w)
		}
	}
}

func TestBridgeIsUpToDate(t *testing.T) {
	got := bridgeLines(t)
	file, err := os.ReadFile("../../content/bridge.tsv")
	if err != nil {
		t.Fatalf("%v\nwrite it with: go run ./cmd/hearingbridge", err)
	}
	want := strings.Split(strings.TrimSuffix(string(file), "\n"), "\n")
	for i := range max(len(got), len(want)) {
		line := func(lines []string) string {
			if i < len(lines) {
				return lines[i]
			}
			return "(end of file)"
		}
		if line(got) != line(want) {
			t.Fatalf("content/bridge.tsv is out of date: line %d is\n\t%q\nbut WordNet and the content now give\n\t%q\n"+
				"regenerate it with: go run ./cmd/hearingbridge", i+1, line(want), line(got))
		}
	}
}

// TestBridgeLines checks what every line promises: its shape, the words it
// leaves out, its order, and one relation per word and term.
func TestBridgeLines(t *testing.T) {
	lines := bridgeLines(t)
	if !strings.HasPrefix(lines[0], "# ") {
		t.Errorf("no header: %q", lines[0])
	}
	seen := map[[2]string]bool{}
	var prev []string
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			t.Fatalf("line %d: %q: want word, relation, term", i+1, l)
		}
		rel := slices.Index(relations[:], f[1])
		switch {
		case rel < 0:
			t.Errorf("line %d: %q: unknown relation", i+1, l)
		case f[0] == f[2] || f[0] != strings.ToLower(f[0]) || strings.ContainsAny(f[0], "_0123456789()") ||
			minor(f[0]) || len(strings.Fields(f[0])) > 4:
			t.Errorf("line %d: %q: the word should have been left out", i+1, l)
		case seen[[2]string{f[0], f[2]}]:
			t.Errorf("line %d: %q: the word has a stronger relation to the term", i+1, l)
		case prev != nil && (prev[2] > f[2] || prev[2] == f[2] &&
			(slices.Index(relations[:], prev[1]) > rel || prev[1] == f[1] && prev[0] >= f[0])):
			t.Errorf("line %d: %q: out of order after %q", i+1, l, strings.Join(prev, "\t"))
		}
		seen[[2]string{f[0], f[2]}] = true
		prev = f
	}
}

func TestRelations(t *testing.T) {
	lines := bridgeLines(t)
	has := map[string]bool{}
	words := map[string]bool{}
	for _, l := range lines {
		has[l] = true
		word, _, _ := strings.Cut(l, "\t")
		words[word] = true
	}
	for _, want := range []string{
		"detain\tderivation\tdetention",
		"swiss\tpertainym\tswitzerland", // Swiss points to Switzerland; the reverse map finds it
		// WordNet also links Mexican and Mexico as derivationally related,
		// and derivation is the stronger relation.
		"mexican\tderivation\tmexico",
		"close down\tsynonym\tclosing",               // a multi-word word
		"right to life\thyponym\thuman rights",       // a collocation found through morphy
		"marketplace\thypernym\tlabour market",       // and through the vocabulary's spelling
		"smuggle\tderivation\tsmuggling",             // a verb's derivation
		"search and rescue mission\thyponym\trescue", // a hyponym of a noun
	} {
		if !has[want] {
			t.Errorf("no line %q", want)
		}
	}
	// Germany is an instance of a European country, and instance hypernyms
	// are left out: a question about Germany is not about Switzerland.
	if words["germany"] {
		t.Error(`"germany" bridges to a term`)
	}
}

var wordNetOnce = sync.OnceValues(func() (*wordNet, error) { return loadWordNet(wordnetDir) })

func TestMorphy(t *testing.T) {
	needWordNet(t)
	wn, err := wordNetOnce()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		word string
		pos  pos
		want []string
	}{
		{"migrants", noun, []string{"migrant"}},
		{"detained", verb, []string{"detain"}},
		{"women", noun, []string{"woman"}},             // -men
		{"left", verb, []string{"leave"}},              // the exception list
		{"closing", verb, []string{"close"}},           // -ing
		{"closing", noun, []string{"closing"}},         // the word itself
		{"rescues", verb, []string{"rescue"}},          // -s
		{"businesses", noun, []string{"business"}},     // -ses
		{"axes", noun, []string{"ax", "axis"}},         // the exception list's bases, not the rules' "axe"
		{"switzerland", noun, []string{"switzerland"}}, // a lemma is its own base form
		{"swiss", adj, []string{"swiss"}},
	} {
		if got := wn.morphy(tc.word, tc.pos); !slices.Equal(got, tc.want) {
			t.Errorf("morphy(%q, %c) = %q, want %q", tc.word, tc.pos, got, tc.want)
		}
	}
}
