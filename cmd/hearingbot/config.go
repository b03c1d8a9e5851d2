package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/robfig/cron/v3"

	"hearingbot/bot/digest"
	"hearingbot/bot/slackbot"
	sharedpkg "hearingbot/internal/shared"
)

// Config is the whole configuration, read from the environment once, here
// and nowhere else. Every field is a row of the README's configuration
// table (a test holds the two together). Tags: envconfig names the variable
// after the HEARINGBOT_ prefix; unprefixed marks one documented and read
// without it (the prefixed name wins when both are set); secret keeps the
// value out of 'hearingbot config' and the logs.
type Config struct {
	ContentDir string `envconfig:"CONTENT_DIR"`
	Width      int    `envconfig:"WIDTH" default:"80"`
	NoColor    string `envconfig:"NO_COLOR" unprefixed:"true"`

	SlackBotToken      string `envconfig:"SLACK_BOT_TOKEN" unprefixed:"true" secret:"true"`
	SlackAppToken      string `envconfig:"SLACK_APP_TOKEN" unprefixed:"true" secret:"true"`
	SlackSigningSecret string `envconfig:"SLACK_SIGNING_SECRET" unprefixed:"true" secret:"true"`
	SlackAPIURL        string `envconfig:"SLACK_API_URL" unprefixed:"true"`

	Addr            string        `envconfig:"ADDR" default:":3000"`
	MetricsAddr     string        `envconfig:"METRICS_ADDR"`
	DevPublic       bool          `envconfig:"DEV_PUBLIC" default:"false"`
	Workers         int           `envconfig:"WORKERS" default:"64"`
	Queue           int           `envconfig:"QUEUE" default:"1000"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"25s"`

	LogLevel  string `envconfig:"LOG_LEVEL" default:"info"`
	LogFormat string `envconfig:"LOG_FORMAT" default:"auto"`

	DigestSchedule string   `envconfig:"DIGEST_SCHEDULE"`
	DigestTZ       string   `envconfig:"DIGEST_TZ" default:"UTC"`
	DigestChannels []string `envconfig:"DIGEST_CHANNELS"`

	RedisURL string `envconfig:"REDIS_URL" secret:"true"`
}

// variable describes one configuration variable.
type variable struct {
	Name     string // as documented: HEARINGBOT_ADDR, SLACK_BOT_TOKEN
	Default  string
	Secret   bool
	field    reflect.Value
	fieldTyp reflect.StructField
}

// variables lists the configuration's variables, in the struct's order,
// with the values of c.
func (c *Config) variables() []variable {
	v := reflect.ValueOf(c).Elem()
	var out []variable
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name := envPrefix + "_" + f.Tag.Get("envconfig")
		if f.Tag.Get("unprefixed") == "true" {
			name = f.Tag.Get("envconfig")
		}
		out = append(out, variable{Name: name, Default: f.Tag.Get("default"), Secret: f.Tag.Get("secret") == "true", field: v.Field(i), fieldTyp: f})
	}
	return out
}

// shown is the variable's value as 'hearingbot config' prints it: secrets
// as whether they are set and, for tokens, their kind.
func (v variable) shown() string {
	val := fmt.Sprint(v.field.Interface())
	switch x := v.field.Interface().(type) {
	case []string:
		val = strings.Join(x, ",")
	case time.Duration:
		val = x.String()
	}
	switch {
	case v.Secret && val == "":
		return "(not set)"
	case v.Secret:
		kind, _, ok := strings.Cut(val, "-")
		if ok && (kind == "xoxb" || kind == "xapp") {
			return kind + "-… (set, redacted)"
		}
		return "(set, redacted)"
	case val == "":
		return "(not set)"
	}
	return val
}

// envPrefix prefixes every variable; NO_COLOR and the SLACK_ ones are read
// unprefixed too.
const envPrefix = "HEARINGBOT"

func loadConfig() (Config, error) {
	var c Config
	if err := listProblems("configuration", c.unparsable()); err != nil {
		return c, err
	}
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

// unparsable says, for every variable set to a value its type cannot take,
// what is wrong, in the bot's words and all at once (envconfig stops at the
// first, in its own).
func (c *Config) unparsable() []string {
	var problems []string
	for _, v := range c.variables() {
		raw, ok := os.LookupEnv(v.Name)
		if !ok && v.fieldTyp.Tag.Get("unprefixed") == "true" {
			raw, ok = os.LookupEnv(envPrefix + "_" + v.Name)
		}
		if !ok || raw == "" {
			continue
		}
		switch v.field.Interface().(type) {
		case int:
			if _, err := strconv.Atoi(strings.TrimSpace(raw)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not a whole number", v.Name, raw))
			}
		case time.Duration:
			if _, err := time.ParseDuration(strings.TrimSpace(raw)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not a duration (e.g. 25s, 1m)", v.Name, raw))
			}
		case bool:
			if _, err := strconv.ParseBool(strings.TrimSpace(raw)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not true or false", v.Name, raw))
			}
		}
	}
	return problems
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
	if p := c.botTokenProblem(); p != "" {
		problems = append(problems, p)
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
	if c.ShutdownTimeout <= 0 || c.ShutdownTimeout > 10*time.Minute {
		problems = append(problems, fmt.Sprintf("%s_SHUTDOWN_TIMEOUT: %s is not between 0 and 10m", envPrefix, c.ShutdownTimeout))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		problems = append(problems, fmt.Sprintf("%s_ADDR: %q is not host:port (e.g. :3000)", envPrefix, c.Addr))
	}
	if _, _, err := net.SplitHostPort(c.MetricsAddr); c.MetricsAddr != "" && err != nil {
		problems = append(problems, fmt.Sprintf("%s_METRICS_ADDR: %q is not host:port (e.g. :9090)", envPrefix, c.MetricsAddr))
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		problems = append(problems, fmt.Sprintf("%s_METRICS_ADDR: the same as %s_ADDR; leave it unset to serve both there", envPrefix, envPrefix))
	}
	problems = append(problems, c.logProblems()...)
	if len(problems) > 0 {
		return "", listProblems("configuration", problems)
	}
	return m, nil
}

// devAddr is where dev listens: HEARINGBOT_ADDR when it is set (its
// default is serve's), else the loopback's port 3000.
func (c Config) devAddr() string {
	if os.Getenv(envPrefix+"_ADDR") != "" {
		return c.Addr
	}
	return "127.0.0.1:3000"
}

// botTokenProblem says what is wrong with SLACK_BOT_TOKEN, or "".
func (c Config) botTokenProblem() string {
	switch {
	case c.SlackBotToken == "":
		return "SLACK_BOT_TOKEN is not set: set it to the app's bot token (xoxb-...)"
	case !strings.HasPrefix(c.SlackBotToken, "xoxb-"):
		return "SLACK_BOT_TOKEN does not start with xoxb-: it must be the app's bot token"
	}
	return ""
}

// apiURL is SLACK_API_URL as slack-go wants it, ending in a slash.
func (c Config) apiURL() string {
	if c.SlackAPIURL == "" || strings.HasSuffix(c.SlackAPIURL, "/") {
		return c.SlackAPIURL
	}
	return c.SlackAPIURL + "/"
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
		return nil, nil, listProblems("configuration", problems)
	}
	return loc, sched, nil
}

var channelID = regexp.MustCompile(`^[CGD][A-Z0-9]+$`)

// sharedStore connects to HEARINGBOT_REDIS_URL, or returns no store when it
// is unset: the bot then works alone. close releases the connections; warn
// is told what the URL is taken with a warning for (TLS that checks no
// certificate).
func (c Config) sharedStore(warn func(string)) (store slackbot.Shared, close func(), err error) {
	if c.RedisURL == "" {
		return nil, func() {}, nil
	}
	r, err := sharedpkg.New(c.RedisURL)
	if err != nil {
		return nil, nil, err
	}
	if w := r.Warning(); w != "" {
		warn(w)
	}
	return r, func() { r.Close() }, nil
}
