package answer

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hearingbot/content"
)

// TestUnderstanding holds the engine to what issue 10 asked of it, one
// mechanism a case: each question is worded the way people ask.
func TestUnderstanding(t *testing.T) {
	e := engine(t)
	first := func(r Response) string {
		if len(r.Excerpts) == 0 {
			return ""
		}
		return r.Excerpts[0].Text
	}
	for _, tc := range []struct {
		q     string
		check func(Response) string // "" when right, else what is wrong
	}{
		// the WordNet bridge, and phrasal verbs with their object inside
		{"What was the view on locking migrants up?", holds("Return and detention policies")},
		{"were people detained?", holds("Return and detention policies")},
		// organisations and roles in everyday words
		{"Who spoke for the employers' federation?", cards("Jochem de Boer")},
		{"What did the Swiss ambassador stress in the closing?", credits("Jürg Lauber")},
		{"what did the head of the UN migration agency say about human rights?", credits("William Lacy Swing")},
		// recaps, with how many more there are
		{"yo what was panel 3 about", func(r Response) string {
			if len(r.Excerpts) != MaxExcerpts || r.More == 0 {
				return "want three excerpts and more to come"
			}
			return ""
		}},
		{"what happened at the closing", holds("co-facilitators")},
		{"what came out of the Americas discussion?", holds("policies are often designed to restrict migration")},
		// speaker-group words narrow and are never the topic
		{"What did the panellists say about firewalls?", missing("firewalls")},
		{"What did participants say about the shipping industry?", func(r Response) string {
			if len(r.Excerpts) == 0 || !r.Excerpts[0].Participants {
				return "first excerpt not credited to participants: " + first(r)
			}
			return ""
		}},
		// honest partial answers: missing words, figures, people, panels
		{"What was said about remittances that migrants send home?", missing("remittances")},
		{"Did Germany make a statement at the hearing?", missing("Germany")},
		{"Were remittances sent home by diasporas discussed?", func(r Response) string {
			if msg := missing("remittances")(r); msg != "" {
				return msg // a key word missing is said, even when the rest is there
			}
			if !slices.ContainsFunc(r.Related, func(x Excerpt) bool { return strings.Contains(x.Text, "diasporas") }) {
				return "the diasporas passage is not among the related ones"
			}
			return ""
		}},
		{"What about migrants whose foreign diplomas aren't accepted?", holds("Recognition of skills and certificates")},
		{"How many people attended?", func(r Response) string {
			if !r.Abstained() || !r.Figure {
				return "want no answer for lack of a figure"
			}
			return ""
		}},
		{"What nationality is Louise Arbour?", func(r Response) string {
			if !r.Abstained() || len(r.NotCredited) != 1 {
				return "want no answer, nothing of hers answering"
			}
			return ""
		}},
		{"what was discussed in the fourth panel", missing("fourth panel")},
		// The hearing's own title names it, not its interactive segments;
		// another ordinal names another hearing, spelled out or not.
		{"when was the second informal interactive multi-stakeholder hearing?", offers("11 October 2017")}, // the judge is unsure of a date: it offers the passage
		{"when + where was the 2nd multi-stakeholder hearing held?", holds("11 October 2017 in Geneva")},
		{"when was the first informal multi-stakeholder hearing held?", missing("first hearing")},
		{"what was the 3rd panel about", holds("The third panel discussed regional perspectives on migration.")},
		// A kind asked for in the singular, as the speller leaves it.
		{"which sectors would the sector-wide visa schemes cover?", func(r Response) string {
			if !r.Abstained() || !r.Unnamed {
				return "want no answer: the summary names no sectors"
			}
			return ""
		}},
		// A position on a topic is a view, not a job.
		{"what's Jürg Lauber's position on return and detention policies?", func(r Response) string {
			if !r.Abstained() || len(r.NotCredited) != 1 {
				return "want no answer, nothing of his on return or detention"
			}
			return ""
		}},
		{"what is Jürg Lauber's position?", func(r Response) string {
			if len(r.People) != 1 {
				return "want his card"
			}
			return ""
		}},
		{"What did the closing segment say about detention?", func(r Response) string {
			if !r.Abstained() || len(r.NotIn) != 1 || r.NotIn[0].ID != "closing" {
				return "want no answer, nothing of the closing answering"
			}
			return ""
		}},
		{"Who gave a speech just before the third panel started?", cards("William Lacy Swing")},
		{"Who said migrants should be seen as people first and foremost?", cards("Miroslav Lajčák")},
		{"Detention centres are a disgrace. Did anyone demand detention be reviewed?", holds("Return and detention policies should be reviewed")},
		{"pvt sector role asia", holds("Private sector is getting more engaged")},
		{"What was said about traffickers recruiting victims through social media?", missing("media")},
		{"When is the African passport supposed to launch?", func(r Response) string {
			if !r.Abstained() || !r.Figure {
				return "want no answer for lack of a date"
			}
			return ""
		}},
		// typos and casual wording
		{"What did Louis Arbor say about civil socety?", credits("Louise Arbour")},
		{"decent work stuff pls", holds("decent work")},
		{"wat did ppl say abt wages", holds("Wages protection schemes")},
		// which part of the hearing, found by topic or by place
		{"which panel covered labour shortages?", holds("The second panel focused on")},
		{"What came right after the opening?", holds("The first panel entitled")},
		{"did anyone talk about the Mediterranean", holds("saving migrants in the Mediterranean")},
		// people described, not named; speakers the summary never quotes
		{"the guy from the immigration law firm", cards("Murtaza Khan")},
		{"What did the shipping guy say about the Mediterranean?", credits("John Murray")},
		{"What did the World Bank say about labour shortages?", func(r Response) string {
			if !r.Abstained() || r.Unheard != "the World Bank" || r.Hedge() != "The summary credits no statement to the World Bank." {
				return "want no answer, the World Bank credited with nothing; got hedge " + r.Hedge()
			}
			return ""
		}},
		{"Did any Member State reject the idea of sector-wide visas?", func(r Response) string {
			if r.Hedge() != "The summary credits no statement to any Member State." {
				return "want the Member States credited with nothing; got hedge " + r.Hedge()
			}
			return ""
		}},
		// instances asked for that the summary does not name
		{"Which Asian countries use wage protection schemes?", func(r Response) string {
			if !r.Abstained() || r.Hedge() != "The summary names no Asian countries for that." {
				return "want no answer, no countries named; got hedge " + r.Hedge()
			}
			return ""
		}},
		{"which african policies were given as examples?", holds("mobility within ECOWAS")},
		{"What role did Arbour see for civil society?", credits("Louise Arbour")},
		// what comes after the hearing, which its summary cannot tell
		{"Where will the next hearing take place?", func(r Response) string {
			if !r.Abstained() || !r.Figure || r.Hedge() != "The summary gives no place for that." {
				return "want no answer for lack of a place"
			}
			return ""
		}},
		{"When will the compact be adopted?", func(r Response) string {
			if !r.Abstained() || !r.Figure {
				return "want no answer for lack of a later date"
			}
			return ""
		}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			if msg := tc.check(ask(t, e, tc.q)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// offers is holds, or the closest passages offered as uncertain hold phrase.
func offers(phrase string) func(Response) string {
	return func(r Response) string {
		if r.Uncertain && slices.ContainsFunc(r.Related, func(x Excerpt) bool { return strings.Contains(x.Text, phrase) }) {
			return ""
		}
		return holds(phrase)(r)
	}
}

func holds(phrase string) func(Response) string {
	return func(r Response) string {
		if !slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return strings.Contains(x.Text, phrase) }) {
			return "no excerpt holds " + phrase
		}
		return ""
	}
}

func credits(name string) func(Response) string {
	return func(r Response) string {
		if len(r.Excerpts) == 0 || !slices.ContainsFunc(r.Excerpts[0].Speakers, func(p *content.Person) bool { return p.Name == name }) {
			return "first excerpt not credited to " + name
		}
		return ""
	}
}

func cards(names ...string) func(Response) string {
	return func(r Response) string {
		return cmp.Diff(names, cardNames(r))
	}
}

func missing(words ...string) func(Response) string {
	return func(r Response) string {
		if !r.Abstained() {
			return "answered; want an abstention naming " + strings.Join(words, ", ")
		}
		if diff := cmp.Diff(words, r.Missing); diff != "" {
			return "missing (-want +got):\n" + diff
		}
		if r.Hedge() == "" {
			return "no hedge line"
		}
		return ""
	}
}

func TestCorrector(t *testing.T) {
	c := newCorrector(engine(t).h)
	got := c.correct([]string{"lajcek", "remraks", "mechanisims", "kahn", "joke", "letting", "password", "wich", "arbor", "arbor"}, nil)
	want := []string{"lajcak", "remarks", "mechanisms", "khan", "joke", "letting", "password", "which", "arbor", "arbor"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corrections (-want +got):\n%s", diff)
	}
	got = c.correct([]string{"louis", "arbor"}, map[string]bool{"louis": true, "arbor": true})
	want = []string{"louise", "arbour"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corrections (-want +got):\n%s", diff)
	}
}

func TestAsked(t *testing.T) {
	for q, want := range map[string]string{
		"Kids in cages! Did anyone mention children?": "Did anyone mention children?",
		"Who moderated panel 1? And panel 2?":         "Who moderated panel 1? And panel 2?",
		"e.g. what about ECOWAS?":                     "what about ECOWAS?",
		"detention policies":                          "detention policies",
		"This is long. No question here.":             "This is long. No question here.",
	} {
		if got := asked(q); got != want {
			t.Errorf("asked(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"help", "hlep", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"Lajčák", "Lajcak", 2}, {"same", "same", 0}} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Names as people spell them by ear, and typos of two letters in long words.
func TestSpellingAsPeopleType(t *testing.T) {
	c := engine(t).corrector
	for in, want := range map[string]string{
		"rafik azis":           "rafeek azeez",
		"william lacey swing":  "william lacy swing",
		"trafiking":            "trafficking",
		"smugling":             "smuggling",
		"reprsented":           "represented",
		"password":             "password", // a word, not a typo of "passport"
		"what about the visas": "what about the visas",
	} {
		if got := strings.Join(c.correct(strings.Fields(in), nil), " "); got != want {
			t.Errorf("correct(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct{ w, code string }{{"azis", "A220"}, {"azeez", "A220"}, {"rafik", "R120"}, {"rafeek", "R120"}, {"lacey", "L200"}} {
		if got := soundex(tc.w); got != tc.code {
			t.Errorf("soundex(%q) = %q, want %q", tc.w, got, tc.code)
		}
	}
}
