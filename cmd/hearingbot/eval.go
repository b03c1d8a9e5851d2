package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"hearingbot/bot/answer"
	"hearingbot/bot/answer/evalset"
)

// loadSet reads the evaluation set in the file at path (the format is in
// package evalset), saying which of its lines cannot be scored, one a line.
func loadSet(path string) (evalset.Set, error) {
	set, err := evalset.Load(path)
	var lines evalset.LinesError
	switch {
	case errors.As(err, &lines):
		return set, listProblems("eval: "+path, lines)
	case errors.Is(err, fs.ErrNotExist):
		return set, fmt.Errorf("eval: there is no file %s", path)
	case err != nil:
		return set, fmt.Errorf("eval: %w", err)
	case len(set.Questions)+len(set.Conversations) == 0:
		return set, fmt.Errorf("eval: %s holds no questions", path)
	}
	return set, nil
}

// evalCommand scores a set through the engine, as score.py scores the JSON
// protocol: for its questions, the misses one a line, then the figures of
// the README's quality tables; for its conversations, the misses, then how
// often the second turn is answered rightly and wrongly.
func evalCommand(ctx context.Context, e *answer.Engine, set evalset.Set, w io.Writer) error {
	var b strings.Builder
	if qs := set.Questions; len(qs) > 0 {
		f, err := evalset.Score(ctx, e, qs)
		if err != nil {
			return err
		}
		writeMisses(&b, f.Misses)
		fmt.Fprintf(&b, "%d questions: %d the summary answers, %d it does not\n", len(qs), f.Top1.Of, f.Abstain.Of)
		for _, row := range []struct {
			name string
			s    evalset.Share
		}{
			{"top1", f.Top1}, {"top3", f.Top3}, {"paraphrase top3", f.ParaphraseTop3}, {"abstain", f.Abstain},
			{"found top3", f.FoundTop3}, {"wrong", f.Wrong}, {"speaker", f.Speaker}, {"verbatim", f.Verbatim},
		} {
			writeShare(&b, row.name, row.s)
		}
	}
	if cs := set.Conversations; len(cs) > 0 {
		if len(set.Questions) > 0 {
			b.WriteString("\n")
		}
		f, err := evalset.ScoreConversations(ctx, e, cs)
		if err != nil {
			return err
		}
		writeMisses(&b, f.Misses)
		fmt.Fprintf(&b, "%d conversations, the second turn judged\n", len(cs))
		writeShare(&b, "right", f.Right)
		writeShare(&b, "wrong", f.Wrong)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMisses(b *strings.Builder, misses []string) {
	for _, m := range misses {
		b.WriteString(m + "\n")
	}
	if len(misses) > 0 {
		b.WriteString("\n")
	}
}

// writeShare writes a figure's line: its name, the percentage as score.py
// prints it, and the counts ("top3  97.4%  75 of 77").
func writeShare(b *strings.Builder, name string, s evalset.Share) {
	fmt.Fprintf(b, "  %-16s %6s  %d of %d\n", name, s, s.N, s.Of)
}
