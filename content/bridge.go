package content

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// GenericFile is the optional list of everyday words too common, or too much
// about how rather than what, to be what a question is about; generated from
// WordNet with the bridge.
const GenericFile = "generic.txt"

// loadGeneric reads the generic words file if fsys has one: a word and
// "noun" or "other" a line, lines starting with # are comments. It returns
// every word, and the nouns.
func loadGeneric(fsys fs.FS) (all, nouns map[string]bool, err error) {
	b, err := fs.ReadFile(fsys, GenericFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("content: %w", err)
	}
	all, nouns = map[string]bool{}, map[string]bool{}
	for n, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, class, _ := strings.Cut(line, "\t")
		if word == "" || strings.ContainsAny(word, " \t") || class != "noun" && class != "other" {
			return nil, nil, fmt.Errorf("content: invalid:\n%s:%d: want word<TAB>noun|other, have %q", GenericFile, n+1, clip(line))
		}
		all[word] = true
		nouns[word] = class == "noun"
	}
	return all, nouns, nil
}

// BridgeFile is the optional file of links from everyday words to the
// hearing's own terms, generated from WordNet by cmd/hearingbridge.
const BridgeFile = "bridge.tsv"

// Relation says how a lexical database relates an everyday word to one of
// the hearing's terms, seen from the term.
type Relation string

// The relations, strongest first: ranking weighs a bridged word by its
// relation, and always below the asker's own words.
const (
	Synonym    Relation = "synonym"    // the same sense: "gist" for "essence"
	Derivation Relation = "derivation" // the same root: "detain" for "detention"
	Pertainym  Relation = "pertainym"  // of or relating to: "Swiss" for "Switzerland"
	Hyponym    Relation = "hyponym"    // narrower: "imprisonment" for "detention"
	Hypernym   Relation = "hypernym"   // broader: "confinement" for "detention"
)

// Relations lists the relations, strongest first.
var Relations = []Relation{Synonym, Derivation, Pertainym, Hyponym, Hypernym}

// Link is one line of the bridge: a question may say Word where the summary
// says Term.
type Link struct {
	Word     string // lower case; may be several words ("lock up")
	Relation Relation
	Term     string // a word of the hearing, lower case
}

// loadBridge reads the bridge file if fsys has one. Lines are
// "word<TAB>relation<TAB>term"; blank lines and lines starting with # are
// comments.
func loadBridge(fsys fs.FS) ([]Link, error) {
	f, err := fsys.Open(BridgeFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	defer f.Close()
	var links []Link
	var errs []error
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
			errs = append(errs, fmt.Errorf("%s:%d: want word<TAB>relation<TAB>term, have %q", BridgeFile, n, clip(line)))
			continue
		}
		rel := Relation(parts[1])
		if !slices.Contains(Relations, rel) {
			errs = append(errs, fmt.Errorf("%s:%d: unknown relation %q", BridgeFile, n, clip(parts[1])))
			continue
		}
		links = append(links, Link{Word: parts[0], Relation: rel, Term: parts[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("content: %s: %w", BridgeFile, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("content: invalid:\n%w", err)
	}
	return links, nil
}
