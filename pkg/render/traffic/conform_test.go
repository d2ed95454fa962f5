package traffic

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// fakeConform is a fixed report of five cloud cases: a pass, a failure
// with its evidence, a warning, a skip and the load case.
func fakeConform(t testing.TB) (*conform.Catalogue, []*conform.Case, *conform.Report) {
	t.Helper()
	// Cases written out, not built from the fixtures: the views, not the
	// catalogue, are under test here.
	p := conform.LookupProfile("cloud")
	cat := &conform.Catalogue{Profile: p, Omitted: []conform.Omission{{ID: "auth.stale", Reason: "the cloud signature covers no time"}}}
	cases := []*conform.Case{
		{Number: "1.26", ID: "ack.text", Area: conform.AreaAck, Level: conform.Required,
			Expect: "a text message (cloud/text) is answered 2xx within the deadline"},
		{Number: "2.1", ID: "dup.redelivery", Area: conform.AreaRetry, Level: conform.Required,
			Expect: "the same delivery sent again, byte for byte, is answered 2xx within the deadline both times"},
		{Number: "6.2", ID: "auth.unsigned", Area: conform.AreaAuth, Level: conform.Recommended,
			Expect: "a delivery without a signature is refused with a 4xx"},
		{Number: "6.4", ID: "auth.handshake", Area: conform.AreaAuth, Level: conform.Required,
			Expect: "the verification request with the right verify token is answered 200 with exactly the challenge"},
		{Number: "7.1", ID: "load.burst", Area: conform.AreaLoad, Level: conform.Required,
			Expect: "a provider-like burst is answered 2xx, with p99 within the deadline"},
	}
	ms := time.Millisecond
	ex := func(label string, start, lat time.Duration, status int, answer, problem string) conform.Exchange {
		o := replay.OK
		if status >= 300 {
			o = replay.HTTPError
		}
		return conform.Exchange{Label: label, Method: "POST", ContentType: "application/json", Signed: true, Bytes: 812,
			Excerpt: `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293"`, Start: start, Latency: lat,
			Status: status, Answer: answer, Outcome: o, Connected: true, Problem: problem}
	}
	unsigned := ex("a text message (cloud/text)", 9*ms, ms/2, 200, `{"status":"received"}`, "answered 200, not 4xx")
	unsigned.Signed, unsigned.SignatureNote = false, "no signature"
	results := []conform.Result{
		{Case: cases[0], Verdict: conform.Pass, Latency: 420 * time.Microsecond, Start: 0, Elapsed: ms,
			Exchanges: []conform.Exchange{ex("a text message (cloud/text)", ms/10, 420*time.Microsecond, 200, `{"status":"received"}`, "")}},
		{Case: cases[1], Verdict: conform.Fail, Reason: "delivery 2 of 2: the same delivery again: answered 409, not 2xx", Latency: 610 * time.Microsecond,
			Start: 2 * ms, Elapsed: 2 * ms, Exchanges: []conform.Exchange{
				ex("delivery 1 of 2: first delivery of a text message (cloud/text)", 2*ms, 500*time.Microsecond, 200, `{"status":"received"}`, ""),
				ex("delivery 2 of 2: the same delivery again", 3*ms, 610*time.Microsecond, 409, "duplicate message wamid.HBgL\x1b[31m", "answered 409, not 2xx"),
			}},
		{Case: cases[2], Verdict: conform.Warn, Reason: "answered 200, not 4xx", Latency: ms / 2, Start: 9 * ms, Elapsed: ms,
			Exchanges: []conform.Exchange{unsigned}},
		{Case: cases[3], Verdict: conform.Skip, Reason: "no verify token: set WAMO_VERIFY_TOKEN to check the handshake", Start: 10 * ms},
		{Case: cases[4], Verdict: conform.Pass, Latency: 3 * ms, Start: 11 * ms, Elapsed: 5 * time.Second,
			Load: &conform.LoadStats{Rate: 50, Duration: 5 * time.Second, Sends: 250, Counts: replay.Counts{250},
				Latency: replay.Latency{Count: 250, Min: ms / 5, Mean: ms, P50: 800 * time.Microsecond, P90: 2 * ms, P95: 2 * ms, P99: 3 * ms, Max: 4 * ms}}},
	}
	rep := &conform.Report{
		Profile: cat.Profile, URL: "http://127.0.0.1:8080/webhook", Deadline: 200 * ms, Signed: true,
		Started: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), Elapsed: 5100 * ms, Results: results,
		Areas: []conform.AreaCount{{Area: conform.AreaAck, Pass: 1}, {Area: conform.AreaRetry, Fail: 1},
			{Area: conform.AreaAuth, Warn: 1, Skip: 1}, {Area: conform.AreaLoad, Pass: 1}},
		Latency: replay.Latency{Count: 254, Min: ms / 5, Mean: ms, P50: 800 * time.Microsecond, P90: 2 * ms, P95: 2 * ms, P99: 3 * ms, Max: 4 * ms},
		Histogram: []replay.Bucket{{From: 100 * time.Microsecond, To: 200 * time.Microsecond, Count: 3},
			{From: 200 * time.Microsecond, To: 500 * time.Microsecond, Count: 51}, {From: 500 * time.Microsecond, To: ms, Count: 150},
			{From: ms, To: 2 * ms, Count: 40}, {From: 2 * ms, To: 5 * ms, Count: 10}},
	}
	for i := range 40 {
		rep.Points = append(rep.Points, conform.Point{At: time.Duration(i) * 130 * ms, Latency: time.Duration(300+i*40) * time.Microsecond, OK: i != 7, Case: "load.burst"})
	}
	return cat, cases, rep
}

func renderConform(t *testing.T, ios *iostreams.IOStreams, output string) {
	t.Helper()
	cat, cases, rep := fakeConform(t)
	r, err := NewConformReporter(ios, ConformOptions{Output: output, Version: "1.2.3", Catalogue: cat, Cases: cases,
		URL: rep.URL, Deadline: rep.Deadline, Signed: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rep.Results {
		r.Case(&rep.Results[i])
	}
	if err := r.Finish(rep, 1); err != nil {
		t.Fatal(err)
	}
}

func TestConformGolden(t *testing.T) {
	for _, c := range []struct {
		name, output string
		color, tty   bool
	}{
		{name: "text", output: "text"},
		{name: "text_color", output: "text", color: true, tty: true},
		{name: "json", output: "json"},
		{name: "junit", output: "junit"},
		{name: "html", output: "html"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetTerminalWidth(120)
			ios.SetStdoutTTY(c.tty)
			if c.color {
				ios.SetColorMode(iostreams.ColorAlways)
			}
			renderConform(t, ios, c.output)
			golden.Assert(t, filepath.Join("testdata", "conform", c.name+".golden"), out.Bytes())
			if !c.color && bytes.Contains(out.Bytes(), []byte("\x1b")) {
				t.Error("an escape sequence in the output (from the receiver's answer?)")
			}
			switch c.output {
			case "json":
				var v map[string]any
				if err := json.Unmarshal(out.Bytes(), &v); err != nil || v["schema"] != ConformJSONSchema {
					t.Errorf("not %s JSON: %v", ConformJSONSchema, err)
				}
			case "junit", "html":
				if c.output == "junit" {
					if err := xml.Unmarshal(out.Bytes(), new(struct{})); err != nil {
						t.Errorf("not XML: %v", err)
					}
				}
			}
		})
	}
}

// TestHTMLSelfContained: the page refers to nothing outside itself and runs
// no script, whatever the report holds.
func TestHTMLSelfContained(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	renderConform(t, ios, "html")
	page := out.String()
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url(", "http-equiv=\"refresh\""} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`) {
		t.Error("no Content-Security-Policy forbidding fetches")
	}
	// Text from the receiver is escaped, not markup.
	if strings.Contains(page, "\x1b") && !strings.Contains(page, "duplicate message wamid.HBgL") {
		t.Error("the answer is missing")
	}
}

func TestConformListGolden(t *testing.T) {
	cat, cases, _ := fakeConform(t)
	for _, output := range []string{"text", "json"} {
		ios, _, out, _ := iostreams.Test()
		if err := ConformList(ios, cat, cases, output); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join("testdata", "conform", "list_"+output+".golden"), out.Bytes())
	}
}

func TestSVGCharts(t *testing.T) {
	ms := time.Millisecond
	pts := []htmlPoint{{At: 0, Latency: ms, OK: true}, {At: ms, Latency: 400 * ms}}
	tl := string(svgTimeline(pts, 200*ms))
	if strings.Count(tl, "<circle") != 2 || !strings.Contains(tl, `class="deadline"`) || !strings.Contains(tl, "deadline 200ms") {
		t.Errorf("timeline: %s", tl)
	}
	if s := string(svgTimeline(nil, 200*ms)); !strings.Contains(s, "no answer was measured") {
		t.Errorf("empty timeline: %s", s)
	}
	hist := string(svgHistogram([]replay.Bucket{{From: 0, To: 100 * ms, Count: 3}, {From: 100 * ms, To: 200 * ms, Count: 0},
		{From: 200 * ms, To: 500 * ms, Count: 1, OverDeadline: true}}, 200*ms))
	if strings.Count(hist, "<rect") != 3 || strings.Count(hist, `class="bar-over"`) != 1 || strings.Count(hist, `class="deadline"`) != 1 {
		t.Errorf("histogram: %s", hist)
	}
	// All within the deadline: the mark at the right edge, said to be beyond
	// every answer unless the last bucket ends at it.
	for _, tc := range []struct {
		to     time.Duration
		beyond bool
	}{{200 * ms, false}, {5 * ms, true}} {
		s := string(svgHistogram([]replay.Bucket{{From: 0, To: tc.to, Count: 2}}, 200*ms))
		if strings.Count(s, `class="deadline"`) != 1 || strings.Contains(s, "beyond every answer") != tc.beyond {
			t.Errorf("histogram within the deadline, last bucket to %s: %s", tc.to, s)
		}
	}
}
