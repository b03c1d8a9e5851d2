// Package devui is hearingbot's local page: a Slack-like channel with a
// message box, the person's messages with the bot and its Home tab, for
// trying the bot without a Slack workspace. What is typed goes through the
// bot's real Slack edge (its HTTP handler, signed requests: a mention, a
// thread reply, a direct message, a /hearing command, a click, the Home tab
// opened) to a bot that posts to an in-process Slack stand-in; the page
// renders the Block Kit the bot posted or published. It keeps the newest
// messages only (history.go) and the page asks for what changed since it
// last asked; it answers only the page itself (guard.go). Everything is
// embedded: it works offline.
package devui

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
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

	mu      sync.Mutex
	history *history        // what the person typed (but commands) and what the bot posted
	synced  int             // the stand-in's posts taken into history
	replies int             // the messages posted through a response_url, numbered
	homeTab json.RawMessage // the Home tab as the bot last published it
	seq     int
}

// place is where a message is: its conversation, and its thread or "".
type place struct{ channel, thread string }

// commandID is the response_url id of the nth /hearing command, typed at
// where: Slack shows the reply there.
func commandID(n int, where place) string {
	return fmt.Sprintf("cmd-%d-%s-%s", n, where.channel, where.thread)
}

// commandPlace is where the command of a response_url id was typed.
func commandPlace(id string) (place, bool) {
	rest, ok := strings.CutPrefix(id, "cmd-")
	parts := strings.SplitN(rest, "-", 3)
	if !ok || len(parts) != 3 {
		return place{}, false
	}
	return place{parts[1], parts[2]}, true
}

// threadTS is what a thread's id may be: a message's ts.
var threadTS = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

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
	fake := slackfake.New(slackfake.WithMaxPosts(2 * maxMessages))
	bot, err := slackbot.New(ctx, e, slackbot.Config{BotToken: "xoxb-dev", APIURL: fake.APIURL(), Workers: 4,
		Log: log, Digests: d, Location: time.Local})
	if err != nil {
		fake.Close()
		return nil, err
	}
	bot.Start()
	return &Server{fake: fake, bot: bot, events: bot.Handler(secret), history: newHistory()}, nil
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
// /api/messages?view=channel|dm&after=CURSOR, POST /api/home (the person
// opens the Home tab) and GET /api/home. listen is the address it is
// served on (a listener's Addr): only requests the page itself makes there
// are answered; a Host that is not that address or an Origin that is not
// the page's is refused (403), and so is a POST that is not JSON (415).
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
	if err != nil || !ok || strings.TrimSpace(in.Text) == "" || in.Thread != "" && !threadTS.MatchString(in.Thread) {
		http.Error(w, "want {text, thread, view}", http.StatusBadRequest)
		return
	}
	text := strings.TrimSpace(in.Text)
	id := s.next()
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), id)
	command, isCommand := strings.CutPrefix(text, "/hearing")
	if !isCommand {
		// Slack shows no message for a command, only the bot's reply.
		s.mu.Lock()
		s.syncLocked() // what the bot posted until now comes before it
		s.history.add(channel, Message{ID: ts, Thread: in.Thread, Text: text})
		s.mu.Unlock()
	}
	var event map[string]any
	switch {
	case isCommand:
		form := slackfake.SlashCommand("/hearing", strings.TrimSpace(command), User, channel, s.fake.ResponseURL(commandID(id, place{channel, in.Thread})))
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
	Order     int64           `json:"order"`  // where it is among the messages, the oldest first
	Thread    string          `json:"thread"` // the thread it is in, or ""
	Bot       bool            `json:"bot"`
	Ephemeral bool            `json:"ephemeral"` // only the person sees it
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	Deleted   bool            `json:"deleted,omitempty"` // gone: the page removes it
}

// Messages are a conversation's messages (Channel, or User for the
// person's DM with the bot) as Slack would show them to the person, the
// newest only (within history's bounds): what they typed (but commands),
// what the bot posted, replies through a response_url in place of (or
// after) the message they answer, where the command was typed or the
// message clicked is.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncLocked()
	return s.history.of(channel)
}

// syncLocked takes into the history what the bot posted since the last
// time. Call it with s.mu held.
func (s *Server) syncLocked() {
	posts, n := s.fake.PostsAfter(s.synced)
	s.synced = n
	for _, p := range posts {
		s.take(p)
	}
}

// take is what one post of the bot does to the page.
func (s *Server) take(p slackfake.Post) {
	switch {
	case p.Method == "views.publish" && p.User == User:
		s.homeTab = p.Blocks
	case p.Method == "chat.postMessage":
		s.history.add(p.Channel, Message{ID: p.TS, Thread: p.ThreadTS, Bot: true, Text: p.Text, Blocks: p.Blocks})
	case p.Method != "response_url":
	case p.DeleteOriginal:
		s.history.remove(p.ResponseID)
	case p.ReplaceOriginal && s.history.replace(p.ResponseID, p.Text, p.Blocks):
	default:
		// A new message, where the command was typed or the message clicked
		// is, with an id of its own for the clicks on its buttons.
		where, ok := commandPlace(p.ResponseID)
		if !ok {
			e := s.history.find(p.ResponseID)
			if e == nil {
				return // on a message no longer held
			}
			where = place{e.channel, e.Thread}
		}
		s.replies++
		s.history.add(where.channel, Message{ID: fmt.Sprint("r", s.replies, "-", p.ResponseID), Thread: where.thread, Bot: true,
			Ephemeral: p.ResponseType != "in_channel", Text: p.Text, Blocks: p.Blocks})
	}
}

// batch is one response of /api/messages.
type batch struct {
	Cursor   int64             `json:"cursor"` // what to ask after next
	Oldest   int64             `json:"oldest"` // the Order of the oldest message held: the page forgets older ones
	Messages []json.RawMessage `json:"messages"`
	More     bool              `json:"more"` // more changes are waiting: ask again at once
}

// messages serves GET /api/messages?view=channel|dm&after=CURSOR: the
// view's messages added, replaced or deleted since the cursor (0, or
// omitted: all), oldest change first, and no more than fit in
// maxResponse, so that a page asks only for what it lacks and no request
// costs more than that.
func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	channel, ok := conversation(r.URL.Query().Get("view"))
	after, err := strconv.ParseInt(cmp.Or(r.URL.Query().Get("after"), "0"), 10, 64)
	if !ok || err != nil || after < 0 {
		http.Error(w, "want ?view=channel or ?view=dm, and after=CURSOR", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.syncLocked()
	changes := s.history.since(channel, after)
	out := batch{Cursor: s.history.last, Oldest: s.history.oldest(), Messages: []json.RawMessage{}}
	s.mu.Unlock()
	size := 0
	for i, e := range changes {
		b, _ := json.Marshal(e.Message)
		if i > 0 && size+len(b) > maxResponse {
			out.Cursor, out.More = changes[i-1].changed, true
			break
		}
		size += len(b)
		out.Messages = append(out.Messages, b)
	}
	writeJSON(w, out)
}

// Home is the Home tab as the bot last published it for the person
// (views.publish): its blocks, or nil before the bot has.
func (s *Server) Home() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncLocked()
	return s.homeTab
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Home()) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}
