// Package metrics counts what hearingbot does, for Prometheus: Slack
// requests by kind and outcome, how long answers take, abstentions, Slack
// API errors and retries, duplicates dropped, digests posted or skipped, and
// the build. It is the only package that imports the Prometheus client; the
// rest of the bot sees the methods of Metrics through small interfaces.
package metrics

import (
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "hearingbot"

// Metrics holds the bot's metrics in a registry of its own (not the
// global one), so that tests and several bots in one process do not clash.
// A nil *Metrics records nothing.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	answer      prometheus.Histogram
	abstentions prometheus.Counter
	slackErrors *prometheus.CounterVec
	retries     *prometheus.CounterVec
	duplicates  prometheus.Counter
	digests     *prometheus.CounterVec
	feedback    *prometheus.CounterVec
	redisErrors prometheus.Counter
	panics      prometheus.Counter
}

// New returns the metrics, with Go runtime and process metrics and
// hearingbot_build_info{version, goversion} = 1.
func New(version string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "requests_total",
			Help: "Slack requests by kind (mention, dm, thread, command, action, home, event, invalid) and outcome (answered, abstained, undelivered, busy, duplicate, ignored, refused, failed)."},
			[]string{"kind", "outcome"}),
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Name: "answer_duration_seconds",
			Help:    "Time the answer engine takes for one question.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10)}), // 10 µs to 2.6 s
		abstentions: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "abstentions_total",
			Help: "Questions the summary does not cover."}),
		slackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "slack_api_errors_total",
			Help: "Failed calls to Slack by reason (rate_limited, server_error, network, refused)."}, []string{"reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "slack_api_retries_total",
			Help: "Calls to Slack tried again, by the reason of the failure before."}, []string{"reason"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "duplicates_dropped_total",
			Help: "Requests Slack delivered again and the bot did not answer twice."}),
		digests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "digests_total",
			Help: "Digests by outcome (posted, skipped: already there that day, failed)."}, []string{"outcome"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "feedback_total",
			Help: "Answers people marked helpful or not_helpful, once per person and answer."}, []string{"verdict"}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "redis_errors_total",
			Help: "Calls to the shared store (HEARINGBOT_REDIS_URL) that failed; the replica went on alone."}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "panics_total",
			Help: "Requests (and digests) whose work panicked: the asker got the error reply, the bot went on."}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "build_info",
		Help:        "The build: always 1, labelled with the version.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.answer, m.abstentions, m.slackErrors, m.retries, m.duplicates, m.digests, m.feedback, m.redisErrors, m.panics, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts a Slack request's outcome.
func (m *Metrics) Request(kind, outcome string) {
	if m != nil {
		m.requests.WithLabelValues(kind, outcome).Inc()
		if outcome == "duplicate" {
			m.duplicates.Inc()
		}
	}
}

// Answer records how long a question took and whether the summary covered it.
func (m *Metrics) Answer(took time.Duration, abstained bool) {
	if m == nil {
		return
	}
	m.answer.Observe(took.Seconds())
	if abstained {
		m.abstentions.Inc()
	}
}

// SlackError counts a failed call to Slack, and whether it will be retried.
func (m *Metrics) SlackError(reason string, retrying bool) {
	if m == nil {
		return
	}
	m.slackErrors.WithLabelValues(reason).Inc()
	if retrying {
		m.retries.WithLabelValues(reason).Inc()
	}
}

// Digest counts a digest's outcome in one channel.
func (m *Metrics) Digest(outcome string) {
	if m != nil {
		m.digests.WithLabelValues(outcome).Inc()
	}
}

// Feedback counts a verdict on an answer: helpful or not_helpful.
func (m *Metrics) Feedback(verdict string) {
	if m != nil {
		m.feedback.WithLabelValues(verdict).Inc()
	}
}

// RedisError counts a failed call to the shared store.
func (m *Metrics) RedisError() {
	if m != nil {
		m.redisErrors.Inc()
	}
}

// Panic counts a request (or a digest) whose work panicked.
func (m *Metrics) Panic() {
	if m != nil {
		m.panics.Inc()
	}
}
