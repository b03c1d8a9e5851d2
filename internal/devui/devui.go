// Package devui is hearingbot's local page: a Slack-like channel with a
// message box, the person's messages with the bot and its Home tab, for
// trying the bot without a Slack workspace. What is typed goes through the
// bot's real Slack edge (its HTTP handler, signed requests: a mention, a
// thread reply, a direct message, a /hearing command, a click, the Home tab
// opened) to a bot that posts to an in-process Slack stand-in; the page
// renders the Block Kit the bot posted or published. Everything is embedded:
// it works offline.
package devui

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"hearingbot/bot/answer"
	"hearingbot/bot/digest"
	"hearingbot/bot/slackbot"
	"hearingbot/internal/slackfake"
)

//go:embed static
var static embed.FS

// Who talks on the page.
const (
	User    = "UDEV"
	Channel = "CDEV"
	secret  = "devui-signing-secret"
)

// Server serves the page and its API.
type Server struct {
	fake   *slackfake.Server
	bot    *slackbot.Bot
	events http.Handler

	mu    sync.Mutex
	typed []typed // what the person typed, in order, but for commands
	// commands holds where each /hearing was typed, by its response_url's
	// id: Slack shows the reply there.
	commands map[string]place
	seq      int
}

// typed is a message the person sent.
type typed struct {
	ts string
	place
	text string
	at   time.Time
}

// place is where a message is: its conversation, and its thread or "".
type place struct{ channel, thread string }

// conversation is the stand-in's id of one of the page's views: "channel"
// (the default) or "dm", the person's messages with the bot. The DM is
// filed under the person's id, as the bot posts its answers to the Home
// tab's buttons there (Slack opens the DM for a user's id).
func conversation(view string) (string, bool) {
	switch view {
	case "", "channel":
		return Channel, true
	case "dm":
		return User, true
	}
	return "", false
}

// New starts a bot over the engine, posting to an in-process Slack
// stand-in. Close stops both.
func New(ctx context.Context, e *answer.Engine, d *digest.Digester, log zerolog.Logger) (*Server, error) {
	fake := slackfake.New()
	bot, err := slackbot.New(ctx, e, slackbot.Config{BotToken: "xoxb-dev", APIURL: fake.APIURL(), Workers: 4,
		Log: log, Digests: d, Location: time.Local})
	if err != nil {
		fake.Close()
		return nil, err
	}
	bot.Start()
	return &Server{fake: fake, bot: bot, events: bot.Handler(secret), commands: map[string]place{}}, nil
}

// Close stops the bot and the stand-in.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.bot.Stop(ctx)
	s.fake.Close()
}

// Handler serves the page (/, with ?q= asking on load), its script and
// style, and the API it calls: POST /api/say, POST /api/click, GET
// /api/messages?view=channel|dm, POST /api/home (the person opens the Home
// tab) and GET /api/home. listen is the address it is served on (a
// listener's Addr): only requests the page itself makes there are
// answered; a Host that is not that address or an Origin that is not the
// page's is refused (403), and so is a POST that is not JSON (415).
func (s *Server) Handler(listen net.Addr) http.Handler {
	mux := http.NewServeMux()
	files, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("POST /api/say", s.say)
	mux.HandleFunc("POST /api/click", s.click)
	mux.HandleFunc("GET /api/messages", s.messages)
	mux.HandleFunc("POST /api/home", s.openHome)
	mux.HandleFunc("GET /api/home", s.home)
	return newGuard(listen, mux)
}

// say turns what the person typed into what Slack would send the bot.
func (s *Server) say(w http.ResponseWriter, r *http.Request) {
	var in struct{ Text, Thread, View string }
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&in)
	channel, ok := conversation(in.View)
	if err != nil || !ok || strings.TrimSpace(in.Text) == "" {
		http.Error(w, "want {text, thread, view}", http.StatusBadRequest)
		return
	}
	text := strings.TrimSpace(in.Text)
	id := s.next()
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), id)
	command, isCommand := strings.CutPrefix(text, "/hearing")
	response := fmt.Sprint("cmd-", id)
	where := place{channel, in.Thread}
	s.mu.Lock()
	if isCommand {
		// Slack shows no message for a command, only the bot's reply.
		s.commands[response] = where
	} else {
		s.typed = append(s.typed, typed{ts: ts, place: where, text: text, at: time.Now()})
	}
	s.mu.Unlock()
	var event map[string]any
	switch {
	case isCommand:
		form := slackfake.SlashCommand("/hearing", strings.TrimSpace(command), User, channel, s.fake.ResponseURL(response))
		w.WriteHeader(s.send("application/x-www-form-urlencoded", []byte(form.Encode())))
		return
	case channel == User:
		event = slackfake.DirectMessage(channel, User, ts, text)
		if in.Thread != "" {
			event["thread_ts"] = in.Thread
		}
	case in.Thread != "":
		event = slackfake.ThreadMessage(channel, User, ts, in.Thread, text)
	default:
		event = slackfake.Mention(channel, User, ts, "", "<@"+slackfake.BotUserID+"> "+text)
	}
	w.WriteHeader(s.send("application/json", slackfake.EventCallback(fmt.Sprint("EvDev", id), event)))
}

// next numbers the person's requests.
func (s *Server) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// click turns a click on a rendered button into Slack's block_actions: on
// a message of the channel or the DM, or on the Home tab.
func (s *Server) click(w http.ResponseWriter, r *http.Request) {
	var in struct{ Action, Value, Message, View string }
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&in)
	channel, ok := conversation(in.View)
	var payload []byte
	switch {
	case err != nil || in.Action == "":
	case in.View == "home":
		payload = slackfake.HomeBlockAction(User, in.Action, in.Value)
	case ok:
		payload = slackfake.BlockAction(User, channel, in.Action, in.Value, s.fake.ResponseURL(in.Message))
	}
	if payload == nil {
		http.Error(w, "want {action, value, message, view}", http.StatusBadRequest)
		return
	}
	w.WriteHeader(s.send("application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode())))
}

// openHome tells the bot the person opened its Home tab, as Slack does
// each time they do; the bot publishes the tab's view in answer.
func (s *Server) openHome(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(s.send("application/json", slackfake.EventCallback(fmt.Sprint("EvDev", s.next()), slackfake.HomeOpened(User))))
}

// send signs a request as Slack does and hands it to the bot's handler.
func (s *Server) send(ctype string, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, slackbot.EventsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	slackfake.Sign(req.Header, secret, time.Now(), body)
	rec := httptest.NewRecorder()
	s.events.ServeHTTP(rec, req)
	return rec.Code
}

// Message is one message as the page shows it.
type Message struct {
	ID        string          `json:"id"`     // what a click on its buttons names
	Thread    string          `json:"thread"` // the thread it is in, or ""
	Bot       bool            `json:"bot"`
	Ephemeral bool            `json:"ephemeral"` // only the person sees it
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	channel   string
	at        time.Time
}

// Messages are a conversation's messages (Channel, or User for the
// person's DM with the bot) as Slack would show them to the person: what
// they typed (but commands), what the bot posted, replies through a
// response_url in place of (or after) the message they answer, where the
// command was typed or the message clicked is.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	var out []Message
	for _, t := range s.typed {
		out = append(out, Message{ID: t.ts, Thread: t.thread, Text: t.text, channel: t.channel, at: t.at})
	}
	commands := maps.Clone(s.commands)
	s.mu.Unlock()
	n := 0
	for _, p := range s.fake.Posts() {
		switch {
		case p.Method == "chat.postMessage":
			out = append(out, Message{ID: p.TS, Thread: p.ThreadTS, Bot: true, Text: p.Text, Blocks: p.Blocks, channel: p.Channel, at: p.At})
		case p.Method == "response_url" && p.DeleteOriginal:
			out = removeFirst(out, p.ResponseID)
		case p.Method == "response_url" && p.ReplaceOriginal:
			if i := indexOf(out, p.ResponseID); i >= 0 {
				out[i].Blocks, out[i].Text = p.Blocks, p.Text
				continue
			}
			fallthrough
		case p.Method == "response_url":
			// A new message: its own id, for the clicks on its buttons.
			n++
			where, ok := commands[p.ResponseID]
			if i := indexOf(out, p.ResponseID); !ok && i >= 0 {
				where = place{out[i].channel, out[i].Thread}
			}
			m := Message{ID: fmt.Sprint("r", n, "-", p.ResponseID), Thread: where.thread, Bot: true, Ephemeral: p.ResponseType != "in_channel",
				Text: p.Text, Blocks: p.Blocks, channel: where.channel, at: p.At}
			out = append(out, m)
		}
	}
	out = slices.DeleteFunc(out, func(m Message) bool { return m.channel != channel })
	slices.SortStableFunc(out, func(a, b Message) int { return a.at.Compare(b.at) })
	return out
}

func indexOf(ms []Message, id string) int {
	for i, m := range ms {
		if m.ID == id {
			return i
		}
	}
	return -1
}

func removeFirst(ms []Message, id string) []Message {
	if i := indexOf(ms, id); i >= 0 {
		return append(ms[:i], ms[i+1:]...)
	}
	return ms
}

func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	channel, ok := conversation(r.URL.Query().Get("view"))
	if !ok {
		http.Error(w, "want ?view=channel or ?view=dm", http.StatusBadRequest)
		return
	}
	ms := s.Messages(channel)
	if ms == nil {
		ms = []Message{}
	}
	writeJSON(w, ms)
}

// Home is the Home tab as the bot last published it for the person
// (views.publish): its blocks, or nil before the bot has.
func (s *Server) Home() json.RawMessage {
	var blocks json.RawMessage
	for _, p := range s.fake.Posts() {
		if p.Method == "views.publish" && p.User == User {
			blocks = p.Blocks
		}
	}
	return blocks
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Home()) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}
