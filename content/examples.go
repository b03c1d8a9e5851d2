package content

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Example is a question of the question bank and the unit of the hearing
// that answers it: a sentence, a person (their card) or a segment as a whole
// (a recap). An example with none of the three is a question the summary
// does not answer.
type Example struct {
	Question string
	Sentence *Sentence
	Person   *Person
	Segment  *Segment
}

// Unanswerable reports whether the summary does not answer the example.
func (x Example) Unanswerable() bool { return x.Sentence == nil && x.Person == nil && x.Segment == nil }

// Target is the id of what answers the example ("panel-2.4", "jochem-de-boer",
// "panel-2"), or "" when nothing does.
func (x Example) Target() string {
	switch {
	case x.Sentence != nil:
		return x.Sentence.ID
	case x.Person != nil:
		return x.Person.ID
	case x.Segment != nil:
		return x.Segment.ID
	}
	return ""
}

// examplesFile is examples.yaml: questions under the id of what answers them.
type examplesFile struct {
	Sentences    map[string][]string `yaml:"sentences"`
	People       map[string][]string `yaml:"people"`
	Segments     map[string][]string `yaml:"segments"`
	Unanswerable []string            `yaml:"unanswerable"`
}

// examplesList resolves the bank's ids, in a fixed order (sentences, people
// and segments in the hearing's order, then the unanswerable questions), and
// reports unknown ids, empty questions and a question given twice.
func (b *builder) examplesList(h *Hearing) []Example {
	var out []Example
	seen := map[string]string{} // folded question: where it was first given
	add := func(where string, questions []string, x Example) {
		for _, q := range questions {
			key := foldQuestion(q)
			if key == "" {
				b.errorf("%s: %s: an empty question", ExamplesFile, where)
				continue
			}
			if first, ok := seen[key]; ok {
				b.errorf("%s: %s: %q is given twice (first under %s)", ExamplesFile, where, q, first)
				continue
			}
			seen[key] = where
			x.Question = strings.TrimSpace(q)
			out = append(out, x)
		}
	}
	f := b.examples
	for _, id := range unknownIDs(f.Sentences, func(id string) bool { return h.Sentence(id) != nil }) {
		b.errorf("%s: sentences: %q: no such sentence (ids are a segment's id and the sentence's place in it: %q)", ExamplesFile, id, h.Sentences[len(h.Sentences)-1].ID)
	}
	for _, id := range unknownIDs(f.People, func(id string) bool { return h.Person(id) != nil }) {
		b.errorf("%s: people: %q: no such person", ExamplesFile, id)
	}
	for _, id := range unknownIDs(f.Segments, func(id string) bool { return h.Segment(id) != nil }) {
		b.errorf("%s: segments: %q: no such segment", ExamplesFile, id)
	}
	for _, s := range h.Sentences {
		add("sentences."+s.ID, f.Sentences[s.ID], Example{Sentence: s})
	}
	for _, p := range h.People {
		add("people."+p.ID, f.People[p.ID], Example{Person: p})
	}
	for _, s := range h.Segments {
		add("segments."+s.ID, f.Segments[s.ID], Example{Segment: s})
	}
	add("unanswerable", f.Unanswerable, Example{})
	return out
}

// unknownIDs returns, sorted, the keys of m that known rejects.
func unknownIDs(m map[string][]string, known func(string) bool) []string {
	var out []string
	for id := range m {
		if !known(id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// foldQuestion is a question as the bank compares questions: lower case,
// letters and digits only, single spaces.
func foldQuestion(q string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// Unexampled returns the sentences that state something (statements and
// narrative) and have no example in the bank, in the summary's order; nil
// when the hearing has no bank at all.
func (h *Hearing) Unexampled() []*Sentence {
	if len(h.Examples) == 0 {
		return nil
	}
	has := map[*Sentence]bool{}
	for _, x := range h.Examples {
		has[x.Sentence] = true
	}
	var out []*Sentence
	for _, s := range h.Sentences {
		if (s.Kind == Statement || s.Kind == Narrative) && !has[s] {
			out = append(out, s)
		}
	}
	return out
}

// String is the example as check and tests show it: the question and its target.
func (x Example) String() string {
	t := x.Target()
	if t == "" {
		t = "unanswerable"
	}
	return fmt.Sprintf("%q → %s", x.Question, t)
}
