package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/bot/slackbot"
	"hearingbot/bot/term"
)

type digestFlags struct {
	theme, date string
	post        bool
}

// digestCommand prints the digest for a date (default: today in
// HEARINGBOT_DIGEST_TZ) on a theme (default: the theme of that day), or
// posts it once to each channel, for a CronJob or any other scheduler.
func digestCommand(ctx context.Context, cfg Config, d *digest.Digester, e *answer.Engine, f digestFlags, s Streams, style term.Style) error {
	loc, _, err := cfg.digestSettings(f.post)
	if err != nil {
		return err
	}
	day := time.Now().In(loc)
	if f.date != "" {
		if day, err = time.Parse(time.DateOnly, f.date); err != nil {
			return usageError("digest: --date %q is not a date (YYYY-MM-DD)", f.date)
		}
	}
	t := d.ThemeOf(day)
	if f.theme != "" {
		if t = d.Theme(f.theme); t == nil {
			return usageError("digest: no theme %q ('hearingbot themes' lists them)", f.theme)
		}
	}
	dg := d.For(t, day)
	if !f.post {
		return term.WriteDigest(s.Out, dg, style)
	}
	if p := cfg.botTokenProblem(); p != "" { // posting needs no app token or signing secret
		return fmt.Errorf("configuration: %s", p)
	}
	if problems := cfg.logProblems(); len(problems) > 0 {
		return fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	log := cfg.logger(s.Err).With().Str("component", "digest").Logger()
	store, closeStore, err := cfg.sharedStore()
	if err != nil {
		return err
	}
	defer closeStore()
	bot, err := slackbot.New(ctx, e, slackbot.Config{BotToken: cfg.SlackBotToken, APIURL: cfg.apiURL(), Log: log, Shared: store})
	if err != nil {
		return err
	}
	posted, err := digest.Publish(ctx, dg, cfg.DigestChannels, bot, log)
	fmt.Fprintf(s.Out, "digest %s (%s): posted to %d of %d channels\n", dg.DateString(), dg.Theme.ID, posted, len(cfg.DigestChannels))
	return err
}
