package slackbot

// What the bot asks of Slack. The app manifests in deploy/slack grant
// exactly these (a test holds them to it): a scope the bot does not use is a
// risk, one it lacks a failure.
var (
	// Scopes are the bot token's OAuth scopes.
	Scopes = []string{
		"app_mentions:read", // app_mention events
		"channels:history",  // the digest looks for today's post in a public channel
		"chat:write",        // answers in channels, threads and DMs; the digest
		"commands",          // /hearing
		"groups:history",    // the same look in a private channel
		"im:history",        // message.im events: questions in DMs
		// the digest's own metadata, read back from history (Slack's
		// documented scope for it); the digest's block id is the fallback
		"metadata.message:read",
	}
	// Events are the bot events the app subscribes to.
	Events = []string{"app_mention", "message.im", "app_home_opened", // the Home tab
		"message.channels", "message.groups", // follow-ups in a thread the bot answered in, without a mention
	}
	// Command is the slash command.
	Command = "/hearing"
)
