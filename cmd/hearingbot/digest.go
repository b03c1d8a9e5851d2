package main

import (
	"context"
	"fmt"
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
// Posting checks all it needs first and reports every problem at once.
func digestCommand(ctx context.Context, cfg Config, d *digest.Digester, e *answer.Engine, f digestFlags, s Streams, style term.Style) error {
	loc, _, err := cfg.digestSettings(f.post)
	var store slackbot.Shared
	var warning string // the store's, logged once there is a logger
	if f.post {
		var post []string // what posting needs besides (no app token or signing secret)
		if p := cfg.botTokenProblem(); p != "" {
			post = append(post, p)
		}
		post = append(post, cfg.logProblems()...)
		var closeStore func()
		var storeErr error
		store, closeStore, storeErr = cfg.sharedStore(func(w string) { warning = w })
		if storeErr == nil {
			defer closeStore()
		}
		err = allProblems("configuration", err, listProblems("configuration", post), storeErr)
	}
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
	log := cfg.logger(s.Err).With().Str("component", "digest").Logger()
	if warning != "" {
		log.Warn().Msg(warning)
	}
	bot, err := slackbot.New(ctx, e, slackbot.Config{BotToken: cfg.SlackBotToken, APIURL: cfg.apiURL(), Log: log, Shared: store})
	if err != nil {
		return err
	}
	posted, err := digest.Publish(ctx, dg, cfg.DigestChannels, bot, log)
	fmt.Fprintf(s.Out, "digest %s (%s): posted to %d of %d channels\n", dg.DateString(), dg.Theme.ID, posted, len(cfg.DigestChannels))
	return err
}
