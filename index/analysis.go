package index

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // registers the custom analyzer type
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"hearingbot/content"
)

// Analyzer and token filter names registered with Bleve.
const (
	// analyzerName indexes and searches text: words, lower case, accents
	// folded, one spelling per word, stop words removed, Porter stems.
	analyzerName = "hearing"
	// queryAnalyzerName is the same chain without the stop filter, so a
	// question's phrases keep all their words.
	queryAnalyzerName = "hearing_query"

	foldFilterName     = "hearing_fold"
	spellingFilterType = "hearing_spelling"
	spellingFilterName = "hearing_spelling_vocabulary"
)

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenFilter(foldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(spellingFilterType, newSpellingFilter))
}

// folder removes combining marks after canonical decomposition: "Lajčák"
// becomes "Lajcak". Transformers hold state, so each use makes its own.
func folder() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// Fold returns s in lower case with accents removed, for matching names and
// phrases the way the index matches words.
func Fold(s string) string {
	if isASCII([]byte(s)) {
		return strings.ToLower(s) // nothing to fold: skip the transformers
	}
	out, _, err := transform.String(folder(), strings.ToLower(s))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// foldFilter folds accents in each token's term. Unlike Bleve's asciifolding
// char filter it leaves the tokens' byte offsets into the text untouched,
// so highlights of "Lajčák" cover whole runes.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if isASCII(tok.Term) {
			continue
		}
		if out, _, err := transform.Bytes(folder(), tok.Term); err == nil {
			tok.Term = out
		}
	}
	return in
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// spellingFilter replaces variant spellings ("labour") with the indexed form
// ("labor") before stemming, so both spellings are one term; and gives words
// the stemmer would confuse with others ("regularization" and "regular")
// a fixed term that it leaves alone.
type spellingFilter struct {
	spellings map[string]string
	stems     map[string]string
}

func newSpellingFilter(config map[string]interface{}, _ *registry.Cache) (analysis.TokenFilter, error) {
	f := spellingFilter{}
	var err error
	if f.spellings, err = foldedMap(config, "spellings"); err == nil {
		f.stems, err = foldedMap(config, "stems")
	}
	return f, err
}

func foldedMap(config map[string]interface{}, key string) (map[string]string, error) {
	out := map[string]string{}
	raw, _ := config[key].(map[string]interface{})
	for from, to := range raw {
		s, ok := to.(string)
		if !ok {
			return nil, fmt.Errorf("index: %s %q: not a string", key, from)
		}
		out[Fold(from)] = Fold(s)
	}
	return out, nil
}

func (f spellingFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if to, ok := f.stems[string(tok.Term)]; ok {
			tok.Term = []byte(to)
			tok.KeyWord = true // the stemmer skips it
		} else if to, ok := f.spellings[string(tok.Term)]; ok {
			tok.Term = []byte(to)
		}
	}
	return in
}

// addAnalysis registers the hearing's analyzers on m.
func addAnalysis(m *mapping.IndexMappingImpl, v content.Vocabulary) error {
	asConfig := func(in map[string]string) map[string]interface{} {
		out := map[string]interface{}{}
		for from, to := range in {
			out[from] = to
		}
		return out
	}
	if err := m.AddCustomTokenFilter(spellingFilterName, map[string]interface{}{
		"type": spellingFilterType, "spellings": asConfig(v.Spellings), "stems": asConfig(v.Stems),
	}); err != nil {
		return err
	}
	chain := func(stop bool) []interface{} {
		filters := []interface{}{en.PossessiveName, lowercase.Name, foldFilterName, spellingFilterName}
		if stop {
			filters = append(filters, en.StopName)
		}
		return append(filters, porter.Name)
	}
	for name, stop := range map[string]bool{analyzerName: true, queryAnalyzerName: false} {
		if err := m.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          "custom",
			"tokenizer":     unicodetok.Name,
			"token_filters": chain(stop),
		}); err != nil {
			return err
		}
	}
	return nil
}
