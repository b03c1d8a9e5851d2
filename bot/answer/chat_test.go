package answer

import (
	"context"
	"testing"
)

// TestChat: greetings, calls for help and thanks are read as such, and a
// question that starts with one, or uses their words, stays a question.
func TestChat(t *testing.T) {
	for text, want := range map[string]Chat{
		"hi": Greeting, "Hello there!": Greeting, "good morning": Greeting, "hey bot": Greeting, "<@U1> hiya": Greeting,
		"how are you?": Greeting,
		"help":         Help, "what can you do?": Help, "hi, what can you do?": Help, "Who are you?": Help, "HELP": Help,
		"thanks": Thanks, "thank you so much!": Thanks, "ok 👍": Thanks, "hi, thanks": Thanks, "good": Thanks,
		"hi, who moderated the first panel?":  NoChat,
		"help for victims of trafficking":     NoChat,
		"what help do migrants get":           NoChat,
		"good practices on regularisation":    NoChat,
		"morning session":                     NoChat,
		"who is the bot that answers":         NoChat,
		"thanks to whom was the hearing held": NoChat,
	} {
		if got := ChatOf(text); got != want {
			t.Errorf("ChatOf(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestChatIsAnsweredAsChat: "hi" gets a greeting and questions to try, not
// "the summary does not cover hi"; "help" is not a passage about help.
func TestChatIsAnsweredAsChat(t *testing.T) {
	e := engine(t)
	for _, q := range []string{"hi", "help", "thanks"} {
		r, err := e.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Chat == NoChat || len(r.Excerpts) > 0 || len(r.Related) > 0 || r.Hedge() == "" || len(r.Examples) < 3 {
			t.Errorf("%q: chat %q, %d excerpts, %d related, hedge %q, %d examples", q, r.Chat, len(r.Excerpts), len(r.Related), r.Hedge(), len(r.Examples))
		}
	}
}
