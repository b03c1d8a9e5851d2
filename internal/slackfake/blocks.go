package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits Slack enforces (slack-go does not).
const (
	maxBlocks          = 50
	maxTextLen         = 3000
	maxFieldLen        = 2000
	maxFields          = 10
	maxHeaderLen       = 150
	maxButtonTextLen   = 75
	maxButtonValueLen  = 2000
	maxURLLen          = 3000
	maxIDLen           = 255 // action_id and block_id
	maxContextElements = 10
	maxActionElements  = 25
)

// blockError is why Slack would refuse a message's blocks: code is the API
// error, detail a message in Slack's style naming the offending JSON pointer.
type blockError struct{ code, detail string }

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type block struct {
	Type      string            `json:"type"`
	BlockID   string            `json:"block_id"`
	Text      *textObject       `json:"text"`
	Fields    []textObject      `json:"fields"`
	Accessory json.RawMessage   `json:"accessory"`
	Elements  []json.RawMessage `json:"elements"`
}

// element is an interactive element: a button, select, overflow, ...
type element struct {
	Type     string      `json:"type"`
	ActionID string      `json:"action_id"`
	Text     *textObject `json:"text"`
	Value    string      `json:"value"`
	URL      string      `json:"url"`
}

// blockChecker validates one message's blocks and keeps the first error.
type blockChecker struct {
	actionIDs, blockIDs map[string]bool
	err                 *blockError
}

func (c *blockChecker) fail(ptr, format string, args ...any) {
	if c.err == nil {
		c.err = &blockError{"invalid_blocks", fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, ptr)...)}
	}
}

// validateBlocks checks a message's blocks as Slack does and returns how
// many there are.
func validateBlocks(raw []byte) (int, *blockError) {
	var blocks []json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return 0, &blockError{"invalid_blocks_format", "[ERROR] blocks must be a JSON array of blocks"}
	}
	c := &blockChecker{actionIDs: map[string]bool{}, blockIDs: map[string]bool{}}
	if len(blocks) > maxBlocks {
		c.fail("/blocks", "no more than %d items allowed", maxBlocks)
	}
	for i, b := range blocks {
		c.block(fmt.Sprintf("/blocks/%d", i), b)
	}
	return len(blocks), c.err
}

func (c *blockChecker) block(ptr string, raw json.RawMessage) {
	var b block
	if err := json.Unmarshal(raw, &b); err != nil {
		c.fail(ptr, "must be a block object")
		return
	}
	if b.BlockID != "" {
		c.id(ptr+"/block_id", b.BlockID, c.blockIDs)
	}
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			c.fail(ptr, "must provide either text or fields")
		}
		if b.Text != nil {
			c.text(ptr+"/text", *b.Text, maxTextLen, false)
		}
		if len(b.Fields) > maxFields {
			c.fail(ptr+"/fields", "no more than %d items allowed", maxFields)
		}
		for i, f := range b.Fields {
			c.text(fmt.Sprintf("%s/fields/%d", ptr, i), f, maxFieldLen, false)
		}
		if len(b.Accessory) > 0 {
			c.element(ptr+"/accessory", b.Accessory)
		}
	case "header":
		if b.Text == nil {
			c.fail(ptr, "missing required field: text")
			return
		}
		c.text(ptr+"/text", *b.Text, maxHeaderLen, true)
	case "context":
		c.count(ptr+"/elements", len(b.Elements), maxContextElements)
		for i, e := range b.Elements {
			p := fmt.Sprintf("%s/elements/%d", ptr, i)
			var t textObject
			if json.Unmarshal(e, &t) != nil {
				c.fail(p, "must be a text or image element")
			} else if t.Type != "image" {
				c.text(p, t, maxTextLen, false)
			}
		}
	case "actions":
		c.count(ptr+"/elements", len(b.Elements), maxActionElements)
		for i, e := range b.Elements {
			c.element(fmt.Sprintf("%s/elements/%d", ptr, i), e)
		}
	case "divider":
	default:
		c.fail(ptr+"/type", "unsupported block type %q", b.Type)
	}
}

func (c *blockChecker) count(ptr string, n, most int) {
	switch {
	case n == 0:
		c.fail(ptr, "must provide at least 1 item")
	case n > most:
		c.fail(ptr, "no more than %d items allowed", most)
	}
}

// text checks a text object; plainOnly is for fields that take plain_text only.
func (c *blockChecker) text(ptr string, t textObject, most int, plainOnly bool) {
	switch {
	case t.Type != "plain_text" && t.Type != "mrkdwn":
		c.fail(ptr+"/type", "unknown text object type %q", t.Type)
	case plainOnly && t.Type != "plain_text":
		c.fail(ptr+"/type", "must be plain_text")
	case t.Text == "":
		c.fail(ptr+"/text", "must be more than 0 characters")
	case utf8.RuneCountInString(t.Text) > most:
		c.fail(ptr+"/text", "must be less than %d characters", most+1)
	}
}

func (c *blockChecker) element(ptr string, raw json.RawMessage) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil || e.Type == "" {
		c.fail(ptr, "must be an element object")
		return
	}
	if e.ActionID != "" {
		c.id(ptr+"/action_id", e.ActionID, c.actionIDs)
	}
	if e.Type != "button" {
		return
	}
	if e.Text == nil {
		c.fail(ptr, "missing required field: text")
	} else {
		c.text(ptr+"/text", *e.Text, maxButtonTextLen, true)
	}
	if utf8.RuneCountInString(e.Value) > maxButtonValueLen {
		c.fail(ptr+"/value", "must be less than %d characters", maxButtonValueLen+1)
	}
	if utf8.RuneCountInString(e.URL) > maxURLLen {
		c.fail(ptr+"/url", "must be less than %d characters", maxURLLen+1)
	}
}

// id checks an action_id or block_id for length and uniqueness in the message.
func (c *blockChecker) id(ptr, id string, seen map[string]bool) {
	if utf8.RuneCountInString(id) > maxIDLen {
		c.fail(ptr, "must be less than %d characters", maxIDLen+1)
	}
	if seen[id] {
		c.fail(ptr, "non-unique id %q", id)
	}
	seen[id] = true
}
