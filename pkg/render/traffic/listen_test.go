package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payloadtest"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/listen"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// listenGolden compares got with testdata/listen/NAME, or rewrites it
// under -update.
func listenGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", "listen", name), got)
}

var listenZone = time.FixedZone("BRT", -3*3600)

// listenEvents is one of each kind of request, at fixed times.
func listenEvents(t *testing.T) []listen.Event {
	t.Helper()
	v := validate.New(validate.Options{})
	check := func(b []byte) *validate.Result {
		r := v.Validate(&payload.Payload{Data: b, Line: 1, Col: 1})
		return &r
	}
	at := time.Date(2026, 11, 22, 10, 15, 0, 123e6, time.UTC)
	n := uint64(0)
	ev := func(kind listen.Kind, method, path string, status int, body []byte) listen.Event {
		n++
		e := listen.Event{Seq: n, Time: at.Add(time.Duration(n) * 1500 * time.Millisecond), Kind: kind, Method: method,
			Path: path, RemoteAddr: "127.0.0.1:50412", Status: status, Ack: 81 * time.Microsecond, Bytes: int64(len(body))}
		if kind == listen.KindWebhook {
			e.Body = body
			e.Result = check(body)
		}
		return e
	}
	var evs []listen.Event

	e := ev(listen.KindWebhook, "POST", "/hook", 200, payloadtest.Read(t, "cloud/text"))
	e.SavedAs = "captures/" + listen.FileName(e.Time, e.Seq)
	evs = append(evs, e)

	e = ev(listen.KindWebhook, "POST", "/hook", 202, payloadtest.Read(t, "sinch/batch-mixed"))
	e.Forward = &listen.ForwardResult{URL: "http://localhost:3000/webhook", Status: 202, Latency: 183 * time.Millisecond, Deadline: 200 * time.Millisecond}
	evs = append(evs, e)

	e = ev(listen.KindWebhook, "POST", "/hook", 200, payloadtest.Read(t, "invalid/whatsapp-multiple-problems"))
	e.Forward = &listen.ForwardResult{URL: "http://localhost:3000/webhook", Status: 200, Latency: 312400 * time.Microsecond, Deadline: 200 * time.Millisecond, OverDeadline: true}
	e.SavedAs = "captures/" + listen.FileName(e.Time, e.Seq)
	evs = append(evs, e)

	evs = append(evs, ev(listen.KindWebhook, "POST", "/hook", 400, payloadtest.Read(t, "invalid/syntax-trailing-comma")))
	evs = append(evs, ev(listen.KindWebhook, "POST", "/hook", 200, []byte(`{"hello":"world"}`)))
	evs = append(evs, ev(listen.KindWebhook, "POST", "/hook", 200, payloadtest.Read(t, "whatsapp/status-failed")))

	e = ev(listen.KindHandshake, "GET", "/hook", 200, nil)
	evs = append(evs, e)
	e = ev(listen.KindHandshake, "GET", "/hook", 403, nil)
	e.Rejected = listen.ReasonBadToken
	evs = append(evs, e)
	evs = append(evs, ev(listen.KindInfo, "GET", "/", 200, nil))

	e = ev(listen.KindRejected, "POST", "/hook", 403, nil)
	e.Bytes = 1130
	e.Rejected, e.Detail = listen.ReasonBadSignature, "HMAC-SHA256 of the body does not match"
	evs = append(evs, e)
	e = ev(listen.KindRejected, "POST", "/hook", 413, nil)
	e.Bytes = 12 << 20
	e.Rejected, e.Detail = listen.ReasonTooLarge, "limit 10 MiB"
	evs = append(evs, e)

	e = ev(listen.KindWebhook, "POST", "/hook", 502, payloadtest.Read(t, "cloud/status-read"))
	e.Forward = &listen.ForwardResult{URL: "http://localhost:3000/webhook", Latency: 400 * time.Microsecond, Deadline: 200 * time.Millisecond,
		OverDeadline: true, Err: errors.New(`Post "http://localhost:3000/webhook": dial tcp [::1]:3000: connect: connection refused`)}
	evs = append(evs, e)

	e = ev(listen.KindWebhook, "POST", "/hook", 500, payloadtest.Read(t, "sinch/text"))
	e.SaveErr = errors.New("open captures/.wamo-123.tmp: no space left on device")
	evs = append(evs, e)

	e = ev(listen.KindWebhook, "POST", "/hook\x1b[31m", 200, payloadtest.Read(t, "cloud/reaction"))
	e.ClientGone = true
	evs = append(evs, e)

	// Abuse: too many bodies at once, validations cut short.
	e = ev(listen.KindRejected, "POST", "/hook", 503, nil)
	e.Bytes = 4 << 20
	e.Rejected, e.Detail = listen.ReasonBusy, "over 64 MiB of bodies in memory at once"
	evs = append(evs, e)
	e = ev(listen.KindWebhook, "POST", "/hook", 200, []byte(`{"total":3,"data":[{},{},{}]}`))
	e.Result, e.Cut = nil, listen.CutTime
	evs = append(evs, e)
	e = ev(listen.KindWebhook, "POST", "/hook", 200, []byte(`{"total":2,"data":[{},{}]}`))
	e.Result.Findings, e.Cut = e.Result.Findings[:3], listen.CutFindings
	evs = append(evs, e)
	e = ev(listen.KindWebhook, "POST", "/hook", 200, nil)
	e.Bytes = 2 << 20
	e.Result, e.Cut = nil, listen.CutBusy
	evs = append(evs, e)
	return evs
}

func listenStats() listen.Stats {
	return listen.Stats{
		Requests: 18, Webhooks: 12, Valid: 5, Invalid: 2, Unusable: 1, NotJSON: 1, Messages: 9, Statuses: 3,
		NotValidated: 2, FindingsCut: 1,
		Handshakes: 2, HandshakesRefused: 1, Info: 1,
		Rejected: map[listen.Reason]int64{listen.ReasonBadSignature: 1, listen.ReasonTooLarge: 1, listen.ReasonBusy: 1},
		Saved:    2, SaveFailed: 1, Forwarded: 3, ForwardFailed: 1, OverDeadline: 2,
		Forward:  listen.Latency{Count: 2, P50: 183 * time.Millisecond, P90: 312 * time.Millisecond, P99: 312 * time.Millisecond, Max: 312400 * time.Microsecond},
		Deadline: 200 * time.Millisecond,
		Ack:      listen.Latency{Count: 14, P50: 81 * time.Microsecond, P90: 120 * time.Microsecond, P99: 5100 * time.Microsecond, Max: 7 * time.Millisecond},
		Dropped:  2,
	}
}

func renderListen(t *testing.T, opts ListenOptions, setup func(*iostreams.IOStreams)) (out, errOut []byte) {
	t.Helper()
	ios, _, o, e := iostreams.Test()
	if setup != nil {
		setup(ios)
	}
	opts.Location = listenZone
	p, err := NewListenPrinter(ios, opts)
	if err != nil {
		t.Fatal(err)
	}
	p.Banner(ListenBanner{URL: "http://127.0.0.1:8080/hook", SaveDir: "captures", ForwardTo: "http://localhost:3000/webhook",
		Deadline: 200 * time.Millisecond, Signature: true, VerifyToken: true, Redact: "ids", Status: 200, Exposed: opts.Quiet})
	for _, ev := range listenEvents(t) {
		if err := p.Event(&ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Summary(listenStats(), 2); err != nil {
		t.Fatal(err)
	}
	return o.Bytes(), e.Bytes()
}

func TestListenText(t *testing.T) {
	out, errOut := renderListen(t, ListenOptions{}, nil)
	listenGolden(t, "text.golden", out)
	listenGolden(t, "banner.golden", errOut)
	if bytes.Contains(out, []byte("\x1b")) || bytes.Contains(errOut, []byte("\x1b")) {
		t.Error("escape sequences without colour (the path's ESC must be made visible)")
	}
}

func TestListenColor(t *testing.T) {
	out, _ := renderListen(t, ListenOptions{}, func(ios *iostreams.IOStreams) { ios.SetColorMode(iostreams.ColorAlways) })
	listenGolden(t, "text_color.golden", out)
	// Over the deadline in red, within in green.
	if !bytes.Contains(out, []byte("\x1b[31mapp 200 in 312ms > 200ms")) || !bytes.Contains(out, []byte("\x1b[32mapp 202 in 183ms")) {
		t.Error("latency not coloured by the deadline")
	}
}

func TestListenQuiet(t *testing.T) {
	out, errOut := renderListen(t, ListenOptions{Quiet: true}, nil)
	listenGolden(t, "quiet.golden", out)
	if bytes.Contains(out, []byte("#1 ")) || bytes.Contains(out, []byte("#2 ")) {
		t.Error("quiet printed a request without problem")
	}
	if !bytes.Contains(errOut, []byte("other machines")) {
		t.Error("no warning for an exposed address")
	}
}

func TestListenJSON(t *testing.T) {
	out, _ := renderListen(t, ListenOptions{Output: "json"}, nil)
	listenGolden(t, "events.ndjson.golden", out)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(listenEvents(t))+1 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
	}
	var first struct {
		Verdict string          `json:"verdict"`
		Body    json.RawMessage `json:"body"`
		SavedAs string          `json:"saved_as"`
	}
	json.Unmarshal([]byte(lines[0]), &first)
	if first.Verdict != "valid" || !json.Valid(first.Body) || first.SavedAs == "" {
		t.Errorf("first event %+v", first)
	}
	if !strings.HasPrefix(lines[len(lines)-1], `{"type":"summary"`) {
		t.Error("no summary last")
	}
}

func TestListenStalled(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	if err := ListenStalled(ios, listenStats(), 7); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote on stdout, which has stalled: %q", out)
	}
	listenGolden(t, "stalled.golden", errOut.Bytes())
	if !bytes.Contains(errOut.Bytes(), []byte("7 requests not printed")) {
		t.Error("the requests not printed are not counted")
	}
}

func TestListenOutputs(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if _, err := NewListenPrinter(ios, ListenOptions{Output: "xml"}); err == nil {
		t.Error("xml accepted")
	}
}

func TestListenDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0ms", 362 * time.Microsecond: "0.362ms", 12400 * time.Microsecond: "12.4ms", 183 * time.Millisecond: "183ms",
		1250 * time.Millisecond: "1.25s", 90 * time.Second: "1m30s",
	} {
		if got := listenDuration(d); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
	}
}
