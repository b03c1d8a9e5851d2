package answer

import (
	"context"
	"errors"
	"slices"

	"hearingbot/content"
	"hearingbot/index"
)

// BankFigures are how well the engine answers its own question bank, each
// example asked as if its fifth of the bank were not there (see
// index.Folds): a development figure, not a blind one.
type BankFigures struct {
	Answerable, Unanswerable int
	Right                    int // answerable examples answered by what the bank names
	Declined                 int // unanswerable examples given no answer
	Wrong                    int // examples answered by something else, or answered when unanswerable
}

// CheckBank asks every example of the bank, leaving out its fold. An example
// is answered right when its sentence is among the excerpts, or its person
// among the cards, or its segment is what the excerpts recap.
func (e *Engine) CheckBank(ctx context.Context) (BankFigures, error) {
	var f BankFigures
	for i, ex := range e.h.Examples {
		r, err := e.ask(ctx, ex.Question, index.FoldOf(i))
		if errors.Is(err, ErrEmpty) {
			continue
		}
		if err != nil {
			return f, err
		}
		answered := !r.Abstained()
		if ex.Unanswerable() {
			f.Unanswerable++
			if answered {
				f.Wrong++
			} else {
				f.Declined++
			}
			continue
		}
		f.Answerable++
		switch {
		case answersExample(r, ex):
			f.Right++
		case answered:
			f.Wrong++
		}
	}
	return f, nil
}

// answersExample reports whether the response answers with what the example names.
func answersExample(r Response, ex content.Example) bool {
	switch {
	case ex.Sentence != nil:
		return slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return slices.Contains(x.Sentences, ex.Sentence) })
	case ex.Person != nil:
		return slices.ContainsFunc(r.People, func(c Card) bool { return c.Person == ex.Person })
	}
	return len(r.Excerpts) > 0 && !slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return !within(x.Segment, ex.Segment) })
}
