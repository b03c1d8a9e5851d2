package answer

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestFollowUps: a question after another reads what it leaves out from the
// context of the first answer.
func TestFollowUps(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	for _, tc := range []struct {
		first, then string
		check       func(Response) string
	}{
		{"Who moderated the first panel?", "and the second one?", cards("Michelle Leighton")},
		{"Who moderated the first panel?", "what about panel 3?", cards("Colin Rajah")},
		{"What did Louise Arbour say about regional cooperation?", "what else did she say?", func(r Response) string {
			if len(r.Excerpts) == 0 || slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return strings.Contains(x.Text, "Enhancing cooperation") }) {
				return "want Arbour's statements not shown before"
			}
			return ""
		}},
		{"What did Louise Arbour say?", "what else did she say?", func(r Response) string {
			if len(r.Excerpts) > 0 || r.Hedge() == "" {
				return "all of hers were shown: want nothing more, said so"
			}
			return ""
		}},
		{"Who is William Lacy Swing?", "what did he say about human rights?", credits("William Lacy Swing")},
		{"What did the panellists of panel 2 say about detention?", "and on returns?", holds("return should not be the sole")},
		{"Who moderated the first panel?", "What did the panellists say about labour inspection?", holds("labour inspection")}, // a topic change drops the context
		{"What did Swing say about human rights?", "what else?", func(r Response) string {
			if len(r.Excerpts) == 0 {
				return "want his statements not shown before"
			}
			return ""
		}},
		// An ordinal picks from the segments the answer before listed or was about.
		{"What panels were there?", "tell me about the second one", from("panel-2")},
		{"What regions did the third panel cover?", "what was said about the first one?", from("panel-3-americas")},
		{"Who moderated the second panel?", "and the first one?", cards("Ilias Chatzis")},
		// "it" for the segment the answer was about.
		{"What was the first panel about?", "who moderated it?", cards("Ilias Chatzis")},
		{"who ran the labour panel", "who was on it with her?", cards("Jeroen Beirnaert", "John Bingham", "Jochem de Boer")},
		{"Who is Murtaza Khan?", "which region did he cover?", holds("Partner in Fragomen LLC for Asia and Middle East")},
		// "She encouraged …" was not shown, though the sentence before it,
		// quoted with it, was.
		{"hey bot what did arbour say abt civil society", "what else", holds("She encouraged participants")},
	} {
		t.Run(tc.first+" → "+tc.then, func(t *testing.T) {
			first := ask(t, e, tc.first)
			r, err := e.FollowUp(ctx, tc.then, first.Context())
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(r); msg != "" {
				t.Errorf("%s (taken as %q)", msg, r.Resolved)
			}
		})
	}
}

// TestFollowUpWithoutContext: when the context was lost, a follow-up is
// answered as a question of its own, and never from a guess.
func TestFollowUpWithoutContext(t *testing.T) {
	e := engine(t)
	r, err := e.FollowUp(context.Background(), "and the second one?", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Abstained() || !r.NeedsContext || r.Hedge() == "" {
		t.Errorf("answered from a guess: %+v", r)
	}
	for _, q := range []string{"what else?", "what did she say about detention?"} {
		if r, _ := e.FollowUp(context.Background(), q, Context{}); !r.NeedsContext {
			t.Errorf("%q without context: answered", q)
		}
	}
	fresh, _ := e.FollowUp(context.Background(), "Who moderated the second panel?", Context{})
	if msg := cards("Michelle Leighton")(fresh); msg != "" {
		t.Error(msg)
	}
}

// What a newcomer met, each once wrong: a follow-up's frame, a context
// taken from an answer, what "what else" can still show, a question that
// names its own subject.
func TestWhatANewcomerMet(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	follow := func(first, then string) Response { t.Helper(); return followUp(t, e, first, then) }
	if r := follow("Who moderated the first panel?", "and the second one?"); r.Resolved != "who moderated the second panel" {
		t.Errorf(`"and the second one?" taken as %q`, r.Resolved)
	}
	// An answer from several segments, or one not named, is about its topic:
	// a new topic is asked of the whole summary.
	if r := follow("What was said about return?", "and on family reunification?"); len(r.NotIn) > 0 || !slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return strings.Contains(x.Text, "family reunification") }) {
		t.Errorf("family reunification after return: not in %v, excerpts %v (taken as %q)", r.NotIn, texts(r.Excerpts), r.Resolved)
	}
	// A recap's unshown statements stay to be shown, and every statement of a
	// person is reachable.
	recap := ask(t, e, "tl;dr of panel 2")
	for _, x := range recap.Rest {
		if slices.Contains(recap.Context().Shown, x.Sentences[0].Index) {
			t.Errorf("context.shown lists %q, which the recap did not show", x.Text)
		}
	}
	if r := follow("tl;dr of panel 2", "what else?"); len(r.Excerpts) == 0 || r.NothingMore {
		t.Error(`"what else?" after a recap with more: nothing`)
	}
	arbour := ask(t, e, "What did Louise Arbour say?")
	if got := len(arbour.Context().Shown); got != 3 {
		t.Errorf("Arbour's recap shows %d of her 3 statements", got)
	}
	for q, check := range map[string]func(Response) string{
		"Who organised the hearing?": func(r Response) string {
			if len(r.People) == 0 || r.People[0].Person.ID != "miroslav-lajcak" || len(r.Excerpts) == 0 || !strings.Contains(r.Excerpts[0].Text, "organized the second") {
				return "want the President of the General Assembly and the sentence that says he organised it"
			}
			return ""
		},
		"who spoke in the closing?": func(r Response) string {
			if slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return x.Segment.ID != "closing" }) {
				return "want only what they said in the closing, got " + strings.Join(texts(r.Excerpts), " | ")
			}
			return ""
		},
		"were journalists attending the hearing": func(r Response) string {
			if slices.ContainsFunc(r.Related, func(x Excerpt) bool { return strings.Contains(x.Text, "attention") }) {
				return `"attending" is not "attention"`
			}
			return ""
		},
		"What did Louise Arbour encourage participants to do?": func(r Response) string {
			if len(r.People) > 0 || !slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return strings.Contains(x.Text, "encouraged participants") }) {
				return "want her statement, not her card"
			}
			return ""
		},
	} {
		if msg := check(ask(t, e, q)); msg != "" {
			t.Errorf("%q: %s", q, msg)
		}
	}
	// A question that names its own subject needs no context.
	r, err := e.FollowUp(ctx, "what did the president say in his closing remarks", Context{})
	if err != nil || r.NeedsContext || len(r.Excerpts) == 0 || !strings.Contains(r.Excerpts[0].Text, "In his closing remarks") {
		t.Errorf("the President's closing remarks without context: %v, %+v", err, r.Excerpts)
	}
	r, err = e.FollowUp(ctx, "what did the president say in his closing remarks", ask(t, e, "Who is Louise Arbour?").Context())
	if err != nil || r.Resolved != "" || len(r.Excerpts) == 0 || !strings.Contains(r.Excerpts[0].Text, "In his closing remarks") {
		t.Errorf("the President's closing remarks after Arbour: taken as %q, %v", r.Resolved, err)
	}
}

func texts(xs []Excerpt) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Text)
	}
	return out
}

// More of what a newcomer met: a moderator the summary credits nothing to is
// still someone it names; a segment's topic is what it was about; the bank
// is searched even when every word of a question is common.
func TestWhatANewcomerMetToo(t *testing.T) {
	e := engine(t)
	if r := ask(t, e, "was anyone from the ilo there"); len(r.People) == 0 || r.People[0].Person.ID != "michelle-leighton" {
		t.Errorf("anyone from the ILO: %v", r.People)
	}
	if r := ask(t, e, "whats the topic of panel two"); len(r.Excerpts) == 0 || slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return !within(x.Segment, e.h.Segment("panel-2")) }) {
		t.Errorf("the topic of panel two: %v (not in %v)", texts(r.Excerpts), r.NotIn)
	}
	if r := ask(t, e, "who put this hearing together"); slices.ContainsFunc(r.People, func(c Card) bool { return c.Person.ID == "colin-rajah" }) {
		t.Error(`"with support from IOM" names no one: not Colin Rajah`)
	}
}

// Follow-ups about the answer itself, about one of several people, and for
// more of a segment.
func TestFollowUpsOnTheAnswer(t *testing.T) {
	e := engine(t)
	follow := func(first, then string) Response { t.Helper(); return followUp(t, e, first, then) }
	if r := follow("did anyone say migrants should be viewed as people first?", "who said that?"); len(r.People) == 0 || r.People[0].Person.ID != "miroslav-lajcak" {
		t.Errorf("who said that: %v", r.People)
	}
	if r := follow("was ECOWAS mentioned?", "where was that?"); len(r.Excerpts) == 0 || r.Excerpts[0].Segment.ID != "panel-3-africa-europe" {
		t.Errorf("where was that: %v", texts(r.Excerpts))
	}
	if r := follow("who were the panellists on the trafficking panel?", "what does the last one do?"); !strings.Contains(r.Resolved, "Tuesday Reitano") {
		t.Errorf("the last one taken as %q", r.Resolved)
	}
	if r := follow("What did Jürg Lauber say?", "anything else from the closing?"); !slices.ContainsFunc(r.Excerpts, func(x Excerpt) bool { return strings.Contains(x.Text, "In his closing remarks") }) {
		t.Errorf("anything else from the closing: %v (taken as %q)", texts(r.Excerpts), r.Resolved)
	}
	if r := ask(t, e, "which panel did Michelle Leighton moderate?"); len(r.Excerpts) == 0 || !strings.Contains(r.Excerpts[0].Text, "The second panel focused on") {
		t.Errorf("which panel did Michelle Leighton moderate: %v", texts(r.Excerpts))
	}
}

// followUp asks first, then then as its follow-up.
func followUp(t *testing.T, e *Engine, first, then string) Response {
	t.Helper()
	r, err := e.FollowUp(context.Background(), then, ask(t, e, first).Context())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// from checks that the first excerpt comes from the segment id.
func from(id string) func(Response) string {
	return func(r Response) string {
		if len(r.Excerpts) == 0 || r.Excerpts[0].Segment.ID != id {
			return "first excerpt not from " + id
		}
		return ""
	}
}

// TestAContextNamesEachPersonOnce: a context typed by hand with a person
// twice is read with them once.
func TestAContextNamesEachPersonOnce(t *testing.T) {
	e := engine(t)
	r, err := e.FollowUp(context.Background(), "what else did he say?", Context{Question: "Who is Swing?", People: []string{"william-lacy-swing", "william-lacy-swing"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(r.Resolved, "Swing") != 1 {
		t.Errorf("taken as %q", r.Resolved)
	}
}
