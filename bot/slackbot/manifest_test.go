package slackbot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// manifest is the part of a Slack app manifest the bot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command string `yaml:"command"`
			URL     string `yaml:"url"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

func TestManifestsGrantExactlyWhatTheBotUses(t *testing.T) {
	for _, tc := range []struct {
		file   string
		socket bool
	}{{"manifest-socket.yaml", true}, {"manifest-http.yaml", false}} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slack", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := yaml.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sorted(Scopes), sorted(m.OAuth.Scopes.Bot)); diff != "" {
				t.Errorf("scopes (-bot uses +manifest grants):\n%s", diff)
			}
			if diff := cmp.Diff(sorted(Events), sorted(m.Settings.Events.BotEvents)); diff != "" {
				t.Errorf("events (-bot handles +manifest subscribes):\n%s", diff)
			}
			if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != Command {
				t.Errorf("slash commands: %+v", m.Features.SlashCommands)
			}
			if !m.Features.AppHome.MessagesTabEnabled || m.Features.AppHome.MessagesTabReadOnlyEnabled {
				t.Error("DMs need the messages tab enabled and writable")
			}
			if !m.Settings.Interactivity.Enabled || m.Settings.SocketMode != tc.socket {
				t.Errorf("interactivity %v, socket mode %v", m.Settings.Interactivity.Enabled, m.Settings.SocketMode)
			}
			urls := []string{m.Settings.Events.RequestURL, m.Settings.Interactivity.RequestURL, m.Features.SlashCommands[0].URL}
			for _, u := range urls {
				if tc.socket && u != "" || !tc.socket && !strings.HasSuffix(u, EventsPath) {
					t.Errorf("request URL %q (every URL is …%s in HTTP mode, none in Socket Mode)", u, EventsPath)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
