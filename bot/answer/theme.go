package answer

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"hearingbot/content"
	"hearingbot/index"
)

// Themes: the excerpts that speak to one of the hearing's themes, for the daily digest.

// coveredBy reports whether every span lies within one of cover.
func coveredBy(spans, cover []index.Span) bool {
	for _, s := range spans {
		if !slices.ContainsFunc(cover, func(c index.Span) bool { return c.Start <= s.Start && s.End <= c.End }) {
			return false
		}
	}
	return true
}

// ThemeMatch is an excerpt that speaks to a theme.
type ThemeMatch struct {
	Excerpt
	// Strength is how firmly the excerpt is on the theme: 2 for each of
	// the theme's words it holds, 1 for each related word. 2 or more is firm.
	Strength int
}

// ThemeExcerpts returns the excerpts that speak to a theme: every statement
// or narrative sentence whose own text holds one of the theme's words or
// related words (as written: no vocabulary equivalents), strongest first, then
// by search score, then in the summary's order. A word found where an
// equivalent was already found counts once. Highlights mark what was found.
func (e *Engine) ThemeExcerpts(ctx context.Context, t *content.Theme) ([]ThemeMatch, error) {
	type found struct {
		strength int
		score    float64
		spans    []index.Span
	}
	by := map[*content.Sentence]*found{}
	search := func(words []string, weight int) error {
		for _, w := range words {
			hits, err := e.x.Passages(ctx, index.Query{Text: w, Limit: len(e.h.Sentences), Literal: true})
			if err != nil {
				return fmt.Errorf("answer: theme %s: %w", t.ID, err)
			}
			for _, h := range hits {
				if h.Coverage < 1 || h.Sentence.Kind == content.Introduction || h.Sentence.Kind == content.Heading {
					continue // only in the context, or not a statement
				}
				f := by[h.Sentence]
				if f == nil {
					f = &found{}
					by[h.Sentence] = f
				}
				if !coveredBy(h.Spans, f.spans) {
					f.strength += weight
				}
				f.score = max(f.score, h.Score)
				f.spans = append(f.spans, h.Spans...)
			}
		}
		return nil
	}
	if err := search(t.Words, 2); err != nil {
		return nil, err
	}
	if err := search(t.Related, 1); err != nil {
		return nil, err
	}
	sentences := make([]*content.Sentence, 0, len(by))
	for s := range by {
		sentences = append(sentences, s)
	}
	slices.SortFunc(sentences, func(a, b *content.Sentence) int {
		return cmp.Or(cmp.Compare(by[b].strength, by[a].strength), cmp.Compare(by[b].score, by[a].score), cmp.Compare(a.Index, b.Index))
	})
	var out []ThemeMatch
	for _, s := range sentences {
		out = append(out, ThemeMatch{Excerpt: e.excerpt(s, index.Merge(by[s].spans)), Strength: by[s].strength})
	}
	return out, nil
}
