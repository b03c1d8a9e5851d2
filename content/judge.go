package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// JudgeFile is the optional file of the answer judge's fitted weights,
// generated from the question bank by 'go run ./cmd/hearingjudge'.
const JudgeFile = "judge.json"

// Judge is the answer judge's fitted models: one gives each candidate answer
// the probability that it answers the question, the other the probability
// that the best candidate is a right answer at all; the thresholds on the
// second decide whether the bot answers, offers the closest passages as
// uncertain, or declines. The answer engine defines the features; their
// names tie the weights to them.
type Judge struct {
	Candidate Model   `json:"candidate"`
	Verdict   Model   `json:"verdict"`
	Answer    float64 `json:"answer"`    // answer from this verdict probability
	Uncertain float64 `json:"uncertain"` // below Answer, offer the closest passages down to this
	// Alone is the judge fitted to the same questions asked without the
	// bank: for a hearing that has no bank of its own.
	Alone *Judge `json:"alone,omitempty"`
}

// Model is a logistic regression: a weight for each named feature, and a bias.
type Model struct {
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
}

// loadJudge reads the judge file if fsys has one; nil when it has none.
func loadJudge(fsys fs.FS) (*Judge, error) {
	b, err := fs.ReadFile(fsys, JudgeFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var j Judge
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("content: %s: %w", JudgeFile, err)
	}
	for _, j := range []*Judge{&j, j.Alone} {
		if err := j.check(); err != nil {
			return nil, fmt.Errorf("content: %s: %w", JudgeFile, err)
		}
	}
	return &j, nil
}

// check reports a judge that cannot be used; a nil judge is fine.
func (j *Judge) check() error {
	if j == nil {
		return nil
	}
	for name, m := range map[string]Model{"candidate": j.Candidate, "verdict": j.Verdict} {
		if len(m.Features) != len(m.Weights) || len(m.Features) == 0 {
			return fmt.Errorf("%s: %d features but %d weights", name, len(m.Features), len(m.Weights))
		}
	}
	if !(0 < j.Uncertain && j.Uncertain <= j.Answer && j.Answer < 1) {
		return fmt.Errorf("thresholds: want 0 < uncertain (%g) <= answer (%g) < 1", j.Uncertain, j.Answer)
	}
	return nil
}
