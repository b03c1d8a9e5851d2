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
