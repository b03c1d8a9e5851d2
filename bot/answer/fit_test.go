package answer

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"hearingbot/content"
)

// The embedded judge.json is what fitting the embedded bank produces: run
// go run ./cmd/hearingjudge after changing the bank, the summary or the
// judge's features. The file was fitted in another process, so this also
// shows that fitting is deterministic.
func TestJudgeIsFitted(t *testing.T) {
	h := content.Default()
	got, err := Fit(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	approx := cmpopts.EquateApprox(0, 1e-5)
	if diff := cmp.Diff(h.Judge, got, approx); diff != "" {
		t.Errorf("content/judge.json is not what the bank fits (go run ./cmd/hearingjudge) (-file +fit):\n%s", diff)
	}
}

func TestJudgeOfOtherFeaturesIsRefused(t *testing.T) {
	h := *content.Default()
	j := *h.Judge
	j.Candidate.Features = append([]string{"a feature of another version"}, j.Candidate.Features[1:]...)
	h.Judge = &j
	if _, err := Open(&h); err == nil {
		t.Error("Open with a judge fitted on other features: no error")
	}
}

// A hearing without a bank or a judge of its own answers with the judge the
// embedded hearing's questions fitted without their bank.
func TestWithoutBank(t *testing.T) {
	h := *content.Default()
	h.Examples, h.Judge = nil, nil
	e, err := Open(&h)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := Fit(context.Background(), &h); err != ErrNoBank {
		t.Errorf("Fit without a bank: %v, want ErrNoBank", err)
	}
	for q, want := range map[string]string{
		"Who moderated the first panel?":                       "Ilias Chatzis",
		"What did the panellists say about labour inspection?": "labour inspection",
	} {
		r := ask(t, e, q)
		got := ""
		if len(r.People) > 0 {
			got = r.People[0].Person.Name
		} else if len(r.Excerpts) > 0 {
			got = r.Excerpts[0].Text
		}
		if !strings.Contains(got, want) {
			t.Errorf("%q without a bank: %q, want %q", q, got, want)
		}
	}
	if r := ask(t, e, "What did the panellists say about firewalls?"); !r.Abstained() {
		t.Error("firewalls without a bank: answered")
	}
}

// The bank, each example asked without its fold: a development figure (the
// judge was fitted to all of it), held to floors to catch a change that
// breaks what the bank teaches.
func TestBankAnswers(t *testing.T) {
	f, err := engine(t).CheckBank(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	right := 100 * float64(f.Right) / float64(f.Answerable)
	declined := 100 * float64(f.Declined) / float64(f.Unanswerable)
	t.Logf("answered right %.1f%% of %d, declined %.1f%% of %d, wrong %d", right, f.Answerable, declined, f.Unanswerable, f.Wrong)
	if right < 84 || declined < 80 || math.IsNaN(right) {
		t.Errorf("bank: right %.1f%%, declined %.1f%%; want at least 84%% and 80%%", right, declined)
	}
}
