package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// apiMethod is one Web API method: the token kind it wants and its handler,
// which returns the JSON body (HTTP 200, as Slack answers API errors too).
type apiMethod struct {
	tokenPrefix string // "xoxb-" or "xapp-"
	serve       func(s *Server, r *http.Request) any
}

var apiMethods = map[string]apiMethod{
	"auth.test":             {"xoxb-", (*Server).authTest},
	"apps.connections.open": {"xapp-", (*Server).connectionsOpen},
	"chat.postMessage":      {"xoxb-", (*Server).postMessage},
	"chat.postEphemeral":    {"xoxb-", (*Server).postEphemeral},
	"chat.update":           {"xoxb-", (*Server).update},
	"conversations.history": {"xoxb-", (*Server).conversationsHistory},
	"conversations.replies": {"xoxb-", (*Server).conversationsReplies},
	"views.publish":         {"xoxb-", (*Server).viewsPublish},
}

// apiError is Slack's error body; details go where Slack puts them.
func apiError(code string, details ...string) map[string]any {
	body := map[string]any{"ok": false, "error": code}
	if len(details) > 0 {
		body["response_metadata"] = map[string]any{"messages": details}
	}
	return body
}

// handleAPI serves /api/<method>. slack-go posts form bodies with the token
// in the "token" field, or sends it as Authorization: Bearer.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	if s.intercept(w, r, name) {
		return
	}
	m, ok := apiMethods[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError("unknown_method"))
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusOK, apiError("invalid_form_data"))
		return
	}
	token := r.Form.Get("token")
	if token == "" {
		token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if code := checkToken(token, m.tokenPrefix); code != "" {
		writeJSON(w, http.StatusOK, apiError(code))
		return
	}
	writeJSON(w, http.StatusOK, m.serve(s, r))
}

// checkToken returns Slack's error for token, or "" if it is of the kind want.
func checkToken(token, want string) string {
	switch {
	case token == "":
		return "not_authed"
	case strings.HasPrefix(token, want):
		return ""
	case strings.HasPrefix(token, "xoxb-"), strings.HasPrefix(token, "xapp-"):
		return "not_allowed_token_type"
	}
	return "invalid_auth"
}

func (s *Server) authTest(*http.Request) any {
	return map[string]any{
		"ok": true, "url": "https://fake.slack.com/", "team": "Fake", "user": "hearingbot",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
	}
}

func (s *Server) connectionsOpen(*http.Request) any {
	return map[string]any{"ok": true, "url": "ws://" + strings.TrimPrefix(s.URL(), "http://") + "/ws"}
}

// content checks the text and blocks fields shared by the chat methods.
// It returns the blocks as sent (nil if none) or an API error body.
func content(f url.Values) (json.RawMessage, map[string]any) {
	var blocks json.RawMessage
	n := 0
	if raw := f.Get("blocks"); raw != "" {
		var err *blockError
		if n, err = validateBlocks([]byte(raw)); err != nil {
			return nil, apiError(err.code, err.detail)
		}
		blocks = json.RawMessage(raw)
	}
	if f.Get("text") == "" && n == 0 {
		return nil, apiError("no_text")
	}
	return blocks, nil
}

func (s *Server) postMessage(r *http.Request) any {
	f := r.Form
	channel := f.Get("channel")
	if channel == "" {
		return apiError("channel_not_found")
	}
	blocks, errBody := content(f)
	if errBody != nil {
		return errBody
	}
	var metadata json.RawMessage
	if raw := f.Get("metadata"); raw != "" {
		var obj map[string]any
		if json.Unmarshal([]byte(raw), &obj) != nil {
			return apiError("invalid_metadata_format")
		}
		metadata = json.RawMessage(raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &message{
		Type: "message", User: BotUserID, BotID: BotID, Text: f.Get("text"), TS: s.nextTSLocked(),
		ThreadTS: f.Get("thread_ts"), Blocks: blocks, Metadata: metadata,
		broadcast: f.Get("reply_broadcast") == "true",
	}
	if m.ThreadTS != "" {
		// Like Slack, a thread's parent counts its replies in history.
		for i, parent := range s.history[channel] {
			if parent.TS == m.ThreadTS {
				p := *parent // copy: earlier responses may still be encoding the old one
				p.ReplyCount++
				s.history[channel][i] = &p
			}
		}
	}
	s.history[channel] = append(s.history[channel], m)
	if n := len(s.history[channel]) - s.maxPosts; s.maxPosts > 0 && n > 0 {
		s.history[channel] = dropOldest(s.history[channel], n)
	}
	s.recordLocked(Post{
		Method: "chat.postMessage", Channel: channel, ThreadTS: m.ThreadTS, TS: m.TS,
		Text: m.Text, Blocks: blocks, Metadata: metadata,
	})
	return map[string]any{"ok": true, "channel": channel, "ts": m.TS, "message": m}
}

func (s *Server) postEphemeral(r *http.Request) any {
	f := r.Form
	channel, user := f.Get("channel"), f.Get("user")
	if channel == "" {
		return apiError("channel_not_found")
	}
	if user == "" {
		return apiError("user_not_found")
	}
	blocks, errBody := content(f)
	if errBody != nil {
		return errBody
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	s.recordLocked(Post{
		Method: "chat.postEphemeral", Channel: channel, User: user, ThreadTS: f.Get("thread_ts"),
		TS: ts, Text: f.Get("text"), Blocks: blocks,
	})
	return map[string]any{"ok": true, "message_ts": ts}
}

// update edits a message chat.postMessage posted; like Slack, it cannot
// reach ephemeral messages.
func (s *Server) update(r *http.Request) any {
	f := r.Form
	channel, ts := f.Get("channel"), f.Get("ts")
	if channel == "" {
		return apiError("channel_not_found")
	}
	blocks, errBody := content(f)
	if errBody != nil {
		return errBody
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := -1
	for j, m := range s.history[channel] {
		if m.TS == ts {
			i = j
		}
	}
	if i < 0 {
		return apiError("message_not_found")
	}
	m := *s.history[channel][i] // copy: earlier responses may still be encoding the old one
	m.Text, m.Blocks = f.Get("text"), blocks
	s.history[channel][i] = &m
	s.recordLocked(Post{Method: "chat.update", Channel: channel, ThreadTS: m.ThreadTS, TS: ts, Text: m.Text, Blocks: blocks})
	return map[string]any{"ok": true, "channel": channel, "ts": ts, "text": m.Text, "message": &m}
}

// conversationsHistory serves conversations.history. Like Slack it lists the channel's
// top-level messages (thread replies only if broadcast), newest first,
// between oldest and latest (exclusive unless inclusive is set).
func (s *Server) conversationsHistory(r *http.Request) any {
	f := r.Form
	channel := f.Get("channel")
	if channel == "" {
		return apiError("channel_not_found")
	}
	limit := 100
	if n, err := strconv.Atoi(f.Get("limit")); err == nil && n > 0 {
		limit = min(n, 999)
	}
	inclusive := isTrue(f.Get("inclusive"))
	withMetadata := isTrue(f.Get("include_all_metadata"))
	oldest, latest := tsMicros(f.Get("oldest")), int64(1<<62)
	if v := f.Get("latest"); v != "" {
		latest = tsMicros(v)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var msgs []message
	list := s.history[channel]
	for i := len(list) - 1; i >= 0; i-- {
		m := *list[i]
		t := tsMicros(m.TS)
		if t < oldest || t > latest || !inclusive && (t == oldest || t == latest) {
			continue
		}
		if m.ThreadTS != "" && m.ThreadTS != m.TS && !m.broadcast {
			continue
		}
		if !withMetadata {
			m.Metadata = nil
		}
		msgs = append(msgs, m)
	}
	msgs, next := page(msgs, f.Get("cursor"), limit)
	if msgs == nil {
		msgs = []message{}
	}
	return map[string]any{"ok": true, "messages": msgs, "has_more": next != "", "pin_count": 0, "response_metadata": map[string]any{"next_cursor": next}}
}

// conversationsReplies serves conversations.replies: the thread of ts in the
// channel, its parent first (when the fake has it), oldest first, with
// metadata when include_all_metadata is set. A ts with no message and no
// replies is thread_not_found, as Slack says.
func (s *Server) conversationsReplies(r *http.Request) any {
	f := r.Form
	channel, ts := f.Get("channel"), f.Get("ts")
	if channel == "" {
		return apiError("channel_not_found")
	}
	withMetadata := isTrue(f.Get("include_all_metadata"))
	limit := 1000
	if n, err := strconv.Atoi(f.Get("limit")); err == nil && n > 0 {
		limit = min(n, 1000)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var thread []message
	for _, m := range s.history[channel] {
		if m.TS != ts && m.ThreadTS != ts {
			continue
		}
		c := *m
		if !withMetadata {
			c.Metadata = nil
		}
		thread = append(thread, c)
	}
	if len(thread) == 0 {
		return apiError("thread_not_found")
	}
	msgs, next := page(thread, f.Get("cursor"), limit)
	return map[string]any{"ok": true, "messages": msgs, "has_more": next != "", "response_metadata": map[string]any{"next_cursor": next}}
}

// page is one page of msgs (a thread oldest first, a channel's history
// newest first), as Slack pages them: limit messages from the cursor (the
// ts of the first one, opaque to callers), and the cursor of the next page,
// "" at the end.
func page(msgs []message, cursor string, limit int) ([]message, string) {
	from := 0
	if raw, err := base64.StdEncoding.DecodeString(cursor); err == nil && cursor != "" {
		at := strings.TrimPrefix(string(raw), "next_ts:")
		from = len(msgs)
		if i := slices.IndexFunc(msgs, func(m message) bool { return m.TS == at }); i >= 0 {
			from = i
		}
	}
	to := min(from+limit, len(msgs))
	if to == len(msgs) {
		return msgs[from:to], ""
	}
	return msgs[from:to], base64.StdEncoding.EncodeToString([]byte("next_ts:" + msgs[to].TS))
}

// viewsPublish serves views.publish: a Home tab view for a user, its blocks
// checked like a message's, recorded as a Post with Method views.publish and
// User the user.
func (s *Server) viewsPublish(r *http.Request) any {
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string          `json:"type"`
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	body := []byte(r.Form.Get("view"))
	if len(body) > 0 { // form-encoded: user_id and view
		req.UserID = r.Form.Get("user_id")
		if err := json.Unmarshal(body, &req.View); err != nil {
			return apiError("invalid_arguments")
		}
	} else if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return apiError("invalid_arguments")
	}
	if req.UserID == "" || req.View.Type != "home" {
		return apiError("invalid_arguments")
	}
	if _, err := validateBlocks(req.View.Blocks); err != nil {
		return apiError(err.code, err.detail)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(Post{Method: "views.publish", User: req.UserID, Blocks: req.View.Blocks})
	return map[string]any{"ok": true, "view": map[string]any{"id": "V1", "type": "home"}}
}

func isTrue(v string) bool { return v == "1" || v == "true" }
