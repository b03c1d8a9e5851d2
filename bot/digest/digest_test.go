package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rs/zerolog"

	"hearingbot/bot/answer"
	"hearingbot/content"
)

func digester(t testing.TB) (*Digester, *content.Hearing) {
	t.Helper()
	h := content.Default()
	e, err := answer.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	d, err := New(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return d, h
}

var start = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func TestRotationCoversEveryTheme(t *testing.T) {
	d, h := digester(t)
	n := len(h.Themes)
	seen := map[string]bool{}
	for i := range n {
		seen[d.ThemeOf(start.AddDate(0, 0, i)).ID] = true
	}
	if len(seen) != n {
		t.Errorf("%d consecutive days gave %d themes, want all %d", n, len(seen), n)
	}
	if a, b := d.ThemeOf(start), d.ThemeOf(start.AddDate(0, 0, n)); a != b {
		t.Errorf("the rotation does not come round after %d days: %s, %s", n, a.ID, b.ID)
	}
	late := time.Date(2026, 11, 27, 23, 59, 0, 0, time.FixedZone("UTC-10", -10*3600))
	if d.ThemeOf(late) != d.ThemeOf(start) {
		t.Error("the day is the calendar day where the digest is read, not in UTC")
	}
}

func TestDigestsOverAYear(t *testing.T) {
	d, h := digester(t)
	var prev Digest
	for i := range 366 {
		day := start.AddDate(0, 0, i)
		dg := d.Today(day)
		if n := len(dg.Excerpts); n < MinExcerpts || n > MaxExcerpts {
			t.Errorf("%s (%s): %d excerpts", dg.DateString(), dg.Theme.ID, n)
		}
		segments := map[*content.Segment]bool{}
		for _, x := range dg.Excerpts {
			segments[x.Segment] = true
			checkQuoted(t, h, x)
			for _, p := range prev.Excerpts {
				if shareSentence(x, p) {
					t.Errorf("%s repeats yesterday's excerpt %q", dg.DateString(), x.Text)
				}
			}
		}
		if len(segments) < 2 {
			t.Errorf("%s (%s): every excerpt from one segment", dg.DateString(), dg.Theme.ID)
		}
		if again := d.Today(day); !slices.EqualFunc(again.Excerpts, dg.Excerpts, func(a, b answer.Excerpt) bool { return a.Text == b.Text }) {
			t.Errorf("%s: not deterministic", dg.DateString())
		}
		prev = dg
	}
}

// checkQuoted fails unless the excerpt is the summary's own words, with the
// credit the content gives its sentence.
func checkQuoted(t *testing.T, h *content.Hearing, x answer.Excerpt) {
	t.Helper()
	if !strings.Contains(h.Text, x.Text) {
		t.Errorf("not verbatim: %q", x.Text)
	}
	last := x.Sentences[len(x.Sentences)-1]
	if !strings.HasSuffix(x.Text, last.Text) || x.Segment != last.Segment || !slices.Equal(x.Speakers, last.Speakers) || x.Participants != last.Participants {
		t.Errorf("citation differs from the content's for %q", last.Text)
	}
	if last.Kind == content.Introduction || last.Kind == content.Heading {
		t.Errorf("quotes an introduction or heading: %q", last.Text)
	}
	for _, s := range x.Highlights {
		if s.Start < 0 || s.End > len(x.Text) || s.Start >= s.End {
			t.Errorf("highlight %v outside %q", s, x.Text)
		}
	}
}

func TestThemeDigestsVaryByDate(t *testing.T) {
	d, h := digester(t)
	for _, th := range h.Themes {
		if len(d.Pool(th)) < MinExcerpts {
			t.Errorf("theme %s finds %d excerpts, needs %d", th.ID, len(d.Pool(th)), MinExcerpts)
		}
		strong := 0
		for _, m := range d.Pool(th) {
			if m.Strength >= 2 {
				strong++
			}
		}
		texts := map[string]bool{}
		for i := range 30 {
			for _, x := range d.For(th, start.AddDate(0, 0, i)).Excerpts {
				texts[x.Text] = true
			}
		}
		if strong > MaxExcerpts && len(texts) <= MaxExcerpts {
			t.Errorf("theme %s quotes the same %d excerpts on every date", th.ID, len(texts))
		}
	}
}

func TestThemeLookup(t *testing.T) {
	d, _ := digester(t)
	for name, want := range map[string]string{"skills": "skills", "SKILLS ": "skills", "trafficking": "smuggling-trafficking", "Xenophobia": "xenophobia-integration", "sourdough": "", "": ""} {
		got := ""
		if th := d.Theme(name); th != nil {
			got = th.ID
		}
		if got != want {
			t.Errorf("Theme(%q) = %q, want %q", name, got, want)
		}
	}
}

// publisher records what the schedule publishes.
type publisher struct {
	mu    sync.Mutex
	times []time.Time
	days  []string
	fail  bool
}

func (p *publisher) PublishDigest(_ context.Context, channel string, d Digest) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.times = append(p.times, time.Now())
	p.days = append(p.days, channel+" "+d.DateString()+" "+d.Theme.ID)
	if p.fail {
		return false, errors.New("slack is down")
	}
	return true, nil
}

func TestScheduleFollowsLocalTimeAcrossDaylightSaving(t *testing.T) {
	d, _ := digester(t)
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	sched, err := ParseSchedule("0 9 * * *")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		from     time.Time
		days     int
		wantUTCs []string
	}{
		// Switzerland moves to summer time on 29 March 2026 and back on 25 October.
		{"spring forward", time.Date(2026, 3, 27, 12, 0, 0, 0, zurich), 4,
			[]string{"2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z", "2026-03-31T07:00:00Z"}},
		{"fall back", time.Date(2026, 10, 23, 12, 0, 0, 0, zurich), 4,
			[]string{"2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z", "2026-10-27T08:00:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				time.Sleep(time.Until(tc.from)) // the fake clock moves to the start
				p := &publisher{fail: tc.name == "fall back"}
				ctx, cancel := context.WithCancel(context.Background())
				go d.Run(ctx, sched, zurich, []string{"C1"}, p, zerolog.Nop())
				time.Sleep(time.Duration(tc.days) * 24 * time.Hour)
				cancel()
				synctest.Wait()
				var got []string
				for _, at := range p.times {
					got = append(got, at.UTC().Format(time.RFC3339))
					if local := at.In(zurich); local.Hour() != 9 || local.Minute() != 0 {
						t.Errorf("fired at %s local", local)
					}
				}
				if !slices.Equal(got, tc.wantUTCs) {
					t.Errorf("fired at %v, want %v (errors must not stop the schedule)", got, tc.wantUTCs)
				}
				for i, day := range p.days {
					want := tc.from.AddDate(0, 0, i+1).Format(time.DateOnly)
					if !strings.Contains(day, want) {
						t.Errorf("publish %d was for %q, want the local day %s", i, day, want)
					}
				}
			})
		})
	}
}

func TestParseScheduleRejectsNonsense(t *testing.T) {
	for _, spec := range []string{"", "every day", "0 9 * *", "61 * * * *", "0 9 * * 8"} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q): no error", spec)
		}
	}
	for _, spec := range []string{"0 9 * * *", "@daily", "30 8 * * 1-5", "CRON_TZ=Asia/Tokyo 0 9 * * *"} {
		if _, err := ParseSchedule(spec); err != nil {
			t.Errorf("ParseSchedule(%q): %v", spec, err)
		}
	}
}
