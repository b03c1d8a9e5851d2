package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"hearingbot/bot/answer"
	"hearingbot/bot/answer/evalset"
	"hearingbot/bot/digest"
	"hearingbot/bot/term"
	"hearingbot/content"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage")

// Main runs one command line and returns the exit status.
func Main(ctx context.Context, args []string, s Streams) int {
	err := run(ctx, args, s)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		see := "hearingbot help"
		if len(args) > 0 && args[0] != "help" && helps[args[0]] != "" {
			see += " " + args[0]
		}
		fmt.Fprintf(s.Err, "hearingbot: %v (see '%s')\n", strings.TrimPrefix(err.Error(), "usage: "), see)
		return exitUsage
	default:
		fmt.Fprintf(s.Err, "hearingbot: %v\n", err)
		return exitError
	}
}

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

func run(ctx context.Context, args []string, s Streams) error {
	if len(args) == 0 {
		fmt.Fprint(s.Out, usage)
		return nil
	}
	cmd, args := args[0], args[1:]
	switch {
	case cmd == "help" || asksHelp([]string{cmd}):
		return help(args, s)
	case cmd == "--version":
		cmd = "version"
	case helps[cmd] == "":
		return usageError("unknown command %q", cmd)
	case asksHelp(args):
		fmt.Fprint(s.Out, helps[cmd])
		return nil
	}
	switch cmd {
	case "version":
		fmt.Fprintln(s.Out, "hearingbot", buildVersion())
		return nil
	case "check":
		return check(args, s)
	case "config", "healthcheck":
		if len(args) > 0 {
			return usageError("%s takes no arguments; it reads the environment", cmd)
		}
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		if cmd == "config" {
			return showConfig(cfg, s)
		}
		return healthcheck(ctx, cfg)
	case "dev":
		if len(args) > 0 {
			return usageError("dev takes no arguments; it serves on HEARINGBOT_ADDR (default 127.0.0.1:3000)")
		}
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return dev(ctx, cfg, s)
	case "serve":
		if len(args) > 0 {
			return usageError("serve takes no arguments; it is configured by environment variables")
		}
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return serve(ctx, cfg, s)
	}

	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	fs, opt := flagsFor(cmd)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(cmd, err)
	}
	var prev answer.Context
	if opt.context != "" {
		if err := json.Unmarshal([]byte(opt.context), &prev); err != nil {
			return usageError("ask: --context is not the JSON of an answer's \"context\": %v", err)
		}
	}
	if (cmd == "digest" || cmd == "themes") && len(pos) > 0 {
		return usageError("%s takes no arguments but flags: %q", cmd, pos)
	}
	var set evalset.Set
	if cmd == "eval" {
		if len(pos) != 1 {
			return usageError("eval takes one file, a question set: hearingbot eval FILE.jsonl")
		}
		if set, err = loadSet(pos[0]); err != nil {
			return err
		}
	}
	h, err := loadHearing(cfg.ContentDir)
	if err != nil {
		return err
	}
	style := term.Style{Width: cfg.Width, Emphasis: s.Terminal && cfg.NoColor == "", All: opt.all}

	switch cmd {
	case "panels":
		if len(pos) > 0 {
			return usageError("panels takes no arguments")
		}
		return term.WritePanels(s.Out, h, style)
	}
	e, err := answer.Open(h)
	if err != nil {
		return err
	}
	defer e.Close()
	switch cmd {
	case "digest", "themes":
		d, err := digest.New(ctx, e)
		if err != nil {
			return err
		}
		if cmd == "themes" {
			return term.WriteThemes(s.Out, d.Themes(), style)
		}
		return digestCommand(ctx, cfg, d, e, opt.digest, s, style)
	}
	if cmd == "eval" {
		return evalCommand(ctx, e, set, s.Out)
	}
	if cmd == "who" {
		return who(ctx, e, strings.Join(pos, " "), s, style)
	}
	if len(pos) == 1 && pos[0] == "-" {
		return askLines(ctx, e, opt.json, s, style)
	}
	q := strings.Join(pos, " ")
	r, err := e.FollowUp(ctx, q, prev) // a question of its own without --context
	if errors.Is(err, answer.ErrEmpty) {
		return usageError("ask: the question is empty")
	}
	if err != nil {
		return err
	}
	if opt.json {
		return writeJSON(s.Out, r)
	}
	return term.WriteResponse(s.Out, r, style)
}

// maxLine is the longest line of standard input read as a question; a
// longer one is refused, that line only.
const maxLine = 64 << 10

// askLines answers one question per line of standard input, in order, one
// answer each: with --json one JSON object a line, even for an empty line or
// one too long to read; as text, each answer under its question, apart.
func askLines(ctx context.Context, e *answer.Engine, asJSON bool, s Streams, style term.Style) error {
	in := bufio.NewReaderSize(s.In, maxLine+2) // room for a line of maxLine bytes and its "\r\n"
	out := bufio.NewWriter(s.Out)
	defer out.Flush()
	var prev answer.Context // the last answer's, for a line that follows it up
	for n := 1; ; n++ {
		line, tooLong, err := readLine(in)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading questions: %w", err)
		}
		if tooLong {
			if asJSON {
				b, _ := answer.ErrorJSON("", fmt.Errorf("line %d is over %d bytes: not read", n, maxLine))
				fmt.Fprintf(out, "%s\n", b)
			} else {
				fmt.Fprintf(out, "» line %d\nLonger than %d bytes: not read. Ask a shorter question.\n\n", n, maxLine)
			}
			continue
		}
		// "+ and the second one?" follows up the line before.
		var r answer.Response
		if followUp, ok := strings.CutPrefix(line, "+"); ok {
			r, err = e.FollowUp(ctx, followUp, prev)
		} else {
			r, err = e.Ask(ctx, line)
		}
		prev = r.Context()
		switch {
		case errors.Is(err, answer.ErrEmpty) && asJSON:
			b, _ := answer.ErrorJSON(r.Question, err)
			fmt.Fprintf(out, "%s\n", b)
		case errors.Is(err, answer.ErrEmpty):
			fmt.Fprintf(out, "» line %d\nNo question on this line.\n\n", n)
		case err != nil:
			return err
		case asJSON:
			if err := writeJSON(out, r); err != nil {
				return err
			}
		default:
			fmt.Fprintf(out, "» %s\n", r.Question)
			if err := term.WriteResponse(out, r, style); err != nil {
				return err
			}
			fmt.Fprintln(out)
		}
		out.Flush() // each answer as soon as it is ready: a script may wait for it
	}
}

// readLine reads a line without its end; tooLong when it is over maxLine
// bytes, in which case the rest of it is read and dropped.
func readLine(in *bufio.Reader) (line string, tooLong bool, err error) {
	b, isPrefix, err := in.ReadLine()
	if err != nil {
		return "", false, err
	}
	if !isPrefix {
		return string(b), len(b) > maxLine, nil
	}
	for isPrefix && err == nil {
		_, isPrefix, err = in.ReadLine()
	}
	if err == io.EOF {
		err = nil
	}
	return "", true, err
}

func writeJSON(w io.Writer, r answer.Response) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func who(ctx context.Context, e *answer.Engine, name string, s Streams, style term.Style) error {
	cards, err := e.Who(ctx, name)
	if errors.Is(err, answer.ErrEmpty) {
		return usageError("who: give a name, e.g. hearingbot who Claire Falconer")
	}
	if err != nil {
		return err
	}
	if len(cards) == 0 {
		return fmt.Errorf("who: nobody in the summary matches %q; 'hearingbot panels' lists everyone", name)
	}
	return term.WriteCards(s.Out, cards, style)
}

// check validates a content folder, or the embedded hearing.
func check(args []string, s Streams) error {
	if len(args) > 1 {
		return usageError("check takes at most one folder")
	}
	dir := os.Getenv(envPrefix + "_CONTENT_DIR") // what serve would load
	if len(args) == 1 {
		dir = args[0]
	}
	where := "embedded hearing"
	if dir != "" {
		where = dir
	}
	start := time.Now()
	h, e, _, err := openContent(context.Background(), dir, false)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	defer e.Close()
	fmt.Fprintf(s.Out, "%s: ok: %d segments, %d sentences, %d people, %d themes, %d vocabulary groups, %d bridge links, %d generic words; indexed in %s\n",
		where, len(h.Segments), len(h.Sentences), len(h.People), len(h.Themes), len(h.Vocabulary.Synonyms), len(h.Bridge), len(h.Generic), time.Since(start).Round(time.Millisecond))
	return checkBank(s, h, e)
}

// checkBank reports the question bank: what it holds, the sentences it
// gives no example for (an error), whether the judge is fitted to it, and
// how well the engine answers it.
func checkBank(s Streams, h *content.Hearing, e *answer.Engine) error {
	if len(h.Examples) == 0 {
		fmt.Fprintln(s.Out, "question bank: none (answered by the judge the embedded hearing fitted without its bank; add examples.yaml, then go run ./cmd/hearingjudge -content DIR, to learn from examples)")
		return nil
	}
	counts := map[string]int{}
	for _, x := range h.Examples {
		switch {
		case x.Sentence != nil:
			counts["sentences"]++
		case x.Person != nil:
			counts["people"]++
		case x.Segment != nil:
			counts["segments"]++
		default:
			counts["unanswerable"]++
		}
	}
	fmt.Fprintf(s.Out, "question bank: %d examples: %d for sentences, %d for people, %d for segments, %d the summary does not answer\n",
		len(h.Examples), counts["sentences"], counts["people"], counts["segments"], counts["unanswerable"])
	f, err := e.CheckBank(context.Background())
	if err != nil {
		return err
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
	fmt.Fprintf(s.Out, "bank, each example asked without its fifth of the bank: %.1f%% of %d answered with what it names, %.1f%% of %d unanswerable declined, %.1f%% answered wrongly\n",
		pct(f.Right, f.Answerable), f.Answerable, pct(f.Declined, f.Unanswerable), f.Unanswerable, pct(f.Wrong, f.Answerable+f.Unanswerable))
	if missing := h.Unexampled(); len(missing) > 0 {
		ids := make([]string, len(missing))
		for i, m := range missing {
			ids[i] = m.ID
		}
		return fmt.Errorf("%s: %d sentences that state something have no example: %s", content.ExamplesFile, len(missing), strings.Join(ids, ", "))
	}
	return nil
}

// openContent loads the content folder dir (see loadHearing), indexes it,
// and prepares its digest: nil when it has no themes and needDigest is
// false (no themes, no digest: the rest works). A theme that finds nothing
// is an error. Close the engine when done.
func openContent(ctx context.Context, dir string, needDigest bool) (*content.Hearing, *answer.Engine, *digest.Digester, error) {
	h, err := loadHearing(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	e, err := answer.Open(h)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := digest.New(ctx, e)
	switch {
	case errors.Is(err, digest.ErrNoThemes) && !needDigest:
		return h, e, nil, nil
	case err != nil:
		e.Close()
		return nil, nil, nil, err
	}
	return h, e, d, nil
}

// loadHearing loads the content folder dir (HEARINGBOT_CONTENT_DIR, or a
// folder given to check), or the embedded hearing when dir is empty. Its
// errors name the folder, and where it came from.
func loadHearing(dir string) (*content.Hearing, error) {
	if dir == "" {
		return content.Load(content.Embedded())
	}
	h, err := content.LoadDir(dir)
	if err != nil {
		from := "folder"
		if dir == os.Getenv(envPrefix+"_CONTENT_DIR") {
			from = envPrefix + "_CONTENT_DIR"
		}
		return nil, fmt.Errorf("%s=%s: %w", from, dir, err)
	}
	return h, nil
}

// options are the flags of the commands that have some.
type options struct {
	json    bool
	all     bool
	context string
	digest  digestFlags
}

// flagsFor declares the flags of cmd, which its help lists.
func flagsFor(cmd string) (*flag.FlagSet, *options) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	switch cmd {
	case "ask":
		fs.BoolVar(&o.json, "json", false, "print JSON")
		fs.BoolVar(&o.all, "all", false, "show the statements a recap leaves out too")
		fs.StringVar(&o.context, "context", "", "the context of an earlier answer (its JSON's \"context\"), for a follow-up")
	case "digest":
		fs.StringVar(&o.digest.theme, "theme", "", "theme id")
		fs.StringVar(&o.digest.date, "date", "", "YYYY-MM-DD")
		fs.BoolVar(&o.digest.post, "post", false, "post to Slack")
	}
	return fs, &o
}

// flagError says in the bot's words what is wrong with cmd's flags.
func flagError(cmd string, err error) error {
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		return usageError("%s has no flag --%s", cmd, strings.TrimPrefix(name, "-"))
	}
	if name, ok := strings.CutPrefix(err.Error(), "flag needs an argument: -"); ok {
		return usageError("%s: --%s needs a value", cmd, strings.TrimPrefix(name, "-"))
	}
	return usageError("%s: %v", cmd, err)
}

// parseInterspersed parses flags wherever they stand among the arguments
// ("ask who is X --json"); after "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return pos, nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(f.Fd())
}
