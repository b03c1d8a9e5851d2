package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"hearingbot/internal/slackfake"
)

type config struct {
	mode            string
	rate            float64
	duration        time.Duration
	bin             string
	workers         int
	rateLimited     float64
	serverErrors    float64
	slow            time.Duration
	redeliver       float64
	disconnectEvery time.Duration
	drain           time.Duration
	baseline        bool
	replicas        int    // HTTP mode: this many bots behind one URL, round-robin
	redis           string // HEARINGBOT_REDIS_URL for the bots, or ""
	slowFlood       int    // HTTP mode: slow unsigned connections held open meanwhile
}

const (
	secret  = "load-signing-secret"
	channel = "CLOAD"
)

// questions are asked in turn: passages, people, abstentions.
var questions = []string{
	"What did the panellists say about labour inspection?",
	"Who moderated the first panel?",
	"What was said about recruitment fees?",
	"Who is Tuesday Reitano?",
	"How do I bake sourdough bread?",
	"What did participants say about firewalls?",
	"regularization of undocumented migrants",
	"What did Lajcak say in his closing remarks?",
}

// run starts the stand-in and the bot, sends the load, waits for the
// replies, stops the bot and reports. Progress goes to logw.
func run(ctx context.Context, c config, logw io.Writer) (*report, error) {
	fake := slackfake.New()
	defer fake.Close()
	fake.SetFaults(slackfake.Faults{RateLimited: c.rateLimited, ServerError: c.serverErrors, Delay: c.slow, RetryAfter: 1})

	bin := c.bin
	if bin == "" {
		dir, err := os.MkdirTemp("", "hearingload")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "hearingbot")
		fmt.Fprintln(logw, "building hearingbot…")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "hearingbot/cmd/hearingbot").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	var bots []*bot
	defer func() {
		for _, b := range bots {
			b.kill()
		}
	}()
	for range max(1, c.replicas) {
		b, err := startBot(ctx, bin, c, fake)
		if err != nil {
			return nil, err
		}
		bots = append(bots, b)
	}
	bot := bots[0] // the one whose memory and runtime are reported
	r := &report{config: c, rssBefore: bot.rss("VmRSS"), before: bot.runtime()}
	if c.baseline && c.mode == "http" {
		fmt.Fprintf(logw, "baseline: %.0f events/s for %s to a handler that only acknowledges…\n", c.rate, c.duration)
		r.baselineAcks = baseline(ctx, c)
	}
	var f *flood
	stopFlood := func() {}
	if c.slowFlood > 0 {
		fmt.Fprintf(logw, "opening %d slow unsigned connections…\n", c.slowFlood)
		f = &flood{n: c.slowFlood, addr: bot.addr}
		stopFlood = f.start(ctx)
	}
	fmt.Fprintf(logw, "sending %.0f events/s for %s in %s mode…\n", c.rate, c.duration, c.mode)

	l := &load{c: c, fake: fake, bot: bot, bots: bots, client: newClient()}
	l.send(ctx)
	stopFlood()
	if f != nil {
		r.flood = f.report()
	}
	r.sent, r.redelivered = l.sent, int(l.redelivered.Load())
	r.refused, r.refusedBy = int(l.refused.Load()), l.refusedBy

	deadline := time.Now().Add(c.drain)
	for time.Now().Before(deadline) && ctx.Err() == nil && distinct(fake.Posts(), channel) < r.sent {
		time.Sleep(50 * time.Millisecond)
	}
	r.rssPeak = bot.rss("VmHWM")
	r.rssAfter = bot.rss("VmRSS")
	time.Sleep(time.Second) // let idle connections and finished goroutines go
	r.after = bot.runtime()
	for _, b := range bots {
		exit, took := b.stop()
		r.exit, r.stopTime = max(r.exit, exit), max(r.stopTime, took)
		r.undelivered += b.undelivered.Load()
		r.dropped += b.dropped.Load()
	}

	r.acks = l.ackLatencies()
	r.count(fake.Posts(), l.sentAt)
	r.calls = map[string]int{}
	for _, m := range []string{"chat.postMessage", "apps.connections.open"} {
		r.calls[m] = fake.Calls(m)
	}
	r.connections = fake.Connections()
	return r, nil
}

// baseline sends the same load to a bare HTTP handler that reads the body
// and answers 200: the floor this machine sets for acknowledgement latency.
func baseline(ctx context.Context, c config) []time.Duration {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	c.redeliver = 0
	l := &load{c: c, bot: &bot{addr: strings.TrimPrefix(srv.URL, "http://")}, client: newClient()}
	l.send(ctx)
	return l.acks
}

func newClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
}

// bot is the hearingbot process under load.
type bot struct {
	cmd         *exec.Cmd
	addr        string       // HTTP mode: where it listens
	undelivered atomic.Int64 // replies the bot logged as not delivered
	dropped     atomic.Int64 // requests it logged as dropped: busy, and too busy to say so
	exited      chan struct{}
	err         error
}

func startBot(ctx context.Context, bin string, c config, fake *slackfake.Server) (*bot, error) {
	cmd := exec.Command(bin, "serve")
	env := []string{"SLACK_BOT_TOKEN=xoxb-load", "SLACK_API_URL=" + fake.APIURL(), "HEARINGBOT_ADDR=127.0.0.1:0"}
	if c.mode == "socket" {
		env = append(env, "SLACK_APP_TOKEN=xapp-load")
	} else {
		env = append(env, "SLACK_SIGNING_SECRET="+secret)
	}
	if c.workers > 0 {
		env = append(env, "HEARINGBOT_WORKERS="+strconv.Itoa(c.workers))
	}
	if c.redis != "" {
		env = append(env, "HEARINGBOT_REDIS_URL="+c.redis)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "HEARINGBOT_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &bot{cmd: cmd, exited: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var line struct{ Message, Addr, Outcome string }
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			switch line.Message {
			case "listening":
				listening <- line.Addr
			case "reply not delivered":
				b.undelivered.Add(1)
			case "request":
				if line.Outcome == "dropped" {
					b.dropped.Add(1)
				}
			}
		}
	}()
	go func() { b.err = cmd.Wait(); close(b.exited) }()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case b.addr = <-listening:
		case <-b.exited:
			return nil, fmt.Errorf("hearingbot serve exited at start: %v", b.err)
		case <-deadline:
			b.kill()
			return nil, errors.New("hearingbot serve was not ready within 20 s")
		case <-ctx.Done():
			b.kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if b.addr != "" && b.ready() {
			return b, nil
		}
	}
}

// ready reports whether the bot's /readyz says it is ready.
func (b *bot) ready() bool {
	res, err := http.Get("http://" + b.addr + "/readyz")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// runtimeStats are the bot's goroutines and heap, from its /metrics.
type runtimeStats struct {
	goroutines int
	heap       int64 // go_memstats_heap_inuse_bytes
}

func (b *bot) runtime() runtimeStats {
	res, err := http.Get("http://" + b.addr + "/metrics")
	if err != nil {
		return runtimeStats{}
	}
	defer res.Body.Close()
	var st runtimeStats
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), " ")
		v, _ := strconv.ParseFloat(value, 64)
		switch name {
		case "go_goroutines":
			st.goroutines = int(v)
		case "go_memstats_heap_inuse_bytes":
			st.heap = int64(v)
		}
	}
	return st
}

// rss reads a memory figure of the bot's process from /proc, in bytes.
func (b *bot) rss(field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", b.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// stop sends SIGTERM and waits for the bot to exit.
func (b *bot) stop() (code int, took time.Duration) {
	start := time.Now()
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(40 * time.Second):
		b.kill()
		<-b.exited
	}
	return b.cmd.ProcessState.ExitCode(), time.Since(start)
}

func (b *bot) kill() {
	select {
	case <-b.exited:
	default:
		b.cmd.Process.Kill()
	}
}

// load sends the events.
type load struct {
	c      config
	fake   *slackfake.Server
	bot    *bot
	bots   []*bot // HTTP mode: events go round-robin, redeliveries to the next one
	client *http.Client

	sent        int
	sentAt      []time.Time // by event number
	redelivered atomic.Int64
	refused     atomic.Int64
	mu          sync.Mutex
	acks        []time.Duration // HTTP mode: measured here
	refusedBy   map[int]int     // HTTP mode: refusals by status; 0 for no answer
}

// send sends rate×duration events on schedule, each in its own goroutine,
// whatever the bot's pace (open loop), and waits for the sends to finish.
func (l *load) send(ctx context.Context) {
	n := int(l.c.rate * l.c.duration.Seconds())
	interval := time.Duration(float64(time.Second) / l.c.rate)
	l.sentAt = make([]time.Time, n)
	rng := rand.New(rand.NewPCG(1, 2))
	var wg sync.WaitGroup
	stopDisconnects := l.disconnects()
	defer stopDisconnects()
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				wg.Wait()
				return
			}
		}
		l.sentAt[i] = time.Now()
		l.sent++
		again := rng.Float64() < l.c.redeliver
		wg.Go(func() {
			id, body := event(i)
			l.deliver(l.to(i), id, body, 0)
			if again { // Slack's redelivery of the same event, to another replica when there are several
				l.redelivered.Add(1)
				time.Sleep(100 * time.Millisecond)
				l.deliver(l.to(i+1), id, body, 1)
			}
		})
	}
	wg.Wait()
}

// event is the i-th event: a mention in its own thread, so its reply can
// be told apart.
func event(i int) (id string, body []byte) {
	ts := fmt.Sprintf("1700000000.%06d", i)
	q := questions[i%len(questions)]
	return fmt.Sprintf("EvLoad%06d", i), slackfake.EventCallback(fmt.Sprintf("EvLoad%06d", i),
		slackfake.Mention(channel, "ULOAD", ts, "", "<@"+slackfake.BotUserID+"> "+q))
}

// to is the bot the i-th delivery goes to: round-robin over the replicas.
func (l *load) to(i int) *bot {
	if len(l.bots) == 0 {
		return l.bot
	}
	return l.bots[i%len(l.bots)]
}

func (l *load) deliver(to *bot, id string, body []byte, retry int) {
	if l.c.mode == "socket" {
		l.fake.SendEnvelope("events_api", body)
		return
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+to.addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	slackfake.Sign(req.Header, secret, time.Now(), body)
	start := time.Now()
	res, err := l.client.Do(req)
	took := time.Since(start)
	status := 0
	if err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		status = res.StatusCode
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if status != http.StatusOK {
		l.refused.Add(1)
		if l.refusedBy == nil {
			l.refusedBy = map[int]int{}
		}
		l.refusedBy[status]++
		return
	}
	l.acks = append(l.acks, took)
}

// disconnects makes the Socket Mode endpoint disconnect the bot every so
// often, until the returned function is called.
func (l *load) disconnects() (stop func()) {
	if l.c.mode != "socket" || l.c.disconnectEvery <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(l.c.disconnectEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.fake.Disconnect()
			}
		}
	}()
	return func() { close(done) }
}

func (l *load) ackLatencies() []time.Duration {
	if l.c.mode == "socket" {
		var out []time.Duration
		for _, a := range l.fake.Acks() {
			out = append(out, a.Latency)
		}
		return out
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.acks)
}

// distinct counts the threads in ch that got at least one reply.
func distinct(posts []slackfake.Post, ch string) int {
	seen := map[string]bool{}
	for _, p := range posts {
		if p.Channel == ch {
			seen[p.ThreadTS] = true
		}
	}
	return len(seen)
}
