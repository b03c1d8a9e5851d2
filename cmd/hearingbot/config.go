package main

import (
	"fmt"

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
}

// envPrefix prefixes every variable but NO_COLOR, which is read unprefixed too.
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
