package answer

import (
	"slices"
	"strings"
)

// Chat is a message that asks nothing of the hearing: a greeting, a call
// for help, thanks. Those are the first things people type to a bot, and
// are answered as a person would answer them, not from the summary ("help"
// is no question about the help migrants need).
type Chat int

const (
	NoChat   Chat = iota
	Greeting      // "hi", "hello there", "good morning"
	Help          // "help", "what can you do?"
	Thanks        // "thanks", "ok great 👍"
)

// String names the chat as the --json protocol does.
func (c Chat) String() string {
	return [...]string{"", "greeting", "help", "thanks"}[c]
}

// ChatOf reads a whole message as chat, or NoChat when it asks something:
// "hi, who moderated the first panel?" is a question. A greeting before help
// or thanks ("hi, what can you do?") is the help or the thanks.
func ChatOf(text string) Chat {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(Normalize(text))) {
		if w = strings.Trim(w, ".,;:!?¡¿…\"'()"); w != "" {
			words = append(words, w)
		}
	}
	if len(words) == 0 || len(words) > 6 {
		return NoChat
	}
	if thanks(words) { // "good", "ok", "thank you"
		return Thanks
	}
	greeted := false
	for len(words) > 0 && slices.Contains(greetingWords, words[0]) {
		greeted = greeted || !slices.Contains(addressWords, words[0])
		words = words[1:]
	}
	switch rest := strings.Join(words, " "); {
	case rest == "" && greeted, rest == "how are you", rest == "how are you doing":
		return Greeting
	case slices.Contains(helpPhrases, rest):
		return Help
	case rest != "" && thanks(words):
		return Thanks
	}
	return NoChat
}

func thanks(words []string) bool {
	return !slices.ContainsFunc(words, func(w string) bool { return !slices.Contains(thanksWords, w) })
}

var (
	// greetingWords open a message without asking anything; addressWords
	// among them only say whom it is for ("hey bot").
	greetingWords = []string{"hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "good", "morning", "afternoon",
		"evening", "there", "bonjour", "hola", "salut", "bot", "hearingbot", "all", "everyone", "folks", "team"}
	addressWords = []string{"good", "there", "bot", "hearingbot", "all", "everyone", "folks", "team"}
	helpPhrases  = []string{"help", "help me", "help please", "please help", "help?", "what can you do", "what do you do",
		"what can i ask", "what can i ask you", "what should i ask", "how does this work", "how do you work",
		"how do i use you", "how do i use this", "how to use", "commands", "usage", "what are you", "who are you",
		"what is this", "what's this", "what do you know"}
	// thanksWords only thank or agree.
	thanksWords = []string{"thanks", "thank", "you", "thx", "ty", "ok", "okay", "k", "great", "cool", "nice", "perfect",
		"got", "it", "cheers", "merci", "gracias", "good", "awesome", "👍", "🙏", "much", "a", "lot", "so", "many"}
)

// chatReply is the answer to chat: no passage, the examples to try.
func (e *Engine) chatReply(question string, c Chat) Response {
	return Response{Question: Normalize(question), Chat: c, Examples: e.Examples(), hearing: e.h.Title}
}
