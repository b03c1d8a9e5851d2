package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsAreExposed(t *testing.T) {
	m := New("v1.2.3")
	m.Request("mention", "answered")
	m.Request("dm", "duplicate")
	m.Answer(300*time.Microsecond, true)
	m.SlackError("rate_limited", true)
	m.SlackError("refused", false)
	m.Digest("skipped")
	m.Panic()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`hearingbot_requests_total{kind="mention",outcome="answered"} 1`,
		`hearingbot_duplicates_dropped_total 1`,
		`hearingbot_abstentions_total 1`,
		`hearingbot_answer_duration_seconds_bucket{le="0.00064"} 1`,
		`hearingbot_slack_api_errors_total{reason="rate_limited"} 1`,
		`hearingbot_slack_api_retries_total{reason="rate_limited"} 1`,
		`hearingbot_slack_api_errors_total{reason="refused"} 1`,
		`hearingbot_digests_total{outcome="skipped"} 1`,
		`hearingbot_panics_total 1`,
		`hearingbot_build_info{goversion="go`,
		`version="v1.2.3"} 1`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(body), `hearingbot_slack_api_retries_total{reason="refused"}`) {
		t.Error("a refusal counted as a retry")
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.Request("mention", "answered")
	m.Answer(time.Millisecond, false)
	m.SlackError("network", true)
	m.Digest("posted")
	m.Panic()
}
