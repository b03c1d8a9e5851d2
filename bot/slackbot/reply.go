package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"hearingbot/bot/answer"
)

// post is one message to send: in the request's channel (and thread), or
// through its response_url.
type post struct {
	message
	viaResponseURL bool
	inChannel      bool                 // response_url: visible to everyone, not only the user
	replace        bool                 // response_url: replaces the message with the button
	deleteOriginal bool                 // response_url: deletes the message with the button
	abstained      bool                 // the answer says the summary does not cover the question
	metadata       *slack.SlackMetadata // chat.postMessage: for a follow-up to read back
	keepVisibility bool                 // response_url, replacing: leave who sees it as it was
	home           bool                 // views.publish: the request's user's Home tab
}

// reply works out what to send for a request.
func (b *Bot) reply(ctx context.Context, r request) ([]post, error) {
	switch r.kind {
	case kindMention, kindDM, kindThread:
		return b.converse(ctx, r)
	case kindCommand:
		m, share, err := b.command(ctx, r.text, time.Now())
		command := strings.Join(strings.Fields(answer.Normalize(r.text)), " ")
		abstained := m.abstained
		return []post{{message: private(m, "/hearing "+command, share), viaResponseURL: true, abstained: abstained}}, err
	case kindAction:
		return b.action(ctx, r)
	case kindHome:
		return []post{{message: homeView(b.engine, b.cfg.Digests, time.Now().In(b.cfg.Location)), home: true}}, nil
	}
	return nil, nil
}

// answer answers a question from a mention or a DM.
func (b *Bot) answer(ctx context.Context, question string) (message, error) {
	start := time.Now()
	r, err := b.engine.Ask(ctx, question)
	if err == nil {
		b.cfg.Metrics.Answer(time.Since(start), r.Abstained())
	}
	if errors.Is(err, answer.ErrEmpty) {
		return helpMessage("Ask me a question about the hearing, for example “Who moderated the first panel?”"), nil
	}
	if err != nil {
		return message{}, err
	}
	return answerBlocks(r), nil
}

// converse answers a mention or a message in a conversation: a follow-up
// reads what it leaves out from the bot's last answer there (its metadata,
// read back from Slack, so any replica can answer and a restart loses
// nothing). A thread the bot has no part in, a "thanks", get nothing.
func (b *Bot) converse(ctx context.Context, r request) ([]post, error) {
	if r.kind == kindThread && answer.ChatOf(r.text) == answer.Thanks {
		return nil, nil // a "thanks" in the thread, to whoever answered: not for the bot to answer
	}
	prev, ours, err := b.lastAnswer(ctx, r)
	thread := r.channel + ":" + r.threadTS
	ours = ours || b.threads.has(thread) // the threads this replica answered in, for when Slack cannot say
	switch {
	case err != nil && r.kind == kindThread && !ours:
		// Answering every thread of the channel while Slack cannot be
		// read (missing_scope, not_in_channel, 500s) would flood it.
		b.log.Warn().Err(err).Str("id", r.id).Msg("conversation: context not read, and the thread is not known to be the bot's: not answered")
		return nil, nil
	case err != nil:
		b.log.Warn().Err(err).Str("id", r.id).Msg("conversation: context not read; answered as a new question")
	case r.kind == kindThread && !ours:
		return nil, nil // not the bot's thread
	}
	if r.kind != kindDM || r.inThread {
		b.threads.add(thread)
	}
	start := time.Now()
	res, err := b.engine.FollowUp(ctx, r.text, prev)
	if err == nil && res.Chat != answer.NoChat {
		// "hi", "help", "thanks": no answer to count, and no context that
		// would hide the last answer's from a follow-up.
		return []post{{message: chatMessage(res)}}, nil
	}
	if err == nil {
		b.cfg.Metrics.Answer(time.Since(start), res.Abstained())
	}
	if errors.Is(err, answer.ErrEmpty) {
		return []post{{message: helpMessage("Ask me a question about the hearing, for example “Who moderated the first panel?”")}}, nil
	}
	if err != nil {
		return nil, err
	}
	m := answerBlocks(res)
	// The payload is the context as its JSON has it, every field (from_answer,
	// recap), so that lastAnswer reads back what the engine wrote.
	var payload map[string]any
	raw, _ := json.Marshal(res.Context())
	_ = json.Unmarshal(raw, &payload)
	return []post{{message: m, abstained: m.abstained, metadata: &slack.SlackMetadata{EventType: AnswerEventType, EventPayload: payload}}}, nil
}

// A thread is read back threadPage messages at a time, up to
// maxThreadPages pages (2,000 messages): a longer thread's latest answer
// may be past them, and a follow-up there is answered as a new question.
const (
	threadPage     = 200
	maxThreadPages = 10
)

// AnswerEventType marks the bot's answers (Slack message metadata), with
// what a follow-up needs: the question, its segments and people, the
// sentences shown.
const AnswerEventType = "hearingbot_answer"

// lastAnswer reads the context of the bot's latest answer in the
// conversation: in the thread, or, for a DM outside threads, in the DM's
// last hour. ours reports whether the bot has answered there at all.
func (b *Bot) lastAnswer(ctx context.Context, r request) (prev answer.Context, ours bool, err error) {
	var latest *slack.Message
	scan := func(msgs []slack.Message) { // only the latest answer is kept, not the pages
		for i := range msgs {
			m := &msgs[i]
			if m.BotID != b.self.botID && m.User != b.self.userID {
				continue
			}
			ours = true
			if m.Metadata.EventType == AnswerEventType && (latest == nil || tsAfter(m.Timestamp, latest.Timestamp)) {
				latest = m
			}
		}
	}
	switch {
	case r.inThread:
		// Slack pages a thread oldest first: the latest answer is on its
		// last page. Pages are followed to the end, up to maxThreadPages.
		cursor := ""
		for range maxThreadPages {
			var page []slack.Message
			var more bool
			var next string // a failed try must not lose the page it was for
			get := func(ctx context.Context) (err error) {
				page, more, next, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: r.channel, Timestamp: r.threadTS, IncludeAllMetadata: true, Limit: threadPage, Cursor: cursor})
				return err
			}
			if err = retry(ctx, get, b.failed(r.id)); err != nil {
				break
			}
			scan(page)
			if cursor = next; !more || cursor == "" {
				break
			}
		}
	case r.kind == kindDM:
		get := func(ctx context.Context) error {
			res, err := b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: r.channel, Limit: 20,
				IncludeAllMetadata: true, Oldest: strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)})
			if err == nil {
				scan(res.Messages)
			}
			return err
		}
		err = retry(ctx, get, b.failed(r.id))
	default:
		return answer.Context{}, false, nil // a mention that starts a thread
	}
	if err != nil {
		var notFound slack.SlackErrorResponse
		if errors.As(err, &notFound) && notFound.Err == "thread_not_found" {
			return answer.Context{}, false, nil
		}
		return answer.Context{}, ours, err
	}
	if latest != nil {
		raw, _ := json.Marshal(latest.Metadata.EventPayload)
		_ = json.Unmarshal(raw, &prev) // a payload it cannot read is no context
	}
	return prev, ours, nil
}

// tsAfter reports whether Slack timestamp a is later than b.
func tsAfter(a, b string) bool {
	fa, _ := strconv.ParseFloat(a, 64)
	fb, _ := strconv.ParseFloat(b, 64)
	return fa > fb
}

// commands are /hearing's subcommands; anything else is a question.
var commands = []string{"help", "ask", "who", "panels", "panel", "themes", "digest"}

// command answers /hearing's text as of now. share is what rebuilds the
// reply exactly, for its "Share in channel" button, or "" when the reply is
// not worth sharing (help, an abstention, a choice still to make).
func (b *Bot) command(ctx context.Context, text string, now time.Time) (m message, share string, err error) {
	text = answer.Normalize(text)
	verb, rest, _ := strings.Cut(text, " ")
	verb = strings.ToLower(verb)
	shareable := func(m message, err error) (message, string, error) {
		if m.abstained {
			return m, "", err
		}
		return m, text, err
	}
	switch verb {
	case "", "help":
		return helpMessage(""), "", nil
	case "ask":
		if rest == "" {
			return helpMessage(""), "", nil
		}
		return shareable(b.answer(ctx, rest))
	case "who":
		m, found, err := b.who(ctx, rest)
		switch {
		case found < 0: // "who moderated the first panel?" asks a question
			return shareable(b.answer(ctx, text))
		case found == 0 || found > 1:
			return m, "", err
		}
		return shareable(m, err)
	case "panels":
		return panelsMessage(b.engine.Hearing()), text, nil
	case "panel":
		s := b.engine.Segment(rest)
		if s == nil {
			return helpMessage("No panel matches “" + escape(rest) + "”. `/hearing panels` lists them all."), "", nil
		}
		return panelMessage(b.engine, s), text, nil
	case "themes":
		if b.cfg.Digests == nil {
			return helpMessage("This hearing has no themes."), "", nil
		}
		return themesMessage(b.cfg.Digests.Themes()), text, nil
	case "digest":
		m, day, ok := b.digestPreview(rest, now)
		if !ok {
			return m, "", nil
		}
		return m, day + dateMark + text, nil // the same digest when shared after midnight
	}
	if rest == "" {
		if c := nearest(verb); c != "" {
			return didYouMean(verb, c), "", nil
		}
	}
	return shareable(b.answer(ctx, text))
}

// dateMark separates, in a share button's value, the day a digest preview
// was made for from its command.
const dateMark = "|"

// digestPreview shows the digest on a theme, or on the theme of the day, as
// of now; it returns the day it is for, and false when there is none.
func (b *Bot) digestPreview(name string, now time.Time) (message, string, bool) {
	d := b.cfg.Digests
	if d == nil {
		return helpMessage("This hearing has no themes, so there is no digest."), "", false
	}
	today := now.In(b.cfg.Location)
	t := d.ThemeOf(today)
	if name != "" {
		if t = d.Theme(name); t == nil {
			return helpMessage("No theme matches “" + escape(name) + "”. `/hearing themes` lists them."), "", false
		}
	}
	dg := d.For(t, today)
	return previewBlocks(dg), dg.DateString(), true
}

// who answers "/hearing who NAME": one card, or buttons when several people
// match. found is how many people matched, -1 when the words name nobody and
// ask a question instead ("who moderated the first panel?").
func (b *Bot) who(ctx context.Context, name string) (m message, found int, err error) {
	cards, err := b.engine.Who(ctx, name)
	switch {
	case errors.Is(err, answer.ErrEmpty):
		return helpMessage("Whom do you mean? For example `/hearing who Claire Falconer`."), 0, nil
	case err != nil:
		return message{}, 0, err
	case len(cards) == 0 && len(strings.Fields(name)) > 2:
		return message{}, -1, nil
	case len(cards) == 0:
		return helpMessage("Nobody in the summary matches “" + escape(name) + "”. `/hearing panels` lists everyone."), 0, nil
	case len(cards) > 1:
		return pickPerson(name, cards), len(cards), nil
	}
	return cardsMessage(cards), 1, nil
}

// action answers a click on one of the bot's buttons, privately, except a
// share, which posts for everyone.
func (b *Bot) action(ctx context.Context, r request) ([]post, error) {
	h := b.engine.Hearing()
	// privately answers as /hearing would have: command is what the user
	// could have typed, and what a Share button rebuilds the reply from.
	privately := func(m message, command string, replace bool) []post {
		share := command
		if m.abstained {
			share = ""
		}
		return []post{{message: private(m, "/hearing "+command, share), viaResponseURL: true, replace: replace}}
	}
	switch {
	case strings.HasPrefix(r.action, actionWho):
		p := h.Person(strings.TrimPrefix(r.action, actionWho))
		if p == nil {
			return nil, nil // not a button we rendered
		}
		return privately(cardsMessage([]answer.Card{b.engine.Card(p)}), "who "+p.Name, true), nil
	case strings.HasPrefix(r.action, actionSaid):
		p := h.Person(strings.TrimPrefix(r.action, actionSaid))
		if p == nil {
			return nil, nil
		}
		q := "What did " + p.Name + " say?"
		m, err := b.answer(ctx, q)
		return privately(m, "ask "+q, false), err
	case strings.HasPrefix(r.action, actionPanel):
		s := h.Segment(strings.TrimPrefix(r.action, actionPanel))
		if s == nil {
			return nil, nil
		}
		return privately(panelMessage(b.engine, s), "panel "+strings.TrimPrefix(label(s), "Panel "), false), nil
	case r.action == actionHelpful || r.action == actionNotHelpful:
		return b.feedback(r)
	case r.action == actionMore:
		res, err := b.engine.Ask(ctx, r.value)
		if err != nil && !errors.Is(err, answer.ErrEmpty) {
			return nil, err
		}
		return []post{{message: private(moreBlocks(res), "More from the summary on “"+r.value+"”", ""), viaResponseURL: true}}, nil
	case r.action == actionSentence:
		i, err := strconv.Atoi(r.value)
		x, ok := b.engine.Sentence(i)
		if err != nil || !ok {
			return nil, nil // not a button we rendered
		}
		return []post{{message: private(message{Blocks: excerptBlocks([]answer.Excerpt{x}), Text: truncate(escape(x.Text), maxFallback)},
			"The whole sentence", ""), viaResponseURL: true}}, nil
	case strings.HasPrefix(r.action, actionAsk) && r.responseURL == "": // from the Home tab: in the DM
		m, err := b.answer(ctx, r.value)
		return []post{{message: m}}, err
	case strings.HasPrefix(r.action, actionAsk):
		m, err := b.answer(ctx, r.value)
		return privately(m, "ask "+r.value, false), err
	case r.action == actionRun:
		m, share, err := b.command(ctx, r.value, time.Now())
		return []post{{message: private(m, "/hearing "+r.value, share), viaResponseURL: true, replace: true}}, err
	}
	// Share: the reply the user saw, rebuilt exactly, for the whole channel;
	// then the private copy goes.
	command, now := r.value, time.Now()
	if day, c, ok := strings.Cut(r.value, dateMark); ok {
		command = c
		if t, err := time.ParseInLocation(time.DateOnly, day, b.cfg.Location); err == nil {
			now = t.Add(12 * time.Hour)
		}
	}
	m, _, err := b.command(ctx, command, now)
	if err != nil {
		return nil, err
	}
	return []post{
		{message: shared(m, r.user, command), viaResponseURL: true, inChannel: true},
		{viaResponseURL: true, deleteOriginal: true},
	}, nil
}

// feedback counts and logs a verdict on an answer, and replaces the
// answer's buttons with a thank-you. The question is logged because the
// user acted on it: these lines are what improves the content.
func (b *Bot) feedback(r request) ([]post, error) {
	var fb feedback
	if err := json.Unmarshal([]byte(r.value), &fb); err != nil || fb.Question == "" {
		return nil, nil // not a value we made
	}
	verdict := strings.TrimPrefix(r.action, "feedback_")
	b.cfg.Metrics.Feedback(verdict)
	b.log.Info().Str("verdict", verdict).Str("question", fb.Question).Ints("sentences", fb.Sentences).Str("user", r.user).Msg("feedback")
	// Only the person who clicked sees the thanks; the answer stays as it
	// was for everyone, its buttons too (a channel's answer is not one
	// person's, and a verdict may change).
	thanks := "Thanks: noted as helpful."
	if verdict != "helpful" {
		thanks = "Thanks: noted as not helpful. It helps improve what the bot understands."
	}
	return []post{{message: message{Blocks: []slack.Block{contextLine(thanks)}, Text: thanks}, viaResponseURL: true}}, nil
}

// errorReply is what a user sees when the engine fails: never silence.
func errorReply(r request) []post {
	m := message{Text: "Sorry, something went wrong while answering. Please try again."}
	m.Blocks = append(m.Blocks, section(m.Text))
	return []post{{message: m, viaResponseURL: r.kind == kindCommand || r.kind == kindAction}}
}

// nearest returns the subcommand a single word mistypes ("pannels",
// "hlep"), or "" when it is no near miss but a one-word question.
func nearest(word string) string {
	allowed := 1
	if len(word) > 4 {
		allowed = 2
	}
	best, bestD := "", allowed+1
	for _, c := range commands {
		if d := answer.EditDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
