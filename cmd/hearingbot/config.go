package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/kelseyhightower/envconfig"
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
}

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
