package index

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"hearingbot/content"
)

// Topic is one thing a question asks about: a word, or a phrase of the
// vocabulary, with the other words people use for it.
type Topic struct {
	Text        string   // the question's own words
	Terms       []string // their index terms (stems, stop words removed)
	Equivalents []Phrase // vocabulary and bridge equivalents
	// Known is true when the hearing holds the topic's terms or those of
	// one of its equivalents: false means the summary never mentions it.
	Known bool
	// Own is true when the hearing holds the topic's own terms.
	Own bool
	// Weight is how much the topic tells sentences apart: high for a rare
	// word ("remedies"), low for one on every line ("migrants"), highest
	// for a word the hearing never uses.
	Weight float64
}

// Phrase is a word or phrase with its index terms, and how much a match on it
// counts against a match on the asker's own words (1).
type Phrase struct {
	Text     string
	Terms    []string
	Weight   float64
	Bridged  bool             // from the WordNet bridge, not the hand vocabulary
	Relation content.Relation // how the bridge relates it, when Bridged
}

// Weights of equivalents. The hand vocabulary is curated for this hearing;
// the WordNet bridge is general, so it counts less, and less again the
// looser its relation.
var (
	vocabularyWeight = 0.5
	bridgeWeights    = map[content.Relation]float64{
		content.Synonym: 0.45, content.Derivation: 0.45, content.Pertainym: 0.45,
		content.Hyponym: 0.3, content.Hypernym: 0.25,
	}
)

// splitGap is the most words that may stand inside a two-word phrase of
// the vocabulary or the bridge: people write phrasal verbs and verb-object
// phrases with the object inside ("locking migrants up", "giving
// undocumented people papers").
const splitGap = 3

// maxTopics and maxEquivalents bound the work one question can cause.
const (
	maxTopics      = 24
	maxEquivalents = 5
)

// vocabulary is content.Vocabulary prepared for matching analysed questions.
type vocabulary struct {
	groups    map[string][]Phrase // a member's words (query terms, space-joined) -> its equivalents
	prefixes  map[string]bool     // the keys of groups that some longer key starts with
	known     map[string]int      // every index term the hearing holds, and in how many sentences
	sentences int                 // how many sentences there are
	questions map[string][]Phrase // a question word's term -> words that answer it
	ignore    map[string]bool     // terms of words that carry no topic
}

func (x *Index) newVocabulary(v content.Vocabulary, bridge []content.Link, known map[string]int) *vocabulary {
	voc := &vocabulary{groups: map[string][]Phrase{}, questions: map[string][]Phrase{}, ignore: map[string]bool{},
		known: known, sentences: len(x.h.Sentences), prefixes: map[string]bool{}}
	defer func() {
		for key := range voc.groups {
			words := strings.Split(key, " ")
			for i := 1; i < len(words); i++ {
				voc.prefixes[strings.Join(words[:i], " ")] = true
			}
		}
	}()
	for _, group := range v.Synonyms {
		// A group with a member the hearing holds belongs to the hearing:
		// the "West" of ECOWAS's full name is the summary's business.
		if slices.ContainsFunc(group, func(m string) bool { return x.phrase(m, 0).knownIn(known) }) {
			for _, m := range group {
				for _, term := range x.analyze(x.terms, m) {
					known[term] += 0
				}
			}
		}
		members := make([]Phrase, len(group))
		keys := make([]string, len(group))
		for i, m := range group {
			members[i] = x.phrase(m, vocabularyWeight)
			words := x.analyze(x.words, m)
			keys[i] = strings.Join(words, " ")
		}
		for i, key := range keys {
			for j, m := range members {
				if i != j && keys[j] != key && len(m.Terms) > 0 && !hasPhrase(voc.groups[key], m) {
					voc.groups[key] = append(voc.groups[key], m)
				}
			}
		}
	}
	// The bridge adds to what the vocabulary says, never over it: a word
	// the team grouped by hand keeps its group.
	bridged := map[string][]Phrase{}
	terms := map[string][]string{} // a term's index terms: 11,000 links share 600 terms
	for _, l := range bridge {
		t, ok := terms[l.Term]
		if !ok {
			t = x.analyze(x.terms, l.Term)
			terms[l.Term] = t
		}
		p := Phrase{Text: l.Term, Terms: t, Weight: bridgeWeights[l.Relation], Bridged: true, Relation: l.Relation}
		if !p.knownIn(known) || voc.sentencesWith(p) == 0 {
			continue // no sentence can match it: not worth analysing the word
		}
		key := x.key(l.Word)
		if key == "" || hasPhrase(bridged[key], p) {
			continue
		}
		bridged[key] = append(bridged[key], p)
	}
	for key, eq := range bridged {
		for _, p := range eq {
			if !hasPhrase(voc.groups[key], p) {
				voc.groups[key] = append(voc.groups[key], p)
			}
		}
	}
	for word, answers := range v.Questions {
		for _, key := range x.analyze(x.words, word) {
			for _, a := range answers {
				voc.questions[key] = append(voc.questions[key], x.phrase(a, vocabularyWeight))
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

// key is a word or phrase as the vocabulary looks it up: its query terms,
// space-joined. A single lower-case word skips the tokenizer.
func (x *Index) key(text string) string {
	if !strings.ContainsFunc(text, func(r rune) bool { return !unicode.IsLower(r) }) {
		if da, ok := x.words.(*analysis.DefaultAnalyzer); ok {
			stream := analysis.TokenStream{{Term: []byte(text), Start: 0, End: len(text), Position: 1, Type: analysis.AlphaNumeric}}
			for _, f := range da.TokenFilters {
				stream = f.Filter(stream)
			}
			if len(stream) == 1 {
				return string(stream[0].Term)
			}
		}
	}
	return strings.Join(x.analyze(x.words, text), " ")
}

func (x *Index) phrase(text string, weight float64) Phrase {
	return Phrase{Text: text, Terms: x.analyze(x.terms, text), Weight: weight}
}

// knownIn reports whether all the phrase's terms are in known.
func (p Phrase) knownIn(known map[string]int) bool {
	for _, t := range p.Terms {
		if _, ok := known[t]; !ok {
			return false
		}
	}
	return len(p.Terms) > 0
}

// subset reports whether every term of a is in b.
func subset(a, b []string) bool {
	for _, t := range a {
		if !slices.Contains(b, t) {
			return false
		}
	}
	return true
}

// inSentences reports whether some sentence may hold the phrase: each of its
// terms occurs in one.
func (v *vocabulary) inSentences(p Phrase) bool { return v.sentencesWith(p) > 0 }

// sentencesWith estimates in how many sentences the phrase occurs: in as
// many as its rarest term, at most.
func (v *vocabulary) sentencesWith(p Phrase) int {
	n := 0
	for i, t := range p.Terms {
		if df := v.known[t]; i == 0 || df < n {
			n = df
		}
	}
	return n
}

// weight is the topic's Weight: the inverse frequency of the sentences its
// words or their equivalents occur in, less when only a bridged equivalent
// occurs anywhere, and for an unknown topic that of a word in no sentence.
func (v *vocabulary) weight(t Topic) float64 {
	n := float64(v.sentences + 1)
	if !t.Known {
		return math.Log(n)
	}
	df := v.sentencesWith(Phrase{Terms: t.Terms})
	vouch := 0.0 // how far the matches can be trusted to be the topic
	if df > 0 {
		vouch = 1
	}
	for _, e := range t.Equivalents {
		if d := v.sentencesWith(e); d > 0 {
			df += d
			if e.Bridged {
				vouch = max(vouch, e.Weight) // a general dictionary's word is not the asker's
			} else {
				vouch = 1 // the hand vocabulary's words are as good as the asker's
			}
		}
	}
	if df == 0 {
		return math.Log(n) // a name or vocabulary word that no sentence holds
	}
	return max(math.Log(n/float64(df+1))*vouch, 0.1)
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
	for _, t := range words {
		w := strings.TrimSuffix(strings.TrimSuffix(Fold(question[t.Start:t.End]), "'s"), "’s")
		if !x.stopWords[w] {
			kept[t.Start] = true
		}
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
			if t, ok := x.settle(t); ok {
				topics = append(topics, t)
			}
		}
	}
	taken := map[int]bool{} // second words already read with their first
	for i := 0; i < len(words); {
		term := string(words[i].Term)
		if taken[i] {
			i++
			continue
		}
		n, eq := x.vocab.match(words[i:])
		if n <= 1 {
			if j, peq := x.vocab.split(words, i); j > 0 {
				taken[j] = true
				n, eq = 1, peq
			}
		}
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
			text := question[words[i].Start:words[i].End]
			add(Topic{Text: text, Terms: []string{term}, Equivalents: x.unprefixed(text)})
		}
		i++
	}
	return topics
}

// prefixes that make a word from another without changing what it is
// about: "underpaid" workers are a question of pay, "overworked" ones of
// work. Negating ones ("un", "non", "dis") are left out: "unclosed" is not
// about the closing.
var prefixes = []string{"under", "over", "mis", "re", "out", "self"}

// unprefixed returns, for a word the summary does not hold whose stem does
// ("underpaid": "paid"), that stem and its vocabulary equivalents, as
// derivations; nil otherwise.
func (x *Index) unprefixed(word string) []Phrase {
	w := Fold(word)
	if x.vocab.inSentences(x.phrase(w, 0)) {
		return nil
	}
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(w, p)
		if !ok || len([]rune(rest)) < 4 {
			continue
		}
		stem := x.phrase(rest, bridgeWeights[content.Derivation])
		eq := x.vocab.groups[x.key(rest)]
		if !stem.knownIn(x.vocab.known) && len(eq) == 0 {
			continue
		}
		stem.Bridged, stem.Relation = true, content.Derivation
		out := []Phrase{stem}
		for _, e := range eq {
			e.Bridged, e.Relation, e.Weight = true, content.Derivation, bridgeWeights[content.Derivation]
			out = append(out, e)
		}
		return out
	}
	return nil
}

// settle keeps the equivalents of a topic that are worth a query, says
// whether and how the hearing knows it, and weighs it; false when it is no
// topic at all.
func (x *Index) settle(t Topic) (Topic, bool) {
	own := Phrase{Terms: t.Terms}
	if x.vocab.sentencesWith(own) > 0 {
		// The summary's own word needs no dictionary: WordNet's other senses
		// of "related" would only add noise.
		t.Equivalents = slices.DeleteFunc(slices.Clone(t.Equivalents), func(p Phrase) bool { return p.Bridged })
	}
	// Only equivalents some sentence holds can match, and one that holds the
	// topic's own terms ("Global Compact" for "compact") matches only where
	// they do: the others would cost a query each for nothing.
	t.Equivalents = slices.DeleteFunc(slices.Clone(t.Equivalents), func(p Phrase) bool {
		return !x.vocab.inSentences(p) || len(t.Terms) > 0 && subset(t.Terms, p.Terms)
	})
	if len(t.Equivalents) > maxEquivalents { // the strongest: each costs a query
		slices.SortStableFunc(t.Equivalents, func(a, b Phrase) int { return cmp.Compare(b.Weight, a.Weight) })
		t.Equivalents = t.Equivalents[:maxEquivalents]
	}
	// A broader or narrower word does not vouch for a topic: WordNet relates
	// many senses, and "capital" is not known because the summary says
	// "stock-taking". Nor does a bridged word found only in a name: "US" is
	// not the Americas segment's "America".
	t.Own = own.knownIn(x.vocab.known)
	t.Known = t.Own || slices.ContainsFunc(t.Equivalents, func(p Phrase) bool {
		if p.Bridged {
			return p.Weight > bridgeWeights[content.Hyponym] && x.vocab.inSentences(p)
		}
		return p.knownIn(x.vocab.known)
	})
	if len(t.Terms) == 0 && !t.Known {
		return t, false // a stop word with no equivalent that vouches for it: "being"
	}
	t.Weight = x.vocab.weight(t)
	return t, true
}

// match finds the longest vocabulary member at the start of words and
// returns its length in words and its equivalents; 0 when none matches.
// A lone word the asker uses only as filler ("say") is never a member.
func (v *vocabulary) match(words analysis.TokenStream) (int, []Phrase) {
	if len(words) == 0 || v.ignore[string(words[0].Term)] && !v.prefixes[string(words[0].Term)] {
		return 0, nil
	}
	var key strings.Builder
	n, eq := 0, []Phrase(nil)
	for i, w := range words {
		if i > 0 {
			key.WriteByte(' ')
		}
		key.Write(w.Term)
		k := key.String()
		if e, ok := v.groups[k]; ok && !(i == 0 && v.ignore[k]) {
			n, eq = i+1, e
		}
		if !v.prefixes[k] {
			break // no longer member starts so
		}
	}
	return n, eq
}

// split finds a two-word phrase with words inside it ("locking migrants
// up"): the index of its second word and the phrase's equivalents, or 0 when
// there is none.
func (v *vocabulary) split(words analysis.TokenStream, i int) (int, []Phrase) {
	if v.ignore[string(words[i].Term)] {
		return 0, nil // "what did they say about work": no "what ... work"
	}
	for j := i + 2; j < len(words) && j <= i+1+splitGap; j++ {
		if eq, ok := v.groups[string(words[i].Term)+" "+string(words[j].Term)]; ok {
			return j, eq
		}
	}
	return 0, nil
}

// queries are the topic's term and phrase queries on one field, leaving out
// those for terms that no document has there.
func (t Topic) queries(field string, boost float64, has map[string]bool) []query.Query {
	in := func(terms []string) bool {
		for _, term := range terms {
			if !has[term] {
				return false
			}
		}
		return len(terms) > 0
	}
	var out []query.Query
	switch {
	case !in(t.Terms):
	case len(t.Terms) == 1:
		out = append(out, termQuery(field, t.Terms[0], boost))
	default:
		// A phrase of the vocabulary: its words apart are other things
		// ("people" in "people smugglers"); its equivalents stand in for it.
		out = append(out, phraseQuery(field, t.Text, boost*boostPhrase))
	}
	for _, e := range t.Equivalents {
		switch {
		case !in(e.Terms) || field == fieldContext && (e.Bridged || len(e.Terms) > 1):
			// A dictionary's word, or a phrase, is about what a sentence
			// says, not about its segment or speakers.
		case len(e.Terms) == 1:
			out = append(out, termQuery(field, e.Terms[0], boost*e.Weight))
		default:
			out = append(out, phraseQuery(field, e.Text, boost*e.Weight*boostPhrase))
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

// coverage is the share of the topics' weight that the hit's matched terms
// cover: a topic counts fully when its own terms or a hand vocabulary
// equivalent's all matched, less through a bridged equivalent (exact matches
// outrank bridged ones), and half that when matched only in the weak field.
// Weighing by rarity keeps a word on every line ("migrants") from passing
// for an answer to a question about something rarer.
func coverage(topics []Topic, strong, all map[string]bool) float64 {
	return coverageBy(topics, func(t string) bool { return strong[t] }, func(t string) bool { return all[t] })
}

// coverageBy is coverage with the matched terms given as functions.
func coverageBy(topics []Topic, strong, all func(string) bool) float64 {
	if len(topics) == 0 {
		return 0
	}
	var sum, total float64
	for _, t := range topics {
		w := max(t.Weight, 0.1)
		total += w
		if c := t.credit(strong); c > 0 {
			sum += c * w
		} else {
			sum += t.credit(all) / 2 * w
		}
	}
	return sum / total
}

// allBy reports whether terms is not empty and in reports all of them.
func allBy(terms []string, in func(string) bool) bool {
	for _, term := range terms {
		if !in(term) {
			return false
		}
	}
	return len(terms) > 0
}

// allIn reports whether terms is not empty and all its terms are in set.
func allIn(terms []string, set map[string]bool) bool {
	for _, term := range terms {
		if !set[term] {
			return false
		}
	}
	return len(terms) > 0
}

// bridgeCredit is what a bridged equivalent adds to its weight as coverage:
// a synonym covers a topic three quarters, a broader word a little over half.
const bridgeCredit = 0.3

// credit is how well matched covers the topic: 1 for its own terms or a
// vocabulary equivalent's, less for a bridged equivalent's, 0 for none.
func (t Topic) credit(matched func(string) bool) float64 {
	if allBy(t.Terms, matched) {
		return 1
	}
	best := 0.0
	for _, e := range t.Equivalents {
		if allBy(e.Terms, matched) {
			c := 1.0
			if e.Bridged {
				c = e.Weight + bridgeCredit
			}
			best = max(best, c)
		}
	}
	return best
}
