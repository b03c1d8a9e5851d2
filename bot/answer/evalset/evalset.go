// Package evalset reads evaluation sets and scores the answer engine on
// them with the figures of the team's scorer, score.py (the README's
// quality tables): how often an answer holds what it should, declines what
// the summary does not say, credits the right speaker and quotes the summary
// word for word. Each question is answered through the JSON protocol (the
// answer's --json), as score.py reads it, so the figures are score.py's.
//
// A set is a JSON Lines file, one object a line; blank lines are skipped. A
// question:
//
//	{"id": "d12", "q": "Who moderated the first panel?", "kind": "person",
//	 "expect": ["Ilias Chatzis"], "paraphrase": false, "speaker": "", "tag": "role"}
//
// kind is "passage" (one of the first three excerpts must hold one of the
// expect phrases), "person" (one of the first three cards' full names or
// excerpts must) or "none" (the summary does not answer it: the answer must
// be declined, related passages allowed). paraphrase marks a question worded
// unlike the summary; speaker, a full name the excerpt that holds the phrase
// must credit; id names the question in the misses; tag is free. Phrases are
// compared as score.py compares them: Unicode NFC, no ** markup, straight
// quotes, single spaces, lower case.
//
// A conversation is a line with two turns in place of a question, each
// shaped like one; the second is asked in the first answer's thread, as a
// follow-up, and is the one judged:
//
//	{"id": "cd01", "turns": [{"q": "who moderated the first panel?", "kind": "person", "expect": ["Ilias Chatzis"]},
//	                         {"q": "and the second one?", "kind": "person", "expect": ["Michelle Leighton"]}]}
package evalset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"hearingbot/bot/answer"
)

// Question is one question of a set and what its answer must hold.
type Question struct {
	ID         string   `json:"id"`
	Q          string   `json:"q"`
	Kind       string   `json:"kind"` // passage, person or none
	Expect     []string `json:"expect"`
	Paraphrase bool     `json:"paraphrase"`
	Speaker    string   `json:"speaker"`
	Tag        string   `json:"tag"`
}

// Conversation is a question and the follow-up asked after its answer.
type Conversation struct {
	ID    string     `json:"id"`
	Tag   string     `json:"tag"`
	Turns []Question `json:"turns"`
}

// Set is what a file holds: its questions and its conversations, each in
// the file's order.
type Set struct {
	Questions     []Question
	Conversations []Conversation
}

// Load reads the set in the file at path; see Read.
func Load(path string) (Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return Set{}, err
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return Set{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// LinesError lists the lines of a set that cannot be scored, each with its
// number and what is wrong ("line 3: kind \"pasage\" is not passage,
// person or none").
type LinesError []string

// Error lists the lines, one a line.
func (e LinesError) Error() string { return strings.Join(e, "\n") }

// Read reads a set. A line that is not a question or a two-turn
// conversation is a LinesError, which lists them all.
func Read(r io.Reader) (Set, error) {
	var s Set
	var problems LinesError
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var row struct {
			Question
			Turns []Question `json:"turns"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			problems = append(problems, fmt.Sprintf("line %d: not a JSON object: %v", n, err))
			continue
		}
		if row.Turns == nil {
			if p := row.Question.problem(); p != "" {
				problems = append(problems, fmt.Sprintf("line %d: %s", n, p))
			}
			s.Questions = append(s.Questions, row.Question)
			continue
		}
		if len(row.Turns) != 2 {
			problems = append(problems, fmt.Sprintf("line %d: a conversation has two turns, not %d", n, len(row.Turns)))
		}
		for i, t := range row.Turns {
			if p := t.problem(); p != "" {
				problems = append(problems, fmt.Sprintf("line %d, turn %d: %s", n, i+1, p))
			}
		}
		s.Conversations = append(s.Conversations, Conversation{ID: row.ID, Tag: row.Tag, Turns: row.Turns})
	}
	if err := sc.Err(); err != nil {
		return Set{}, err
	}
	if len(problems) > 0 {
		return Set{}, problems
	}
	return s, nil
}

// problem says what keeps q from being scored, or "".
func (q Question) problem() string {
	switch {
	case strings.TrimSpace(q.Q) == "":
		return `no question ("q")`
	case q.Kind != "passage" && q.Kind != "person" && q.Kind != "none":
		return fmt.Sprintf(`kind %q is not passage, person or none`, q.Kind)
	case q.Kind != "none" && len(q.Expect) == 0:
		return `nothing expected ("expect") of a question the summary answers`
	}
	return ""
}

// Share is N out of Of.
type Share struct{ N, Of int }

// Percent is the share in percent; 0 of nothing.
func (s Share) Percent() float64 {
	if s.Of == 0 {
		return 0
	}
	return 100 * float64(s.N) / float64(s.Of)
}

// String is the share as score.py prints it: "96.1%", or "n/a" of nothing.
func (s Share) String() string {
	if s.Of == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", s.Percent())
}

// Figures are score.py's figures for a set's questions.
type Figures struct {
	Top1      Share // answerable questions whose first answer (card or excerpt) holds an expected phrase or name
	Top3      Share // answerable questions one of whose first three answers holds one
	FoundTop3 Share // the same, or one of the first three related passages holds one
	// ParaphraseTop1 and ParaphraseTop3 are Top1 and Top3 of the
	// questions worded unlike the summary.
	ParaphraseTop1, ParaphraseTop3 Share
	Abstain                        Share // unanswerable questions given no excerpt or card
	Wrong                          Share // questions whose first answer is not a right one, or that should have been declined
	Speaker                        Share // questions with a speaker whose excerpt holding the phrase credits them
	Verbatim                       Share // excerpts that stand word for word in the summary
	FalseAbstain                   int   // answerable questions given no excerpt or card
	// Misses say which questions fell short, one a line, in the set's order,
	// as score.py words them ("d18 missed: Q", "d64 should abstain: Q",
	// "d03 speaker NAME not credited: Q"), and, which score.py does not
	// list, the answerable questions found in the first three answers but
	// not first ("d07 not first: Q").
	Misses []string
}

// Score answers each question through the JSON protocol and returns the
// figures. It fails only when the engine does.
func Score(ctx context.Context, e *answer.Engine, questions []Question) (Figures, error) {
	var f Figures
	source := normal(e.Hearing().Source)
	for _, q := range questions {
		r, err := e.Ask(ctx, q.Q)
		if err != nil {
			return Figures{}, fmt.Errorf("evalset: %s: %w", q.ID, err)
		}
		rep, err := protocol(r)
		if err != nil {
			return Figures{}, err
		}
		for _, a := range rep.Answers {
			f.Verbatim.Of++
			if a.Excerpt != "" && strings.Contains(source, normal(a.Excerpt)) {
				f.Verbatim.N++
			}
		}
		v := verdict(q, rep)
		f.Wrong.Of++
		if v.wrong {
			f.Wrong.N++
		}
		if q.Kind == "none" {
			f.Abstain.Of++
			if v.right {
				f.Abstain.N++
			} else {
				f.Misses = append(f.Misses, q.ID+" should abstain: "+q.Q)
			}
			continue
		}
		count(&f.Top1, v.first)
		count(&f.Top3, v.right)
		count(&f.FoundTop3, v.found)
		if q.Paraphrase {
			count(&f.ParaphraseTop1, v.first)
			count(&f.ParaphraseTop3, v.right)
		}
		if v.declined {
			f.FalseAbstain++
		}
		switch {
		case !v.right:
			f.Misses = append(f.Misses, q.ID+" missed: "+q.Q)
		case !v.first:
			f.Misses = append(f.Misses, q.ID+" not first: "+q.Q)
		}
		if q.Speaker != "" {
			count(&f.Speaker, v.credited)
			if !v.credited {
				f.Misses = append(f.Misses, q.ID+" speaker "+q.Speaker+" not credited: "+q.Q)
			}
		}
	}
	return f, nil
}

func count(s *Share, yes bool) {
	s.Of++
	if yes {
		s.N++
	}
}

// Followed are the figures of a set's conversations: how often the answer
// to the second turn is right and how often wrong, as Figures judge a
// question (right: declined for "none", else an expected phrase or name in
// the first three answers; wrong: answered for "none", else a first answer
// without one). An answer can be neither: the summary answers it, and the
// engine declined.
type Followed struct {
	Right, Wrong Share
	// Misses say which conversations' second turn was not right, one a
	// line: "cd04 missed: what's his job? (after: who is Michelle Leighton?)",
	// or "should abstain".
	Misses []string
}

// ScoreConversations asks each conversation's first turn, then its second
// as a follow-up of the first answer, and judges the second answer. Each
// conversation must have two turns, as Read ensures. It fails only when the
// engine does.
func ScoreConversations(ctx context.Context, e *answer.Engine, conversations []Conversation) (Followed, error) {
	var f Followed
	for _, c := range conversations {
		first, second := c.Turns[0], c.Turns[1]
		r, err := e.Ask(ctx, first.Q)
		if err != nil {
			return Followed{}, fmt.Errorf("evalset: %s: %w", c.ID, err)
		}
		if r, err = e.FollowUp(ctx, second.Q, r.Context()); err != nil {
			return Followed{}, fmt.Errorf("evalset: %s: %w", c.ID, err)
		}
		rep, err := protocol(r)
		if err != nil {
			return Followed{}, err
		}
		v := verdict(second, rep)
		count(&f.Right, v.right)
		count(&f.Wrong, v.wrong)
		switch {
		case !v.right && second.Kind == "none":
			f.Misses = append(f.Misses, c.ID+" should abstain: "+second.Q+" (after: "+first.Q+")")
		case !v.right:
			f.Misses = append(f.Misses, c.ID+" missed: "+second.Q+" (after: "+first.Q+")")
		}
	}
	return f, nil
}

// reply is an answer as the JSON protocol gives it: the fields scoring reads.
type reply struct {
	Answers []struct {
		Excerpt  string   `json:"excerpt"`
		Speakers []string `json:"speakers"`
	} `json:"answers"`
	People []struct {
		Name string `json:"name"`
	} `json:"people"`
	Related []struct {
		Excerpt string `json:"excerpt"`
	} `json:"related"`
}

// protocol is r as a script reading its JSON sees it.
func protocol(r answer.Response) (reply, error) {
	var rep reply
	b, err := json.Marshal(r)
	if err == nil {
		err = json.Unmarshal(b, &rep)
	}
	if err != nil {
		return reply{}, fmt.Errorf("evalset: the answer's JSON: %w", err)
	}
	return rep, nil
}

// judged is what score.py decides of one answer to one question.
type judged struct {
	declined bool // no excerpt and no card
	right    bool // declined for "none"; else an expected phrase in the first three answers
	wrong    bool // answered for "none"; else a first answer without one
	first    bool // the first answer holds one
	found    bool // one of the first three answers or related passages holds one
	credited bool // the first of the first three excerpts holding one credits the speaker
}

// verdict judges rep as an answer to q, as score.py does. A person
// question's answers are its cards' names and its excerpts, the first three
// of each; its first answer is the first card, or without cards the first
// excerpt. A passage question's are its first three excerpts.
func verdict(q Question, rep reply) judged {
	v := judged{declined: len(rep.Answers) == 0 && len(rep.People) == 0}
	if q.Kind == "none" {
		v.right, v.wrong = v.declined, !v.declined
		return v
	}
	expect := make([]string, len(q.Expect))
	for i, x := range q.Expect {
		expect[i] = normal(x)
	}
	hit := func(text string) bool {
		text = normal(text)
		return slices.ContainsFunc(expect, func(x string) bool { return strings.Contains(text, x) })
	}
	var ranked []string
	if q.Kind == "person" {
		for _, p := range rep.People[:min(3, len(rep.People))] {
			ranked = append(ranked, p.Name)
		}
	}
	first := ""
	if len(ranked) > 0 {
		first = ranked[0]
	}
	for _, a := range rep.Answers[:min(3, len(rep.Answers))] {
		ranked = append(ranked, a.Excerpt)
		if first == "" {
			first = a.Excerpt
		}
	}
	v.first = hit(first)
	v.right = slices.ContainsFunc(ranked, hit)
	v.wrong = first != "" && !v.first
	v.found = v.right || slices.ContainsFunc(rep.Related[:min(3, len(rep.Related))], func(a struct {
		Excerpt string `json:"excerpt"`
	}) bool {
		return hit(a.Excerpt)
	})
	if q.Speaker != "" {
		i := slices.IndexFunc(rep.Answers[:min(3, len(rep.Answers))], func(a struct {
			Excerpt  string   `json:"excerpt"`
			Speakers []string `json:"speakers"`
		}) bool {
			return hit(a.Excerpt)
		})
		v.credited = i >= 0 && slices.Contains(rep.Answers[i].Speakers, q.Speaker)
	}
	return v
}

var space = regexp.MustCompile(`\s+`)

// normal is score.py's norm: NFC, no emphasis markup, straight quotes,
// single spaces, lower case.
func normal(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(s), "**", "")
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`).Replace(s)
	return strings.ToLower(strings.TrimSpace(space.ReplaceAllString(s, " ")))
}
