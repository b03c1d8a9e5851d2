package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMain runs the tests, or, with RUN_AS_HEARINGBOT=1, is hearingbot
// itself, for a script that runs the command (score.py).
func TestMain(m *testing.M) {
	if os.Getenv("RUN_AS_HEARINGBOT") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// run runs the command line as main does, with the environment set by t.
func runMain(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"ask"},
		{"ask", "   "},
		{"ask", "--nope", "x"},
		{"who"},
		{"panels", "extra"},
		{"who", "--json", "lajcak"},
		{"check", "a", "b"},
	} {
		code, stdout, stderr := runMain(t, "", args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "hearingbot: ") {
			t.Errorf("%q: want one line on stderr, got stdout %q stderr %q", args, stdout, stderr)
		}
		see := "(see 'hearingbot help')\n"
		if helps[args[0]] != "" {
			see = "(see 'hearingbot help " + args[0] + "')\n" // the command's own help
		}
		if !strings.HasSuffix(stderr, see) {
			t.Errorf("%q: %q does not end in %q", args, stderr, see)
		}
	}
	if _, _, stderr := runMain(t, "", "who", "--json", "lajcak"); !strings.Contains(stderr, "who has no flag --json") {
		t.Errorf("a flag another command has: %q", stderr)
	}
}

func TestAskJSON(t *testing.T) {
	code, stdout, stderr := runMain(t, "", "ask", "Who moderated the first panel?", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Question string `json:"question"`
		Answers  []struct {
			Excerpt  string   `json:"excerpt"`
			Section  string   `json:"section"`
			Speakers []string `json:"speakers"`
		} `json:"answers"`
		People []struct {
			Name     string   `json:"name"`
			Sections []string `json:"sections"`
		} `json:"people"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(r.People) == 0 || r.People[0].Name != "Ilias Chatzis" || r.People[0].Sections[0] != "panel-1" {
		t.Errorf("people = %+v", r.People)
	}
	if r.Answers == nil || r.Answers[0].Speakers == nil {
		t.Error("answers and speakers must be arrays, never null")
	}
}

// The line protocol: one JSON object per input line, in order, even for
// empty lines and questions the summary does not cover.
func TestAskLines(t *testing.T) {
	in := "lajcak\n\nHow do I bake sourdough bread?\n<@U1> labour inspection\n"
	code, stdout, stderr := runMain(t, in, "ask", "--json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var r struct {
			Question  string `json:"question"`
			Abstained bool   `json:"abstained"`
			Error     string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		got = append(got, r.Question+"|"+map[bool]string{true: "abstained"}[r.Abstained]+"|"+r.Error)
	}
	want := []string{"lajcak||", "|abstained|answer: empty question", "How do I bake sourdough bread?|abstained|", "labour inspection||"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheck(t *testing.T) {
	if code, stdout, stderr := runMain(t, "", "check"); code != exitOK || !strings.Contains(stdout, "embedded hearing: ok: 12 segments") {
		t.Errorf("check: exit %d, %q %q", code, stdout, stderr)
	}
	// A copy of the content with one word changed fails, naming the problem.
	dir := t.TempDir()
	for _, name := range []string{"hearing.yaml", "vocabulary.yaml", "summary.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "content", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "summary.txt" {
			data = bytes.Replace(data, []byte("Grey economy"), []byte("Gray economy"), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runMain(t, "", "check", dir)
	if code != exitError || !strings.Contains(stderr, "segment panel-2, sentence 4: not the summary's next sentence") {
		t.Errorf("check broken: exit %d, %q", code, stderr)
	}
	// The same folder served through HEARINGBOT_CONTENT_DIR fails at start.
	t.Setenv("HEARINGBOT_CONTENT_DIR", dir)
	if code, _, _ := runMain(t, "", "ask", "lajcak"); code != exitError {
		t.Errorf("ask with broken content: exit %d, want %d", code, exitError)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	t.Setenv("HEARINGBOT_WIDTH", "wide")
	code, _, stderr := runMain(t, "", "ask", "lajcak")
	if code != exitError || !strings.Contains(stderr, "WIDTH") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

func TestGoldenOutput(t *testing.T) {
	for name, args := range map[string][]string{
		"who":    {"who", "gomez", "camacho"},
		"ask":    {"ask", "What", "did", "Louise", "Arbour", "ask", "participants", "to", "provide?"},
		"help":   {"help"},
		"digest": {"digest", "--theme", "skills", "--date", "2026-11-27"},
		"themes": {"themes"},
		"eval":   {"eval", "testdata/eval.jsonl"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				os.WriteFile(path, []byte(stdout), 0o644)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != stdout {
				t.Errorf("output differs from %s; got:\n%s", path, stdout)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runMain(t, "", "version")
	if code != exitOK || !strings.HasPrefix(stdout, "hearingbot ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

// TestAskLinesText: in text mode each answer stands under its question; an
// empty line and a line too long to read say so, and the next lines are
// still answered.
func TestAskLinesText(t *testing.T) {
	in := "who moderated panel 1?\n\n" + strings.Repeat("a", maxLine+10) + "\nwhat about detention?\n"
	code, stdout, stderr := runMain(t, in, "ask", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"» who moderated panel 1?", "» line 2\nNo question on this line.", "» line 3\nLonger than", "» what about detention?\n1. Return and detention"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runMain(t, strings.Repeat("b", maxLine+10)+"\nlajcak\n", "ask", "--json", "-")
	if code != exitOK || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"error":"line 1 is over`) {
		t.Errorf("exit %d, JSON lines:\n%s", code, stdout)
	}
	// The limit is the limit: a line of exactly maxLine bytes is read, with
	// either line end; one byte more is not.
	for _, end := range []string{"\n", "\r\n"} {
		code, stdout, _ = runMain(t, strings.Repeat("c", maxLine)+end+strings.Repeat("d", maxLine+1)+end, "ask", "--json", "-")
		if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != exitOK || len(lines) != 2 || strings.Contains(lines[0], `"error"`) || !strings.Contains(lines[1], `"error":"line 2 is over`) {
			t.Errorf("a line of %d bytes, then %d (%q): exit %d:\n%.300s", maxLine, maxLine+1, end, code, stdout)
		}
	}
}

// TestHelpForACommand: 'help CMD', 'CMD --help' and 'CMD -h' print the
// command's own help, not the general usage: its usage line, each of its
// flags, an example. Every command of the usage has one.
func TestHelpForACommand(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  hearingbot ([a-z]+)`).FindAllStringSubmatch(usage, -1) {
		listed[m[1]] = true
	}
	for cmd := range listed {
		t.Run(cmd, func(t *testing.T) {
			want := helps[cmd]
			if !strings.HasPrefix(want, "Usage: hearingbot "+cmd) || !strings.Contains(want, "\nExample") {
				t.Errorf("help of %s: want its usage first and an example:\n%s", cmd, want)
			}
			fs, _ := flagsFor(cmd)
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(want, "\n  --"+f.Name+" ") {
					t.Errorf("help of %s does not list --%s", cmd, f.Name)
				}
			})
			for _, args := range [][]string{{"help", cmd}, {cmd, "--help"}, {cmd, "-h"}} {
				if code, stdout, stderr := runMain(t, "", args...); code != exitOK || stdout != want || stderr != "" {
					t.Errorf("%q: exit %d, stderr %q, stdout\n%s", args, code, stderr, stdout)
				}
			}
		})
	}
	if len(listed) != len(helps) {
		t.Errorf("the usage lists %d commands, helps has %d", len(listed), len(helps))
	}
	if code, _, stderr := runMain(t, "", "help", "frobnicate"); code != exitUsage || !strings.Contains(stderr, `there is no command "frobnicate"`) {
		t.Errorf("help of no command: exit %d, %q", code, stderr)
	}
}

// TestAskAll: a recap says how many more statements the summary holds;
// --all shows them, in text and in lines, and the JSON has them in rest.
func TestAskAll(t *testing.T) {
	const q = "tl;dr of panel 2"
	_, stdout, _ := runMain(t, "", "ask", q)
	if !strings.Contains(stdout, "6 more in the summary") || strings.Contains(stdout, "\n4. ") {
		t.Errorf("without --all:\n%s", stdout)
	}
	for _, args := range [][]string{{"ask", "--all", q}, {"ask", "--all", "-"}} {
		_, stdout, _ = runMain(t, q+"\n", args...)
		if !strings.Contains(stdout, "The other 6, in the summary's order:\n\n4. Sector-wide visa schemes") || !strings.Contains(stdout, "\n9. ") ||
			strings.Contains(stdout, "more in the summary") {
			t.Errorf("%q:\n%s", args, stdout)
		}
	}
	_, stdout, _ = runMain(t, "", "ask", "--json", q)
	var r struct {
		More int `json:"more"`
		Rest []struct {
			Excerpt string `json:"excerpt"`
			Section string `json:"section"`
		} `json:"rest"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.More != 6 || len(r.Rest) != 6 || !strings.HasPrefix(r.Rest[0].Excerpt, "Sector-wide visa schemes") || r.Rest[0].Section != "panel-2" {
		t.Errorf("more %d, rest %+v (%v)", r.More, r.Rest, err)
	}
}

func TestCutQuestionSaysSo(t *testing.T) {
	q := "What did the panellists say about labour inspection? " + strings.Repeat("and more words ", 60)
	_, stdout, _ := runMain(t, "", "ask", q)
	if !strings.Contains(stdout, "Only the first 500 characters of the question were read") {
		t.Errorf("no word of the cut:\n%s", stdout)
	}
	_, stdout, _ = runMain(t, "", "ask", "--json", q)
	if !strings.Contains(stdout, `"cut":true`) {
		t.Errorf("JSON without cut: %s", stdout)
	}
}

// TestFollowUpsOnTheCommandLine: with --context, and as "+" lines.
func TestFollowUpsOnTheCommandLine(t *testing.T) {
	code, stdout, stderr := runMain(t, "", "ask", "--json", "Who moderated the first panel?")
	if code != exitOK {
		t.Fatal(stderr)
	}
	var first struct{ Context json.RawMessage }
	if err := json.Unmarshal([]byte(stdout), &first); err != nil || len(first.Context) == 0 {
		t.Fatalf("no context in %s (%v)", stdout, err)
	}
	code, stdout, stderr = runMain(t, "", "ask", "--context", string(first.Context), "and the second one?")
	if code != exitOK || !strings.Contains(stdout, "Michelle Leighton") || !strings.Contains(stdout, "Taken as") {
		t.Errorf("exit %d: %s %s", code, stdout, stderr)
	}
	_, stdout, _ = runMain(t, "Who moderated the first panel?\n+ and the second one?\n+ what about panel 3?\n", "ask", "-")
	if !strings.Contains(stdout, "Michelle Leighton") || !strings.Contains(stdout, "Colin Rajah") {
		t.Errorf("follow-up lines:\n%s", stdout)
	}
	if code, _, stderr := runMain(t, "", "ask", "--context", "{not json", "and?"); code != exitUsage {
		t.Errorf("a bad --context: exit %d %s", code, stderr)
	}
}
