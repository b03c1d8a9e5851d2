package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sharedpkg "hearingbot/internal/shared"
	"hearingbot/internal/shared/redistest"
	"hearingbot/internal/slackfake"
)

// slackEnv unsets every Slack variable, so the machine's own cannot leak
// in, listens on a free loopback port, then sets vars.
func slackEnv(t *testing.T, vars map[string]string) {
	t.Setenv("HEARINGBOT_ADDR", "127.0.0.1:0")
	for _, k := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"} {
		for _, name := range []string{k, envPrefix + "_" + k} {
			t.Setenv(name, "") // restored when the test ends
			os.Unsetenv(name)
		}
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

func TestServeRefusesBadSlackSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing", nil, []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}},
		{"no mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, []string{"SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}},
		{"both modes", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}, []string{"both set"}},
		{"tokens swapped", map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xoxb-1"}, []string{"SLACK_BOT_TOKEN does not start with xoxb-", "SLACK_APP_TOKEN does not start with xapp-"}},
		{"no bot token", map[string]string{"SLACK_SIGNING_SECRET": "s"}, []string{"SLACK_BOT_TOKEN is not set"}},
		{"bad API URL", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp:/x"}, []string{"SLACK_API_URL"}},
		{"bad workers", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HEARINGBOT_WORKERS": "0"}, []string{"HEARINGBOT_WORKERS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slackEnv(t, tc.env)
			code, stdout, stderr := runMain(t, "", "serve")
			if code != exitError || stdout != "" {
				t.Errorf("exit %d, stdout %q", code, stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if strings.Contains(stderr, "xoxb-1") || strings.Contains(stderr, "xapp-1") {
				t.Errorf("a token in the error: %s", stderr)
			}
		})
	}
}

func TestServeRefusedToken(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.URL() + "/api/bogus/"})
	if code, _, stderr := runMain(t, "", "serve"); code != exitError || !strings.Contains(stderr, "auth.test") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// lockedBuffer is a bytes.Buffer safe to write from the server and read
// from the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveInBackground runs "hearingbot serve" until the test ends; stop ends
// it and returns its exit status.
func serveInBackground(t *testing.T) (logs *lockedBuffer, stop func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	logs = &lockedBuffer{}
	code := make(chan int, 1)
	go func() { code <- Main(ctx, []string{"serve"}, Streams{Out: &bytes.Buffer{}, Err: logs}) }()
	stop = func() int { cancel(); return <-code }
	t.Cleanup(func() { cancel() })
	return logs, stop
}

// logField waits (up to 30 s: start-up under the race detector on a loaded
// machine is slow) for a log line with the message and returns one of its
// fields.
func logField(t *testing.T, logs *lockedBuffer, message, field string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["message"] == message {
				s, _ := m[field].(string)
				return s
			}
		}
	}
	t.Fatalf("no %q in the logs:\n%s", message, logs.String())
	return ""
}

// waitReady waits until serve's /readyz answers 200.
func waitReady(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + readyPath); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s never ready", addr)
}

// postEvent posts an event to serve in HTTP mode, signed with "secret".
func postEvent(t *testing.T, addr, id string, event map[string]any) {
	t.Helper()
	body := slackfake.EventCallback(id, event)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	slackfake.Sign(req.Header, "secret", time.Now(), body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("event refused: %s", res.Status)
	}
}

// serveHTTP starts serve in HTTP mode against fake, on a free port, with
// extra variables, and returns its logs, its stop and its address.
func serveHTTP(t *testing.T, fake *slackfake.Server, extra map[string]string) (logs *lockedBuffer, stop func() int, addr string) {
	t.Helper()
	vars := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret",
		"SLACK_API_URL": strings.TrimSuffix(fake.APIURL(), "/"), "HEARINGBOT_ADDR": "127.0.0.1:0"}
	maps.Copy(vars, extra)
	slackEnv(t, vars)
	logs, stop = serveInBackground(t)
	return logs, stop, logField(t, logs, "listening", "addr")
}

func TestServeHTTPMode(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	logs, stop, addr := serveHTTP(t, fake, nil)
	waitReady(t, addr)

	postEvent(t, addr, "Ev1", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who moderated the first panel?"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	posts, err := fake.WaitPosts(ctx, 1)
	if err != nil || posts[0].ThreadTS != "1.1" || !strings.Contains(string(posts[0].Blocks), "moderated Panel 1") {
		t.Fatalf("%v %+v", err, posts)
	}
	logField(t, logs, "request", "outcome") // the request's fate is logged, and counted
	res, err := http.Get("http://" + addr + metricsPath)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`hearingbot_requests_total{kind="mention",outcome="answered"} 1`, `hearingbot_answer_duration_seconds_count 1`,
		`hearingbot_build_info{goversion="go`, "go_goroutines"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d:\n%s", code, logs)
	}
	if strings.Contains(logs.String(), "xoxb-1") || strings.Contains(logs.String(), "secret\"") {
		t.Errorf("a secret in the logs:\n%s", logs)
	}
}

func TestServeSocketMode(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": fake.APIURL()})
	logs, stop := serveInBackground(t)
	waitReady(t, logField(t, logs, "listening", "addr"))
	fake.SendEnvelope("events_api", slackfake.EventCallback("Ev1", slackfake.DirectMessage("D1", "U1", "1.1", "who is Lajcak?")))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	posts, err := fake.WaitPosts(ctx, 1)
	if err != nil || posts[0].Channel != "D1" || !strings.Contains(string(posts[0].Blocks), "Miroslav Lajčák") {
		t.Fatalf("%v %+v", err, posts)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d:\n%s", code, logs)
	}
	// At info level the request's line has kind, id and latency, and neither
	// the question nor a token.
	text := logs.String()
	if strings.Contains(text, "who is Lajcak") || strings.Contains(text, "xoxb-1") || strings.Contains(text, "xapp-1") {
		t.Errorf("info logs hold a question or a token:\n%s", text)
	}
	if !strings.Contains(text, `"kind":"dm"`) || !strings.Contains(text, `"id":"Ev1"`) || !strings.Contains(text, `"latency_ms"`) {
		t.Errorf("no request line with kind, id and latency:\n%s", text)
	}
}

func TestServeRunsTheDigestScheduleOncePerDay(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": fake.APIURL(),
		"HEARINGBOT_DIGEST_SCHEDULE": "@every 1s", "HEARINGBOT_DIGEST_CHANNELS": "CDIGEST", "HEARINGBOT_DIGEST_TZ": "UTC"})
	logs, stop := serveInBackground(t)
	logField(t, logs, "digest scheduled", "schedule")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitPosts(ctx, 1); err != nil {
		t.Fatalf("no digest: %v\n%s", err, logs)
	}
	// Later firings find today's digest in the channel's history.
	for fake.Calls("conversations.history") < 2 && ctx.Err() == nil { // @every rounds up to whole seconds
		time.Sleep(20 * time.Millisecond)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
	if n := len(fake.Posts()); n != 2 || !strings.Contains(logs.String(), "digest already posted today; skipped") { // the digest and its thread reply
		t.Errorf("%d digests posted:\n%s", n, logs)
	}
}

func TestReadyOnlyAfterStartUp(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	// A Slack that takes its time to accept the token: serve is alive but
	// not ready meanwhile.
	release := make(chan struct{})
	target, _ := url.Parse(fake.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			<-release
		}
		proxy.ServeHTTP(w, r)
	}))
	defer slow.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": slow.URL + "/api/"})
	logs, stop := serveInBackground(t)
	addr := logField(t, logs, "listening", "addr")
	status := func(path string) int {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if h, r := status(healthPath), status(readyPath); h != http.StatusOK || r != http.StatusServiceUnavailable {
		t.Errorf("during start-up: healthz %d, readyz %d; want 200, 503", h, r)
	}
	close(release)
	waitReady(t, addr)
	if m := status(metricsPath); m != http.StatusOK {
		t.Errorf("metrics: %d", m)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

func TestShutdownFinishesASlowReply(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	fake.SetFaults(slackfake.Faults{Delay: 1500 * time.Millisecond})
	logs, stop, addr := serveHTTP(t, fake, map[string]string{"HEARINGBOT_LOG_LEVEL": "debug", "HEARINGBOT_LOG_FORMAT": "json"})
	waitReady(t, addr)
	postEvent(t, addr, "EvSlow", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who is Lajcak?"))
	for fake.Calls("chat.postMessage") == 0 { // the reply is on its way, and slow
		time.Sleep(5 * time.Millisecond)
	}
	if code := stop(); code != exitOK { // what SIGTERM does: main cancels the context
		t.Errorf("exit %d", code)
	}
	if posts := fake.Posts(); len(posts) != 1 || posts[0].ThreadTS != "1.1" {
		t.Errorf("the reply in flight was not delivered: %+v\n%s", posts, logs)
	}
	// The request's one log line, with the question at debug level, and no secret anywhere.
	text := logs.String()
	if !strings.Contains(text, `"outcome":"answered"`) || !strings.Contains(text, `who is Lajcak?`) {
		t.Errorf("no request line with its question:\n%s", text)
	}
	for _, secret := range []string{"xoxb-1", `"secret"`, "=secret"} {
		if strings.Contains(text, secret) {
			t.Errorf("logs hold %q:\n%s", secret, text)
		}
	}
}

// TestUnauthenticatedFloodCostsLittle: 600 connections that pass the header
// checks and never finish their bodies, and five requests with a megabyte
// header, cost the bot little memory and few log lines, and a genuine
// question is still answered meanwhile.
func TestUnauthenticatedFloodCostsLittle(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	logs, stop, addr := serveHTTP(t, fake, nil)
	waitReady(t, addr)

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	logged := len(logs.String())
	const flood = 600
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range flood {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		// Headers that pass the format checks, and a body that never ends:
		// half say 256 KiB, half just under the limit.
		size := 256 << 10
		if i%2 == 1 {
			size = 60 << 10
		}
		fmt.Fprintf(c, "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
			"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n\r\n", size, time.Now().Unix(), strings.Repeat("a", 64))
		c.SetWriteDeadline(time.Now().Add(time.Second))
		c.Write(bytes.Repeat([]byte("x"), size-1))
	}
	for range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack-Request-Timestamp: %s\r\n\r\n", strings.Repeat("9", 1<<20))
		c.Close()
	}
	postEvent(t, addr, "Ev1", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who moderated the first panel?"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitPosts(ctx, 1); err != nil {
		t.Fatalf("the genuine question was not answered during the flood: %v", err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("heap in use grew %d MiB with %d unfinished bodies", grown>>20, flood)
	if grown > 100<<20 {
		t.Errorf("heap grew %d MiB", grown>>20)
	}
	if n := len(logs.String()) - logged; n > 12<<10 { // 10 KB, and the genuine request's own lines
		t.Errorf("the flood and the megabyte headers logged %d bytes", n)
	}
	for _, c := range conns {
		c.Close()
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// TestMetricsOnTheirOwnListener: with HEARINGBOT_METRICS_ADDR, the public
// listener serves Slack and /healthz, not /metrics or /readyz.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	logs, stop, addr := serveHTTP(t, fake, map[string]string{"HEARINGBOT_METRICS_ADDR": "127.0.0.1:0"})
	internal := logField(t, logs, "metrics listening", "addr")
	waitReady(t, internal)
	get := func(addr, path string) int {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, c := range []struct {
		addr, path string
		want       int
	}{{addr, metricsPath, 404}, {addr, readyPath, 404}, {addr, healthPath, 200}, {internal, metricsPath, 200}, {internal, healthPath, 200}} {
		if got := get(c.addr, c.path); got != c.want {
			t.Errorf("%s%s: %d, want %d", c.addr, c.path, got, c.want)
		}
	}
	postEvent(t, addr, "Ev1", slackfake.Mention("C1", "U1", "1.1", "", "<@UBOT> who moderated the first panel?"))
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// TestTwoServesShareOneDigest: two serve replicas whose schedules fire
// together post one digest a day when they share Redis.
func TestTwoServesShareOneDigest(t *testing.T) {
	srv := redistest.Start(t)
	fake := slackfake.New()
	defer fake.Close()
	slackEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": fake.APIURL(),
		"HEARINGBOT_DIGEST_SCHEDULE": "@every 1s", "HEARINGBOT_DIGEST_CHANNELS": "CDIGEST", "HEARINGBOT_DIGEST_TZ": "UTC",
		"HEARINGBOT_REDIS_URL": srv.URL})
	logs1, stop1 := serveInBackground(t)
	logs2, stop2 := serveInBackground(t)
	// Both scheduled (start-up takes seconds on a loaded machine, more under
	// the race detector), then three firings each at least.
	logField(t, logs1, "digest scheduled", "schedule")
	logField(t, logs2, "digest scheduled", "schedule")
	time.Sleep(3500 * time.Millisecond)
	stop1()
	stop2()
	if digests := len(fake.Roots("CDIGEST")); digests != 1 {
		t.Errorf("%d digests posted by two replicas in a day, want 1", digests)
	}
}

// TestServeLivesThroughAHostileRedis: a Redis (or anything on the path of a
// plain redis://) that declares replies of 8 EiB and 1.4 GiB neither ends
// serve nor costs it what it declares: every mention is answered, the
// failures are counted, and serve allocates far less than one such reply.
func TestServeLivesThroughAHostileRedis(t *testing.T) {
	var n atomic.Int64
	redis := redistest.StartFake(t, func([]string) string {
		if n.Add(1)%2 == 0 {
			return "$1500000000\r\n"
		}
		return "$9223372036854775806\r\n"
	})
	fake := slackfake.New()
	defer fake.Close()
	_, stop, addr := serveHTTP(t, fake, map[string]string{"HEARINGBOT_REDIS_URL": redis.URL})
	waitReady(t, addr)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const mentions = 20
	for i := range mentions {
		postEvent(t, addr, fmt.Sprint("EvHostile", i), slackfake.Mention("C1", "U1", fmt.Sprintf("9.%d", i), "", "<@UBOT> who is Lajcak?"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	posts, err := fake.WaitPosts(ctx, mentions)
	if err != nil {
		t.Fatalf("%d of %d mentions answered: %v", len(fake.Posts()), mentions, err)
	}
	for _, p := range posts {
		if strings.Contains(p.Text, "something went wrong") {
			t.Errorf("%s: an apology, not an answer", p.ThreadTS)
		}
	}
	runtime.ReadMemStats(&after)
	res, err := http.Get("http://" + addr + metricsPath)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var rss float64
	for line := range strings.Lines(string(metrics)) {
		fmt.Sscanf(line, "process_resident_memory_bytes %g", &rss)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d mentions answered against %d hostile replies: %d MiB allocated meanwhile, heap %d MiB, RSS %.0f MiB",
		mentions, n.Load(), allocated>>20, after.HeapInuse>>20, rss/(1<<20))
	if allocated > 300<<20 {
		t.Errorf("serve allocated %d MiB", allocated>>20)
	}
	if !strings.Contains(string(metrics), fmt.Sprintf("hearingbot_redis_errors_total %d", mentions)) {
		t.Errorf("want %d Redis failures counted:\n%s", mentions, metrics)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// TestServeWarnsOfUncheckedTLS: rediss:// with skip_verify=true is taken,
// with a warning in the log.
func TestServeWarnsOfUncheckedTLS(t *testing.T) {
	fake := slackfake.New()
	defer fake.Close()
	logs, stop, addr := serveHTTP(t, fake, map[string]string{"HEARINGBOT_REDIS_URL": "rediss://:pw@127.0.0.1:1/0?skip_verify=true"})
	waitReady(t, addr)
	if level := logField(t, logs, sharedWarning(t), "level"); level != "warn" || strings.Contains(logs.String(), "pw@") {
		t.Errorf("the warning at %q:\n%s", level, logs)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// sharedWarning is the warning of a Redis URL with skip_verify=true.
func sharedWarning(t *testing.T) string {
	r, err := sharedpkg.New("rediss://host/0?skip_verify=true")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return r.Warning()
}
