package slackbot

import (
	"context"
	"errors"
	"strings"
	"time"

	"hearingbot/bot/answer"
)

// post is one message to send: in the request's channel (and thread), or
// through its response_url.
type post struct {
	message
	viaResponseURL bool
	inChannel      bool // response_url: visible to everyone, not only the user
	replace        bool // response_url: replaces the message with the button
	deleteOriginal bool // response_url: deletes the message with the button
	abstained      bool // the answer says the summary does not cover the question
}

// reply works out what to send for a request.
func (b *Bot) reply(ctx context.Context, r request) ([]post, error) {
	switch r.kind {
	case kindMention, kindDM:
		m, err := b.answer(ctx, r.text)
		return []post{{message: m, abstained: m.abstained}}, err
	case kindCommand:
		m, shareable, err := b.command(ctx, r.text)
		command := strings.Join(strings.Fields(answer.Normalize(r.text)), " ")
		abstained := m.abstained
		if shareable {
			m = withShare(m, command)
		}
		return []post{{message: m, viaResponseURL: true, abstained: abstained}}, err
	case kindAction:
		return b.action(ctx, r)
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

// commands are /hearing's subcommands; anything else is a question.
var commands = []string{"help", "ask", "who", "panels", "panel", "themes", "digest"}

// command answers /hearing's text. It reports whether the reply is worth a
// "Share in channel" button.
func (b *Bot) command(ctx context.Context, text string) (m message, shareable bool, err error) {
	text = answer.Normalize(text)
	verb, rest, _ := strings.Cut(text, " ")
	verb = strings.ToLower(verb)
	switch verb {
	case "", "help":
		return helpMessage(""), false, nil
	case "ask":
		m, err := b.answer(ctx, rest)
		return m, rest != "", err
	case "who":
		return b.who(ctx, rest)
	case "panels":
		return panelsMessage(b.engine.Hearing()), true, nil
	case "panel":
		s := b.engine.Segment(rest)
		if s == nil {
			return helpMessage("No panel matches “" + escape(rest) + "”. `/hearing panels` lists them all."), false, nil
		}
		return panelMessage(b.engine, s), true, nil
	case "themes":
		if b.cfg.Digests == nil {
			return helpMessage("This hearing has no themes."), false, nil
		}
		return themesMessage(b.cfg.Digests.Themes()), true, nil
	case "digest":
		return b.digestPreview(rest)
	}
	if rest == "" && nearCommand(verb) {
		return helpMessage("I don't know `/hearing " + escape(verb) + "`."), false, nil
	}
	m, err = b.answer(ctx, text)
	return m, true, err
}

// digestPreview shows today's digest on a theme, or on the theme of the day.
func (b *Bot) digestPreview(name string) (message, bool, error) {
	d := b.cfg.Digests
	if d == nil {
		return helpMessage("This hearing has no themes, so there is no digest."), false, nil
	}
	today := time.Now().In(b.cfg.Location)
	t := d.ThemeOf(today)
	if name != "" {
		if t = d.Theme(name); t == nil {
			return helpMessage("No theme matches “" + escape(name) + "”. `/hearing themes` lists them."), false, nil
		}
	}
	return digestBlocks(d.For(t, today)), true, nil
}

// who answers "/hearing who NAME": one card, or buttons when several people
// match.
func (b *Bot) who(ctx context.Context, name string) (message, bool, error) {
	cards, err := b.engine.Who(ctx, name)
	switch {
	case errors.Is(err, answer.ErrEmpty):
		return helpMessage("Whom do you mean? For example `/hearing who Claire Falconer`."), false, nil
	case err != nil:
		return message{}, false, err
	case len(cards) == 0:
		return helpMessage("Nobody in the summary matches “" + escape(name) + "”. `/hearing panels` lists everyone."), false, nil
	case len(cards) > 1:
		return pickPerson(name, cards), false, nil
	}
	return cardsMessage(cards), true, nil
}

// action answers a click on one of the bot's buttons.
func (b *Bot) action(ctx context.Context, r request) ([]post, error) {
	if id, ok := strings.CutPrefix(r.action, actionWho); ok {
		p := b.engine.Hearing().Person(id)
		if p == nil {
			return nil, nil // not a button we rendered
		}
		command := "who " + p.Name
		return []post{{message: withShare(cardsMessage([]answer.Card{b.engine.Card(p)}), command), viaResponseURL: true, replace: true}}, nil
	}
	// Share: the same reply, rebuilt from the command it answered, for the
	// whole channel; then the private copy goes.
	m, _, err := b.command(ctx, r.value)
	if err != nil {
		return nil, err
	}
	return []post{
		{message: shared(m, r.user, r.value), viaResponseURL: true, inChannel: true},
		{viaResponseURL: true, deleteOriginal: true},
	}, nil
}

// errorReply is what a user sees when the engine fails: never silence.
func errorReply(r request) []post {
	m := message{Text: "Sorry, something went wrong while answering. Please try again."}
	m.Blocks = append(m.Blocks, section(m.Text))
	return []post{{message: m, viaResponseURL: r.kind == kindCommand || r.kind == kindAction}}
}

// nearCommand reports whether a single word looks like a mistyped
// subcommand ("pannels", "hlep") rather than a one-word question.
func nearCommand(word string) bool {
	allowed := 1
	if len(word) > 4 {
		allowed = 2
	}
	for _, c := range commands {
		if answer.EditDistance(word, c) <= allowed {
			return true
		}
	}
	return false
}
