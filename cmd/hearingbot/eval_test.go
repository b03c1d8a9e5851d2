package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scorePy is the team's scorer, beside the repository as the README has it.
const scorePy = "../../../shared/hearing/score.py"

// TestEvalIsScorePy: on every question set of bot/answer/testdata, hearingbot
// eval prints the figures and the misses score.py prints for the JSON
// protocol of ask --json - (eval lists too the questions answered in the
// first three but not first). Skipped where score.py or python3 is missing,
// as in a clone on its own.
func TestEvalIsScorePy(t *testing.T) {
	if _, err := os.Stat(scorePy); err != nil {
		t.Skipf("no score.py at %s", scorePy)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sets, err := filepath.Glob("../../bot/answer/testdata/eval-*.jsonl")
	if err != nil || len(sets) == 0 {
		t.Fatalf("no sets: %v", err)
	}
	figure := regexp.MustCompile(`(?m)^  ([a-z0-9 ]+?) +(n/a|[0-9.]+%)  `)
	for _, set := range sets {
		t.Run(strings.TrimSuffix(filepath.Base(set), ".jsonl"), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, "", "eval", set)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var misses []string // score.py's: the lines before the figures, but "not first"
			for _, l := range strings.Split(stdout, "\n") {
				if strings.Contains(l, " questions: ") {
					break
				}
				if l != "" && !strings.Contains(l, " not first: ") {
					misses = append(misses, l)
				}
			}
			got := map[string]string{"misses": strings.Join(misses, "\n")}
			for _, m := range figure.FindAllStringSubmatch(stdout, -1) {
				got[m[1]] = m[2]
			}

			py := exec.Command("python3", scorePy, set, "--", self, "ask", "--json", "-")
			py.Env = append(os.Environ(), "RUN_AS_HEARINGBOT=1")
			out, err := py.CombinedOutput()
			if err != nil {
				t.Fatalf("score.py: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			end := 0
			for end < len(lines) && !strings.HasPrefix(lines[end], "answerable=") {
				end++
			}
			want := map[string]string{"misses": strings.Join(lines[:end], "\n")}
			for _, kv := range strings.Fields(lines[len(lines)-1]) { // the summary line
				k, v, _ := strings.Cut(kv, "=")
				if k != "attribution" {
					want[strings.ReplaceAll(k, "_", " ")] = v
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("hearingbot eval and score.py (-score.py +eval):\n%s\neval printed:\n%s", diff, stdout)
			}
		})
	}
}

// TestEvalSaysWhatIsWrong: a set's lines that cannot be scored, all at
// once, one a line; a missing file and a missing argument in plain words.
func TestEvalSaysWhatIsWrong(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	rows := `{"id": "a", "q": "", "kind": "passage", "expect": ["x"]}
{"id": "b", "q": "who?", "kind": "pasage", "expect": ["x"]}

{"id": "c", "q": "who?", "kind": "person"}
{"id": "d", "turns": [{"q": "who?", "kind": "none"}]}
not json
`
	if err := os.WriteFile(bad, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eval", bad}, exitError, "hearingbot: eval: " + bad + ": 5 problems:\n" +
			"  line 1: no question (\"q\")\n" +
			"  line 2: kind \"pasage\" is not passage, person or none\n" +
			"  line 4: nothing expected (\"expect\") of a question the summary answers\n" +
			"  line 5: a conversation has two turns, not 1\n" +
			"  line 6: not a JSON object: invalid character 'o' in literal null (expecting 'u')\n"},
		{[]string{"eval", "nowhere.jsonl"}, exitError, "hearingbot: eval: there is no file nowhere.jsonl\n"},
		{[]string{"eval"}, exitUsage, "hearingbot: eval takes one file"},
	} {
		code, stdout, stderr := runMain(t, "", tc.args...)
		if code != tc.code || stdout != "" || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr\n%s\nwant exit %d and\n%s", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
}
