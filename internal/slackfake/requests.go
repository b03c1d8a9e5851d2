package slackfake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Sign signs an HTTP-mode request body as Slack does: it sets
// X-Slack-Request-Timestamp to ts and X-Slack-Signature to "v0=" and the hex
// HMAC-SHA256, keyed with secret, of "v0:<unix ts>:<body>". Verifiers refuse
// timestamps more than 5 minutes from their clock.
func Sign(h http.Header, secret string, ts time.Time, body []byte) {
	unix := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + unix + ":"))
	mac.Write(body)
	h.Set("X-Slack-Request-Timestamp", unix)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// ForgedHead is the head of an HTTP-mode request that passes a verifier's
// format checks (a timestamp of at, a well-formed signature) but is not
// signed with any secret, declaring a JSON body of declared bytes: what
// anyone on the internet can send before the body settles the signature.
func ForgedHead(path string, declared int, at time.Time) []byte {
	return fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
		"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n\r\n", path, declared, at.Unix(), strings.Repeat("0", 64))
}

// EventCallback wraps event in the Events API envelope Slack posts (HTTP
// mode) or puts in an events_api payload (Socket Mode). It panics if event
// cannot be encoded.
func EventCallback(eventID string, event map[string]any) []byte {
	return mustJSON(map[string]any{
		"token":      "fake",
		"team_id":    TeamID,
		"api_app_id": AppID,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": time.Now().Unix(),
		"event":      event,
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": TeamID, "user_id": BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
	})
}

// Mention is an app_mention event; threadTS is omitted when empty. The text
// should start with "<@UBOT>", as Slack's does.
func Mention(channel, user, ts, threadTS, text string) map[string]any {
	e := map[string]any{
		"type": "app_mention", "user": user, "text": text, "ts": ts,
		"channel": channel, "event_ts": ts, "team": TeamID,
	}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

// DirectMessage is a message event in a direct message (channel_type "im").
func DirectMessage(channel, user, ts, text string) map[string]any {
	return map[string]any{
		"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
		"channel": channel, "event_ts": ts, "team": TeamID,
	}
}

// ThreadMessage is a message event in a channel's thread (channel_type
// "channel"), as Slack sends with message.channels.
func ThreadMessage(channel, user, ts, threadTS, text string) map[string]any {
	return map[string]any{
		"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts,
		"thread_ts": threadTS, "channel": channel, "event_ts": ts, "team": TeamID,
	}
}

// HomeOpened is the app_home_opened event of a user opening the app's Home
// tab.
func HomeOpened(user string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home",
		"event_ts": fmt.Sprint(time.Now().Unix())}
}

// triggerSeq makes trigger ids unique within the process.
var triggerSeq atomic.Int64

func newTriggerID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%d.%d.%x", triggerSeq.Add(1), 47445629121, b)
}

// fakeName derives a readable name from a Slack id: "C123" -> "fake-c123".
func fakeName(id string) string { return "fake-" + strings.ToLower(id) }

// SlashCommand is the form Slack posts for a slash command, with every field
// Slack sends and a trigger_id unique per call. Channel and user names are
// derived from the ids. Post it form-encoded (HTTP mode) or pass it to
// SendEnvelope as a "slash_commands" payload.
func SlashCommand(command, text, user, channel, responseURL string) url.Values {
	return url.Values{
		"token":                 {"fake"},
		"team_id":               {TeamID},
		"team_domain":           {"fake"},
		"channel_id":            {channel},
		"channel_name":          {fakeName(channel)},
		"user_id":               {user},
		"user_name":             {fakeName(user)},
		"command":               {command},
		"text":                  {text},
		"api_app_id":            {AppID},
		"is_enterprise_install": {"false"},
		"response_url":          {responseURL},
		"trigger_id":            {newTriggerID()},
	}
}

// BlockAction is the JSON of a block_actions interaction: user clicked the
// button actionID (with value) on an ephemeral message in channel, the
// message response_url stands for (the same URL, the same message ts). Post
// it as the form field "payload" (HTTP mode) or pass it to SendEnvelope as
// an "interactive" payload.
func BlockAction(user, channel, actionID, value, responseURL string) []byte {
	sum := fnv.New32a()
	sum.Write([]byte(responseURL))
	return BlockActionOn(user, channel, fmt.Sprintf("1700000000.%06d", sum.Sum32()%1_000_000), actionID, value, responseURL)
}

// BlockActionOn is BlockAction on the message of messageTS: Slack sends a
// new response_url with each click on the same message.
func BlockActionOn(user, channel, messageTS, actionID, value, responseURL string) []byte {
	p := blockActions(user, actionID, value)
	p["channel"] = map[string]any{"id": channel, "name": fakeName(channel)}
	p["container"] = map[string]any{"type": "message", "channel_id": channel, "is_ephemeral": true, "message_ts": messageTS}
	p["response_url"] = responseURL
	return mustJSON(p)
}

// HomeBlockAction is the JSON of a click on a button of the app's Home tab:
// like BlockAction, but from a view, with no channel and no response_url.
func HomeBlockAction(user, actionID, value string) []byte {
	p := blockActions(user, actionID, value)
	p["container"] = map[string]any{"type": "view", "view_id": "V1"}
	p["view"] = map[string]any{"id": "V1", "type": "home"}
	return mustJSON(p)
}

// blockActions is what every block_actions payload holds: who clicked
// which button.
func blockActions(user, actionID, value string) map[string]any {
	return map[string]any{
		"type":       "block_actions",
		"token":      "fake",
		"api_app_id": AppID,
		"user":       map[string]any{"id": user, "username": fakeName(user), "name": fakeName(user), "team_id": TeamID},
		"team":       map[string]any{"id": TeamID, "domain": "fake"},
		"trigger_id": newTriggerID(),
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID, "block_id": "fake_block", "value": value, "action_ts": fakeTS(),
		}},
	}
}

// fakeTS is a Slack timestamp for now.
func fakeTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slackfake: %v", err))
	}
	return b
}
