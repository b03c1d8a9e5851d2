package term

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hearingbot/bot/answer"
	"hearingbot/content"
	"hearingbot/index"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	e, err := answer.Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, tc := range []struct {
		name, q string
		style   Style
	}{
		{"passage", "What did the panellists say about labour inspection?", Style{Width: 80}},
		{"passage-emphasis", "What did the panellists say about labour inspection?", Style{Width: 80, Emphasis: true}},
		{"person", "Who moderated the first panel?", Style{Width: 80}},
		{"participants", "Should return be the main response to irregular migration?", Style{Width: 60}},
		{"abstain", "How do I bake sourdough bread?", Style{Width: 80}},
		{"recap", "tl;dr of panel 2", Style{Width: 80}},
		{"recap-all", "tl;dr of panel 2", Style{Width: 80, All: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Ask(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := WriteResponse(&b, r, tc.style); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, b.Bytes())
		})
	}
	t.Run("panels", func(t *testing.T) {
		var b bytes.Buffer
		if err := WritePanels(&b, e.Hearing(), Style{Width: 80}); err != nil {
			t.Fatal(err)
		}
		golden(t, "panels", b.Bytes())
	})
}

func TestWrapKeepsWidthAndWords(t *testing.T) {
	text := strings.Repeat("Lajčák emphasized the strength in diversity. ", 10)
	out := wrap(text, nil, Style{Width: 40}, 3, false)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := len([]rune(line)); n > 40 {
			t.Errorf("line of %d characters: %q", n, line)
		}
		if !strings.HasPrefix(line, "   ") {
			t.Errorf("line not indented: %q", line)
		}
	}
	if strings.Join(strings.Fields(out), " ") != strings.TrimSpace(text) {
		t.Error("wrapping changed the words")
	}
}

func TestEmphasisCoversSpansOnly(t *testing.T) {
	got := wrap("need for better labour inspection, law", []index.Span{{Start: 16, End: 33}}, Style{Width: 80}, 0, true)
	want := "need for better " + bold + "labour" + reset + " " + bold + "inspection" + reset + ", law\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
