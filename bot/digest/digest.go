// Package digest makes the daily theme digest: for a date, the theme of the
// day (the themes take turns, one a day) and 3 to 5 verbatim excerpts on it,
// from different segments and speakers where the summary allows. A digest is
// deterministic for its theme and date, and two consecutive days' digests
// never quote the same sentence.
//
// Posting is not this package's business: Run calls a Publisher on a
// schedule, and the Slack edge publishes exactly once per channel and date.
package digest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"hearingbot/bot/answer"
	"hearingbot/content"
)

// Excerpts a digest quotes.
const (
	MinExcerpts = 3
	MaxExcerpts = 5
	// poolSize caps the excerpts a theme draws from: beyond it matches grow
	// weak.
	poolSize = 8
)

// ErrEmptyTheme is returned when a theme finds no passage of the summary.
var ErrEmptyTheme = errors.New("digest: themes find nothing in the summary")

// ErrNoThemes is returned when the content has no themes.
var ErrNoThemes = errors.New("digest: the content has no themes (themes.yaml)")

// Digest is one day's digest.
type Digest struct {
	Theme    *content.Theme
	Date     time.Time // the day, at midnight UTC
	Excerpts []answer.Excerpt
}

// DateString is the digest's date as YYYY-MM-DD.
func (d Digest) DateString() string { return d.Date.Format(time.DateOnly) }

// Digester makes digests. It is safe for concurrent use.
type Digester struct {
	themes []*content.Theme
	pools  map[*content.Theme][]answer.ThemeMatch
}

// New finds each theme's excerpts. A sentence may serve several themes, but
// never two that follow each other in the rotation, so that consecutive
// digests cannot repeat an excerpt.
func New(ctx context.Context, e *answer.Engine) (*Digester, error) {
	themes := e.Hearing().Themes
	if len(themes) == 0 {
		return nil, ErrNoThemes
	}
	ranked := make([][]answer.ThemeMatch, len(themes))
	var empty []string
	for i, t := range themes {
		xs, err := e.ThemeExcerpts(ctx, t)
		if err != nil {
			return nil, err
		}
		if len(xs) == 0 {
			empty = append(empty, t.ID)
		}
		ranked[i] = xs
	}
	if len(empty) > 0 { // a digest with nothing in it is never posted
		return nil, fmt.Errorf("%w: %s (give them words the summary uses)", ErrEmptyTheme, strings.Join(empty, ", "))
	}
	d := &Digester{themes: themes, pools: map[*content.Theme][]answer.ThemeMatch{}}
	// Round by round, each theme claims its next best excerpt, unless a
	// neighbouring theme already holds one of its sentences.
	for round := 0; ; round++ {
		more := false
		for i, t := range themes {
			if round >= len(ranked[i]) || len(d.pools[t]) >= poolSize {
				continue
			}
			more = true
			x := ranked[i][round]
			if !d.heldByNeighbour(i, x.Excerpt) {
				d.pools[t] = append(d.pools[t], x)
			}
		}
		if !more {
			return d, nil
		}
	}
}

func (d *Digester) heldByNeighbour(i int, x answer.Excerpt) bool {
	n := len(d.themes)
	if n < 2 {
		return false
	}
	for _, j := range []int{(i + n - 1) % n, (i + 1) % n} {
		for _, y := range d.pools[d.themes[j]] {
			if shareSentence(x, y.Excerpt) {
				return true
			}
		}
	}
	return false
}

func shareSentence(a, b answer.Excerpt) bool {
	for _, s := range a.Sentences {
		if slices.Contains(b.Sentences, s) {
			return true
		}
	}
	return false
}

// Themes returns the themes in rotation order.
func (d *Digester) Themes() []*content.Theme { return d.themes }

// Pool returns the excerpts a theme's digests draw from, best first.
func (d *Digester) Pool(t *content.Theme) []answer.ThemeMatch { return d.pools[t] }

// Day returns the calendar day of t in its own location, as midnight UTC.
func Day(t time.Time) time.Time {
	y, m, dd := t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// ThemeOf returns the theme of the day: the themes take turns, one a day,
// in the order of themes.yaml.
func (d *Digester) ThemeOf(day time.Time) *content.Theme {
	n := int64(len(d.themes))
	days := Day(day).Unix() / 86400
	return d.themes[((days%n)+n)%n]
}

// Theme finds a theme by id, or by words of its id or title ("skills",
// "trafficking"); nil if none matches.
func (d *Digester) Theme(name string) *content.Theme {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil
	}
	for _, t := range d.themes {
		if t.ID == name {
			return t
		}
	}
	for _, t := range d.themes {
		if strings.Contains(t.ID, name) || strings.Contains(strings.ToLower(t.Title), name) {
			return t
		}
	}
	return nil
}

// For returns the digest for a theme and day: up to MaxExcerpts excerpts
// of the theme's pool, in the summary's order. Each pick is the excerpt
// most firmly on the theme (answer.ThemeMatch.Strength), less a penalty
// for a segment or speakers already quoted, plus a little chance seeded by
// the theme and day, so that a theme's digests vary from one turn to the
// next. Excerpts weakly on the theme (Strength 1) only fill a digest that
// would otherwise be short.
func (d *Digester) For(t *content.Theme, day time.Time) Digest {
	day = Day(day)
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", t.ID, day.Format(time.DateOnly))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x6865617269))
	type candidate struct {
		answer.ThemeMatch
		chance float64
	}
	var pool []candidate
	for _, m := range d.pools[t] {
		pool = append(pool, candidate{m, rng.Float64()})
	}
	segments, voices := map[*content.Segment]bool{}, map[string]bool{}
	var picked []answer.Excerpt
	for len(picked) < MaxExcerpts {
		best, bestValue := -1, 0.0
		for i, c := range pool {
			if slices.ContainsFunc(picked, func(p answer.Excerpt) bool { return shareSentence(p, c.Excerpt) }) {
				continue
			}
			v := float64(c.Strength) + c.chance
			if segments[c.Segment] {
				v -= 1.5
			}
			if voices[voice(c.Excerpt)] {
				v--
			}
			if best < 0 || v > bestValue {
				best, bestValue = i, v
			}
		}
		if best < 0 || pool[best].Strength < 2 && len(picked) >= MinExcerpts {
			break
		}
		x := pool[best].Excerpt
		picked = append(picked, x)
		segments[x.Segment], voices[voice(x)] = true, true
	}
	slices.SortFunc(picked, func(a, b answer.Excerpt) int {
		return cmp.Compare(a.Sentences[0].Index, b.Sentences[0].Index)
	})
	return Digest{Theme: t, Date: day, Excerpts: picked}
}

// voice says whom the summary credits, to tell speakers apart.
func voice(x answer.Excerpt) string {
	var ids []string
	for _, p := range x.Speakers {
		ids = append(ids, p.ID)
	}
	return fmt.Sprintf("%v/%v", ids, x.Participants)
}

// Today returns the digest of the day.
func (d *Digester) Today(day time.Time) Digest { return d.For(d.ThemeOf(day), day) }
