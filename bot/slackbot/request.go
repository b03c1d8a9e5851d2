package slackbot

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// kind is what sort of request a user made.
type kind int

const (
	kindMention kind = iota + 1 // @hearingbot in a channel
	kindDM                      // a direct message to the bot
	kindCommand                 // /hearing ...
	kindAction                  // a click on one of the bot's buttons
	kindThread                  // a message in a channel thread, without a mention: maybe a follow-up
	kindHome                    // a user opened the app's Home tab
)

func (k kind) String() string {
	switch k {
	case kindMention:
		return "mention"
	case kindDM:
		return "dm"
	case kindCommand:
		return "command"
	case kindAction:
		return "action"
	case kindThread:
		return "thread"
	case kindHome:
		return "home"
	}
	return "unknown"
}

// request is one thing a user asked, whichever way it reached the bot:
// mentions, direct messages, slash commands and button clicks all become a
// request before anything is matched.
type request struct {
	kind kind
	// id identifies the request across Slack's redeliveries: the event id,
	// or the trigger id of a command or click.
	id       string
	user     string
	channel  string
	threadTS string // the thread to answer in (mentions and DMs)
	inThread bool   // the message is a reply in a thread, which may hold the bot's answers
	text     string // the question or the command's text
	// responseURL answers commands and clicks, privately or in the channel.
	responseURL string
	action      string // the button's action id
	value       string // the button's value
}

// fromEvent turns an Events API callback into a request. It reports false
// for events the bot does not answer: its own messages, other bots, edits,
// deletions and every other message subtype, and mentions in DMs (the
// message event answers those).
func (b *Bot) fromEvent(e slackevents.EventsAPIEvent) (request, bool) {
	cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || e.Type != slackevents.CallbackEvent || cb.EventID == "" {
		return request{}, false // Slack's callbacks always carry an event id
	}
	switch ev := e.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == b.self.userID || ev.Edited != nil || ev.Channel == "" || isDM(ev.Channel) {
			return request{}, false
		}
		return request{kind: kindMention, id: cb.EventID, user: ev.User, channel: ev.Channel,
			threadTS: firstOf(ev.ThreadTimeStamp, ev.TimeStamp), inThread: ev.ThreadTimeStamp != "" && ev.ThreadTimeStamp != ev.TimeStamp,
			text: ev.Text}, true
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "home" || ev.User == "" {
			return request{}, false
		}
		return request{kind: kindHome, id: cb.EventID, user: ev.User}, true
	case *slackevents.MessageEvent:
		if ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == b.self.userID || ev.Channel == "" {
			return request{}, false
		}
		switch {
		case ev.ChannelType == "im":
			return request{kind: kindDM, id: cb.EventID, user: ev.User, channel: ev.Channel,
				threadTS: ev.ThreadTimeStamp, inThread: ev.ThreadTimeStamp != "", text: ev.Text}, true
		case (ev.ChannelType == "channel" || ev.ChannelType == "group") && ev.ThreadTimeStamp != "" && ev.ThreadTimeStamp != ev.TimeStamp &&
			!strings.Contains(ev.Text, "<@"+b.self.userID):
			// A reply in a thread, not a mention (app_mention answers those):
			// a follow-up if the bot answered in that thread.
			return request{kind: kindThread, id: cb.EventID, user: ev.User, channel: ev.Channel,
				threadTS: ev.ThreadTimeStamp, inThread: true, text: ev.Text}, true
		}
	}
	return request{}, false
}

func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// fromCommand turns a /hearing command into a request.
func fromCommand(c slack.SlashCommand) request {
	return request{kind: kindCommand, id: "command:" + firstOf(c.TriggerID, fingerprint(c.ResponseURL)), user: c.UserID,
		channel: c.ChannelID, text: c.Text, responseURL: c.ResponseURL}
}

// fromAction turns a click on one of the bot's buttons into a request. It
// reports false for anything else (other interactions, unknown actions).
func fromAction(ic slack.InteractionCallback) (request, bool) {
	if ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) != 1 {
		return request{}, false
	}
	a := ic.ActionCallback.BlockActions[0]
	if !ours(a.ActionID) {
		return request{}, false
	}
	if ic.ResponseURL == "" {
		// The Home tab's buttons have no response_url: a question asked
		// there is answered in the user's DM with the bot.
		if ic.View.Type != slack.VTHomeTab || !strings.HasPrefix(a.ActionID, actionAsk) || !slackID.MatchString(ic.User.ID) {
			return request{}, false
		}
		return request{kind: kindAction, id: "action:" + firstOf(ic.TriggerID, a.ActionTs+ic.User.ID), user: ic.User.ID,
			channel: ic.User.ID, action: a.ActionID, value: a.Value}, true
	}
	id := "action:" + firstOf(ic.TriggerID, fingerprint(a.ActionTs+ic.ResponseURL))
	// The message clicked on: its channel and ts stay the same from click to
	// click, whatever response_url Slack sends with each.
	message := ic.Channel.ID + ":" + firstOf(ic.Container.MessageTs, ic.Message.Timestamp, ic.MessageTs, fingerprint(ic.ResponseURL))
	switch a.ActionID {
	case actionShare:
		id = "share:" + message // a message is shared once, however often its button is clicked
	case actionHelpful, actionNotHelpful:
		id = "feedback:" + message + ":" + ic.User.ID + ":" + a.ActionID // once per person, answer and verdict: a verdict may change
	}
	return request{kind: kindAction, id: id, user: ic.User.ID,
		channel: ic.Channel.ID, responseURL: ic.ResponseURL, action: a.ActionID, value: a.Value}, true
}

// ours reports whether an action id is one of the bot's buttons.
func ours(action string) bool {
	switch action {
	case actionShare, actionRun, actionMore, actionSentence, actionHelpful, actionNotHelpful:
		return true
	}
	for _, prefix := range []string{actionWho, actionSaid, actionPanel, actionAsk} {
		if strings.HasPrefix(action, prefix) {
			return true
		}
	}
	return false
}

// fingerprint stands for a secret in ids that are logged: a response_url is
// a bearer URL, anyone holding it can post as the bot.
func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}
