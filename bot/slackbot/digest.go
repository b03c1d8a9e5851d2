package slackbot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
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

// maxDigestTop is the most characters the digest's channel-level message
// may show: a glance, every day; the rest goes in its thread.
const maxDigestTop = 900

// digestParts renders a digest in two: for the channel, a header with the
// theme, the date, the theme's line and the best excerpt that fits; for the
// digest's thread, the other excerpts and how to ask more (empty when there
// are no others).
func digestParts(d digest.Digest) (top, thread message) {
	top = message{Blocks: []slack.Block{
		slack.NewHeaderBlock(plain(truncate("Daily digest: "+d.Theme.Title, maxHeader)), slack.HeaderBlockOptionBlockID(digestBlockID(d.DateString()))),
		contextLine(d.Date.Format("Monday 2 January 2006") + " · from the official summary of the hearing"),
		section(escape(d.Theme.Description)),
	}}
	best := -1
	for i, x := range d.Excerpts {
		if visible(top.Blocks)+visible(excerptBlocks([]answer.Excerpt{x})) <= maxDigestTop-150 { // room for the closing line
			best = i
			break
		}
	}
	var rest []answer.Excerpt
	for i, x := range d.Excerpts {
		if i == best {
			top.Blocks = append(top.Blocks, excerptBlocks([]answer.Excerpt{x})...)
		} else {
			rest = append(rest, x)
		}
	}
	ask := "Ask me more: mention me with a question, or use `/hearing &lt;question&gt;`."
	if len(rest) > 0 {
		top.Blocks = append(top.Blocks, contextLine(fmt.Sprintf("%d more from the summary in the thread. %s", len(rest), ask)))
		thread = message{Blocks: excerptBlocks(rest), Text: truncate(escape(fmt.Sprintf("%d more from the summary on %s", len(rest), d.Theme.Title)), maxFallback)}
	} else {
		top.Blocks = append(top.Blocks, contextLine(ask))
	}
	top.Text = "Daily digest: " + escape(d.Theme.Title)
	if best >= 0 {
		top.Text += " · “" + escape(d.Excerpts[best].Text) + "”"
	}
	top.Text = truncate(top.Text, maxFallback)
	return top, thread
}

// digestBlockID marks a digest's header with its date, so that the bot
// knows its own digest in history even where metadata does not come back.
func digestBlockID(date string) string { return DigestEventType + "_" + date }

// previewBlocks shows a digest privately, both parts in one message.
func previewBlocks(d digest.Digest) message {
	top, thread := digestParts(d)
	if len(thread.Blocks) > 0 {
		top.Blocks = append(append(top.Blocks, slack.NewDividerBlock(), contextLine("*In the thread:*")), thread.Blocks...)
	}
	return top
}

// visible counts the characters of text a message's blocks show.
func visible(blocks []slack.Block) int {
	n := 0
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				n += utf8.RuneCountInString(b.Text.Text)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					n += utf8.RuneCountInString(t.Text)
				}
			}
		case *slack.HeaderBlock:
			n += utf8.RuneCountInString(b.Text.Text)
		}
	}
	return n
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
// metadata for the date, found in the channel's recent history. The rest of
// the digest goes in that post's thread, once: a digest found without
// replies gets them then. It reports whether it posted anything. Rate limits
// and server errors are retried. Publishers that share a store
// (Config.Shared) take turns, so any number of them post one digest; without
// one, two checking at the same instant could both post: run one schedule.
// A panic is an error (logged with its stack, and counted); the channel's
// turn then lapses.
func (b *Bot) PublishDigest(ctx context.Context, channel string, d digest.Digest) (posted bool, err error) {
	if b.protect("digest:"+channel+":"+d.DateString(), func() { posted, err = b.publishDigest(ctx, channel, d) }) {
		b.cfg.Metrics.Digest("failed")
		return false, fmt.Errorf("slack: digest %s for %s: panicked (logged)", d.DateString(), channel)
	}
	return posted, err
}

func (b *Bot) publishDigest(ctx context.Context, channel string, d digest.Digest) (posted bool, err error) {
	if len(d.Excerpts) == 0 {
		b.cfg.Metrics.Digest("failed")
		return false, fmt.Errorf("slack: digest %s for %s: theme %q quotes nothing; not posted", d.DateString(), channel, d.Theme.ID)
	}
	// The channel's turn for the day: held while this publisher checks and
	// posts, kept a while after a post (the history then shows it), given
	// back after a failure, and lapsing if this process dies midway.
	turn := "digest:" + channel + ":" + d.DateString()
	if !b.claim(ctx, turn, digestTurn) {
		b.cfg.Metrics.Digest("skipped") // another publisher has it
		return false, nil
	}
	defer func() {
		if err != nil {
			b.release(context.WithoutCancel(ctx), turn) // another run may try
		}
	}()
	found, err := b.digestPosted(ctx, channel, d.DateString())
	if err != nil {
		b.cfg.Metrics.Digest("failed")
		return false, fmt.Errorf("slack: digest %s for %s: history: %w", d.DateString(), channel, err)
	}
	top, thread := digestParts(d)
	if found != nil && (found.ReplyCount > 0 || len(thread.Blocks) == 0) {
		b.cfg.Metrics.Digest("skipped")
		return false, nil
	}
	ts := ""
	if found != nil {
		ts = found.Timestamp // the digest is out, its thread is not
	} else {
		m := fit(top)
		post := func(ctx context.Context) (err error) {
			_, ts, err = b.api.PostMessageContext(ctx, channel,
				slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionText(m.Text, false),
				slack.MsgOptionMetadata(slack.SlackMetadata{EventType: DigestEventType,
					EventPayload: map[string]any{"date": d.DateString(), "theme": d.Theme.ID}}))
			return err
		}
		if err := retry(ctx, post, b.failed("digest:"+channel+":"+d.DateString())); err != nil {
			b.cfg.Metrics.Digest("failed")
			return false, fmt.Errorf("slack: digest %s for %s: %w", d.DateString(), channel, err)
		}
	}
	if len(thread.Blocks) > 0 {
		m := fit(thread)
		post := func(ctx context.Context) error {
			_, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionTS(ts),
				slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionText(m.Text, false))
			return err
		}
		if err := retry(ctx, post, b.failed("digest-thread:"+channel+":"+d.DateString())); err != nil {
			b.cfg.Metrics.Digest("failed")
			return true, fmt.Errorf("slack: digest %s for %s: thread: %w", d.DateString(), channel, err)
		}
	}
	b.cfg.Metrics.Digest("posted")
	return true, nil
}

// digestTurn is how long a publisher holds a channel's turn: longer than a
// post with all its retries takes, short enough that a publisher that died
// holding it costs a firing or two, not the day.
const digestTurn = 15 * time.Minute

// digestPosted looks through the channel's recent history for the bot's
// digest of the date, and returns it, or nil.
func (b *Bot) digestPosted(ctx context.Context, channel, date string) (*slack.Message, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: historyPage, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(time.Now().Add(-digestLookback).Unix(), 10)}
	for range historyPages {
		var res *slack.GetConversationHistoryResponse
		get := func(ctx context.Context) (err error) {
			res, err = b.api.GetConversationHistoryContext(ctx, params)
			return err
		}
		if err := retry(ctx, get, b.failed("history:"+channel)); err != nil {
			return nil, err
		}
		for _, msg := range res.Messages {
			mine := msg.BotID == b.self.botID || msg.User == b.self.userID
			byMetadata := msg.Metadata.EventType == DigestEventType && msg.Metadata.EventPayload["date"] == date
			byBlock := slices.ContainsFunc(msg.Blocks.BlockSet, func(bl slack.Block) bool { return bl.ID() == digestBlockID(date) })
			if mine && (byMetadata || byBlock) {
				return &msg, nil
			}
		}
		if !res.HasMore || res.ResponseMetaData.NextCursor == "" {
			return nil, nil
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
	b.log.Warn().Str("channel", channel).Msg("digest: history too long to search to the end; assuming no digest yet")
	return nil, nil
}
