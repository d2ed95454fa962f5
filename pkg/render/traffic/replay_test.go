package traffic

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// replayStart is the fixed clock of the golden runs.
var replayStart = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

// fakeReplay is a deterministic run: four targets, retries, every outcome.
func fakeReplay() (replay.Config, []replay.Target, []replay.Result) {
	cfg := replay.Config{URL: "http://localhost:8080/hook", Deadline: 200 * time.Millisecond, Timeout: 2 * time.Second,
		Concurrency: 4, Retries: 2}
	targets := []replay.Target{{Name: "sinch/text"}, {Name: "whatsapp/image"}, {Name: "cloud/text"}, {Name: "captures.ndjson:3"}}
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	at := func(f float64) time.Time { return replayStart.Add(ms(f)) }
	res := func(ti, seq, attempt int, final bool, start float64, status int, total float64, o replay.Outcome) replay.Result {
		return replay.Result{Target: targets[ti].Name, TargetIndex: ti, Seq: seq, Attempt: attempt, Final: final,
			Scheduled: at(start), Start: at(start), Status: status, Bytes: 11, BytesSent: 512, Connected: true, Reused: seq > 3,
			TTFB: ms(total * 0.9), Total: ms(total), Outcome: o}
	}
	redirect := func(r replay.Result) replay.Result {
		r.Redirect = "https://localhost:8443/hook"
		return r
	}
	unanswered := func(r replay.Result, cause, err string) replay.Result {
		r.Status, r.Bytes, r.TTFB, r.Cause, r.Err = 0, 0, 0, cause, err
		return r
	}
	// Round 1: sinch ok on a new connection, whatsapp slow then ok on
	// retry, cloud a redirect (never delivered), captures reset.
	first := res(0, 0, 1, true, 0.1, 200, 0.412, replay.OK)
	first.DNS, first.Connect = ms(0.021), ms(0.083)
	results := []replay.Result{
		first,
		res(1, 1, 1, false, 0.2, 200, 241.5, replay.Slow),
		redirect(res(2, 2, 1, false, 0.3, 301, 1.2, replay.HTTPError)),
		unanswered(res(3, 3, 1, false, 0.4, 0, 0.3, replay.NetworkError),
			"connection reset", "read tcp 127.0.0.1:50412->127.0.0.1:8080: read: connection reset by peer"),
		// Retries.
		res(1, 1, 2, true, 1242, 200, 12.3, replay.OK),
		redirect(res(2, 2, 2, false, 1002, 301, 0.9, replay.HTTPError)),
		redirect(res(2, 2, 3, true, 1004, 301, 0.95, replay.HTTPError)),
		unanswered(res(3, 3, 2, true, 1001, 0, 2000, replay.Timeout), "no answer in time", "context deadline exceeded"),
	}
	// Round 2: everything fast.
	for i, total := range []float64{0.35, 0.52, 0.61, 0.38} {
		results = append(results, res(i, 4+i, 1, true, 3000+float64(i), 200, total, replay.OK))
	}
	return cfg, targets, results
}

func fakeSummary(cfg replay.Config, targets []replay.Target, results []replay.Result, interrupted bool) *replay.Summary {
	sum := replay.NewSummary(cfg, targets, replayStart)
	for i := range results {
		sum.Add(&results[i])
	}
	sum.Finish(replayStart.Add(3250*time.Millisecond), interrupted)
	return sum
}

// renderReplay runs a reporter over the fake run.
func renderReplay(t *testing.T, ios *iostreams.IOStreams, opts ReplayOptions, cfg replay.Config, targets []replay.Target,
	results []replay.Result, th replay.Thresholds, exitCode int) {
	t.Helper()
	opts.Version, opts.Started, opts.Thresholds = "1.2.3", replayStart, th
	rep, err := NewReplayReporter(ios, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range results {
		rep.Request(&results[i])
	}
	sum := fakeSummary(cfg, targets, results, exitCode == 130)
	if err := rep.Finish(sum, sum.Verdict(th), exitCode); err != nil {
		t.Fatal(err)
	}
}

func TestReplayGolden(t *testing.T) {
	cfg, targets, results := fakeReplay()
	cases := []struct {
		name    string
		opts    ReplayOptions
		color   bool
		tty     bool
		results []replay.Result
		th      replay.Thresholds
		code    int
	}{
		{name: "text", code: 1},
		{name: "text_color", color: true, code: 1},
		{name: "text_tty", color: true, tty: true, code: 1},
		{name: "text_verbose", opts: ReplayOptions{Verbose: true}, code: 1},
		{name: "text_slo_pass", results: results[8:], th: replay.Thresholds{MaxP99: 150 * time.Millisecond, MaxErrorRate: 0.01, CheckErrorRate: true}},
		{name: "text_pass", results: results[8:]},
		{name: "text_interrupted", results: results[:4], code: 130},
		{name: "json", opts: ReplayOptions{Output: "json"}, code: 1},
		{name: "junit", opts: ReplayOptions{Output: "junit"}, code: 1},
		{name: "junit_slo", opts: ReplayOptions{Output: "junit"}, th: replay.Thresholds{MaxP99: 100 * time.Millisecond}, code: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetTerminalWidth(80)
			if c.color {
				ios.SetColorMode(iostreams.ColorAlways)
			}
			ios.SetStdoutTTY(c.tty)
			rs := results
			if c.results != nil {
				rs = c.results
			}
			renderReplay(t, ios, c.opts, cfg, targets, rs, c.th, c.code)
			golden.Assert(t, filepath.Join("testdata", "replay", c.name+".golden"), out.Bytes())
			if !c.color && bytes.Contains(out.Bytes(), []byte("\x1b[")) {
				t.Error("escape sequences without colour")
			}
		})
	}
}

// TestReplayUnreachable: nothing answered.
func TestReplayUnreachable(t *testing.T) {
	cfg := replay.Config{URL: "http://127.0.0.1:9/hook"}
	targets := []replay.Target{{Name: "sinch/text"}}
	var results []replay.Result
	for i := range 3 {
		results = append(results, replay.Result{Target: "sinch/text", Seq: i, Attempt: 1, Final: true, Scheduled: replayStart, Start: replayStart,
			Total: 120 * time.Microsecond, Outcome: replay.NetworkError, Cause: "connection refused",
			Err: "dial tcp 127.0.0.1:9: connect: connection refused"})
	}
	for _, out := range []string{"text", "junit"} {
		ios, _, buf, _ := iostreams.Test()
		renderReplay(t, ios, ReplayOptions{Output: out}, cfg, targets, results, replay.Thresholds{}, 4)
		golden.Assert(t, filepath.Join("testdata", "replay", out+"_unreachable.golden"), buf.Bytes())
	}
}

// TestReplayJSONValid: the JSON output parses, with the documented keys.
func TestReplayJSONValid(t *testing.T) {
	cfg, targets, results := fakeReplay()
	results[0].Target = "odd \"name\"\n\x01\xff"
	ios, _, out, _ := iostreams.Test()
	renderReplay(t, ios, ReplayOptions{Output: "json"}, cfg, targets, results, replay.Thresholds{}, 1)
	var doc struct {
		Schema   string           `json:"schema"`
		Requests []map[string]any `json:"requests"`
		Targets  []map[string]any `json:"targets"`
		Summary  map[string]any   `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out.Bytes())
	}
	if doc.Schema != ReplayJSONSchema || len(doc.Requests) != len(results) || len(doc.Targets) != 4 {
		t.Errorf("schema %q, %d requests, %d targets", doc.Schema, len(doc.Requests), len(doc.Targets))
	}
	if got := doc.Requests[0]["target"]; got != "odd \"name\"\n\x01\ufffd" {
		t.Errorf("target %q", got)
	}
	for _, k := range []string{"send", "attempt", "final", "scheduled_ms", "start_ms", "status", "bytes", "bytes_sent", "connected",
		"reused", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms", "outcome", "cause", "error", "redirect"} {
		if _, ok := doc.Requests[0][k]; !ok {
			t.Errorf("request without %q", k)
		}
	}
	lat := doc.Summary["latency_ms"].(map[string]any)
	if doc.Summary["exit_code"] != 1.0 || lat["max"] != 2000.0 || doc.Summary["deadline_ms"] != 200.0 {
		t.Errorf("summary %v", doc.Summary)
	}
}

// TestReplayJUnitValid: the JUnit output is well-formed XML.
func TestReplayJUnitValid(t *testing.T) {
	cfg, targets, results := fakeReplay()
	ios, _, out, _ := iostreams.Test()
	renderReplay(t, ios, ReplayOptions{Output: "junit"}, cfg, targets, results, replay.Thresholds{}, 1)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 4 || doc.Failures != 3 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 4 {
		t.Errorf("%+v", doc)
	}
	if c := doc.Suites[0].Cases[0]; c.Name != "sinch/text" || c.Failure != nil {
		t.Errorf("first case %+v", c)
	}
}

func TestReplayProgress(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	p := NewReplayProgress(ios)
	p.Update(replay.Progress{Attempts: 200, OK: 197, Slow: 1, Failed: 2}, 200*time.Millisecond)
	p.Update(replay.Progress{Attempts: 400, OK: 397, Slow: 1, Failed: 2}, 400*time.Millisecond)
	p.Clear()
	got := errOut.String()
	want := "\r\x1b[Kreplay 0.2s    200 sent  197 ok  1 slow  2 failed  1000/s" +
		"\r\x1b[Kreplay 0.4s    400 sent  397 ok  1 slow  2 failed  1000/s\r\x1b[K"
	if got != want {
		t.Errorf("progress %q\nwant     %q", got, want)
	}
}

func TestReplayBar(t *testing.T) {
	for cells, want := range map[float64]string{0: "", 0.01: "▏", 1: "█", 2.5: "██▌", 2.99: "███"} {
		if got := replayBarString(cells); got != want {
			t.Errorf("bar(%v) = %q, want %q", cells, got, want)
		}
	}
	if _, err := NewReplayReporter(nil, ReplayOptions{Output: "xml"}); err == nil || !strings.Contains(err.Error(), "text, json, junit") {
		t.Errorf("unknown output: %v", err)
	}
}

// TestVerdictReasons pins the sentence of every kind of breach.
func TestVerdictReasons(t *testing.T) {
	cfg, targets, results := fakeReplay()
	sum := fakeSummary(cfg, targets, results, false)
	empty := fakeSummary(cfg, targets, nil, false)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		name string
		sum  *replay.Summary
		th   replay.Thresholds
		want []string
	}{
		{"strict", sum, replay.Thresholds{}, []string{"6 of 12 requests not ok: 1 slow (over 200ms), 3 http-error, 1 network-error, 1 timeout"}},
		{"nothing sent", empty, replay.Thresholds{}, []string{"no request was sent"}},
		{"slo", sum, replay.Thresholds{MaxP95: ms(1), MaxP99: ms(2), MaxErrorRate: 0.01, CheckErrorRate: true}, []string{
			"p95 " + render.Duration(sum.Latency.P95) + " over the 1ms maximum",
			"p99 " + render.Duration(sum.Latency.P99) + " over the 2ms maximum",
			"error rate " + render.Percent(sum.ErrorRate()) + " over the 1% maximum (1 slow (over 200ms), 3 http-error, 1 network-error, 1 timeout)"}},
		{"pass", sum, replay.Thresholds{MaxP99: time.Hour}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := VerdictReasons(tt.sum, tt.sum.Verdict(tt.th))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
