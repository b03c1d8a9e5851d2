package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A pos is a WordNet part of speech, as the data files write it.
type pos byte

const (
	noun pos = 'n'
	verb pos = 'v'
	adj  pos = 'a'
	adv  pos = 'r'
)

// parts are the parts of speech in the order terms are looked up.
var parts = []pos{noun, verb, adj, adv}

func (p pos) file() string {
	switch p {
	case noun:
		return "noun"
	case verb:
		return "verb"
	case adj:
		return "adj"
	}
	return "adv"
}

// detachments are morphy's rules of detachment (man 7 morphy): a suffix and
// the ending that replaces it, tried in order. Adverbs have none.
var detachments = map[pos][][2]string{
	noun: {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	verb: {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	adj:  {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// wordNet is the WordNet database read into memory. Index and exception
// files are parsed up front; a synset is parsed from its data file when
// first asked for, since a bridge touches a few thousand of the 117,000.
// It is not safe for concurrent use: synset fills a cache.
type wordNet struct {
	index      map[pos]map[string][]int64 // lemma -> synset offsets, sense 1 first
	exceptions map[pos]map[string][]string
	data       map[pos][]byte
	synsets    map[synsetRef]*synset
	// pertainers is the reverse of the pertainym pointers: a word and the
	// words that pertain to it (Switzerland <- Swiss), for nouns have no
	// pointer of their own back to their adjectives.
	pertainers map[wordRef][]string
	// irregular holds the irregular inflections of a lemma, from the
	// exception lists: fight <- fought, child <- children.
	irregular map[string][]string
}

type synsetRef struct {
	pos    pos
	offset int64
}

// wordRef is one word of a synset, numbered from 1 as pointers number it.
type wordRef struct {
	synsetRef
	word int
}

type synset struct {
	words    []string // lower-cased, adjective markers stripped, '_' kept
	pointers []pointer
}

type pointer struct {
	symbol         string
	target         synsetRef
	source, toWord int // 0 for a semantic pointer, between synsets
}

// loadWordNet reads the database in dir (index.*, data.*, *.exc).
func loadWordNet(dir string) (*wordNet, error) {
	wn := &wordNet{
		index:      map[pos]map[string][]int64{},
		exceptions: map[pos]map[string][]string{},
		data:       map[pos][]byte{},
		synsets:    map[synsetRef]*synset{},
		pertainers: map[wordRef][]string{},
		irregular:  map[string][]string{},
	}
	for _, p := range parts {
		index, err := os.ReadFile(filepath.Join(dir, "index."+p.file()))
		if err != nil {
			return nil, fmt.Errorf("wordnet: %w", err)
		}
		if wn.index[p], err = parseIndex(index); err != nil {
			return nil, fmt.Errorf("wordnet: index.%s: %w", p.file(), err)
		}
		if wn.data[p], err = os.ReadFile(filepath.Join(dir, "data."+p.file())); err != nil {
			return nil, fmt.Errorf("wordnet: %w", err)
		}
		exc, err := os.ReadFile(filepath.Join(dir, p.file()+".exc"))
		if err != nil {
			return nil, fmt.Errorf("wordnet: %w", err)
		}
		wn.exceptions[p] = parseExceptions(exc)
		for inflected, bases := range wn.exceptions[p] {
			for _, base := range bases {
				if !slices.Contains(wn.irregular[base], inflected) {
					wn.irregular[base] = append(wn.irregular[base], inflected)
				}
			}
		}
	}
	for _, forms := range wn.irregular {
		slices.Sort(forms) // the same output every run
	}
	// Only adjectives and adverbs pertain to something.
	for _, p := range []pos{adj, adv} {
		for line := range bytes.Lines(wn.data[p]) {
			if line[0] == ' ' || !bytes.Contains(line, []byte(` \ `)) {
				continue
			}
			s, err := parseSynset(line)
			if err != nil {
				return nil, fmt.Errorf("wordnet: data.%s: %w", p.file(), err)
			}
			for _, ptr := range s.pointers {
				if ptr.symbol == `\` && ptr.source > 0 && ptr.source <= len(s.words) {
					to := wordRef{ptr.target, ptr.toWord}
					wn.pertainers[to] = append(wn.pertainers[to], s.words[ptr.source-1])
				}
			}
		}
	}
	return wn, nil
}

// parseIndex reads an index.pos file: "lemma pos synset_cnt p_cnt [ptr...]
// sense_cnt tagsense_cnt offset...", the offsets in sense order.
func parseIndex(b []byte) (map[string][]int64, error) {
	index := map[string][]int64{}
	for line := range bytes.Lines(b) {
		if line[0] == ' ' { // the licence at the top
			continue
		}
		f := strings.Fields(string(line))
		if len(f) < 4 {
			return nil, fmt.Errorf("short line %q", line)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n > len(f)-4 {
			return nil, fmt.Errorf("bad synset_cnt in %q", line)
		}
		offsets := make([]int64, n)
		for i, s := range f[len(f)-n:] {
			if offsets[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, fmt.Errorf("bad offset in %q", line)
			}
		}
		index[f[0]] = offsets
	}
	return index, nil
}

// parseExceptions reads a pos.exc file: an inflected form, then its bases.
func parseExceptions(b []byte) map[string][]string {
	exc := map[string][]string{}
	for line := range bytes.Lines(b) {
		if f := strings.Fields(string(line)); len(f) > 1 {
			exc[f[0]] = append(exc[f[0]], f[1:]...)
		}
	}
	return exc
}

// parseSynset reads one data.pos line: "offset lex_filenum ss_type w_cnt
// word lex_id ... p_cnt ptr... [frames] | gloss".
func parseSynset(line []byte) (*synset, error) {
	head, _, _ := bytes.Cut(line, []byte(" | "))
	f := strings.Fields(string(head))
	bad := fmt.Errorf("bad synset %.40q", line)
	if len(f) < 4 {
		return nil, bad
	}
	n, err := strconv.ParseInt(f[3], 16, 0)
	if err != nil || len(f) < 5+2*int(n) {
		return nil, bad
	}
	s := &synset{}
	for i := range int(n) {
		s.words = append(s.words, strings.ToLower(stripMarker(f[4+2*i])))
	}
	f = f[4+2*n:]
	np, err := strconv.Atoi(f[0])
	if err != nil || len(f) < 1+4*np {
		return nil, bad
	}
	for i := range np {
		p := f[1+4*i : 5+4*i]
		off, err1 := strconv.ParseInt(p[1], 10, 64)
		st, err2 := strconv.ParseUint(p[3], 16, 16)
		if err1 != nil || err2 != nil || len(p[2]) != 1 {
			return nil, bad
		}
		target := pos(p[2][0])
		if target == 's' { // an adjective satellite lives in data.adj
			target = adj
		}
		s.pointers = append(s.pointers, pointer{symbol: p[0], target: synsetRef{target, off},
			source: int(st >> 8), toWord: int(st & 0xff)})
	}
	return s, nil
}

// stripMarker removes an adjective's syntactic marker: "galore(ip)" is "galore".
func stripMarker(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		return w[:i]
	}
	return w
}

// synset returns the synset at ref, or nil if the data file has none there.
func (wn *wordNet) synset(ref synsetRef) *synset {
	if s, ok := wn.synsets[ref]; ok {
		return s
	}
	var s *synset
	data := wn.data[ref.pos]
	if ref.offset >= 0 && ref.offset < int64(len(data)) {
		line := data[ref.offset:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		s, _ = parseSynset(line) // a bad offset yields nil: no relations, not a crash
	}
	wn.synsets[ref] = s
	return s
}

// senses returns the synsets of lemma in p, most frequent sense first.
func (wn *wordNet) senses(lemma string, p pos) []synsetRef {
	offsets := wn.index[p][lemma]
	refs := make([]synsetRef, len(offsets))
	for i, o := range offsets {
		refs[i] = synsetRef{p, o}
	}
	return refs
}

// morphy returns the lemmas of word in p, as WordNet's morphy finds them: the
// exception list's base forms if it lists the word, else the rules of
// detachment; and the word itself if it is a lemma. Each result is in the
// index of p.
func (wn *wordNet) morphy(word string, p pos) []string {
	var lemmas []string
	for _, c := range append(wn.baseForms(word, p), word) {
		if _, ok := wn.index[p][c]; ok && !slices.Contains(lemmas, c) {
			lemmas = append(lemmas, c)
		}
	}
	return lemmas
}

// baseForms returns the candidate base forms of word in p, found in the index
// or not: the exception list's, or else the rules of detachment's.
func (wn *wordNet) baseForms(word string, p pos) []string {
	if bases, ok := wn.exceptions[p][word]; ok {
		return bases
	}
	var forms []string
	for _, d := range detachments[p] {
		if base, ok := strings.CutSuffix(word, d[0]); ok && base != "" {
			forms = append(forms, base+d[1])
		}
	}
	return forms
}
