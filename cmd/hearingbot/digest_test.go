package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"hearingbot/internal/slackfake"
)

func TestDigestForTenDays(t *testing.T) {
	t.Setenv("HEARINGBOT_DIGEST_TZ", "UTC")
	themes := map[string]bool{}
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		date := day.AddDate(0, 0, i).Format(time.DateOnly)
		code, stdout, stderr := runMain(t, "", "digest", "--date", date)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", date, code, stderr)
		}
		first, _, _ := strings.Cut(stdout, "\n")
		themes[first] = true
		if n := strings.Count(stdout, "\n   — "); n < 3 || n > 5 {
			t.Errorf("%s: %d cited excerpts:\n%s", date, n, stdout)
		}
	}
	if len(themes) != 10 {
		t.Errorf("ten days, %d themes: %v", len(themes), themes)
	}
}

func TestDigestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{[]string{"digest", "--date", "27/11/2026"}, nil, exitUsage, "--date"},
		{[]string{"digest", "--theme", "sourdough"}, nil, exitUsage, "no theme"},
		{[]string{"digest", "extra"}, nil, exitUsage, "takes no arguments"},
		{[]string{"digest"}, map[string]string{"HEARINGBOT_DIGEST_TZ": "Mars/Olympus"}, exitError, "HEARINGBOT_DIGEST_TZ"},
		{[]string{"digest", "--post"}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, exitError, "HEARINGBOT_DIGEST_CHANNELS is not set"},
		{[]string{"digest", "--post"}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "HEARINGBOT_DIGEST_CHANNELS": "general"}, exitError, `"general" is not a channel id`},
		{[]string{"digest", "--post"}, map[string]string{"HEARINGBOT_DIGEST_CHANNELS": "C123"}, exitError, "SLACK_BOT_TOKEN"},
		{[]string{"serve"}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HEARINGBOT_DIGEST_SCHEDULE": "every morning", "HEARINGBOT_DIGEST_CHANNELS": "C1"}, exitError, "HEARINGBOT_DIGEST_SCHEDULE"},
		{[]string{"serve"}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HEARINGBOT_DIGEST_SCHEDULE": "0 9 * * *"}, exitError, "HEARINGBOT_DIGEST_CHANNELS"},
	} {
		slackEnv(t, tc.env)
		for _, k := range []string{"HEARINGBOT_DIGEST_TZ", "HEARINGBOT_DIGEST_CHANNELS", "HEARINGBOT_DIGEST_SCHEDULE"} {
			if v, ok := tc.env[k]; ok {
				t.Setenv(k, v)
			} else {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
		}
		code, _, stderr := runMain(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q %v: exit %d, %q; want %d and %q", tc.args, tc.env, code, stderr, tc.code, tc.want)
		}
	}
}

// TestDigestPostSaysAllProblems: digest --post checks all that posting
// needs before it starts, and reports every problem at once, one a line.
func TestDigestPostSaysAllProblems(t *testing.T) {
	slackEnv(t, map[string]string{"HEARINGBOT_DIGEST_TZ": "Mars/Olympus", "HEARINGBOT_DIGEST_CHANNELS": "general",
		"HEARINGBOT_LOG_FORMAT": "xml", "HEARINGBOT_REDIS_URL": "memcached://cache:11211"})
	code, stdout, stderr := runMain(t, "", "digest", "--post")
	want := `hearingbot: configuration: 5 problems:
  HEARINGBOT_DIGEST_TZ: "Mars/Olympus" is not a time zone (use an IANA name such as Europe/Zurich, or UTC)
  HEARINGBOT_DIGEST_CHANNELS: "general" is not a channel id (C…, G… or D…, as in the channel's details)
  SLACK_BOT_TOKEN is not set: set it to the app's bot token (xoxb-...)
  HEARINGBOT_LOG_FORMAT: "xml" is not auto, json or console
  HEARINGBOT_REDIS_URL: not a Redis URL: it does not start with redis:// (or rediss:// for TLS)
`
	if code != exitError || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr (-want +got):\n%s", code, stdout, cmp.Diff(want, stderr))
	}
}

func TestDigestPostTwicePostsOnce(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": fake.APIURL(),
		"HEARINGBOT_DIGEST_CHANNELS": "C1,C2", "HEARINGBOT_DIGEST_TZ": "Europe/Zurich"})
	fake.FailNext("chat.postMessage", 429, 1)
	for i, want := range []string{"posted to 2 of 2 channels", "posted to 0 of 2 channels"} {
		code, stdout, stderr := runMain(t, "", "digest", "--post")
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Fatalf("run %d: exit %d, %q %s", i+1, code, stdout, stderr)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	posts, _ := fake.WaitPosts(ctx, 4) // each digest, and its thread reply
	var tops []string
	for _, p := range posts {
		if p.ThreadTS == "" {
			tops = append(tops, p.Channel)
		}
	}
	if len(posts) != 4 || len(tops) != 2 || tops[0] == tops[1] {
		t.Errorf("want one digest, with its thread reply, in each of C1 and C2; got digests in %v of %d posts", tops, len(posts))
	}
}

// TestDigestPostLogsAsConfigured: digest --post honours
// HEARINGBOT_LOG_LEVEL and HEARINGBOT_LOG_FORMAT like serve.
func TestDigestPostLogsAsConfigured(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": fake.APIURL(),
		"HEARINGBOT_DIGEST_CHANNELS": "C1", "HEARINGBOT_LOG_LEVEL": "error", "HEARINGBOT_LOG_FORMAT": "json"})
	code, _, stderr := runMain(t, "", "digest", "--post")
	if code != exitOK || strings.Contains(stderr, `"level":"info"`) {
		t.Errorf("exit %d; info lines at level error:\n%s", code, stderr)
	}
	t.Setenv("HEARINGBOT_LOG_LEVEL", "loud")
	if code, _, stderr := runMain(t, "", "digest", "--post"); code == exitOK || !strings.Contains(stderr, "HEARINGBOT_LOG_LEVEL") {
		t.Errorf("a bad log level: exit %d, %s", code, stderr)
	}
}
