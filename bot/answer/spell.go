package answer

import (
	"slices"
	"unicode"

	"hearingbot/content"
)

// Spelling: typos and names as people type them, corrected against the
// hearing's own words and the words of the question bank.

// corrector fixes typos against the hearing's own words: a word that is
// neither the hearing's nor a known English word of the vocabulary or the
// bridge becomes the hearing word closest to it, if one is close enough.
type corrector struct {
	known map[string]bool // words that need no correction
	// byStart holds the hearing's words by first letter and length in runes;
	// namesByStart its people's names.
	byStart, namesByStart map[rune]map[int][]string
	names                 map[string]bool
}

func newCorrector(h *content.Hearing) *corrector {
	c := &corrector{known: map[string]bool{}, byStart: map[rune]map[int][]string{},
		namesByStart: map[rune]map[int][]string{}, names: map[string]bool{}}
	for _, p := range h.People {
		for _, w := range fold(p.Name) {
			if len([]rune(w)) >= 4 && !c.names[w] {
				c.names[w] = true
				byStart(c.namesByStart, w)
			}
		}
	}
	for w := range hearingWords(h) {
		c.known[w] = true
		if len([]rune(w)) >= 4 {
			byStart(c.byStart, w)
		}
	}
	for _, m := range []map[rune]map[int][]string{c.namesByStart, c.byStart} {
		for _, byLength := range m {
			for _, ws := range byLength {
				slices.Sort(ws) // the same correction every time
			}
		}
	}
	for _, w := range englishWords(h) {
		c.known[w] = true
	}
	return c
}

// byStart files w under its first letter and its length in runes.
func byStart(m map[rune]map[int][]string, w string) {
	r := []rune(w)
	if m[r[0]] == nil {
		m[r[0]] = map[int][]string{}
	}
	m[r[0]][len(r)] = append(m[r[0]][len(r)], w)
}

// hearingWords are the words a typo may be corrected to: the hearing's own
// (its summary, people, segments and vocabulary), common question words
// ("wich" is "which"), and how people ask what the summary answers
// ("represented"), but not the bank's own typos: a word of at least
// minAsked answerable examples.
func hearingWords(h *content.Hearing) map[string]bool {
	hearing := map[string]bool{}
	add := func(texts ...string) {
		for _, t := range texts {
			for _, w := range fold(t) {
				hearing[w] = true
			}
		}
	}
	add(h.Text)
	for _, p := range h.People {
		add(p.Name, p.Title, p.Organization, p.Role)
		add(p.Aliases...)
	}
	for _, s := range h.Segments {
		add(s.Title)
		add(s.Aliases...)
	}
	for _, g := range h.Vocabulary.Synonyms {
		add(g...)
	}
	add(common...)
	asked := map[string]int{}
	for _, x := range h.Examples {
		if !x.Unanswerable() {
			for _, w := range slices.Compact(slices.Sorted(slices.Values(fold(x.Question)))) {
				asked[w]++
			}
		}
	}
	var used []string
	for w, n := range asked {
		if n >= minAsked && !misspelt(w, n, asked, hearing) {
			used = append(used, w)
		}
	}
	add(used...)
	return hearing
}

// englishWords are the words that need no correction although the hearing
// does not use them: the bridge's and the generic list's everyday words,
// the vocabulary's, and the words questions are read by.
func englishWords(h *content.Hearing) []string {
	var texts []string
	for _, l := range h.Bridge {
		texts = append(texts, l.Word)
	}
	texts = append(texts, h.Vocabulary.Ignore...)
	for from, to := range h.Vocabulary.Spellings {
		texts = append(texts, from, to)
	}
	for q := range h.Vocabulary.Questions {
		texts = append(texts, q)
	}
	for w := range h.Generic {
		texts = append(texts, w)
	}
	for w := range groupWords {
		texts = append(texts, w)
	}
	for w := range ordinals {
		texts = append(texts, w)
	}
	texts = append(append(append(texts, casual...), recapWords...), numberWords...)
	var out []string
	for _, t := range texts {
		out = append(out, fold(t)...)
	}
	return out
}

// correct returns words with each unknown word of four letters or more
// replaced by the hearing's closest word: one edit away (two for words of
// nine letters or more: "trafiking"), a transposition counting as one; or,
// failing that, by a person's name that sounds the same ("rafik azis" is
// Rafeek Azeez, "Lacey" is Lacy). A known word written with a capital (in
// capital) is replaced by a person's name close to it: "Arbor" is "Arbour".
func (c *corrector) correct(words []string, capital map[string]bool) []string {
	out := words
	for i, w := range words {
		n := len([]rune(w))
		if n < 4 || c.known[w] && !(capital[w] && !c.names[w]) || unicode.IsDigit([]rune(w)[0]) {
			continue
		}
		candidates := c.byStart
		if c.known[w] {
			candidates = c.namesByStart // "Arbor": an English word, written as a name
		}
		// Short words are too close to other words for a change of letter
		// ("joke" is not "jose"); a letter left out or two swapped still
		// count ("louis", "kahn"). Typos rarely touch a word's first letter:
		// asking for it keeps real words ("letting") from becoming others.
		limit := 1 // two for long words only: "password" is not "passport"
		if n >= 9 {
			limit = 2
		}
		best, bestD := "", limit+1
		first := []rune(w)[0]
		for m := n - limit; m <= n+limit; m++ {
			for _, cand := range candidates[first][m] {
				if n <= 5 && !sameLetters(w, cand) && !dropped(w, cand) {
					continue
				}
				// The closest; of two as close, the one that keeps more
				// of how the word starts ("trafiking" is "trafficking", not
				// "training").
				if d := editDistance(w, cand, bestD+1); d < bestD || d == bestD && d <= limit && prefix(w, cand) > prefix(w, best) {
					best, bestD = cand, d
				}
			}
		}
		if best == "" && !c.known[w] {
			best = c.soundsLike(w)
		}
		if best != "" {
			if &out[0] == &words[0] {
				out = slices.Clone(words)
			}
			out[i] = best
		}
	}
	return out
}

// misspelt reports whether w, used in n of the bank's examples, is a typo
// of a word the hearing holds or the bank uses far more often: the bank's
// writers misspell on purpose, and some the same way ("smugling").
func misspelt(w string, n int, asked map[string]int, hearing map[string]bool) bool {
	if n >= 10 || len(w) < 4 {
		return false
	}
	for v, m := range asked {
		if (m >= 3*n || hearing[v]) && v != w && v[0] == w[0] && editDistance(w, v, 3) <= 2 {
			return true
		}
	}
	return false
}

// minAsked is how many of the bank's examples must use a word for the
// corrector to take it as a word people use, not a typo.
const minAsked = 3

// soundsLike returns the person's name word that sounds like w (the same
// Soundex code) and is at most three edits from it, or "".
func (c *corrector) soundsLike(w string) string {
	code := soundex(w)
	r := []rune(w)
	for m := len(r) - 2; m <= len(r)+2; m++ {
		for _, name := range c.namesByStart[r[0]][m] {
			if soundex(name) == code && editDistance(w, name, 4) <= 3 {
				return name
			}
		}
	}
	return ""
}

// soundex is the American Soundex code of a folded word: its first letter
// and the next three consonant sounds, so that names spelt by ear match
// ("azis" and "azeez" are both A220).
func soundex(w string) string {
	const codes = "01230120022455012623010202" // a to z
	out := []byte{}
	last := byte(0)
	for i, r := range w {
		if r < 'a' || r > 'z' {
			continue
		}
		code := codes[r-'a']
		if i == 0 {
			out, last = append(out, byte(unicode.ToUpper(r))), code
			continue
		}
		if code != '0' && code != last && len(out) < 4 {
			out = append(out, code)
		}
		if r != 'h' && r != 'w' {
			last = code
		}
	}
	for len(out) < 4 && len(out) > 0 {
		out = append(out, '0')
	}
	return string(out)
}

// prefix is the length in bytes of the start a and b share.
func prefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// dropped reports whether a is b with one letter left out.
func dropped(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(rb) != len(ra)+1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	return slices.Equal(ra[i:], rb[i+1:])
}

// sameLetters reports whether a and b hold the same letters, in any order.
func sameLetters(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ra, rb)
}

// EditDistance is the number of edits between a and b, in runes, a swap of
// neighbouring letters counting as one ("hlep" is one from "help").
func EditDistance(a, b string) int {
	return editDistance(a, b, max(len(a), len(b))+1)
}

// editDistance is the optimal string alignment distance between a and b,
// counted in runes; it returns limit as soon as the distance cannot be less.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit)
}
