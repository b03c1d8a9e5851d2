package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"hearingbot/content"
)

// Topic is one thing a question asks about: a word, or a phrase of the
// vocabulary, with the other words people use for it.
type Topic struct {
	Text        string   // the question's own words
	Terms       []string // their index terms (stems, stop words removed)
	Equivalents []Phrase // vocabulary equivalents
}

// Phrase is a word or phrase with its index terms.
type Phrase struct {
	Text  string
	Terms []string
}

// maxTopics bounds the work one question can cause.
const maxTopics = 24

// vocabulary is content.Vocabulary prepared for matching analysed questions.
type vocabulary struct {
	groups    map[string][]Phrase // a member's words (query terms, space-joined) -> its equivalents
	longest   int                 // most words in a member
	questions map[string][]Phrase // a question word's term -> words that answer it
	ignore    map[string]bool     // terms of words that carry no topic
}

func (x *Index) newVocabulary(v content.Vocabulary) *vocabulary {
	voc := &vocabulary{groups: map[string][]Phrase{}, questions: map[string][]Phrase{}, ignore: map[string]bool{}}
	for _, group := range v.Synonyms {
		members := make([]Phrase, len(group))
		keys := make([]string, len(group))
		for i, m := range group {
			members[i] = x.phrase(m)
			words := x.analyze(x.words, m)
			keys[i] = strings.Join(words, " ")
			voc.longest = max(voc.longest, len(words))
		}
		for i, key := range keys {
			for j, m := range members {
				if i != j && keys[j] != key && len(m.Terms) > 0 && !hasPhrase(voc.groups[key], m) {
					voc.groups[key] = append(voc.groups[key], m)
				}
			}
		}
	}
	for word, answers := range v.Questions {
		for _, key := range x.analyze(x.words, word) {
			for _, a := range answers {
				voc.questions[key] = append(voc.questions[key], x.phrase(a))
			}
		}
	}
	for _, w := range v.Ignore {
		for _, key := range x.analyze(x.words, w) {
			voc.ignore[key] = true
		}
	}
	return voc
}

func hasPhrase(list []Phrase, p Phrase) bool {
	for _, q := range list {
		if strings.Join(q.Terms, " ") == strings.Join(p.Terms, " ") {
			return true
		}
	}
	return false
}

func (x *Index) phrase(text string) Phrase {
	return Phrase{Text: text, Terms: x.analyze(x.terms, text)}
}

func (x *Index) analyze(a analysis.Analyzer, text string) []string {
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

// Topics analyses a question into the topics a search looks for, in the
// question's order, each once. Words that carry no topic are left out.
func (x *Index) Topics(question string) []Topic {
	words := x.words.Analyze([]byte(question))
	kept := map[int]bool{} // start offsets of words that are not stop words
	for _, t := range x.terms.Analyze([]byte(question)) {
		kept[t.Start] = true
	}
	var topics []Topic
	seen := map[string]bool{}
	add := func(t Topic) {
		key := t.Text
		if len(t.Terms) > 0 {
			key = strings.Join(t.Terms, " ")
		}
		if (len(t.Terms) > 0 || len(t.Equivalents) > 0) && !seen[key] && len(topics) < maxTopics {
			seen[key] = true
			topics = append(topics, t)
		}
	}
	for i := 0; i < len(words); {
		term := string(words[i].Term)
		n, eq := x.vocab.match(words[i:])
		switch {
		case n > 0:
			t := Topic{Text: question[words[i].Start:words[i+n-1].End], Equivalents: eq}
			for _, w := range words[i : i+n] {
				if kept[w.Start] {
					t.Terms = append(t.Terms, string(w.Term))
				}
			}
			add(t)
			i += n
			continue
		case x.vocab.questions[term] != nil:
			add(Topic{Text: question[words[i].Start:words[i].End], Equivalents: x.vocab.questions[term]})
		case kept[words[i].Start] && !x.vocab.ignore[term]:
			add(Topic{Text: question[words[i].Start:words[i].End], Terms: []string{term}})
		}
		i++
	}
	return topics
}

// match finds the longest vocabulary member at the start of words and
// returns its length in words and its equivalents; 0 when none matches.
// A lone word the asker uses only as filler ("say") is never a member.
func (v *vocabulary) match(words analysis.TokenStream) (int, []Phrase) {
	for n := min(v.longest, len(words)); n > 0; n-- {
		parts := make([]string, n)
		for i, w := range words[:n] {
			parts[i] = string(w.Term)
		}
		if n == 1 && v.ignore[parts[0]] {
			return 0, nil
		}
		if eq, ok := v.groups[strings.Join(parts, " ")]; ok {
			return n, eq
		}
	}
	return 0, nil
}

// queries are the topic's term and phrase queries on one field.
func (t Topic) queries(field string, boost float64) []query.Query {
	var out []query.Query
	switch len(t.Terms) {
	case 0:
	case 1:
		out = append(out, termQuery(field, t.Terms[0], boost))
	default:
		// A phrase of the vocabulary: its words apart are other things
		// ("people" in "people smugglers"); its equivalents stand in for it.
		out = append(out, phraseQuery(field, t.Text, boost*boostPhrase))
	}
	for _, e := range t.Equivalents {
		switch len(e.Terms) {
		case 0:
		case 1:
			out = append(out, termQuery(field, e.Terms[0], boost*boostExpansion))
		default:
			out = append(out, phraseQuery(field, e.Text, boost*boostExpansion*boostPhrase))
		}
	}
	return out
}

// phraseQuery matches text as a phrase. The text is analysed, not parsed:
// it holds no query syntax.
func phraseQuery(field, text string, boost float64) query.Query {
	q := bleve.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzerName
	q.SetBoost(boost)
	return q
}

// coverage is the share of topics whose terms, or one equivalent's terms,
// all occur among the hit's matched terms; a topic matched only in the
// weak field counts half.
func coverage(topics []Topic, locs search.FieldTermLocationMap, weak string) float64 {
	if len(topics) == 0 {
		return 0
	}
	strong, all := map[string]bool{}, map[string]bool{}
	for field, terms := range locs {
		for term := range terms {
			all[term] = true
			if field != weak {
				strong[term] = true
			}
		}
	}
	var sum float64
	for _, t := range topics {
		switch {
		case t.matches(strong):
			sum++
		case t.matches(all):
			sum += 0.5
		}
	}
	return sum / float64(len(topics))
}

// matches reports whether the topic's terms, or one equivalent's terms, are
// all among matched.
func (t Topic) matches(matched map[string]bool) bool {
	all := func(terms []string) bool {
		for _, term := range terms {
			if !matched[term] {
				return false
			}
		}
		return len(terms) > 0
	}
	if all(t.Terms) {
		return true
	}
	for _, e := range t.Equivalents {
		if all(e.Terms) {
			return true
		}
	}
	return false
}
