package content

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The attribution of every sentence of the summary that reports a statement,
// stated a second time, independently of hearing.yaml, for review: the
// opening words of the sentence, the people credited, and whether unnamed
// participants are credited. Every sentence not listed credits no one.
var attributions = []struct {
	opening      string
	speakers     []string
	participants bool
}{
	// Opening: the President of the General Assembly, then the Secretary-General of the Conference.
	{"At the opening segment of the hearing", []string{"Miroslav Lajčák"}, false},
	{"Sharing different viewpoints", []string{"Miroslav Lajčák"}, false},
	{"The President highlighted", []string{"Miroslav Lajčák"}, false},
	{"The Secretary-General of the intergovernmental Conference", []string{"Louise Arbour"}, false},
	{"She encouraged participants", []string{"Louise Arbour"}, false},
	{"Enhancing cooperation at the regional level", []string{"Louise Arbour"}, false},
	// Panel 1: "The panellists underlined" credits the three panellists, not the moderator.
	{"The panellists underlined how fear", []string{"Claire Falconer", "Kate Sheill", "Tuesday Reitano"}, false},
	{"During the interactive segment, the role of the shipping industry", nil, true},
	// Panel 2: the panellists, and the sentences that go on reporting them.
	{"Panellists underlined the need to create", []string{"Jeroen Beirnaert", "John Bingham", "Jochem de Boer"}, false},
	{"Grey economy creates demand", []string{"Jeroen Beirnaert", "John Bingham", "Jochem de Boer"}, false},
	{"Sector-wide visa schemes", []string{"Jeroen Beirnaert", "John Bingham", "Jochem de Boer"}, false},
	{"Recognition of skills and certificates", []string{"Jeroen Beirnaert", "John Bingham", "Jochem de Boer"}, false},
	{"The panellists also noted", []string{"Jeroen Beirnaert", "John Bingham", "Jochem de Boer"}, false},
	{"During the interactive segment, the work done under GFMD", nil, true},
	{"The potential of the Global Compact", nil, true},
	{"Many speakers expressed the view", nil, true},
	{"Skills-matching and recognition", nil, true},
	// The IOM Director General.
	{"Mr. Swing underscored", []string{"William Lacy Swing"}, false},
	{"Although the Global Compact would become", []string{"William Lacy Swing"}, false},
	{"Mr. Swing also laid out", []string{"William Lacy Swing"}, false},
	// Panel 3's regional discussions: the region's panellists and other speakers.
	{"During the discussion focused on the Americas", []string{"Shannon Lederer", "Lizeth Lema"}, true},
	{"Need for social protection", []string{"Shannon Lederer", "Lizeth Lema"}, true},
	{"Both push and pull factors", []string{"Shannon Lederer", "Lizeth Lema"}, true},
	{"Complementarity and interconnectedness", nil, true}, // "by many speakers"
	{"The second discussion on Africa and Europe", []string{"Milka Isinta", "Michele LeVoy", "John Murray"}, true},
	{"Global Compact should define a minimum set", []string{"Milka Isinta", "Michele LeVoy", "John Murray"}, true},
	{"Return and detention policies", []string{"Milka Isinta", "Michele LeVoy", "John Murray"}, true},
	{"Africa offers many interesting examples", []string{"Milka Isinta", "Michele LeVoy", "John Murray"}, true},
	{"The role of shipping industry in saving migrants", []string{"Milka Isinta", "Michele LeVoy", "John Murray"}, true},
	{"In the last discussion focused on Asia", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}, true},
	{"Need to ensure decent work", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}, true},
	{"Wages protection schemes", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}, true},
	{"Many regional mechanisms", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}, true},
	{"Private sector is getting more engaged", []string{"Rafeek Azeez", "Roula Hamati", "Murtaza Khan"}, true},
	// Closing: both co-facilitators, then the President of the General Assembly, unnamed in the sentence.
	{"During the closing segment", []string{"Jürg Lauber", "Juan José Gómez Camacho"}, false},
	{"In his closing remarks", []string{"Miroslav Lajčák"}, false},
}

func TestAttribution(t *testing.T) {
	h := Default()
	listed := map[*Sentence]bool{}
	for _, a := range attributions {
		var s *Sentence
		for _, c := range h.Sentences {
			if strings.HasPrefix(c.Text, a.opening) {
				if s != nil {
					t.Fatalf("%q opens more than one sentence", a.opening)
				}
				s = c
			}
		}
		if s == nil {
			t.Errorf("%q opens no sentence", a.opening)
			continue
		}
		listed[s] = true
		var got []string
		for _, p := range s.Speakers {
			got = append(got, p.Name)
		}
		if diff := cmp.Diff(a.speakers, got); diff != "" {
			t.Errorf("%q: speakers (-want +got):\n%s", a.opening, diff)
		}
		if s.Participants != a.participants {
			t.Errorf("%q: participants = %v, want %v", a.opening, s.Participants, a.participants)
		}
		if s.Kind != Statement {
			t.Errorf("%q: kind = %s, want statement", a.opening, s.Kind)
		}
	}
	for _, s := range h.Sentences {
		if listed[s] {
			continue
		}
		if len(s.Speakers) > 0 || s.Participants || s.Kind == Statement {
			t.Errorf("%q credits %v (participants %v), want no one", clip(s.Text), s.Speakers, s.Participants)
		}
	}
}

// Sentences that only introduce people credit no one, and say so.
func TestIntroductionsCreditNoOne(t *testing.T) {
	h := Default()
	for _, opening := range []string{"Panellists were", "Panellists included", "Structured loosely", "The third panel was preceded", "The first panel entitled", "The second panel focused", "Moderated by Mr. Colin Rajah"} {
		for _, s := range h.Sentences {
			if strings.HasPrefix(s.Text, opening) && s.Kind != Introduction {
				t.Errorf("%q: kind = %s, want introduction", opening, s.Kind)
			}
		}
	}
}
