package main

import (
	"fmt"
	"slices"
)

const usage = `hearingbot answers questions about the Second informal interactive
multi-stakeholder hearing on the Global Compact for Migration (Geneva, 11 October 2017),
quoting the hearing's official summary word for word.

Usage:
  hearingbot ask [--json] [--all] QUESTION
                                     answer a question; --all: a recap's every statement
  hearingbot ask [--json] -          answer one question per line of standard input;
                                     a line "+ QUESTION" follows up the line before
  hearingbot ask --context JSON QUESTION
                                     follow up an answer ("context" of its --json)
  hearingbot eval FILE.jsonl         score an evaluation set (questions or conversations) through
                                     the engine, with score.py's figures
  hearingbot who NAME                show a person card
  hearingbot panels                  list the segments with moderators and panellists
  hearingbot themes                  list the hearing's themes
  hearingbot digest [--theme ID] [--date YYYY-MM-DD] [--post]
                                     print the daily digest, or post it to HEARINGBOT_DIGEST_CHANNELS
  hearingbot serve                   run the Slack bot (Socket Mode or HTTP; see the README)
  hearingbot dev                     a local page that looks like Slack, to try the bot without it
  hearingbot config                  print the configuration (secrets redacted) and check it
  hearingbot healthcheck             exit 0 if the serve on this machine is alive (for containers)
  hearingbot check [DIR]             validate a content folder (default: the embedded hearing)
  hearingbot version                 print the version
  hearingbot help [COMMAND]          show this help, or a command's: its usage, flags and an example

Environment: SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET for serve;
HEARINGBOT_CONTENT_DIR serves another content folder; see the README.
`

// helps are each command's help, for 'hearingbot help COMMAND' and
// 'COMMAND --help': its usage, what it does, its flags, an example. A test
// holds them to the commands and their flags.
var helps = map[string]string{
	"ask": `Usage: hearingbot ask [--json] [--all] [--context JSON] QUESTION
       hearingbot ask [--json] [--all] -

Answers a question about the hearing in the summary's own words: up to three
excerpts, each with its segment and the people the summary credits, or person
cards. When the summary does not answer it, says so and what it lacks. A
recap ("tl;dr of panel 2") quotes three main points and says how many more
the summary holds; --all shows those too.

With - in place of the question, answers one question per line of standard
input, in order; a line that starts with + follows up the line before.

Flags:
  --json          print the answer as one JSON object (the README: "The JSON protocol");
                  a recap's other statements are always in its "rest"
  --all           show the statements a recap leaves out too, after the three
  --context JSON  follow up an earlier answer: give the "context" of its --json

Examples:
  hearingbot ask "Who moderated the first panel?"
  hearingbot ask --json "What did the panellists say about labour inspection?"
  hearingbot ask --all "tl;dr of panel 2"
  printf 'Who moderated the first panel?\n+ and the second one?\n' | hearingbot ask -
`,
	"eval": `Usage: hearingbot eval FILE.jsonl

Scores an evaluation set through the engine. For its questions: the ones that
missed, one a line, then the figures score.py prints (top1, top3, paraphrase
top3, abstain, found top3, wrong, speaker, verbatim). For its conversations
(lines with "turns"): how often the answer to the second turn is right, and
how often wrong. The format of a set is in the README ("Scoring a set").

Example:
  hearingbot eval bot/answer/testdata/eval-dev2.jsonl
`,
	"who": `Usage: hearingbot who NAME

Shows the card of each person the name matches: honorific, name, position,
what they did at the hearing, and how many statements the summary credits
them with. Part of a name, without its accents, is enough.

Examples:
  hearingbot who gomez camacho
  hearingbot who lajcak
`,
	"panels": `Usage: hearingbot panels

Lists the hearing's segments in order, each with its moderator, panellists
and speakers.

Example:
  hearingbot panels
`,
	"themes": `Usage: hearingbot themes

Lists the hearing's themes, in the order the daily digest takes them, one a
day.

Example:
  hearingbot themes
`,
	"digest": `Usage: hearingbot digest [--theme ID] [--date YYYY-MM-DD] [--post]

Prints the daily digest: three to five excerpts of the summary on the theme of
the day, for today in HEARINGBOT_DIGEST_TZ. With --post, posts it to each
channel in HEARINGBOT_DIGEST_CHANNELS instead, once (a channel that has the
day's digest already is skipped), and exits; posting needs SLACK_BOT_TOKEN.

Flags:
  --theme ID         the digest of this theme ('hearingbot themes' lists them)
  --date YYYY-MM-DD  the digest of this day
  --post             post it to Slack instead of printing it

Examples:
  hearingbot digest --theme skills --date 2026-11-27
  SLACK_BOT_TOKEN=xoxb-... HEARINGBOT_DIGEST_CHANNELS=C0123456789 hearingbot digest --post
`,
	"serve": `Usage: hearingbot serve

Runs the Slack bot until SIGINT or SIGTERM: in Socket Mode with
SLACK_APP_TOKEN, or in HTTP mode with SLACK_SIGNING_SECRET on HEARINGBOT_ADDR;
both need SLACK_BOT_TOKEN. The environment configures it (the README:
"Configuration"); 'hearingbot config' checks it first.

Example:
  SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... hearingbot serve
`,
	"dev": `Usage: hearingbot dev

Serves a page that looks like a Slack channel, on HEARINGBOT_ADDR (by default
127.0.0.1:3000, this machine only), to try the bot without Slack: what you type
goes through the bot's real Slack edge to a Slack stand-in in the same process.
It listens on the loopback only: an address beyond it (:3000, a network's
address) is refused unless HEARINGBOT_DEV_PUBLIC=true.

Example:
  hearingbot dev, then open http://127.0.0.1:3000/?q=Who+moderated+the+first+panel%3F
`,
	"config": `Usage: hearingbot config

Prints the configuration the environment gives, secrets redacted, and checks
it as serve would: every problem, one a line. Exits 1 when serve would not
start.

Example:
  SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... hearingbot config
`,
	"healthcheck": `Usage: hearingbot healthcheck

Exits 0 when the serve on this machine answers on HEARINGBOT_ADDR that it is
alive (/healthz), 1 otherwise: the container's HEALTHCHECK, as the image has
no shell or curl.

Example:
  hearingbot healthcheck && echo alive
`,
	"check": `Usage: hearingbot check [DIR]

Validates a content folder (by default HEARINGBOT_CONTENT_DIR when it is set,
else the embedded hearing), says what it holds, and how well its question bank
is answered, each example asked without its fifth of the bank (a few seconds).
A sentence that is not the summary's is shown where they part, word by word.

Example:
  hearingbot check content
`,
	"version": `Usage: hearingbot version

Prints the version: the one stamped at build time, or the commit it was built
from.

Example:
  hearingbot version
`,
	"help": `Usage: hearingbot help [COMMAND]

Lists the commands, or shows one command's usage, flags and an example (as
'hearingbot COMMAND --help' does).

Example:
  hearingbot help ask
`,
}

// help prints the usage, or a command's help.
func help(args []string, s Streams) error {
	switch {
	case len(args) == 0:
		fmt.Fprint(s.Out, usage)
	case asksHelp(args):
		fmt.Fprint(s.Out, helps["help"])
	case len(args) > 1:
		return usageError("help takes one command, e.g. hearingbot help ask")
	case helps[args[0]] == "":
		return usageError("there is no command %q", args[0])
	default:
		fmt.Fprint(s.Out, helps[args[0]])
	}
	return nil
}

// asksHelp reports whether the arguments ask for help: -h, -help or --help
// before any "--".
func asksHelp(args []string) bool {
	end := slices.Index(args, "--")
	if end < 0 {
		end = len(args)
	}
	return slices.ContainsFunc(args[:end], func(a string) bool { return a == "-h" || a == "-help" || a == "--help" })
}
