package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"hearingbot/internal/slackfake"
)

// report is what a load run measured.
type report struct {
	config
	sent, redelivered, refused int
	refusedBy                  map[int]int  // HTTP mode: the refusals by status; 0 for no answer
	flood                      *floodReport // with -slow-flood
	acks, baselineAcks         []time.Duration
	delivered, duplicates      int
	busy                       int // events whose asker was told the bot is busy
	before, after              runtimeStats
	missing                    []int // event numbers that got no reply
	endToEnd                   []time.Duration
	undelivered                int64 // "reply not delivered" lines the bot logged
	dropped                    int64 // requests the bot logged as dropped
	rssBefore, rssPeak         int64
	rssAfter                   int64
	exit                       int
	stopTime                   time.Duration
	calls                      map[string]int
	connections                int
}

// count matches the replies to the events by thread.
func (r *report) count(posts []slackfake.Post, sentAt []time.Time) {
	replies := map[int]int{}
	for _, p := range posts {
		if p.Channel != channel || p.Method != "chat.postMessage" {
			continue
		}
		_, frac, _ := strings.Cut(p.ThreadTS, ".")
		i, err := strconv.Atoi(frac)
		if err != nil || i >= len(sentAt) {
			continue
		}
		if strings.Contains(p.Text, "busy right now") {
			r.busy++
			continue
		}
		replies[i]++
		if replies[i] == 1 {
			r.endToEnd = append(r.endToEnd, p.At.Sub(sentAt[i]))
		}
	}
	for i := range r.sent {
		switch n := replies[i]; {
		case n == 0:
			r.missing = append(r.missing, i)
		default:
			r.delivered++
			r.duplicates += n - 1
		}
	}
}

// ok reports whether every event got exactly one reply and the bot stopped
// cleanly.
func (r *report) ok() bool {
	return len(r.missing) == 0 && r.duplicates == 0 && r.exit == 0 && r.refused == 0
}

func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "hearingload: %s mode, %.0f events/s for %s", r.mode, r.rate, r.duration)
	if r.replicas > 1 {
		shared := "each alone"
		if r.redis != "" {
			shared = "sharing Redis"
		}
		fmt.Fprintf(w, ", %d replicas round-robin (%s)", r.replicas, shared)
	}
	var faults []string
	if r.rateLimited > 0 {
		faults = append(faults, fmt.Sprintf("%.0f%% 429", 100*r.rateLimited))
	}
	if r.serverErrors > 0 {
		faults = append(faults, fmt.Sprintf("%.0f%% 500", 100*r.serverErrors))
	}
	if r.slow > 0 {
		faults = append(faults, fmt.Sprintf("Web API %s slow", r.slow))
	}
	if r.redeliver > 0 {
		faults = append(faults, fmt.Sprintf("%.0f%% redelivered", 100*r.redeliver))
	}
	if r.disconnectEvery > 0 && r.mode == "socket" {
		faults = append(faults, fmt.Sprintf("disconnect every %s", r.disconnectEvery))
	}
	if len(faults) > 0 {
		fmt.Fprintf(w, "; faults: %s", strings.Join(faults, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "events        %d sent, %d redelivered, %d refused by the bot%s\n", r.sent, r.redelivered, r.refused, byStatus(r.refusedBy))
	fmt.Fprintf(w, "ack latency   %s  (%d acks)\n", percentiles(r.acks, 50, 90, 99, 100), len(r.acks))
	if len(r.baselineAcks) > 0 {
		fmt.Fprintf(w, "  baseline    %s  (a bare handler; the bot's p50 is %.1f×, p99 %.1f×)\n", percentiles(r.baselineAcks, 50, 90, 99, 100),
			ratio(r.acks, r.baselineAcks, 50), ratio(r.acks, r.baselineAcks, 99))
	}
	fmt.Fprintf(w, "replies       %d delivered, %d duplicates, %d missing, %d askers told the bot is busy\n", r.delivered, r.duplicates, len(r.missing), r.busy)
	if len(r.missing) > 0 {
		fmt.Fprintf(w, "missing       events %v\n", r.missing[:min(len(r.missing), 10)])
	}
	fmt.Fprintf(w, "end to end    %s\n", percentiles(r.endToEnd, 50, 90, 99, 100))
	if f := r.flood; f != nil {
		fmt.Fprintf(w, "slow flood    %d connections held (64 KiB declared, a byte a second): %d opened, %d dials failed, %.1f KB/s sent\n",
			f.conns, f.opened, f.failed, f.bytesPerSecond/1000)
		fmt.Fprintf(w, "  held        %s by the bot; answered%s\n", percentiles(f.held, 50, 90, 100), byStatus(f.statuses))
		fmt.Fprintf(w, "  genuine     %d of %d answered (%.1f%%)\n", r.delivered, r.sent, 100*float64(r.delivered)/float64(max(r.sent, 1)))
	}
	fmt.Fprintf(w, "Web API       %d chat.postMessage calls; %d socket connections; %d replies logged as undelivered, %d requests as dropped\n",
		r.calls["chat.postMessage"], r.connections, r.undelivered, r.dropped)
	fmt.Fprintf(w, "bot memory    RSS %s before, %s peak, %s after; heap in use %s before, %s after\n",
		mib(r.rssBefore), mib(r.rssPeak), mib(r.rssAfter), mib(r.before.heap), mib(r.after.heap))
	fmt.Fprintf(w, "goroutines    %d before, %d after\n", r.before.goroutines, r.after.goroutines)
	fmt.Fprintf(w, "shutdown      exit %d after %s\n", r.exit, r.stopTime.Round(time.Millisecond))
	verdict := "PASS: every event answered exactly once"
	if !r.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintln(w, verdict)
}

// byStatus lists counts by HTTP status, 0 meaning no answer: " (503 ×12, no answer ×1)".
func byStatus(m map[int]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(m)) {
		name := strconv.Itoa(status)
		if status == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, m[status]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func percentiles(d []time.Duration, ps ...int) string {
	if len(d) == 0 {
		return "(none)"
	}
	var parts []string
	for _, p := range ps {
		name := fmt.Sprintf("p%d", p)
		if p == 100 {
			name = "max"
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, round(percentile(d, p))))
	}
	return strings.Join(parts, "  ")
}

// percentile is the nearest-rank p-th percentile of d.
func percentile(d []time.Duration, p int) time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d[max(0, min(len(d)-1, (len(d)*p+99)/100-1))]
}

func ratio(a, b []time.Duration, p int) float64 {
	return float64(percentile(a, p)) / float64(max(percentile(b, p), 1))
}

func round(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
