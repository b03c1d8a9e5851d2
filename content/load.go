package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The files of a content folder.
const (
	HearingFile    = "hearing.yaml"
	VocabularyFile = "vocabulary.yaml"
	ThemesFile     = "themes.yaml"   // optional: without it there is no digest
	ExamplesFile   = "examples.yaml" // optional: the question bank
)

//go:embed hearing.yaml vocabulary.yaml themes.yaml examples.yaml judge.json bridge.tsv generic.txt summary.txt
var embedded embed.FS

// Embedded returns the content folder embedded in the binary, for Load.
func Embedded() fs.FS { return embedded }

// Default returns the hearing embedded in the binary. It panics if the
// embedded content does not validate, which the package tests rule out.
func Default() *Hearing {
	h, err := Load(embedded)
	if err != nil {
		panic("content: embedded hearing: " + err.Error())
	}
	return h
}

// LoadDir loads and validates the content folder dir.
func LoadDir(dir string) (*Hearing, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	return Load(os.DirFS(dir))
}

// Load reads hearing.yaml, vocabulary.yaml, themes.yaml (if there is one) and
// the summary they name from fsys, and validates them. The error lists every
// problem found, one a line.
func Load(fsys fs.FS) (*Hearing, error) {
	var f hearingFile
	if err := decode(fsys, HearingFile, &f); err != nil {
		return nil, err
	}
	var v vocabularyFile
	if err := decode(fsys, VocabularyFile, &v); err != nil {
		return nil, err
	}
	var t themesFile
	if _, err := fs.Stat(fsys, ThemesFile); err == nil {
		if err := decode(fsys, ThemesFile, &t); err != nil {
			return nil, err
		}
	}
	var x examplesFile
	if _, err := fs.Stat(fsys, ExamplesFile); err == nil {
		if err := decode(fsys, ExamplesFile, &x); err != nil {
			return nil, err
		}
	}
	if f.Hearing.Source == "" {
		return nil, fmt.Errorf("content: %s: hearing.source: missing (the summary's file name)", HearingFile)
	}
	src, err := fs.ReadFile(fsys, f.Hearing.Source)
	if err != nil {
		return nil, fmt.Errorf("content: %s: hearing.source: %w", HearingFile, err)
	}
	bridge, err := loadBridge(fsys)
	if err != nil {
		return nil, err
	}
	generic, nouns, err := loadGeneric(fsys)
	if err != nil {
		return nil, err
	}
	judge, err := loadJudge(fsys)
	if err != nil {
		return nil, err
	}
	b := builder{file: f, vocab: v, themes: t, examples: x, source: string(src)}
	h := b.build()
	if err := errors.Join(b.errs...); err != nil {
		return nil, fmt.Errorf("content: invalid:\n%w", err)
	}
	h.Bridge, h.Generic, h.CommonNouns, h.Judge = bridge, generic, nouns, judge
	for _, p := range h.People {
		p.OrgShort = shortName(p.Organization, h.Vocabulary.Synonyms)
	}
	return h, nil
}

// shortName is an organisation's acronym or short name: the shortest member,
// of at most maxShort characters and written as a name (no lower-case first
// letter), of the vocabulary group that holds the organisation's name; "" when
// there is none.
func shortName(org string, groups [][]string) string {
	const maxShort = 14
	if org == "" {
		return ""
	}
	best := ""
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(m string) bool { return strings.EqualFold(m, org) }) {
			continue
		}
		for _, m := range g {
			r := []rune(m)
			if len(r) <= maxShort && len(r) < len([]rune(org)) && unicode.IsUpper(r[0]) && (best == "" || len(r) < len([]rune(best))) {
				best = m
			}
		}
	}
	return best
}

func decode(fsys fs.FS, name string, into any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("content: %s: %w", name, err)
	}
	return nil
}

// The files' shapes. Field names are the YAML keys documented in README.md.
type hearingFile struct {
	Hearing struct {
		Title      string `yaml:"title"`
		Process    string `yaml:"process"`
		Date       string `yaml:"date"`
		Place      string `yaml:"place"`
		Resolution string `yaml:"resolution"`
		Source     string `yaml:"source"`
	} `yaml:"hearing"`
	People   []personFile  `yaml:"people"`
	Segments []segmentFile `yaml:"segments"`
}

type personFile struct {
	ID           string   `yaml:"id"`
	Name         string   `yaml:"name"`
	Honorific    string   `yaml:"honorific"`
	Title        string   `yaml:"title"`
	Organization string   `yaml:"organization"`
	Role         string   `yaml:"role"`
	Surname      string   `yaml:"surname"`
	Short        string   `yaml:"short"`
	Aliases      []string `yaml:"aliases"`
}

type segmentFile struct {
	ID         string         `yaml:"id"`
	Title      string         `yaml:"title"`
	Kind       string         `yaml:"kind"`
	Number     int            `yaml:"number"`
	Parent     string         `yaml:"parent"`
	Aliases    []string       `yaml:"aliases"`
	Moderator  string         `yaml:"moderator"`
	Panellists []string       `yaml:"panellists"`
	Speakers   []string       `yaml:"speakers"`
	Sentences  []sentenceFile `yaml:"sentences"`
}

type sentenceFile struct {
	Text   string   `yaml:"text"`
	Kind   string   `yaml:"kind"`
	Credit []string `yaml:"credit"`
}

type vocabularyFile struct {
	Spellings map[string]string   `yaml:"spellings"`
	Stems     map[string]string   `yaml:"stems"`
	Synonyms  [][]string          `yaml:"synonyms"`
	Questions map[string][]string `yaml:"questions"`
	Ignore    []string            `yaml:"ignore"`
}

type themesFile struct {
	Themes []themeFile `yaml:"themes"`
}

type themeFile struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Words       []string `yaml:"words"`
	Related     []string `yaml:"related"`
}

// Group words a credit may hold besides person ids.
const (
	creditPanellists   = "panellists"
	creditModerator    = "moderator"
	creditParticipants = "participants"
)

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	segmentKinds   = []string{"overview", "opening", "panel", "interactive", "remarks", "discussion", "closing"}
	honorifics     = []string{"Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "H.E. Mr.", "H.E. Ms.", "H.E. Mrs.", "H.E. Dr.", ""}
	whitespace     = regexp.MustCompile(`\s+`)
	sentenceKinds  = []Kind{Narrative, Introduction, Heading}
	emphasisMarkup = "**"
)

// builder turns the decoded files into a Hearing, collecting every problem.
type builder struct {
	file     hearingFile
	vocab    vocabularyFile
	themes   themesFile
	examples examplesFile
	source   string
	errs     []error
}

func (b *builder) errorf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format, args...))
}

// PlainText returns the summary as the plain text passages quote: emphasis
// markup removed and every run of whitespace collapsed to one space.
func PlainText(source string) string {
	s := strings.ReplaceAll(source, emphasisMarkup, "")
	return strings.TrimSpace(whitespace.ReplaceAllString(s, " "))
}

func (b *builder) build() *Hearing {
	f := b.file
	h := &Hearing{
		Title:      f.Hearing.Title,
		Process:    f.Hearing.Process,
		Place:      f.Hearing.Place,
		Resolution: f.Hearing.Resolution,
		Source:     b.source,
		Text:       PlainText(b.source),
	}
	if h.Title == "" {
		b.errorf("%s: hearing.title: missing", HearingFile)
	}
	if d, err := time.Parse(time.DateOnly, f.Hearing.Date); err != nil {
		b.errorf("%s: hearing.date: %q is not a date (YYYY-MM-DD)", HearingFile, f.Hearing.Date)
	} else {
		h.Date = d
	}
	b.people(h)
	b.segments(h)
	b.sentences(h)
	b.roles(h)
	h.Vocabulary = b.vocabulary()
	h.Themes = b.themesList()
	h.Examples = b.examplesList(h)
	return h
}

// maxThemeTitle is Slack's limit for a header, where a digest shows it.
const maxThemeTitle = 150

func (b *builder) themesList() []*Theme {
	var out []*Theme
	seen := map[string]bool{}
	for i, tf := range b.themes.Themes {
		where := fmt.Sprintf("%s: themes[%d]", ThemesFile, i)
		if !idPattern.MatchString(tf.ID) {
			b.errorf("%s: id %q: use lowercase words joined by hyphens", where, tf.ID)
		} else if seen[tf.ID] {
			b.errorf("%s: id %q: used twice", where, tf.ID)
		}
		seen[tf.ID] = true
		switch n := utf8.RuneCountInString(tf.Title); {
		case strings.TrimSpace(tf.Title) == "":
			b.errorf("%s (%s): title: missing", where, tf.ID)
		case n > maxThemeTitle:
			b.errorf("%s (%s): title: %d characters, at most %d", where, tf.ID, n, maxThemeTitle)
		}
		if strings.TrimSpace(tf.Description) == "" || strings.Contains(tf.Description, "\n") {
			b.errorf("%s (%s): description: must be one line of text", where, tf.ID)
		}
		if len(tf.Words) == 0 {
			b.errorf("%s (%s): words: none; list the words that find the theme in the summary", where, tf.ID)
		}
		for _, w := range append(slices.Clone(tf.Words), tf.Related...) {
			if strings.TrimSpace(w) == "" {
				b.errorf("%s (%s): words: an empty word", where, tf.ID)
			}
		}
		out = append(out, &Theme{ID: tf.ID, Title: tf.Title, Description: tf.Description, Words: tf.Words, Related: tf.Related})
	}
	return out
}

func (b *builder) people(h *Hearing) {
	text := PlainText(b.source)
	seen := map[string]bool{}
	for i, pf := range b.file.People {
		where := fmt.Sprintf("%s: people[%d] (%s)", HearingFile, i, pf.ID)
		if !idPattern.MatchString(pf.ID) {
			b.errorf("%s: id %q is not lowercase words joined by hyphens", where, pf.ID)
		}
		if seen[pf.ID] {
			b.errorf("%s: id %q is used twice", where, pf.ID)
		}
		seen[pf.ID] = true
		if !contains(honorifics, pf.Honorific) {
			b.errorf("%s: honorific %q is not one of %q", where, pf.Honorific, honorifics)
		}
		// Names, titles and organisations are the summary's own words.
		for field, v := range map[string]string{"name": pf.Name, "title": pf.Title, "organization": pf.Organization} {
			if v != "" && !strings.Contains(text, v) {
				b.errorf("%s: %s %q does not appear in the summary", where, field, v)
			}
		}
		if pf.Name == "" {
			b.errorf("%s: name: missing", where)
		}
		if pf.Surname != "" && !strings.HasSuffix(pf.Name, " "+pf.Surname) {
			b.errorf("%s: surname: %q does not end the name %q", where, pf.Surname, pf.Name)
		}
		h.People = append(h.People, &Person{
			ID: pf.ID, Name: pf.Name, Honorific: pf.Honorific, Title: pf.Title,
			Organization: pf.Organization, Role: pf.Role, Aliases: pf.Aliases, surname: pf.Surname, Short: pf.Short,
		})
	}
}

func (b *builder) segments(h *Hearing) {
	seen := map[string]bool{}
	for i, sf := range b.file.Segments {
		where := fmt.Sprintf("%s: segments[%d] (%s)", HearingFile, i, sf.ID)
		if !idPattern.MatchString(sf.ID) {
			b.errorf("%s: id %q is not lowercase words joined by hyphens", where, sf.ID)
		}
		if seen[sf.ID] {
			b.errorf("%s: id %q is used twice", where, sf.ID)
		}
		seen[sf.ID] = true
		if sf.Title == "" {
			b.errorf("%s: title: missing", where)
		}
		if !contains(segmentKinds, sf.Kind) {
			b.errorf("%s: kind %q is not one of %q", where, sf.Kind, segmentKinds)
		}
		if sf.Kind == "panel" && sf.Number <= 0 {
			b.errorf("%s: a panel needs a number", where)
		}
		if len(sf.Sentences) == 0 {
			b.errorf("%s: no sentences", where)
		}
		seg := &Segment{ID: sf.ID, Title: sf.Title, Kind: sf.Kind, Number: sf.Number, Aliases: sf.Aliases}
		if sf.Parent != "" {
			if seg.Parent = h.Segment(sf.Parent); seg.Parent == nil {
				b.errorf("%s: parent %q is not an earlier segment", where, sf.Parent)
			}
		}
		if sf.Moderator != "" {
			seg.Moderator = b.person(h, where+": moderator", sf.Moderator)
		}
		seg.Panellists = b.persons(h, where+": panellists", sf.Panellists)
		seg.Speakers = b.persons(h, where+": speakers", sf.Speakers)
		h.Segments = append(h.Segments, seg)
	}
	if len(h.Segments) == 0 {
		b.errorf("%s: no segments", HearingFile)
	}
}

func (b *builder) person(h *Hearing, where, id string) *Person {
	p := h.Person(id)
	if p == nil {
		b.errorf("%s: unknown person %q", where, id)
	}
	return p
}

func (b *builder) persons(h *Hearing, where string, ids []string) []*Person {
	var out []*Person
	for _, id := range ids {
		if p := b.person(h, where, id); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// sentences checks that the segments' sentences, in order, tile the summary's
// plain text exactly, and resolves each sentence's credit.
func (b *builder) sentences(h *Hearing) {
	at := 0 // byte offset in h.Text where the next sentence must start
	for i, sf := range b.file.Segments {
		if i >= len(h.Segments) {
			break
		}
		seg := h.Segments[i]
		for j, stf := range sf.Sentences {
			where := fmt.Sprintf("%s: segment %s, sentence %d", HearingFile, seg.ID, j+1)
			text := whitespace.ReplaceAllString(strings.TrimSpace(stf.Text), " ")
			s := &Sentence{ID: fmt.Sprintf("%s.%d", seg.ID, j+1), Index: len(h.Sentences), Text: text, Start: at, Segment: seg}
			if text == "" {
				b.errorf("%s: text: missing", where)
			} else if at >= 0 {
				if strings.HasPrefix(h.Text[at:], text) {
					at += len(text)
					at += len(h.Text[at:]) - len(strings.TrimLeft(h.Text[at:], " "))
				} else {
					b.errorf("%s: not the summary's next sentence; they part at word %s",
						where, firstDifference(text, h.Text[at:]))
					at = -1 // later sentences cannot be placed; report this one only
				}
			}
			b.credit(h, s, stf, where)
			seg.Sentences = append(seg.Sentences, s)
			h.Sentences = append(h.Sentences, s)
		}
	}
	if at >= 0 && at < len(h.Text) {
		b.errorf("%s: the summary goes on past the last sentence: %s", HearingFile, clip(h.Text[at:]))
	}
}

func (b *builder) credit(h *Hearing, s *Sentence, sf sentenceFile, where string) {
	seg := s.Segment
	add := func(p *Person) {
		if p != nil && !s.Credits(p) {
			s.Speakers = append(s.Speakers, p)
		}
	}
	for _, c := range sf.Credit {
		switch c {
		case creditPanellists:
			if len(seg.Panellists) == 0 {
				b.errorf("%s: credits panellists, but segment %s has none", where, seg.ID)
			}
			for _, p := range seg.Panellists {
				add(p)
			}
		case creditModerator:
			if seg.Moderator == nil {
				b.errorf("%s: credits the moderator, but segment %s has none", where, seg.ID)
			}
			add(seg.Moderator)
		case creditParticipants:
			s.Participants = true
		default:
			add(b.person(h, where+": credit", c))
		}
	}
	switch {
	case len(sf.Credit) > 0 && sf.Kind != "" && Kind(sf.Kind) != Statement:
		b.errorf("%s: a %s credits no one, but credit is %q", where, sf.Kind, sf.Credit)
	case len(sf.Credit) > 0:
		s.Kind = Statement
	case sf.Kind == "":
		s.Kind = Narrative
	case contains(sentenceKinds, Kind(sf.Kind)):
		s.Kind = Kind(sf.Kind)
	default:
		b.errorf("%s: kind %q is not one of %q (a statement is a sentence with credit)", where, sf.Kind, sentenceKinds)
	}
}

// roles derives each person's roles from the segments and checks that
// everyone takes part somewhere.
func (b *builder) roles(h *Hearing) {
	for _, seg := range h.Segments {
		add := func(p *Person, role string) {
			if p == nil {
				return
			}
			for _, r := range p.Roles {
				if r.Segment == seg {
					return
				}
			}
			p.Roles = append(p.Roles, Role{Segment: seg, Role: role})
		}
		add(seg.Moderator, "moderator")
		for _, p := range seg.Panellists {
			add(p, "panellist")
		}
		for _, p := range seg.Speakers {
			add(p, "speaker")
		}
	}
	for _, p := range h.People {
		if len(p.Roles) == 0 {
			b.errorf("%s: person %s takes part in no segment", HearingFile, p.ID)
		}
	}
}

func (b *builder) vocabulary() Vocabulary {
	v := Vocabulary{Spellings: b.vocab.Spellings, Stems: b.vocab.Stems, Questions: b.vocab.Questions, Ignore: b.vocab.Ignore}
	for section, m := range map[string]map[string]string{"spellings": v.Spellings, "stems": v.Stems} {
		for from, to := range m {
			if strings.ContainsAny(from, " \t") || strings.ContainsAny(to, " \t") || from == "" || to == "" {
				b.errorf("%s: %s: %q -> %q: both sides must be single words", VocabularyFile, section, from, to)
			}
		}
	}
	for i, g := range b.vocab.Synonyms {
		if len(g) < 2 {
			b.errorf("%s: synonyms[%d]: a group needs at least two members, has %q", VocabularyFile, i, g)
		}
		for _, w := range g {
			if strings.TrimSpace(w) == "" {
				b.errorf("%s: synonyms[%d]: empty member", VocabularyFile, i)
			}
		}
		v.Synonyms = append(v.Synonyms, g)
	}
	return v
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// clip shortens s for an error message.
// firstDifference shows where a sentence and the summary part: the word's
// number, and a few words of each from there, side by side.
func firstDifference(sentence, summary string) string {
	a, b := strings.Fields(sentence), strings.Fields(summary)
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	show := func(words []string) string {
		if i >= len(words) {
			return "(ends here)"
		}
		end := min(i+6, len(words))
		return strings.Join(words[i:end], " ")
	}
	lead := ""
	if i > 0 {
		lead = "after “…" + strings.Join(a[max(0, i-3):i], " ") + "”"
	}
	return fmt.Sprintf("%d %s:\n\tcontent: %s\n\tsummary: %s", i+1, lead, show(a), show(b))
}

func clip(s string) string {
	const max = 90
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
