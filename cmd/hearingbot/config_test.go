package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hearingbot/content"
)

// TestREADMEDocumentsEveryVariable holds the README's configuration table
// and the Config struct together: the same variables, in the same order,
// with the same defaults.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| ([^|]*) \\|")
	type doc struct{ Name, Default string }
	var documented, declared []doc
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		def := ""
		if d := regexp.MustCompile("^`([^`]*)`$").FindStringSubmatch(strings.TrimSpace(m[2])); d != nil {
			def = d[1]
		}
		documented = append(documented, doc{m[1], def})
	}
	for _, v := range (&Config{}).variables() {
		def := v.Default
		if v.Name == "SLACK_API_URL" {
			def = "https://slack.com/api/" // slack-go's own default
		}
		declared = append(declared, doc{v.Name, def})
	}
	if diff := cmp.Diff(declared, documented); diff != "" {
		t.Errorf("README configuration table (-Config +README):\n%s", diff)
	}
}

func TestConfigCommandRedactsSecrets(t *testing.T) {
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1234-secret", "SLACK_SIGNING_SECRET": "s3cr3t-value", "HEARINGBOT_DIGEST_CHANNELS": "C1,C2"})
	code, stdout, stderr := runMain(t, "", "config")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"SLACK_BOT_TOKEN", "xoxb-… (set, redacted)", "SLACK_SIGNING_SECRET", "(set, redacted)", "HEARINGBOT_DIGEST_CHANNELS", "C1,C2", "HTTP mode"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "1234-secret") || strings.Contains(stdout, "s3cr3t") {
		t.Errorf("a secret in the output:\n%s", stdout)
	}
}

func TestConfigErrorsNameTheirVariable(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"HEARINGBOT_SHUTDOWN_TIMEOUT", "soon"},
		{"HEARINGBOT_SHUTDOWN_TIMEOUT", "-1s"},
		{"HEARINGBOT_LOG_LEVEL", "verbose"},
		{"HEARINGBOT_LOG_FORMAT", "xml"},
		{"HEARINGBOT_DIGEST_SCHEDULE", "0 25 * * *"},
		{"HEARINGBOT_WORKERS", "many"},
		{"HEARINGBOT_ADDR", "3000"},
		{"SLACK_APP_TOKEN", "xoxp-user-token"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HEARINGBOT_DIGEST_CHANNELS": "C1"})
			t.Setenv(tc.name, tc.value)
			if tc.name == "SLACK_APP_TOKEN" {
				t.Setenv("SLACK_SIGNING_SECRET", "")
			}
			code, _, stderr := runMain(t, "", "config")
			if code != exitError || !strings.Contains(stderr, tc.name) {
				t.Errorf("exit %d, %q: want the variable named", code, stderr)
			}
		})
	}
}

// TestConfigSaysWhyServeWouldNotStart: config checks what serve checks, the
// content folder included, and says every problem at once.
func TestConfigSaysWhyServeWouldNotStart(t *testing.T) {
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "HEARINGBOT_CONTENT_DIR": t.TempDir() + "/missing",
		"HEARINGBOT_DIGEST_SCHEDULE": "not a schedule"})
	code, _, stderr := runMain(t, "", "config")
	if code == exitOK || !strings.Contains(stderr, "serve would not start") || !strings.Contains(stderr, "HEARINGBOT_CONTENT_DIR=") ||
		!strings.Contains(stderr, "HEARINGBOT_DIGEST_SCHEDULE") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	t.Setenv("HEARINGBOT_WORKERS", "many")
	t.Setenv("HEARINGBOT_SHUTDOWN_TIMEOUT", "soon")
	_, _, stderr = runMain(t, "", "config")
	if !strings.Contains(stderr, `HEARINGBOT_WORKERS: "many" is not a whole number`) || !strings.Contains(stderr, `HEARINGBOT_SHUTDOWN_TIMEOUT: "soon" is not a duration`) ||
		strings.Contains(stderr, "envconfig") {
		t.Errorf("want both problems in the bot's words:\n%s", stderr)
	}
}

// TestConfigProblemsOneALine: config says every problem serve would meet,
// each on its own line; so does serve, of its settings.
func TestConfigProblemsOneALine(t *testing.T) {
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "HEARINGBOT_WORKERS": "0", "HEARINGBOT_ADDR": "3000",
		"HEARINGBOT_DIGEST_TZ": "Mars/Olympus", "HEARINGBOT_LOG_LEVEL": "loud"})
	_, _, stderr := runMain(t, "", "config")
	want := `hearingbot: serve would not start: 6 problems:
  SLACK_BOT_TOKEN does not start with xoxb-: it must be the app's bot token
  neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set: set SLACK_APP_TOKEN (xapp-...) for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode
  HEARINGBOT_WORKERS: 0 is not between 1 and 1000
  HEARINGBOT_ADDR: "3000" is not host:port (e.g. :3000)
  HEARINGBOT_LOG_LEVEL: "loud" is not debug, info, warn or error
  HEARINGBOT_DIGEST_TZ: "Mars/Olympus" is not a time zone (use an IANA name such as Europe/Zurich, or UTC)
`
	if diff := cmp.Diff(want, stderr); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	_, _, stderr = runMain(t, "", "serve")
	if want := strings.Replace(want, "serve would not start", "configuration", 1); stderr != want {
		t.Errorf("serve: %s", cmp.Diff(want, stderr))
	}
	// Values that cannot be read at all, all of them, one a line.
	t.Setenv("HEARINGBOT_WORKERS", "many")
	t.Setenv("HEARINGBOT_QUEUE", "long")
	_, _, stderr = runMain(t, "", "config")
	want = `hearingbot: configuration: 2 problems:
  HEARINGBOT_WORKERS: "many" is not a whole number
  HEARINGBOT_QUEUE: "long" is not a whole number
`
	if diff := cmp.Diff(want, stderr); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// TestCheckReadsTheContentFolderServeWould, and fails a theme that finds
// nothing.
func TestCheckReadsTheContentFolderServeWould(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, content.Embedded()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HEARINGBOT_CONTENT_DIR", dir)
	code, stdout, stderr := runMain(t, "", "check")
	if code != exitOK || !strings.HasPrefix(stdout, dir+": ok") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	themes, err := os.ReadFile(filepath.Join(dir, content.ThemesFile))
	if err != nil {
		t.Fatal(err)
	}
	// A theme whose words the summary never uses.
	themes = append(themes, []byte("\n  - id: weather\n    title: The weather\n    description: Rain and sun.\n    words: [umbrella, drizzle]\n")...)
	if err := os.WriteFile(filepath.Join(dir, content.ThemesFile), themes, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runMain(t, "", "check")
	if code == exitOK || !strings.Contains(stderr, "weather") {
		t.Errorf("a theme that finds nothing passed check: exit %d %s", code, stderr)
	}
}

// TestConfigChecksTheRedisURL: config warns of TLS that checks no
// certificate, refuses an absurd database number, and says what is wrong
// with a URL without quoting any of its password.
func TestConfigChecksTheRedisURL(t *testing.T) {
	for _, tc := range []struct{ url, says string }{
		{"rediss://:Qx7pw@redis.example:6379/0?skip_verify=true", "\nwarning: HEARINGBOT_REDIS_URL: skip_verify=true: "},
		{"redis://:Qx7pw@redis.example:6379/99999999999", "HEARINGBOT_REDIS_URL: the database number is out of range: use 0 to 999"},
		{"redis://:Qx7%ZZpw@redis.example:6379/0", "HEARINGBOT_REDIS_URL: not a Redis URL: a % not followed by two hexadecimal digits (write a % in the password as %25)"},
	} {
		slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HEARINGBOT_REDIS_URL": tc.url})
		code, stdout, stderr := runMain(t, "", "config")
		if warning := strings.Contains(tc.says, "warning"); warning != (code == exitOK) {
			t.Errorf("%s: exit %d", tc.url, code)
		}
		if out := stdout + stderr; !strings.Contains(out, tc.says) || strings.Contains(out, "Qx7") || strings.Contains(out, "ZZ") {
			t.Errorf("%s: want %q, and nothing of the password:\n%s", tc.url, tc.says, out)
		}
	}
}
