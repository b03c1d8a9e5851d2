// Package content holds the hearing as Go types: the summary's verbatim text,
// its segments, its people, who the summary credits with each sentence, and the
// domain vocabulary that bridges how people ask and how the summary speaks.
//
// The hearing is loaded from a folder (Load) or from the copy embedded in the
// binary (Default). Loading validates everything; a Hearing that loaded is
// internally consistent and every text it holds is verbatim summary text.
// A loaded Hearing is read-only and safe for concurrent use.
package content

import (
	"strings"
	"time"
)

// Hearing is one hearing: its metadata, people, segments and sentences.
type Hearing struct {
	Title      string
	Process    string
	Date       time.Time
	Place      string
	Resolution string

	// Source is the summary exactly as its file holds it; Text is the same
	// summary as plain text: emphasis markup removed, whitespace collapsed to
	// single spaces. Every Sentence is a substring of Text.
	Source string
	Text   string

	People     []*Person
	Segments   []*Segment
	Sentences  []*Sentence // all sentences, in summary order
	Vocabulary Vocabulary
	Themes     []*Theme // the digest's themes, in rotation order; may be empty
	// Examples are the question bank: questions people ask and the unit of
	// the hearing that answers each, or none; may be empty.
	Examples []Example
	// Judge is the answer judge's fitted models, from the bank; nil without
	// a judge.json (a hearing without a bank is then judged by the embedded
	// hearing's judge for hearings without one, Judge.Alone).
	Judge *Judge
	// Bridge links everyday words to the hearing's terms; may be empty.
	Bridge []Link
	// Generic are everyday words, lower case, too common or too much about
	// how rather than what to be what a question is about ("doctors",
	// "still"); may be empty.
	Generic map[string]bool
	// CommonNouns are the Generic words that mostly name things ("student",
	// "farm"): placed before a word the summary has, one changes what it
	// means ("student visas").
	CommonNouns map[string]bool
}

// Theme is one of the hearing's main themes, for the daily digest.
type Theme struct {
	ID          string
	Title       string
	Description string   // one line
	Words       []string // any one of these puts a sentence on the theme
	Related     []string // these count half: a sentence needs two, or one and a word
}

// Theme returns the theme with the id, or nil.
func (h *Hearing) Theme(id string) *Theme {
	for _, t := range h.Themes {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Kind says what a sentence does.
type Kind string

const (
	// Statement reports what someone said: it credits people or participants.
	Statement Kind = "statement"
	// Narrative tells what happened without crediting anyone with a statement.
	Narrative Kind = "narrative"
	// Introduction introduces people ("Panellists were ...") and credits no one.
	Introduction Kind = "introduction"
	// Heading is a title line of the summary.
	Heading Kind = "heading"
)

// Sentence is one sentence of the summary and its attribution.
type Sentence struct {
	ID      string // the segment's id and the sentence's place in it: "panel-2.4"
	Index   int    // position among Hearing.Sentences
	Text    string // verbatim plain text
	Start   int    // byte offset of Text in Hearing.Text
	Kind    Kind
	Segment *Segment

	// Speakers are the people the summary credits with the sentence, in the
	// order of the content file; Participants is true when the summary also (or
	// only) credits unnamed participants ("many speakers", the floor).
	Speakers     []*Person
	Participants bool
}

// Segment is one part of the hearing: the overview, the opening, a panel, an
// interactive segment, remarks, a regional discussion or the closing.
type Segment struct {
	ID         string
	Title      string
	Kind       string // overview, opening, panel, interactive, remarks, discussion, closing
	Number     int    // panel number, 0 when not a panel
	Parent     *Segment
	Aliases    []string
	Moderator  *Person
	Panellists []*Person
	Speakers   []*Person
	Sentences  []*Sentence
}

// Person is someone the summary names.
type Person struct {
	ID           string
	Name         string // full name without honorific, spelt as in the summary
	Honorific    string // "Mr.", "Ms.", "H.E. Mr."
	Title        string // may be empty: the summary gives none
	Organization string // may be empty
	Role         string // a role at the hearing beyond the segments, e.g. co-facilitator
	// OrgShort is the organisation's acronym or short name from the
	// vocabulary ("UNODC", "Fragomen"), "" when it has none.
	OrgShort string
	// Short is a short position for citations where the title is long and
	// the organisation has no acronym ("Secretary-General of the
	// Conference"), from hearing.yaml; "" when it needs none.
	Short   string
	Aliases []string
	Roles   []Role // derived from the segments, in segment order
	surname string // hearing.yaml's, where the last word of the name is not it
}

// Surname is what a short citation calls the person: hearing.yaml's
// surname ("Gómez Camacho"), or the last word of the name with the small
// words before it ("de Boer", "Swing").
func (p *Person) Surname() string {
	if p.surname != "" {
		return p.surname
	}
	words := strings.Fields(p.Name)
	i := len(words) - 1
	for i > 1 && words[i-1] == strings.ToLower(words[i-1]) {
		i--
	}
	return strings.Join(words[max(i, 0):], " ")
}

// Role is a person's part in one segment.
type Role struct {
	Segment *Segment
	Role    string // "moderator", "panellist" or "speaker"
}

// Label is the role as people read it: "Moderator", "Panellist" or "Speaker".
func (r Role) Label() string {
	switch r.Role {
	case "moderator":
		return "Moderator"
	case "panellist":
		return "Panellist"
	}
	return "Speaker"
}

// Vocabulary is the domain vocabulary, as written in vocabulary.yaml.
type Vocabulary struct {
	// Spellings maps a variant spelling (British) to the indexed form.
	Spellings map[string]string
	// Stems gives words a fixed index term that is not stemmed, for words
	// the stemmer would confuse with others.
	Stems map[string]string
	// Synonyms are groups of interchangeable words and phrases.
	Synonyms [][]string
	// Questions maps a question word ("where") to words that answer it.
	Questions map[string][]string
	// Ignore lists words that carry no topic in a question.
	Ignore []string
}

// Person returns the person with the given id, or nil.
func (h *Hearing) Person(id string) *Person {
	for _, p := range h.People {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Segment returns the segment with the given id, or nil.
func (h *Hearing) Segment(id string) *Segment {
	for _, s := range h.Segments {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Parts are the segments that are part of s, in the hearing's order: a
// panel's Q&A or regional discussions.
func (h *Hearing) Parts(s *Segment) []*Segment {
	var out []*Segment
	for _, x := range h.Segments {
		if x.Parent == s {
			out = append(out, x)
		}
	}
	return out
}

// Sentence returns the sentence with the given id ("panel-2.4"), or nil.
func (h *Hearing) Sentence(id string) *Sentence {
	for _, s := range h.Sentences {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Panel returns panel number n, or nil.
func (h *Hearing) Panel(n int) *Segment {
	for _, s := range h.Segments {
		if s.Kind == "panel" && s.Number == n {
			return s
		}
	}
	return nil
}

// Credits reports whether the sentence credits p.
func (s *Sentence) Credits(p *Person) bool {
	for _, sp := range s.Speakers {
		if sp == p {
			return true
		}
	}
	return false
}

// Line is the person's name and affiliation on one line: "Claire Falconer,
// Legal Director, Focus on Labour Exploitation", or the name alone.
func (p *Person) Line() string {
	if a := p.Affiliation(); a != "" {
		return p.Name + ", " + a
	}
	return p.Name
}

// Affiliation is the person's title and organisation as one phrase, as the
// summary puts them: "Legal Director of Focus on Labour Exploitation".
func (p *Person) Affiliation() string {
	switch {
	case p.Title == "":
		return p.Organization
	case p.Organization == "":
		return p.Title
	}
	return p.Title + ", " + p.Organization
}
