// Command hearingbot answers questions about the Second informal interactive
// multi-stakeholder hearing on the Global Compact for Migration, from the
// command line (and, in later subcommands, in Slack).
//
// main is wiring only: configuration from the environment, the root logger,
// the subcommands. Main is what the tests run.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // HEARINGBOT_DIGEST_TZ works in an image without a zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Terminal: isTerminal(os.Stdout)})
	stop()
	os.Exit(code)
}

// Streams are a command's standard streams. Terminal says whether Out is a
// terminal, which allows colour and emphasis.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	Terminal bool
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // something failed: bad content, a search error
	exitUsage = 2 // the command line is wrong
)
