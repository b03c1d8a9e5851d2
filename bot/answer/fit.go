package answer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"hearingbot/content"
	"hearingbot/index"
)

// Fitting the judge to the question bank. Each example is asked as if the
// bank did not hold its fold (a fifth of the bank, see index.Folds), its
// candidates measured, and each candidate labelled by whether it answers
// what the example names; the unanswerable examples' candidates are all
// wrong. Logistic regression by Newton's method, with a little ridge, fits
// the weights; the answer threshold is then the probability that serves the
// bank best when a wrong answer costs wrongCost right ones.

// Fitting constants: the ridge, Newton's iterations, and what a wrong answer costs.
const (
	ridge      = 1.0
	iterations = 25
	wrongCost  = 1.0
)

// ErrNoBank is returned by Fit for a hearing without a question bank.
var ErrNoBank = errors.New("answer: the hearing has no question bank to fit the judge to")

// sample is one bank question, read and searched as if the bank did not
// hold it, and what answers it.
type sample struct {
	q       *question
	example content.Example
}

// answers reports whether a candidate answers the example: it is what the
// example names, or, for a person, a sentence that says what they did
// (answered with their card: "who organised the hearing?").
func (s sample) answers(c candidate) bool {
	ex := s.example
	switch {
	case ex.Unanswerable():
		return false
	case c.Sentence != nil && ex.Person != nil:
		return s.q.person && slices.Contains(s.q.a.e.doers(s.q.a.e.excerpt(c.Sentence, nil)), ex.Person)
	}
	return c.Sentence == ex.Sentence && c.person == ex.Person && c.segment == ex.Segment
}

// Fit fits the judge to the hearing's question bank, and a second judge,
// for hearings without a bank, to the same questions asked without the
// bank's evidence. It is deterministic; 'go run ./cmd/hearingjudge' writes
// its result to the content folder.
func Fit(ctx context.Context, h *content.Hearing) (*content.Judge, error) {
	if len(h.Examples) == 0 {
		return nil, ErrNoBank
	}
	j, err := fitOn(ctx, h, h.Examples)
	if err != nil {
		return nil, err
	}
	alone := *h
	alone.Examples = nil
	if j.Alone, err = fitOn(ctx, &alone, h.Examples); err != nil {
		return nil, err
	}
	return j, nil
}

// fitOn fits a judge to the examples, asked of the hearing (with its bank,
// if it has one, less each example's fold).
func fitOn(ctx context.Context, h *content.Hearing, examples []content.Example) (*content.Judge, error) {
	x, err := index.Build(h)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	samples, err := newEngine(h, x, nil).samples(ctx, examples)
	if err != nil {
		return nil, err
	}
	j := &content.Judge{}
	// The candidate model: is this candidate what answers the example?
	var rows [][]float64
	var labels []float64
	for _, s := range samples {
		for _, c := range s.q.r.candidates {
			rows, labels = append(rows, measure(candidateFeatures, s.q, c)), append(labels, flag(s.answers(c)))
		}
	}
	j.Candidate = fitModel(featureNames(candidateFeatures), rows, labels)
	// The verdict model: would the answer composed hold what answers the
	// example? The bank names one sentence a question, where often another
	// would answer it too: the first excerpt being another is no sure sign
	// of a wrong answer, missing it from all of them is.
	rows, labels = nil, nil
	var right []bool
	for _, s := range samples {
		ranked := rankBy(j.Candidate, s.q)
		ok := s.composes(ranked)
		rows, labels, right = append(rows, measure(verdictFeatures, s.q, ranked)), append(labels, flag(ok)), append(right, ok)
	}
	j.Verdict = fitModel(featureNames(verdictFeatures), rows, labels)
	j.Answer = threshold(j.Verdict, rows, right)
	j.Uncertain = math.Round(j.Answer/2*1e4) / 1e4
	return j, nil
}

// samples reads and searches every example the judge decides, each as if
// the bank did not hold its fold.
func (e *Engine) samples(ctx context.Context, examples []content.Example) ([]sample, error) {
	var out []sample
	for i, ex := range examples {
		a, err := e.begin(ctx, ex.Question, index.FoldOf(i))
		if errors.Is(err, ErrEmpty) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("answer: fit: %s: %w", ex, err)
		}
		if a.recapOnly() {
			continue // answered without the judge
		}
		q, err := a.gather()
		if err != nil {
			return nil, fmt.Errorf("answer: fit: %s: %w", ex, err)
		}
		if q.exact {
			continue // answered without the judge
		}
		out = append(out, sample{q: q, example: ex})
	}
	return out, nil
}

// composes reports whether the answer composed of the ranked candidates holds
// what answers the example: its sentence among the excerpts quoted, the
// person or segment first.
func (s sample) composes(ranked []judged) bool {
	switch {
	case len(ranked) == 0:
		return false
	case s.example.Sentence == nil:
		return s.answers(ranked[0].candidate)
	}
	return slices.ContainsFunc(quoted(sentences(ranked)), func(c judged) bool { return s.answers(c.candidate) })
}

// fitModel fits a logistic regression to rows and their labels (0 or 1).
func fitModel(features []string, rows [][]float64, labels []float64) content.Model {
	n := len(features) + 1 // the bias last
	w := make([]float64, n)
	for range iterations {
		grad := make([]float64, n)
		hess := make([][]float64, n)
		for i := range hess {
			hess[i] = make([]float64, n)
			hess[i][i] = ridge
		}
		for i := range len(features) {
			grad[i] = ridge * w[i]
		}
		m := content.Model{Weights: w[:len(features)], Bias: w[len(features)]}
		for r, v := range rows {
			x := append(slices.Clone(v), 1)
			p := probability(m, v)
			for a := range n {
				grad[a] += (p - labels[r]) * x[a]
				for b := range n {
					hess[a][b] += p * (1 - p) * x[a] * x[b]
				}
			}
		}
		step := solve(hess, grad)
		for i := range w {
			w[i] -= step[i]
		}
	}
	for i := range w {
		w[i] = math.Round(w[i]*1e6) / 1e6 // the same file on every machine
	}
	return content.Model{Features: features, Weights: w[:len(features)], Bias: w[len(features)]}
}

// solve solves m·x = v by Gaussian elimination with partial pivoting; m is
// symmetric positive definite here, so it always has a solution.
func solve(m [][]float64, v []float64) []float64 {
	n := len(v)
	a := make([][]float64, n)
	for i := range m {
		a[i] = append(slices.Clone(m[i]), v[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		sum := a[r][n]
		for k := r + 1; k < n; k++ {
			sum -= a[r][k] * x[k]
		}
		x[r] = sum / a[r][r]
	}
	return x
}

// threshold is the verdict probability from which answering serves the
// bank best: each question answered rightly counts one, each answered
// wrongly (the excerpts miss its sentence, or the summary does not answer
// it) costs wrongCost.
func threshold(m content.Model, rows [][]float64, right []bool) float64 {
	type verdict struct {
		p     float64
		right bool
	}
	vs := make([]verdict, len(rows))
	for i, v := range rows {
		vs[i] = verdict{probability(m, v), right[i]}
	}
	slices.SortStableFunc(vs, func(a, b verdict) int { return cmp.Compare(b.p, a.p) })
	bestGain, bestP, gain := 0.0, 0.5, 0.0
	for i, v := range vs {
		if v.right {
			gain++
		} else {
			gain -= wrongCost
		}
		if gain > bestGain && (i+1 == len(vs) || vs[i+1].p < v.p) {
			bestGain, bestP = gain, v.p
		}
	}
	return math.Round(bestP*1e4) / 1e4
}
