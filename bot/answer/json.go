package answer

import (
	"encoding/json"

	"hearingbot/content"
)

// The --json protocol (PRODUCT.md, "Contracts"). Fields may be added, never
// renamed or removed: scripts rely on them.
type jsonResponse struct {
	Question    string       `json:"question"`
	Answers     []jsonAnswer `json:"answers"`
	People      []jsonPerson `json:"people"`
	Abstained   bool         `json:"abstained"`
	Uncertain   bool         `json:"uncertain,omitempty"`  // the closest passages, in related, may not answer it
	Confidence  float64      `json:"confidence,omitempty"` // the judge's probability that the passages found answer it
	More        int          `json:"more,omitempty"`
	Rest        []jsonAnswer `json:"rest,omitempty"` // the statements a recap leaves out, in the summary's order
	Missing     []string     `json:"missing,omitempty"`
	NotCredited []string     `json:"not_credited,omitempty"`
	NotIn       []string     `json:"not_in,omitempty"`
	Related     []jsonAnswer `json:"related,omitempty"`
	Suggestions []string     `json:"suggestions,omitempty"`
	Cut         bool         `json:"cut,omitempty"`      // only the first MaxQuestion characters were read
	Resolved    string       `json:"resolved,omitempty"` // a follow-up, as the question it was taken as
	Chat        string       `json:"chat,omitempty"`     // "greeting", "help" or "thanks": the message asked nothing of the hearing
	Context     *Context     `json:"context,omitempty"`  // for a follow-up: pass back with --context
	Error       string       `json:"error,omitempty"`
}

type jsonAnswer struct {
	Excerpt      string   `json:"excerpt"`
	Section      string   `json:"section"`
	SectionTitle string   `json:"section_title"`
	Speakers     []string `json:"speakers"`
	Participants bool     `json:"participants"`
	Kind         string   `json:"kind"`
	Highlights   [][2]int `json:"highlights"`        // UTF-8 byte ranges of excerpt
	Clipped      bool     `json:"clipped,omitempty"` // the excerpt is the part of its sentence that names the person asked about
}

type jsonPerson struct {
	Name         string     `json:"name"`
	Honorific    string     `json:"honorific"`
	Title        string     `json:"title"`
	Organization string     `json:"organization"`
	Role         string     `json:"role,omitempty"`
	Sections     []string   `json:"sections"`
	Roles        []jsonRole `json:"roles"`
}

type jsonRole struct {
	Section      string `json:"section"`
	SectionTitle string `json:"section_title"`
	Role         string `json:"role"`
}

// MarshalJSON writes the response in the --json protocol.
func (r Response) MarshalJSON() ([]byte, error) {
	out := jsonResponse{Question: r.Question, Answers: []jsonAnswer{}, People: []jsonPerson{}, Abstained: r.Abstained() && !r.Uncertain, Uncertain: r.Uncertain, Confidence: r.Confidence,
		More: r.More, Missing: r.Missing, NotCredited: append(fullNames(r.NotCredited), unheard(r.Unheard)...), NotIn: segmentIDs(r.NotIn), Suggestions: r.Suggestions, Cut: r.Cut, Resolved: r.Resolved, Chat: r.Chat.String()}
	if c := r.Context(); len(c.People)+len(c.Segments)+len(c.Shown) > 0 {
		out.Context = &c
	}
	if r.Abstained() {
		out.Missing = append([]string{}, r.Missing...) // always present on an abstention, maybe empty
	}
	for _, x := range r.Excerpts {
		out.Answers = append(out.Answers, answerJSON(x))
	}
	for _, x := range r.Related {
		out.Related = append(out.Related, answerJSON(x))
	}
	for _, x := range r.Rest {
		out.Rest = append(out.Rest, answerJSON(x))
	}
	for _, c := range r.People {
		out.People = append(out.People, personJSON(c.Person))
	}
	return json.Marshal(out)
}

func answerJSON(x Excerpt) jsonAnswer {
	a := jsonAnswer{
		Excerpt: x.Text, Section: x.Segment.ID, SectionTitle: x.Segment.Title,
		Speakers: fullNames(x.Speakers), Participants: x.Participants, Kind: string(x.Kind),
		Highlights: [][2]int{}, Clipped: x.Clipped(),
	}
	for _, h := range x.Highlights {
		a.Highlights = append(a.Highlights, [2]int{h.Start, h.End})
	}
	return a
}

// ErrorJSON is the protocol's line for a question that got no answer because
// of an error (such as an empty line): the question, nothing found, and why.
func ErrorJSON(question string, err error) ([]byte, error) {
	return json.Marshal(jsonResponse{Question: question, Answers: []jsonAnswer{}, People: []jsonPerson{}, Abstained: true, Error: err.Error()})
}

func personJSON(p *content.Person) jsonPerson {
	j := jsonPerson{Name: p.Name, Honorific: p.Honorific, Title: p.Title, Organization: p.Organization,
		Role: p.Role, Sections: []string{}, Roles: []jsonRole{}}
	for _, r := range p.Roles {
		j.Sections = append(j.Sections, r.Segment.ID)
		j.Roles = append(j.Roles, jsonRole{Section: r.Segment.ID, SectionTitle: r.Segment.Title, Role: r.Role})
	}
	return j
}

func segmentIDs(segments []*content.Segment) []string {
	var out []string
	for _, s := range segments {
		out = append(out, s.ID)
	}
	return out
}

func fullNames(people []*content.Person) []string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.Name
	}
	return out
}

// unheard lists who a question asks the words of, when the summary credits
// them with nothing.
func unheard(who string) []string {
	if who == "" {
		return nil
	}
	return []string{who}
}
