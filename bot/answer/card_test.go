package answer

import (
	"slices"
	"strings"
	"testing"
)

// TestCardsSayOnlyWhatTheSummaryCredits walks every person: a card counts
// as theirs only what the summary credits to them and not to their panel or
// discussion as a whole, and its line says so.
func TestCardsSayOnlyWhatTheSummaryCredits(t *testing.T) {
	e := engine(t)
	for _, p := range e.h.People {
		c := e.Card(p)
		line := c.StatementsLine()
		for _, s := range c.Statements {
			if !s.Credits(p) {
				t.Errorf("%s: %q does not credit them", p.Name, s.Text)
			}
			if g := groupCredited(s); (g == nil) != slices.Contains(c.ByName, s) {
				t.Errorf("%s: %q counted wrongly (group %v)", p.Name, s.Text, g)
			}
		}
		switch {
		case len(c.ByName) == 0 && len(c.Statements) > 0 && !strings.Contains(line, "nothing to") && !strings.Contains(line, "by name"):
			t.Errorf("%s: %q claims statements of their own", p.Name, line)
		case len(c.ByName) > 0 && strings.Contains(line, "nothing"):
			t.Errorf("%s: %q denies their own", p.Name, line)
		}
	}
	if got, want := e.Card(e.h.Person("john-murray")).StatementsLine(), "The summary credits nothing to him by name; his discussion's statements: 5."; got != want {
		t.Errorf("Murray: %q, want %q", got, want)
	}
	if got, want := e.Card(e.h.Person("william-lacy-swing")).StatementsLine(), "The summary credits him with 3 statements."; got != want {
		t.Errorf("Swing: %q, want %q", got, want)
	}
}

// TestACardLeadsWithTheWordsThatNameThePerson: one person's card quotes the
// part of a long list that names them, verbatim and marked as cut; a card
// of several people keeps the whole list; "the shipping guy" hears first
// what his discussion said of shipping.
func TestACardLeadsWithTheWordsThatNameThePerson(t *testing.T) {
	e := engine(t)
	r := ask(t, e, "who is john murray")
	if len(r.Excerpts) == 0 {
		t.Fatal("no excerpt")
	}
	x := r.Excerpts[0]
	if !strings.HasPrefix(x.Text, "Mr. John Murray, Marine Director") || !x.ClippedBefore || !x.ClippedAfter || !strings.Contains(x.Sentences[0].Text, x.Text) || len(x.Text) > 100 {
		t.Errorf("first excerpt %q (clipped %v %v)", x.Text, x.ClippedBefore, x.ClippedAfter)
	}
	if whole, ok := e.Sentence(x.Sentences[0].Index); !ok || whole.Clipped() || whole.Text != x.Sentences[0].Text {
		t.Errorf("the whole sentence: %q", whole.Text)
	}
	several := ask(t, e, "who were the panellists of panel 2?")
	if slices.ContainsFunc(several.Excerpts, Excerpt.Clipped) {
		t.Errorf("a card of several people clipped its list: %+v", several.Excerpts)
	}
	shipping := ask(t, e, "what did the shipping guy say?")
	if len(shipping.Excerpts) == 0 || !strings.Contains(shipping.Excerpts[0].Text, "shipping industry") {
		t.Errorf("first of what the shipping guy's discussion said is not on shipping: %+v", shipping.Excerpts)
	}
}
