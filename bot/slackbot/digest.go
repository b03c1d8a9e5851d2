package slackbot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"hearingbot/bot/digest"
	"hearingbot/content"
)

// DigestEventType marks the bot's digest posts (Slack message metadata),
// with the date and theme as payload.
const DigestEventType = "hearingbot_digest"

// Looking for an earlier post of the day's digest: how far back, and how
// many pages of history at most.
const (
	digestLookback = 72 * time.Hour
	historyPages   = 10
	historyPage    = 200
)

// digestBlocks renders a digest: a header with the theme, the date, the
// theme's description, the excerpts cited like answers, an invitation to ask.
func digestBlocks(d digest.Digest) message {
	m := message{Blocks: []slack.Block{
		slack.NewHeaderBlock(plain(truncate("Daily digest: "+d.Theme.Title, maxHeader))),
		contextLine(d.Date.Format("Monday 2 January 2006") + " · from the official summary of the hearing"),
		section(escape(d.Theme.Description)),
	}}
	for _, x := range d.Excerpts {
		m.Blocks = append(m.Blocks, quote(x.Text, x.Highlights)...)
		m.Blocks = append(m.Blocks, contextLine(citation(x)))
	}
	m.Blocks = append(m.Blocks, slack.NewDividerBlock(),
		contextLine("Ask me more: mention me with a question, or use `/hearing &lt;question&gt;`. `/hearing themes` lists the themes."))
	m.Text = truncate(escape("Daily digest: "+d.Theme.Title), maxFallback)
	return m
}

// themesMessage lists the digest's themes.
func themesMessage(themes []*content.Theme) message {
	m := message{Text: "The hearing's themes"}
	m.Blocks = append(m.Blocks, section("*The hearing's themes*, one a day in the digest. Preview one with `/hearing digest &lt;theme&gt;`."))
	for _, t := range themes {
		m.Blocks = append(m.Blocks, section("*"+escape(t.Title)+"* (`"+escape(t.ID)+"`)\n"+escape(t.Description)))
	}
	return m
}

// PublishDigest posts a digest to a channel unless the channel already
// has that day's digest: the bot's own post carrying DigestEventType
// metadata for the date, found in the channel's recent history. It reports
// whether it posted. Rate limits and server errors are retried. Two
// publishers checking at the same instant could both post: run one schedule.
func (b *Bot) PublishDigest(ctx context.Context, channel string, d digest.Digest) (posted bool, err error) {
	found, err := b.digestPosted(ctx, channel, d.DateString())
	if err != nil {
		b.cfg.Metrics.Digest("failed")
		return false, fmt.Errorf("slack: digest %s for %s: history: %w", d.DateString(), channel, err)
	}
	if found {
		b.cfg.Metrics.Digest("skipped")
		return false, nil
	}
	m := fit(digestBlocks(d))
	post := func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, channel,
			slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionText(m.Text, false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: DigestEventType,
				EventPayload: map[string]any{"date": d.DateString(), "theme": d.Theme.ID}}))
		return err
	}
	if err := retry(ctx, post, b.failed("digest:"+channel+":"+d.DateString())); err != nil {
		b.cfg.Metrics.Digest("failed")
		return false, fmt.Errorf("slack: digest %s for %s: %w", d.DateString(), channel, err)
	}
	b.cfg.Metrics.Digest("posted")
	return true, nil
}

// digestPosted looks through the channel's recent history for the bot's
// digest of the date.
func (b *Bot) digestPosted(ctx context.Context, channel, date string) (bool, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: historyPage, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(time.Now().Add(-digestLookback).Unix(), 10)}
	for range historyPages {
		var res *slack.GetConversationHistoryResponse
		get := func(ctx context.Context) (err error) {
			res, err = b.api.GetConversationHistoryContext(ctx, params)
			return err
		}
		if err := retry(ctx, get, b.failed("history:"+channel)); err != nil {
			return false, err
		}
		for _, msg := range res.Messages {
			mine := msg.BotID == b.self.botID || msg.User == b.self.userID
			if mine && msg.Metadata.EventType == DigestEventType && msg.Metadata.EventPayload["date"] == date {
				return true, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return false, nil
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
	b.log.Warn().Str("channel", channel).Msg("digest: history too long to search to the end; assuming no digest yet")
	return false, nil
}
