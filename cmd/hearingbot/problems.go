package main

import (
	"errors"
	"fmt"
	"strings"
)

// problems are what is wrong with one thing (the configuration, a file), all
// found at once, each a sentence that stands alone.
type problems []string

// err is the problems as an error about what: on one line when there is
// one ("configuration: X"), else a line that counts them and one a line
// under it ("configuration: 2 problems:\n  X\n  Y"); nil when there are
// none.
func (p problems) err(what string) error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s: %s", what, p[0])
	}
	return errors.New(what + fmt.Sprintf(": %d problems:\n  ", len(p)) + strings.Join(p, "\n  "))
}
