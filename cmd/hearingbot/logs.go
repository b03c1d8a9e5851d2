package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/rs/zerolog"
)

var (
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"auto", "json", "console"}
)

func (c Config) logProblems() []string {
	var problems []string
	if !slices.Contains(logLevels, c.LogLevel) {
		problems = append(problems, fmt.Sprintf("%s_LOG_LEVEL: %q is not %s", envPrefix, c.LogLevel, oneOf(logLevels)))
	}
	if !slices.Contains(logFormats, c.LogFormat) {
		problems = append(problems, fmt.Sprintf("%s_LOG_FORMAT: %q is not %s", envPrefix, c.LogFormat, oneOf(logFormats)))
	}
	return problems
}

// oneOf lists the values a setting takes: "debug, info, warn or error".
func oneOf(values []string) string {
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// logger is the root logger: JSON lines on w, or lines for people when the
// format says console, or says auto and w is a terminal.
func (c Config) logger(w io.Writer) zerolog.Logger {
	if c.LogFormat == "console" || c.LogFormat == "auto" && isTerminal(w) {
		w = zerolog.ConsoleWriter{Out: w, NoColor: c.NoColor != "" || w != os.Stderr}
	}
	level, err := zerolog.ParseLevel(c.LogLevel)
	if err != nil {
		level = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}
