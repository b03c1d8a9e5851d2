package answer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hearingbot/content"
)

func engine(t testing.TB) *Engine {
	t.Helper()
	e, err := Open(content.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func ask(t *testing.T, e *Engine, q string) Response {
	t.Helper()
	r, err := e.Ask(context.Background(), q)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	return r
}

func cardNames(r Response) []string {
	var out []string
	for _, c := range r.People {
		out = append(out, c.Person.Name)
	}
	return out
}

func TestPersonQuestions(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"Who moderated the first panel?", []string{"Ilias Chatzis"}},
		{"who chaired panel two", []string{"Michelle Leighton"}},
		{"Who moderated the discussion on Africa and Europe?", []string{"Colin Rajah"}},
		{"Who were the panellists of the third panel?", []string{"Shannon Lederer", "Lizeth Lema", "Milka Isinta", "Michele LeVoy", "John Murray", "Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}},
		{"Who spoke about Asia and the Middle East?", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}},
		{"Who moderated the panel on regional perspectives?", []string{"Colin Rajah"}},
		{"lajcak", []string{"Miroslav Lajčák"}},
		{"Mr. Gomez Camacho", []string{"Juan José Gómez Camacho"}},
		{"de boer", []string{"Jochem de Boer"}},
		{"What is Tuesday Reitano's job?", []string{"Tuesday Reitano"}},
		{"Which organization does Jochem de Boer work for?", []string{"Jochem de Boer"}},
		{"Who is the IOM Director General?", []string{"William Lacy Swing"}},
		{"Who were the co-facilitators of the negotiations?", []string{"Jürg Lauber", "Juan José Gómez Camacho"}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, cardNames(ask(t, e, tc.q))); diff != "" {
				t.Errorf("cards (-want +got):\n%s", diff)
			}
		})
	}
}

// A person question cites the sentence that introduces the person, which
// credits no one with a statement.
func TestPersonCardCitesIntroduction(t *testing.T) {
	r := ask(t, engine(t), "Who moderated the first panel?")
	if len(r.Excerpts) == 0 || !strings.Contains(r.Excerpts[0].Text, "was moderated by Mr. Ilias Chatzis") {
		t.Fatalf("excerpts = %+v", r.Excerpts)
	}
	if x := r.Excerpts[0]; len(x.Speakers) != 0 || x.Participants || x.Kind != content.Introduction {
		t.Errorf("introduction credited: %+v", x)
	}
}

// No answer quotes the same sentence twice, even when a sentence comes with
// the one before it.
func TestExcerptsDoNotOverlap(t *testing.T) {
	e := engine(t)
	for _, q := range []string{"Who is Louise Arbour?", "What did Louise Arbour say?", "Arbour", "action-oriented contributions regional cooperation"} {
		r := ask(t, e, q)
		seen := map[*content.Sentence]bool{}
		for _, x := range r.Excerpts {
			for _, s := range x.Sentences {
				if seen[s] {
					t.Errorf("%q: sentence %d quoted twice", q, s.Index)
				}
				seen[s] = true
			}
		}
	}
}

func TestAttributionInAnswers(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		q, excerpt   string
		speakers     []string
		participants bool
	}{
		// A group is credited as the group.
		{"labour inspection", "the need for better labour inspection", []string{"Claire Falconer", "Kate Sheill", "Tuesday Reitano"}, false},
		// An interactive segment's statements go to unnamed participants.
		{"Should return be the main response to irregular migration?", "return should not be the sole", nil, true},
		// The President of the General Assembly, unnamed in the sentence.
		{"realities on the ground", "In his closing remarks", []string{"Miroslav Lajčák"}, false},
		// A pronoun's sentence comes with the one that names her.
		{"action-oriented contributions", "Ms. Louise Arbour, noted the important role of the civil society in targeting gaps and shortcomings in Member States discussions. She encouraged participants", []string{"Louise Arbour"}, false},
	} {
		t.Run(tc.q, func(t *testing.T) {
			r := ask(t, e, tc.q)
			if len(r.Excerpts) == 0 {
				t.Fatal("no excerpts")
			}
			x := r.Excerpts[0]
			if !strings.Contains(x.Text, tc.excerpt) {
				t.Fatalf("first excerpt %q does not hold %q", x.Text, tc.excerpt)
			}
			var got []string
			for _, p := range x.Speakers {
				got = append(got, p.Name)
			}
			if diff := cmp.Diff(tc.speakers, got); diff != "" {
				t.Errorf("speakers (-want +got):\n%s", diff)
			}
			if x.Participants != tc.participants {
				t.Errorf("participants = %v, want %v", x.Participants, tc.participants)
			}
		})
	}
}

func TestExcerptsAreVerbatimWithHighlightsInside(t *testing.T) {
	e := engine(t)
	for _, q := range []string{"labour inspection", "lajcak opening", "What did Louise Arbour ask participants to provide?", "rescue at sea", "Who moderated the first panel?"} {
		r := ask(t, e, q)
		for _, x := range r.Excerpts {
			if !strings.Contains(e.h.Text, x.Text) {
				t.Errorf("%q: excerpt not verbatim: %q", q, x.Text)
			}
			for _, s := range x.Highlights {
				if s.Start < 0 || s.End > len(x.Text) || s.Start >= s.End {
					t.Errorf("%q: highlight %v outside %q", q, s, x.Text)
				}
			}
		}
		if len(r.Excerpts) > MaxExcerpts {
			t.Errorf("%q: %d excerpts", q, len(r.Excerpts))
		}
	}
}

func TestAbstains(t *testing.T) {
	e := engine(t)
	for _, q := range []string{
		"What is the weather in Paris tomorrow?", "Who won the football world cup?", "climate change",
		"How do I bake sourdough bread?", "Who is Taylor Swift?", "asdfghjkl", "the", "What?", "*", `"unclosed`, "a:b:c",
	} {
		t.Run(q, func(t *testing.T) {
			r, err := e.Ask(context.Background(), q)
			if err != nil && !errors.Is(err, ErrEmpty) {
				t.Fatal(err)
			}
			if !r.Abstained() {
				t.Errorf("answered: %d excerpts (%v), cards %v", len(r.Excerpts), r.Excerpts, cardNames(r))
			}
			if err == nil && len(r.Suggestions) == 0 {
				t.Error("no suggestions with the abstention")
			}
		})
	}
}

func TestEmptyQuestion(t *testing.T) {
	e := engine(t)
	for _, q := range []string{"", "   ", "<@U123>", ":wave:", "?!", "\x00\x01", "— … «»", "🙂"} {
		if _, err := e.Ask(context.Background(), q); !errors.Is(err, ErrEmpty) {
			t.Errorf("%q: err = %v, want ErrEmpty", q, err)
		}
	}
}

func TestWho(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Claire Falconer", []string{"Claire Falconer"}},
		{"levoy", []string{"Michele LeVoy"}},
		{"International Chamber of Shipping", []string{"John Murray"}},
		{"nobody at all", nil},
	} {
		cards, err := e.Who(context.Background(), tc.name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cards {
			got = append(got, c.Person.Name)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Who(%q) (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestSegment(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct{ text, want string }{
		{"2", "panel-2"},
		{"ii", "panel-2"},
		{"second", "panel-2"},
		{"panel 3", "panel-3"},
		{"the opening", "opening"},
		{"smuggling", "panel-1"},
		{"labour mobility", "panel-2"},
		{"7", ""},
		{"sourdough", ""},
		{"", ""},
	} {
		got := ""
		if s := e.Segment(tc.text); s != nil {
			got = s.ID
		}
		if got != tc.want {
			t.Errorf("Segment(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func BenchmarkAsk(b *testing.B) {
	e := engine(b)
	ctx := context.Background()
	for _, q := range []string{"What did the panellists say about labour inspection?", "Who moderated the first panel?", "How do I bake sourdough bread?"} {
		b.Run(strings.Fields(q)[len(strings.Fields(q))-1], func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Ask(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzAsk: whatever the question, Ask neither panics nor misquotes.
func FuzzAsk(f *testing.F) {
	for _, seed := range []string{"Who moderated the first panel?", "labour inspection", "<@U1> <!channel> :wave:", "—", "a:b:c \"unclosed", "\xff\xfe", "panel 99", "who"} {
		f.Add(seed)
	}
	e := engine(f)
	f.Fuzz(func(t *testing.T, q string) {
		r, err := e.Ask(context.Background(), q)
		if err != nil && !errors.Is(err, ErrEmpty) {
			t.Fatal(err)
		}
		if len(r.Excerpts) > MaxExcerpts {
			t.Fatalf("%d excerpts", len(r.Excerpts))
		}
		for _, x := range r.Excerpts {
			if !strings.Contains(e.h.Text, x.Text) {
				t.Fatalf("excerpt not verbatim: %q", x.Text)
			}
		}
	})
}

// TestExamplesAreAnswered: the questions an abstention offers are ones the
// summary answers.
func TestExamplesAreAnswered(t *testing.T) {
	e := engine(t)
	ex := e.Examples()
	if len(ex) != 3 {
		t.Fatalf("%d examples: %q", len(ex), ex)
	}
	for _, q := range ex {
		if r := ask(t, e, q); r.Abstained() {
			t.Errorf("example %q is not answered", q)
		}
	}
}
