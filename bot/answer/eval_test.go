package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// evalRow is one question of an evaluation set, in the format of the shared
// development set (eval-dev.jsonl).
type evalRow struct {
	ID         string   `json:"id"`
	Q          string   `json:"q"`
	Kind       string   `json:"kind"` // person, passage or none
	Expect     []string `json:"expect"`
	Speaker    string   `json:"speaker"`
	Paraphrase bool     `json:"paraphrase"`
}

// figures are the scorer's figures (../shared/hearing/score.py), in percent.
// wrong is a ceiling, the others floors.
type figures struct {
	top1, top3, paraphraseTop3, abstain, speaker, verbatim, foundTop3, wrong float64
}

var scoreSpace = regexp.MustCompile(`\s+`)

// scoreNorm is score.py's norm: NFC, no emphasis markup, straight quotes,
// single spaces, lower case.
func scoreNorm(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(s), "**", "")
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`).Replace(s)
	return strings.ToLower(strings.TrimSpace(scoreSpace.ReplaceAllString(s, " ")))
}

func loadEval(t testing.TB, path string) []evalRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r evalRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// score answers every row through the JSON protocol, as score.py does, and
// returns the figures and the misses.
func score(t *testing.T, e *Engine, rows []evalRow) (figures, []string) {
	t.Helper()
	source := scoreNorm(e.Hearing().Source)
	var answerable, top1, top3, paraN, paraTop3, unans, abst, spkN, spkOK, excerpts, verbatim, found3, wrong float64
	var misses []string
	for _, row := range rows {
		r, err := e.Ask(context.Background(), row.Q)
		if err != nil {
			t.Fatalf("%s: %v", row.ID, err)
		}
		b, _ := json.Marshal(r)
		var out struct {
			Answers []struct {
				Excerpt  string   `json:"excerpt"`
				Speakers []string `json:"speakers"`
			} `json:"answers"`
			People []struct {
				Name string `json:"name"`
			} `json:"people"`
			Related []struct {
				Excerpt string `json:"excerpt"`
			} `json:"related"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Answers {
			excerpts++
			if a.Excerpt != "" && strings.Contains(source, scoreNorm(a.Excerpt)) {
				verbatim++
			}
		}
		if row.Kind == "none" {
			unans++
			if len(out.Answers) == 0 && len(out.People) == 0 {
				abst++
			} else {
				wrong++
				misses = append(misses, row.ID+" should abstain: "+row.Q)
			}
			continue
		}
		answerable++
		hit := func(text string) bool {
			return slices.ContainsFunc(row.Expect, func(e string) bool { return strings.Contains(scoreNorm(text), scoreNorm(e)) })
		}
		var ranked []string
		first := ""
		if row.Kind == "person" {
			for i := range 3 {
				if i < len(out.People) {
					ranked = append(ranked, out.People[i].Name)
				}
				if i < len(out.Answers) {
					ranked = append(ranked, out.Answers[i].Excerpt)
				}
			}
			if len(out.People) > 0 {
				first = out.People[0].Name
			} else if len(out.Answers) > 0 {
				first = out.Answers[0].Excerpt
			}
		} else {
			for i := range min(3, len(out.Answers)) {
				ranked = append(ranked, out.Answers[i].Excerpt)
			}
			if len(ranked) > 0 {
				first = ranked[0]
			}
		}
		if row.Paraphrase {
			paraN++
		}
		if hit(first) {
			top1++
		} else {
			misses = append(misses, row.ID+" not first: "+row.Q)
		}
		if first != "" && !hit(first) {
			wrong++
		}
		if slices.ContainsFunc(ranked, hit) || slices.ContainsFunc(out.Related[:min(3, len(out.Related))], func(r struct {
			Excerpt string `json:"excerpt"`
		}) bool {
			return hit(r.Excerpt)
		}) {
			found3++
		}
		if slices.ContainsFunc(ranked, hit) {
			top3++
			if row.Paraphrase {
				paraTop3++
			}
		} else {
			misses = append(misses, row.ID+" missed: "+row.Q)
		}
		if row.Speaker != "" {
			spkN++
			i := slices.IndexFunc(out.Answers[:min(3, len(out.Answers))], func(a struct {
				Excerpt  string   `json:"excerpt"`
				Speakers []string `json:"speakers"`
			}) bool {
				return hit(a.Excerpt)
			})
			if i >= 0 && slices.Contains(out.Answers[i].Speakers, row.Speaker) {
				spkOK++
			} else {
				misses = append(misses, row.ID+" speaker not credited: "+row.Speaker)
			}
		}
	}
	pct := func(a, b float64) float64 {
		if b == 0 {
			return 100
		}
		return 100 * a / b
	}
	return figures{
		top1: pct(top1, answerable), top3: pct(top3, answerable), paraphraseTop3: pct(paraTop3, paraN),
		abstain: pct(abst, unans), speaker: pct(spkOK, spkN), verbatim: pct(verbatim, excerpts),
		foundTop3: pct(found3, answerable), wrong: 100 * wrong / max(1, answerable+unans),
	}, misses
}

// TestEval asserts the evaluation figures as floors (and wrong answers as a
// ceiling) on the development sets: the shared ones (copies of
// ../shared/hearing/eval-dev.jsonl and eval-dev2.jsonl), six more written by
// helpers from the summary alone (eval-dev3.jsonl; eval-dev4.jsonl, mostly
// questions the summary does not answer; eval-dev5.jsonl, paraphrases;
// eval-dev6.jsonl, five kinds of asker; eval-dev7.jsonl, segments and roles
// described; eval-dev8.jsonl, everyday paraphrases and near misses) and the
// team's own questions. The sets written blind to the code (eval-holdout.jsonl,
// eval-blind.jsonl to eval-blind9.jsonl) are scored
// and logged, never held to floors: a floor is something to tune for, and a
// blind set is for measuring at the start and the end of a piece of work
// (see the README). None of these sets is in the question bank or the
// judge's fitting.
func TestEval(t *testing.T) {
	e := engine(t)
	for _, set := range []struct {
		file   string
		floors *figures // nil: scored, not held to floors
	}{
		{"testdata/eval-dev.jsonl", &figures{top1: 94, top3: 94, paraphraseTop3: 80, abstain: 100, speaker: 100, verbatim: 100, foundTop3: 97, wrong: 1}},
		{"testdata/eval-dev2.jsonl", &figures{top1: 94, top3: 95, paraphraseTop3: 92, abstain: 90, speaker: 100, verbatim: 100, foundTop3: 97, wrong: 5}},
		{"testdata/eval-dev3.jsonl", &figures{top1: 92, top3: 93, paraphraseTop3: 88, abstain: 100, speaker: 85, verbatim: 100, foundTop3: 96, wrong: 3}},
		{"testdata/eval-dev4.jsonl", &figures{top1: 93, top3: 93, paraphraseTop3: 88, abstain: 85, speaker: 100, verbatim: 100, foundTop3: 93, wrong: 9}},
		{"testdata/eval-dev5.jsonl", &figures{top1: 83, top3: 85, paraphraseTop3: 85, abstain: 93, speaker: 85, verbatim: 100, foundTop3: 90, wrong: 6}},
		{"testdata/eval-dev6.jsonl", &figures{top1: 84, top3: 86, paraphraseTop3: 82, abstain: 95, speaker: 85, verbatim: 100, foundTop3: 92, wrong: 8}},
		{"testdata/eval-dev7.jsonl", &figures{top1: 86, top3: 90, paraphraseTop3: 85, abstain: 93, speaker: 100, verbatim: 100, foundTop3: 97, wrong: 5}},
		{"testdata/eval-dev8.jsonl", &figures{top1: 75, top3: 77, paraphraseTop3: 70, abstain: 90, speaker: 100, verbatim: 100, foundTop3: 83, wrong: 10}},
		{"testdata/eval-team.jsonl", &figures{top1: 95, top3: 95, paraphraseTop3: 100, abstain: 100, speaker: 100, verbatim: 100, foundTop3: 97, wrong: 3}},
		{"testdata/eval-holdout.jsonl", nil},
		{"testdata/eval-blind.jsonl", nil},
		{"testdata/eval-blind2.jsonl", nil},
		{"testdata/eval-blind3.jsonl", nil},
		{"testdata/eval-blind4.jsonl", nil},
		{"testdata/eval-blind5.jsonl", nil},
		{"testdata/eval-blind6.jsonl", nil},
		{"testdata/eval-blind7.jsonl", nil},
		{"testdata/eval-blind8.jsonl", nil},
		{"testdata/eval-blind9.jsonl", nil},
	} {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(set.file, "testdata/"), ".jsonl"), func(t *testing.T) {
			got, misses := score(t, e, loadEval(t, set.file))
			t.Logf("top1=%.1f%% top3=%.1f%% paraphrase_top3=%.1f%% abstain=%.1f%% speaker=%.1f%% verbatim=%.1f%% found_top3=%.1f%% wrong=%.1f%%",
				got.top1, got.top3, got.paraphraseTop3, got.abstain, got.speaker, got.verbatim, got.foundTop3, got.wrong)
			if set.floors != nil {
				for _, m := range misses {
					t.Log(m) // not for the blind sets: reading their misses would be tuning on them
				}
			}
			if set.floors == nil {
				return
			}
			floors := *set.floors
			for _, f := range []struct {
				name       string
				got, floor float64
			}{
				{"top1", got.top1, floors.top1}, {"top3", got.top3, floors.top3},
				{"paraphrase top3", got.paraphraseTop3, floors.paraphraseTop3}, {"abstain", got.abstain, floors.abstain},
				{"speaker", got.speaker, floors.speaker}, {"verbatim", got.verbatim, floors.verbatim},
				{"found_top3", got.foundTop3, floors.foundTop3},
			} {
				if f.got < f.floor {
					t.Errorf("%s = %.1f%%, below the floor of %.0f%%", f.name, f.got, f.floor)
				}
			}
			if got.wrong > floors.wrong {
				t.Errorf("wrong = %.1f%%, above the ceiling of %.0f%%", got.wrong, floors.wrong)
			}
		})
	}
}

// convRow is a two-turn conversation: a question, then one said after the
// answer, in its thread.
type convRow struct {
	ID    string `json:"id"`
	Turns []struct {
		Q      string   `json:"q"`
		Kind   string   `json:"kind"`
		Expect []string `json:"expect"`
	} `json:"turns"`
}

// TestConversations scores two-turn conversations and logs the figures:
// right when the second answer holds what it should (or declines what the
// summary does not answer), wrong when its first excerpt or card does not.
// The development set (conv-dev.jsonl, written by a helper from the summary
// alone) is held to floors; the sets written blind to the code
// (conv-blind6.jsonl to conv-blind9.jsonl: see the README) are only logged.
func TestConversations(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	for _, set := range []struct {
		file               string
		minRight, maxWrong float64 // percent; 0, 100 for a blind set
	}{
		{"testdata/conv-dev.jsonl", 83, 11},
		{"testdata/conv-blind6.jsonl", 0, 100},
		{"testdata/conv-blind7.jsonl", 0, 100},
		{"testdata/conv-blind8.jsonl", 0, 100},
		{"testdata/conv-blind9.jsonl", 0, 100},
	} {
		file := set.file
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var right, wrong, n int
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var c convRow
			if err := json.Unmarshal([]byte(line), &c); err != nil || len(c.Turns) != 2 {
				t.Fatalf("%s: %q: %v", file, line, err)
			}
			first, err := e.Ask(ctx, c.Turns[0].Q)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.FollowUp(ctx, c.Turns[1].Q, first.Context())
			if err != nil {
				t.Fatal(err)
			}
			ok, bad := turnScore(r, c.Turns[1].Kind, c.Turns[1].Expect)
			n, right, wrong = n+1, right+flagInt(ok), wrong+flagInt(bad)
		}
		pr, pw := 100*float64(right)/float64(n), 100*float64(wrong)/float64(n)
		t.Logf("%s: %d conversations, right %.1f%%, wrong %.1f%%", file, n, pr, pw)
		if pr < set.minRight || pw > set.maxWrong {
			t.Errorf("%s: right %.1f%% (floor %.0f%%), wrong %.1f%% (ceiling %.0f%%)", file, pr, set.minRight, pw, set.maxWrong)
		}
	}
}

// turnScore is score.py's verdict on one answer: right (an expected phrase
// or name among the first three excerpts or cards; no answer for "none")
// and wrong (a first excerpt or card that holds none; any answer for "none").
func turnScore(r Response, kind string, expect []string) (right, wrong bool) {
	if kind == "none" {
		return r.Abstained(), !r.Abstained()
	}
	hit := func(text string) bool {
		return slices.ContainsFunc(expect, func(e string) bool { return strings.Contains(scoreNorm(text), scoreNorm(e)) })
	}
	var ranked []string
	if kind == "person" {
		for _, c := range r.People[:min(3, len(r.People))] {
			ranked = append(ranked, c.Person.Name)
		}
	}
	first := ""
	if len(ranked) > 0 {
		first = ranked[0]
	}
	for _, x := range r.Excerpts[:min(3, len(r.Excerpts))] {
		ranked = append(ranked, x.Text)
		if first == "" {
			first = x.Text
		}
	}
	return slices.ContainsFunc(ranked, hit), first != "" && !hit(first)
}

func flagInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
