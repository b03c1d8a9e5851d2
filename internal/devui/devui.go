// Package devui is hearingbot's local page: a Slack-like channel with a
// message box, for trying the bot without a Slack workspace. What is typed
// goes through the bot's real Slack edge (its HTTP handler, signed requests:
// a mention, a thread reply, a /hearing command, a click) to a bot that
// posts to an in-process Slack stand-in; the page renders the Block Kit the
// bot posted. Everything is embedded: it works offline.
package devui

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
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
	// threads holds the thread each /hearing was typed in, by its
	// response_url's id: Slack shows the reply there.
	threads map[string]string
	seq     int
}

// typed is a message the person sent.
type typed struct {
	ts, thread, text string
	at               time.Time
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
	return &Server{fake: fake, bot: bot, events: bot.Handler(secret), threads: map[string]string{}}, nil
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
// /api/messages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	files, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("POST /api/say", s.say)
	mux.HandleFunc("POST /api/click", s.click)
	mux.HandleFunc("GET /api/messages", s.messages)
	return mux
}

// say turns what the person typed into what Slack would send the bot.
func (s *Server) say(w http.ResponseWriter, r *http.Request) {
	var in struct{ Text, Thread string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&in); err != nil || strings.TrimSpace(in.Text) == "" {
		http.Error(w, "want {text, thread}", http.StatusBadRequest)
		return
	}
	text := strings.TrimSpace(in.Text)
	s.mu.Lock()
	s.seq++
	id := s.seq
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), id)
	command, isCommand := strings.CutPrefix(text, "/hearing")
	response := fmt.Sprint("cmd-", id)
	if isCommand {
		// Slack shows no message for a command, only the bot's reply.
		s.threads[response] = in.Thread
	} else {
		s.typed = append(s.typed, typed{ts: ts, thread: in.Thread, text: text, at: time.Now()})
	}
	s.mu.Unlock()
	var status int
	switch {
	case isCommand:
		form := slackfake.SlashCommand("/hearing", strings.TrimSpace(command), User, Channel, s.fake.ResponseURL(response))
		status = s.send("application/x-www-form-urlencoded", []byte(form.Encode()))
	case in.Thread != "":
		status = s.send("application/json", slackfake.EventCallback(fmt.Sprint("EvDev", id), slackfake.ThreadMessage(Channel, User, ts, in.Thread, text)))
	default:
		status = s.send("application/json", slackfake.EventCallback(fmt.Sprint("EvDev", id), slackfake.Mention(Channel, User, ts, "", "<@"+slackfake.BotUserID+"> "+text)))
	}
	w.WriteHeader(status)
}

// click turns a click on a rendered button into Slack's block_actions.
func (s *Server) click(w http.ResponseWriter, r *http.Request) {
	var in struct{ Action, Value, Message string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&in); err != nil || in.Action == "" {
		http.Error(w, "want {action, value, message}", http.StatusBadRequest)
		return
	}
	payload := slackfake.BlockAction(User, Channel, in.Action, in.Value, s.fake.ResponseURL(in.Message))
	w.WriteHeader(s.send("application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode())))
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
	at        time.Time
}

// Messages are the channel's messages as Slack would show them to the
// person: what they typed (but commands), what the bot posted, replies
// through a response_url in place of (or after) the message they answer,
// in the thread of the command or the message clicked.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	var out []Message
	for _, t := range s.typed {
		out = append(out, Message{ID: t.ts, Thread: t.thread, Text: t.text, at: t.at})
	}
	threads := maps.Clone(s.threads)
	s.mu.Unlock()
	posts := s.fake.Posts()
	n := 0
	for _, p := range posts {
		switch {
		case p.Method == "chat.postMessage" && p.Channel == Channel:
			out = append(out, Message{ID: p.TS, Thread: p.ThreadTS, Bot: true, Text: p.Text, Blocks: p.Blocks, at: p.At})
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
			thread, ok := threads[p.ResponseID]
			if i := indexOf(out, p.ResponseID); !ok && i >= 0 {
				thread = out[i].Thread
			}
			m := Message{ID: fmt.Sprint("r", n, "-", p.ResponseID), Thread: thread, Bot: true, Ephemeral: p.ResponseType != "in_channel",
				Text: p.Text, Blocks: p.Blocks, at: p.At}
			out = append(out, m)
		}
	}
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
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	ms := s.Messages()
	if ms == nil {
		ms = []Message{}
	}
	json.NewEncoder(w).Encode(ms)
}
