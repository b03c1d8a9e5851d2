package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
