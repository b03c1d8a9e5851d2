package content

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultValidates(t *testing.T) {
	h := Default()
	if got, want := len(h.Segments), 12; got != want {
		t.Errorf("segments = %d, want %d", got, want)
	}
	if got, want := len(h.People), 22; got != want {
		t.Errorf("people = %d, want %d", got, want)
	}
	var joined []string
	for _, s := range h.Sentences {
		joined = append(joined, s.Text)
		if h.Text[s.Start:s.Start+len(s.Text)] != s.Text {
			t.Errorf("sentence %d: Start %d does not point at its text", s.Index, s.Start)
		}
	}
	if strings.Join(joined, " ") != h.Text {
		t.Error("the sentences, joined, are not the summary's plain text")
	}
	if h.Date.Format("2006-01-02") != "2017-10-11" {
		t.Errorf("date = %v", h.Date)
	}
}

// The summary's details that are easy to get wrong.
func TestPeopleAsTheSummaryGivesThem(t *testing.T) {
	h := Default()
	for _, tc := range []struct{ id, name, honorific, title, org string }{
		{"miroslav-lajcak", "Miroslav Lajčák", "H.E. Mr.", "President of the General Assembly", ""},
		{"milka-isinta", "Milka Isinta", "Ms.", "", "Pan-African Network in Defence of Migrant Rights"},
		{"rafeek-azeez", "Rafeek Azeez", "Mr.", "Executive Director", "Migrant Forum in Asia"}, // split across a paragraph break
		{"lizeth-lema", "Lizeth Lema", "Ms.", "Regional Advocacy Coordinator", "Asylum Access Latin America"},
		{"john-murray", "John Murray", "Mr.", "Marine Director", "International Chamber of Shipping"},
		{"murtaza-khan", "Murtaza Khan", "Mr.", "Partner", "Fragomen LLC"},
		{"juan-jose-gomez-camacho", "Juan José Gómez Camacho", "H.E. Mr.", "Permanent Representative of Mexico to the United Nations", ""},
		{"jochem-de-boer", "Jochem de Boer", "Mr.", "Global Public Affairs Manager", "World Employment Confederation"},
	} {
		p := h.Person(tc.id)
		if p == nil {
			t.Errorf("%s: missing", tc.id)
			continue
		}
		got := [4]string{p.Name, p.Honorific, p.Title, p.Organization}
		if want := [4]string{tc.name, tc.honorific, tc.title, tc.org}; got != want {
			t.Errorf("%s = %q, want %q", tc.id, got, want)
		}
	}
	// The third panel's regional groups.
	for seg, want := range map[string][]string{
		"panel-3-americas":         {"shannon-lederer", "lizeth-lema"},
		"panel-3-africa-europe":    {"milka-isinta", "michele-levoy", "john-murray"},
		"panel-3-asia-middle-east": {"rafeek-azeez", "roula-hamati", "murtaza-khan"},
	} {
		var got []string
		for _, p := range h.Segment(seg).Panellists {
			got = append(got, p.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s panellists = %v, want %v", seg, got, want)
		}
	}
}

// broken returns a copy of the embedded content folder with one file edited.
func broken(t *testing.T, file, old, new string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range []string{HearingFile, VocabularyFile, ThemesFile, ExamplesFile, JudgeFile, "summary.txt"} {
		data, err := fs.ReadFile(embedded, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == file {
			if !strings.Contains(string(data), old) {
				t.Fatalf("%s does not hold %q", file, old)
			}
			data = []byte(strings.Replace(string(data), old, new, 1))
		}
		m[name] = &fstest.MapFile{Data: data}
	}
	return m
}

func TestLoadRejectsBrokenContent(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"changed word in a sentence", HearingFile, "emphasized the strength in diversity", "emphasised the strength in diversity",
			"segment opening, sentence 1: not the summary's next sentence"},
		{"changed word in the summary", "summary.txt", "Grey economy creates demand", "Gray economy creates demand",
			"segment panel-2, sentence 4: not the summary's next sentence"},
		{"sentence left out", HearingFile, "      - text: \"Both push and pull factors would have to be addressed to reduce irregular migration.\"\n        credit: [panellists, participants]\n", "",
			"segment panel-3-americas, sentence 3: not the summary's next sentence"},
		{"last sentence left out", HearingFile, "      - text: \"In his closing remarks, the President of the General Assembly noted the importance of hearing the realities on the ground, and the need to agree on Global Compact that is universal, but takes into account the best practices and specific challenges experienced in different parts of the world.\"\n        credit: [miroslav-lajcak]\n", "",
			"the summary goes on past the last sentence: In his closing remarks"},
		{"a word changed", HearingFile, "Return and detention policies should be reviewed", "Return and detention policy should be reviewed",
			"they part at word 4 after “…Return and detention”:\n\tcontent: policy should be reviewed, better labour\n\tsummary: policies should be reviewed, better labour"},
		{"unknown person credited", HearingFile, "credit: [louise-arbour]", "credit: [louise-arbor]",
			`unknown person "louise-arbor"`},
		{"unknown moderator", HearingFile, "moderator: ilias-chatzis", "moderator: ilias",
			`segments[2] (panel-1): moderator: unknown person "ilias"`},
		{"panellists credited where there are none", HearingFile, "credit: [participants]", "credit: [panellists]",
			"credits panellists, but segment panel-1-interactive has none"},
		{"a name not in the summary", HearingFile, "name: Claire Falconer", "name: Clare Falconer",
			`name "Clare Falconer" does not appear in the summary`},
		{"an organisation not in the summary", HearingFile, "organization: Fragomen LLC", "organization: Fragomen Inc",
			`organization "Fragomen Inc" does not appear in the summary`},
		{"duplicate person id", HearingFile, "id: kate-sheill", "id: claire-falconer",
			`id "claire-falconer" is used twice`},
		{"unknown segment kind", HearingFile, "kind: closing", "kind: farewell",
			`kind "farewell" is not one of`},
		{"unknown sentence kind", HearingFile, "{kind: heading, text: \"11 October 2017\"}", "{kind: title, text: \"11 October 2017\"}",
			`kind "title" is not one of`},
		{"credit on an introduction", HearingFile, "      - kind: introduction\n        text: \"Panellists were", "      - kind: introduction\n        credit: [panellists]\n        text: \"Panellists were",
			"a introduction credits no one"},
		{"unknown field", HearingFile, "honorific: Ms.\n    title: Legal Director", "honorific: Ms.\n    titel: Legal Director",
			"field titel not found"},
		{"bad date", HearingFile, "date: 2017-10-11", "date: 11/10/2017", "hearing.date"},
		{"one-member synonym group", VocabularyFile, "  - [GFMD, Global Forum on Migration and Development]", "  - [GFMD]",
			"a group needs at least two members"},
		{"multi-word spelling", VocabularyFile, "  labour: labor", "  labour market: labor market",
			"both sides must be single words"},
		{"duplicate theme id", ThemesFile, "id: legal-pathways", "id: smuggling-trafficking", `id "smuggling-trafficking": used twice`},
		{"bad theme id", ThemesFile, "id: skills", "id: Skills!", `id "Skills!": use lowercase words`},
		{"theme without words", ThemesFile, "words: [skills, qualifications, certificates, skills-matching]", "words: []", "(skills): words: none"},
		{"theme with an empty related word", ThemesFile, "related: [recognition,", "related: [\"\",", "(skills): words: an empty word"},
		{"theme without title", ThemesFile, "title: Decent work and fair recruitment", "title: \"\"", "(decent-work): title: missing"},
		{"theme title too long", ThemesFile, "title: Decent work and fair recruitment", "title: " + strings.Repeat("long ", 40), "title: 199 characters, at most 150"},
		{"unknown theme field", ThemesFile, "description: Fair recruitment", "summary: Fair recruitment", "field summary not found"},
		{"an example for an unknown sentence", ExamplesFile, "  panel-2.4:\n", "  panel-2.40:\n", `sentences: "panel-2.40": no such sentence`},
		{"an example for an unknown person", ExamplesFile, "  jochem-de-boer:\n", "  jochem-boer:\n", `people: "jochem-boer": no such person`},
		{"an example for an unknown segment", ExamplesFile, "  panel-3-americas:\n    - ", "  panel-3-america:\n    - ", `segments: "panel-3-america": no such segment`},
		{"an example given twice", ExamplesFile, "unanswerable:\n", "unanswerable:\n  - GREY economy demand!\n", `is given twice (first under sentences.panel-2.4)`},
		{"an unknown field in the bank", ExamplesFile, "unanswerable:\n", "unanswerables:\n", "field unanswerables not found"},
		{"a judge whose thresholds are the wrong way round", JudgeFile, `"uncertain": `, `"uncertain": 1`, "thresholds: want 0 < uncertain"},
		{"extra text at the end of the summary", "summary.txt", "different parts of the world.", "different parts of the world. And more.",
			"the summary goes on past the last sentence: And more."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(broken(t, tc.file, tc.old, tc.new))
			if err == nil {
				t.Fatal("loaded without error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestThemesAreOptional(t *testing.T) {
	m := broken(t, "", "", "").(fstest.MapFS)
	delete(m, ThemesFile)
	h, err := Load(m)
	if err != nil || len(h.Themes) != 0 {
		t.Fatalf("without themes.yaml: %d themes, %v", len(h.Themes), err)
	}
	if got := len(Default().Themes); got < 5 {
		t.Errorf("the embedded hearing has %d themes", got)
	}
}

func TestBankIsOptional(t *testing.T) {
	m := broken(t, "", "", "").(fstest.MapFS)
	delete(m, ExamplesFile)
	delete(m, JudgeFile)
	h, err := Load(m)
	if err != nil || len(h.Examples) != 0 || h.Judge != nil || h.Unexampled() != nil {
		t.Fatalf("without a bank: %d examples, judge %v, %v", len(h.Examples), h.Judge, err)
	}
}

// Every sentence that states something has examples, each sentence, person
// and segment id the bank names resolves, and the bank holds questions the
// summary does not answer.
func TestTheBankCoversTheHearing(t *testing.T) {
	h := Default()
	if u := h.Unexampled(); len(u) > 0 {
		t.Errorf("sentences without examples: %v", u)
	}
	per := map[string]int{}
	unanswerable := 0
	for _, x := range h.Examples {
		if x.Unanswerable() {
			unanswerable++
		}
		per[x.Target()]++
	}
	for _, s := range h.Sentences {
		if n := per[s.ID]; (s.Kind == Statement || s.Kind == Narrative) && n < 20 {
			t.Errorf("%s: %d examples, want 20 or more", s.ID, n)
		}
	}
	for _, p := range h.People {
		if per[p.ID] < 10 {
			t.Errorf("%s: %d examples, want 10 or more", p.ID, per[p.ID])
		}
	}
	for _, s := range h.Segments {
		if per[s.ID] < 10 {
			t.Errorf("%s: %d examples, want 10 or more", s.ID, per[s.ID])
		}
	}
	if unanswerable < 400 {
		t.Errorf("%d unanswerable examples, want 400 or more", unanswerable)
	}
	if s := h.Sentence("panel-2.4"); s == nil || !strings.HasPrefix(s.Text, "Grey economy") {
		t.Errorf("sentence panel-2.4 = %v", s)
	}
}

func TestLoadDirMissing(t *testing.T) {
	if _, err := LoadDir(t.TempDir() + "/nope"); err == nil {
		t.Error("LoadDir of a missing folder: no error")
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText("\n\n**Title**\n\nA  line,\n\nsplit.  ")
	if want := "Title A line, split."; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func TestSurname(t *testing.T) {
	h := Default()
	for id, want := range map[string]string{"jochem-de-boer": "de Boer", "william-lacy-swing": "Swing", "juan-jose-gomez-camacho": "Gómez Camacho", "michele-levoy": "LeVoy"} {
		if got := h.Person(id).Surname(); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
