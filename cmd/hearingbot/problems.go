package main

import (
	"errors"
	"fmt"
	"strings"
)

// problems are what is wrong with one thing (the configuration, a file), all
// found at once, each a sentence that stands alone.
type problems struct {
	about string // "configuration"
	list  []string
}

// listProblems is the problems with about as an error, or nil when there
// are none.
func listProblems(about string, list []string) error {
	if len(list) == 0 {
		return nil
	}
	return problems{about, list}
}

// allProblems is the problems of errs (nil ones left out) as one error about
// about: those of each problems error, and each other error as one, in order.
func allProblems(about string, errs ...error) error {
	var list []string
	for _, err := range errs {
		var p problems
		switch {
		case errors.As(err, &p):
			list = append(list, p.list...)
		case err != nil:
			list = append(list, err.Error())
		}
	}
	return listProblems(about, list)
}

// Error says the problems on one line when there is one ("configuration:
// X"), else in a line that counts them and one a line under it, indented
// ("configuration: 2 problems:\n  X\n  Y").
func (p problems) Error() string {
	if len(p.list) == 1 {
		return p.about + ": " + p.list[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", p.about, len(p.list))
	for _, x := range p.list {
		b.WriteString("\n  " + strings.ReplaceAll(x, "\n", "\n    "))
	}
	return b.String()
}
