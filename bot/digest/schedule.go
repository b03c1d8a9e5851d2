package digest

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"
)

// ParseSchedule parses a cron expression in robfig/cron/v3's standard
// syntax: five fields (minute hour day-of-month month day-of-week) or a
// descriptor such as "@daily". The time zone is given separately, to Run.
func ParseSchedule(spec string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("digest: schedule %q: %w", spec, err)
	}
	return s, nil
}

// Publisher posts a digest to a channel, at most once per channel and day,
// and reports whether it posted.
type Publisher interface {
	PublishDigest(ctx context.Context, channel string, d Digest) (posted bool, err error)
}

// Run publishes the digest of the day to every channel whenever the
// schedule fires, reading the schedule and the day in loc, until ctx ends.
// A digest being published when ctx ends is finished (within a minute).
// Each outcome is logged; an error does not stop the schedule.
func (d *Digester) Run(ctx context.Context, sched cron.Schedule, loc *time.Location, channels []string, p Publisher, log zerolog.Logger) {
	for {
		next := sched.Next(time.Now().In(loc))
		if next.IsZero() {
			log.Warn().Msg("digest: the schedule never fires again")
			return
		}
		log.Debug().Time("next", next).Msg("digest: scheduled")
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		Publish(pctx, d.Today(next.In(loc)), channels, p, log)
		cancel()
	}
}

// Publish publishes a digest to every channel, logging each outcome, and
// returns how many channels got it now; the error is the last failure.
func Publish(ctx context.Context, dg Digest, channels []string, p Publisher, log zerolog.Logger) (posted int, err error) {
	for _, ch := range channels {
		l := log.With().Str("channel", ch).Str("date", dg.DateString()).Str("theme", dg.Theme.ID).Logger()
		ok, perr := p.PublishDigest(ctx, ch, dg)
		switch {
		case perr != nil:
			l.Error().Err(perr).Msg("digest not posted")
			err = perr
		case ok:
			l.Info().Msg("digest posted")
			posted++
		default:
			l.Info().Msg("digest already posted today; skipped")
		}
	}
	return posted, err
}
