package slackbot

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"hearingbot/bot/digest"
	sharedstore "hearingbot/internal/shared"
	"hearingbot/internal/shared/redistest"
	"hearingbot/internal/slackfake"
)

// replicas starts n bots in HTTP mode on one Slack stand-in, sharing the
// Redis at url (none when url is ""), each with its metrics.
func replicas(t *testing.T, n int, url string) (*slackfake.Server, []*Bot, []http.Handler, []*countingRedis) {
	t.Helper()
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	e := engine(t)
	d, err := digest.New(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	var bots []*Bot
	var handlers []http.Handler
	var counts []*countingRedis
	for range n {
		cfg := Config{BotToken: "xoxb-test", APIURL: fake.APIURL(), Workers: 2, Log: zerolog.Nop(), Digests: d}
		c := &countingRedis{}
		cfg.Metrics = c
		if url != "" {
			r, err := sharedstore.New(url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			cfg.Shared = r
		}
		b, err := New(context.Background(), e, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b.Start()
		t.Cleanup(func() { b.Stop(context.Background()) })
		bots, handlers, counts = append(bots, b), append(handlers, b.Handler(secret)), append(counts, c)
	}
	return fake, bots, handlers, counts
}

// countingRedis counts the shared store's failures.
type countingRedis struct {
	noMetrics
	mu sync.Mutex
	n  int
}

func (c *countingRedis) RedisError() { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *countingRedis) errors() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

func deliver(t *testing.T, h http.Handler, body []byte) {
	t.Helper()
	send(t, h, "application/json", body)
}

func deliverForm(t *testing.T, h http.Handler, body []byte) {
	t.Helper()
	send(t, h, "application/x-www-form-urlencoded", body)
}

// send posts a request signed as Slack signs it to h.
func send(t *testing.T, h http.Handler, ctype string, body []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	slackfake.Sign(req.Header, secret, time.Now(), body)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("event refused: %d", rec.Code)
	}
}

// settle waits until the stand-in has n posts, and a little more, to see
// that no more come.
func settle(t *testing.T, fake *slackfake.Server, n int) []slackfake.Post {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitPosts(ctx, n); err != nil {
		t.Fatalf("waiting for %d posts: %v (got %d)", n, err, len(fake.Posts()))
	}
	time.Sleep(300 * time.Millisecond)
	return fake.Posts()
}

// withAndWithoutRedis runs test on replicas that share a Redis, where want
// is 1 (what happens once), then on replicas alone, where it is 2: which
// shows that the test can fail.
func withAndWithoutRedis(t *testing.T, test func(t *testing.T, redisURL string, want int)) {
	srv := redistest.Start(t)
	t.Run("redis", func(t *testing.T) { test(t, srv.URL, 1) })
	t.Run("alone", func(t *testing.T) { test(t, "", 2) })
}

// TestReplicasAnswerOnce: an event redelivered to another replica.
func TestReplicasAnswerOnce(t *testing.T) {
	withAndWithoutRedis(t, func(t *testing.T, redisURL string, want int) {
		fake, _, handlers, _ := replicas(t, 2, redisURL)
		body := slackfake.EventCallback("EvTwice", slackfake.Mention("C1", "U1", "500.1", "", "<@UBOT> who is Lajcak?"))
		deliver(t, handlers[0], body)
		deliver(t, handlers[1], body) // Slack's redelivery, to the other replica
		if got := len(settle(t, fake, want)); got != want {
			t.Errorf("%d answers, want %d", got, want)
		}
	})
}

// TestReplicasShareOnce: one message's Share button clicked on two
// replicas (two clicks, two trigger ids).
func TestReplicasShareOnce(t *testing.T) {
	withAndWithoutRedis(t, func(t *testing.T, redisURL string, want int) {
		fake, _, handlers, _ := replicas(t, 2, redisURL)
		for _, h := range handlers {
			payload := slackfake.BlockAction("U1", "C1", actionShare, "who Claire Falconer", fake.ResponseURL("msg1"))
			deliverForm(t, h, []byte(url.Values{"payload": {string(payload)}}.Encode()))
		}
		// A share is two posts: the message in the channel, and the
		// private original deleted.
		shares := 0
		for _, p := range settle(t, fake, 2*want) {
			if p.ResponseType == "in_channel" {
				shares++
			}
		}
		if shares != want {
			t.Errorf("shared %d times, want %d", shares, want)
		}
	})
}

// TestReplicasPostOneDigest: schedulers firing together on two replicas
// post one digest, and a digest that failed to post releases its lock.
func TestReplicasPostOneDigest(t *testing.T) {
	srv := redistest.Start(t)
	fake, bots, _, _ := replicas(t, 2, srv.URL)
	dg := bots[0].cfg.Digests.Today(time.Now().UTC())

	// A post that cannot get through releases the day's lock...
	fake.SetFaults(slackfake.Faults{ServerError: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	if posted, err := bots[0].PublishDigest(ctx, "CDAY", dg); err == nil || posted {
		t.Fatalf("a failing post: posted %v, %v", posted, err)
	}
	cancel()
	fake.SetFaults(slackfake.Faults{})

	// ...so that the schedulers firing together next post it, once.
	var wg sync.WaitGroup
	for _, b := range bots {
		wg.Go(func() {
			if _, err := b.PublishDigest(context.Background(), "CDAY", dg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if tops := len(fake.Roots("CDAY")); tops != 1 {
		t.Errorf("%d digests posted, want 1", tops)
	}
}

// TestRedisDownTheBotGoesOn: with Redis stopped, events are still answered
// (local deduplication only), and the failures are counted.
func TestRedisDownTheBotGoesOn(t *testing.T) {
	srv := redistest.Start(t)
	fake, _, handlers, counts := replicas(t, 1, srv.URL)
	deliver(t, handlers[0], slackfake.EventCallback("EvUp", slackfake.Mention("C1", "U1", "600.1", "", "<@UBOT> who is Lajcak?")))
	settle(t, fake, 1)
	srv.Stop()
	body := slackfake.EventCallback("EvDown", slackfake.Mention("C1", "U1", "600.2", "", "<@UBOT> who is Lajcak?"))
	deliver(t, handlers[0], body)
	deliver(t, handlers[0], body) // a redelivery to the same replica: still once
	if got := len(settle(t, fake, 2)); got != 2 {
		t.Errorf("%d answers, want 2", got)
	}
	if counts[0].errors() == 0 {
		t.Error("the failures were not counted")
	}
}

// TestMisbehavingRedisTheBotGoesOn: a Redis that answers a claim with a
// null whatever the key, or declares a reply of 8 EiB or 1.4 GiB, is a
// Redis that fails: the mention is answered, and the failure counted and
// logged at warn, not taken as another replica's claim.
func TestMisbehavingRedisTheBotGoesOn(t *testing.T) {
	for _, tc := range []struct{ name, reply string }{
		{"a null to everything", "_\r\n"},
		{"8 EiB", "$9223372036854775806\r\n"},
		{"1.4 GiB", "$1500000000\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.StartFake(t, func([]string) string { return tc.reply })
			r, err := sharedstore.New(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			counts := &countingRedis{}
			h := start(t, false, 2, func(c *Config) { c.Shared, c.Metrics = r, counts })
			h.event("EvLied", slackfake.Mention("C1", "U1", "700.1", "", "<@UBOT> who is Lajcak?"))
			if got := len(settle(t, h.fake, 1)); got != 1 {
				t.Errorf("%d answers, want 1", got)
			}
			if counts.errors() == 0 {
				t.Error("the failure was not counted")
			}
			if logs := h.logs.String(); !strings.Contains(logs, `"level":"warn"`) || !strings.Contains(logs, "going on alone") {
				t.Errorf("no warning in the logs:\n%s", logs)
			}
		})
	}
}
