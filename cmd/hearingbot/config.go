package main

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/robfig/cron/v3"

	"hearingbot/bot/digest"
)

// Config is the whole configuration, read from the environment once.
// Every field is documented in the README's configuration table.
type Config struct {
	// ContentDir points at a content folder to serve instead of the embedded
	// hearing (HEARINGBOT_CONTENT_DIR).
	ContentDir string `envconfig:"CONTENT_DIR"`
	// Width wraps terminal output (HEARINGBOT_WIDTH; 0 means 80).
	Width int `envconfig:"WIDTH" default:"80"`
	// NoColor, when not empty, turns off emphasis in terminal output (NO_COLOR,
	// see no-color.org).
	NoColor string `envconfig:"NO_COLOR"`

	// Slack credentials, read unprefixed as Slack's own tools name them (the
	// HEARINGBOT_ prefixed names win when both are set).
	SlackBotToken      string `envconfig:"SLACK_BOT_TOKEN"`
	SlackAppToken      string `envconfig:"SLACK_APP_TOKEN"`
	SlackSigningSecret string `envconfig:"SLACK_SIGNING_SECRET"`
	// SlackAPIURL moves all Web API traffic, and Socket Mode's connection
	// opening, to another base URL.
	SlackAPIURL string `envconfig:"SLACK_API_URL"`

	// Addr is where HTTP mode listens (HEARINGBOT_ADDR).
	Addr string `envconfig:"ADDR" default:":3000"`
	// Workers answer this many requests at once; Queue holds the requests
	// waiting for one (HEARINGBOT_WORKERS, HEARINGBOT_QUEUE).
	Workers int `envconfig:"WORKERS" default:"64"`
	Queue   int `envconfig:"QUEUE" default:"1000"`

	// DigestSchedule, a cron expression, posts the daily digest from serve
	// (HEARINGBOT_DIGEST_SCHEDULE; empty: no schedule). DigestTZ is the time
	// zone of the schedule and of "today" (HEARINGBOT_DIGEST_TZ).
	// DigestChannels are the channel ids it goes to
	// (HEARINGBOT_DIGEST_CHANNELS, comma-separated).
	DigestSchedule string   `envconfig:"DIGEST_SCHEDULE"`
	DigestTZ       string   `envconfig:"DIGEST_TZ" default:"UTC"`
	DigestChannels []string `envconfig:"DIGEST_CHANNELS"`
}

// digestSettings checks the digest's settings: the time zone always, the
// schedule when set, and that a schedule (or a post) has channels.
func (c Config) digestSettings(needChannels bool) (*time.Location, cron.Schedule, error) {
	var problems []string
	loc, err := time.LoadLocation(c.DigestTZ)
	if err != nil || c.DigestTZ == "" {
		problems = append(problems, fmt.Sprintf("%s_DIGEST_TZ: %q is not a time zone (use an IANA name such as Europe/Zurich, or UTC)", envPrefix, c.DigestTZ))
	}
	var sched cron.Schedule
	if c.DigestSchedule != "" {
		if sched, err = digest.ParseSchedule(c.DigestSchedule); err != nil {
			problems = append(problems, fmt.Sprintf("%s_DIGEST_SCHEDULE: %q is not a cron expression (five fields, e.g. \"0 9 * * 1-5\", or @daily)", envPrefix, c.DigestSchedule))
		}
		needChannels = true
	}
	if needChannels && len(c.DigestChannels) == 0 {
		problems = append(problems, fmt.Sprintf("%s_DIGEST_CHANNELS is not set: list the channel ids the digest goes to, e.g. C0123456789", envPrefix))
	}
	for _, ch := range c.DigestChannels {
		if !channelID.MatchString(ch) {
			problems = append(problems, fmt.Sprintf("%s_DIGEST_CHANNELS: %q is not a channel id (C…, G… or D…, as in the channel's details)", envPrefix, ch))
		}
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return loc, sched, nil
}

var channelID = regexp.MustCompile(`^[CGD][A-Z0-9]+$`)

// envPrefix prefixes every variable; NO_COLOR and the SLACK_ ones are read
// unprefixed too.
const envPrefix = "HEARINGBOT"

func loadConfig() (Config, error) {
	var c Config
	if err := envconfig.Process(envPrefix, &c); err != nil {
		return c, fmt.Errorf("configuration: %w", err)
	}
	if c.Width < 0 || c.Width > 1000 {
		return c, fmt.Errorf("configuration: %s_WIDTH: %d is not a width between 0 and 1000", envPrefix, c.Width)
	}
	if c.Width == 0 {
		c.Width = 80
	}
	return c, nil
}

// mode is how serve talks to Slack.
type mode string

const (
	socketMode mode = "socket"
	httpMode   mode = "http"
)

// slackMode checks the Slack settings and says which mode they choose: an
// app-level token means Socket Mode, a signing secret HTTP mode.
func (c Config) slackMode() (mode, error) {
	var problems []string
	switch {
	case c.SlackBotToken == "":
		problems = append(problems, "SLACK_BOT_TOKEN is not set: set it to the app's bot token (xoxb-...)")
	case !strings.HasPrefix(c.SlackBotToken, "xoxb-"):
		problems = append(problems, "SLACK_BOT_TOKEN does not start with xoxb-: it must be the app's bot token")
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		problems = append(problems, "SLACK_APP_TOKEN does not start with xapp-: it must be an app-level token with connections:write")
	}
	var m mode
	switch {
	case c.SlackAppToken != "" && c.SlackSigningSecret != "":
		problems = append(problems, "SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are both set: set SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode, not both")
	case c.SlackAppToken != "":
		m = socketMode
	case c.SlackSigningSecret != "":
		m = httpMode
	default:
		problems = append(problems, "neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set: set SLACK_APP_TOKEN (xapp-...) for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode")
	}
	if c.SlackAPIURL != "" {
		if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("SLACK_API_URL: %q is not an http(s) URL", c.SlackAPIURL))
		}
	}
	if c.Workers < 1 || c.Workers > 1000 {
		problems = append(problems, fmt.Sprintf("%s_WORKERS: %d is not between 1 and 1000", envPrefix, c.Workers))
	}
	if c.Queue < 1 || c.Queue > 1_000_000 {
		problems = append(problems, fmt.Sprintf("%s_QUEUE: %d is not between 1 and 1000000", envPrefix, c.Queue))
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("configuration: %w", errors.New(strings.Join(problems, "; ")))
	}
	return m, nil
}

// apiURL is SLACK_API_URL as slack-go wants it, ending in a slash.
func (c Config) apiURL() string {
	if c.SlackAPIURL == "" || strings.HasSuffix(c.SlackAPIURL, "/") {
		return c.SlackAPIURL
	}
	return c.SlackAPIURL + "/"
}
