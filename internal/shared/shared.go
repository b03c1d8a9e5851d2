// Package shared is what several replicas of the bot share, in Redis: which
// requests were answered, and which day's digest a channel got. Every call
// is short (a replica that cannot reach Redis goes on alone; see the
// README), and never on the path of an acknowledgement.
package shared

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// timeout bounds every call: Redis answers in a millisecond or is down.
const timeout = 300 * time.Millisecond

// prefix keeps the bot's keys apart in a shared Redis.
const prefix = "hearingbot:"

// Redis claims keys in a Redis server.
type Redis struct {
	c       *redis.Client
	warning string
}

// maxDB is the highest database number New takes. A Redis has 0 to 15
// unless its databases setting gives more; beyond this it is a typo.
const maxDB = 999

// New connects to the Redis at url (redis://[user:password@]host:port/db, or
// rediss:// for TLS). It does not wait for the server: a call to an
// unreachable one fails fast. An error says what is wrong with url and
// never quotes any of it (it holds the password); a database number outside
// 0 to 999 is an error. A URL it takes with a warning (TLS without
// checking the certificate) says so in Warning.
func New(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("HEARINGBOT_REDIS_URL: not a Redis URL: %s", urlProblem(err))
	}
	if opt.DB < 0 || opt.DB > maxDB {
		return nil, fmt.Errorf("HEARINGBOT_REDIS_URL: the database number is out of range: use 0 to %d (a Redis has 0 to 15 unless its databases setting gives more)", maxDB)
	}
	r := &Redis{}
	if opt.TLSConfig != nil && opt.TLSConfig.InsecureSkipVerify {
		r.warning = "HEARINGBOT_REDIS_URL: skip_verify=true: the Redis server's certificate is not checked, so anyone on the path can pose as it (read the bot's keys, answer its calls); give the server a certificate the system trusts instead"
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = timeout, timeout, timeout
	opt.MaxRetries = 0 // the caller decides what a failure means
	dial := opt.NewDialer()
	opt.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return limit(c), nil
	}
	r.c = redis.NewClient(opt)
	return r, nil
}

// Warning is what an operator should be told about the URL New took, or "".
func (r *Redis) Warning() string { return r.warning }

// urlProblem says what is wrong with a URL that go-redis refused, in words
// of its own: its errors and net/url's quote what they trip on (a path, an
// option, a port, an escape such as "%ZZ"), which can be part of the
// password.
func urlProblem(err error) string {
	var escape neturl.EscapeError
	if errors.As(err, &escape) {
		return "a % not followed by two hexadecimal digits (write a % in the password as %25)"
	}
	if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
		return "it does not parse (check the host and port, and percent-encode any of / ? # @ : % in the user or password)"
	}
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "redis: invalid URL scheme"):
		// Not even the scheme is named: a value without "//" can be a
		// password whose first colon makes its start a scheme.
		return "it does not start with redis:// (or rediss:// for TLS)"
	case strings.HasPrefix(msg, "redis: invalid database number"), strings.HasPrefix(msg, "redis: invalid URL path"):
		return "the path is not a database number (/0)"
	case strings.HasPrefix(msg, "redis: unexpected option"):
		return "an option after ? that the client does not know"
	case strings.HasPrefix(msg, "redis: invalid "):
		return "an option after ? whose value the client cannot read"
	case strings.HasPrefix(msg, "redis: empty unix socket path"):
		return "no socket path"
	}
	return "the client refuses it"
}

// Claim sets key for ttl unless it is set: true when this caller claimed
// it, false when another did first. It believes a "taken" only when the key
// holds a value: a reply SET NX does not give (anything but OK or a null),
// or a null for a key that is not there, is an error, so that a server that
// misbehaves fails like one that is down instead of passing for one where
// every key is taken. (A holder that releases the key between the two
// commands makes the same error: rare, and the caller then goes on alone,
// as the key is free.)
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	key = prefix + key
	status, err := r.c.SetArgs(ctx, key, 1, redis.SetArgs{Mode: "NX", TTL: ttl}).Result()
	switch {
	case err == nil && status == "OK":
		return true, nil
	case err == nil:
		return false, fmt.Errorf("redis: claim: %w: SET NX answered a %d-byte string, not OK", errUnexpected, len(status))
	case !errors.Is(err, redis.Nil):
		return false, fmt.Errorf("redis: claim: %w", err)
	}
	if _, err := r.c.Get(ctx, key).Result(); errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("redis: claim: %w: SET NX answered that the key is set, GET that it is not", errUnexpected)
	} else if err != nil {
		return false, fmt.Errorf("redis: claim: checking who holds it: %w", err)
	}
	return false, nil
}

// errUnexpected is a reply that Redis does not give.
var errUnexpected = errors.New("unexpected reply")

// Release gives up a claim, so that another may take it (a digest that
// could not be posted).
func (r *Redis) Release(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := r.c.Del(ctx, prefix+key).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redis: release: %w", err)
	}
	return nil
}

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }
