package traffic

import (
	"bytes"
	"encoding/json"
	"math"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/pkg/listen"
)

// The JSON output of `wamo listen` is one object per line: one per request
// as it is answered, {"type":"request",…}, and one {"type":"summary",…}
// when the listener stops. Fields that do not apply are left out; times
// are RFC 3339 in UTC, durations milliseconds.
//
//	{"type":"request","seq":1,"time":"…","kind":"webhook","method":"POST",
//	 "path":"/hook","remote":"127.0.0.1:50412","status":200,"bytes":1130,
//	 "ack_ms":0.081,"format":"cloud","verdict":"valid","messages":1,
//	 "errors":0,"warnings":0,"findings":[{"line":5,"col":7,
//	 "severity":"error","rule":"…","message":"…","path":"…"}],
//	 "saved_as":"captures/….json","save_error":"…",
//	 "forward":{"url":"…","status":202,"latency_ms":183.2,"deadline_ms":200,
//	 "over_deadline":false,"error":"…"},"rejected":"bad signature",
//	 "detail":"…","client_gone":true,"validation_cut":"time budget",
//	 "body":{…the payload, compact…}}
//
// kind is webhook, handshake, info or rejected; verdict valid, invalid,
// unusable (JSON of no known format) or not-json, absent when the body was
// not validated. validation_cut says why a validation was cut short: "time
// budget" (no verdict), "findings budget" (the first findings only; errors
// and warnings count them all) or "busy" (no verdict). body is the payload
// as saved (redacted with --redact), on one line; absent when it is not
// JSON or was not validated.
//
// The summary, {"type":"summary",…}: requests, webhooks, valid, invalid,
// unusable, not_json, not_validated, findings_cut, messages, statuses,
// handshakes, handshakes_refused, other_gets, rejected (by reason: "busy"
// counts the 503s), saved, save_failed, forwarded, forward_failed,
// over_deadline, deadline_ms, forward_latency_ms and ack_latency_ms
// ({count,p50,p90,p99,max}), and not_printed: the requests whose line was
// never printed (the output could not keep up).

type listenJSONFinding struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Path     string `json:"path,omitempty"`
}

type listenJSONForward struct {
	URL          string  `json:"url"`
	Status       int     `json:"status,omitempty"`
	LatencyMS    float64 `json:"latency_ms"`
	DeadlineMS   float64 `json:"deadline_ms"`
	OverDeadline bool    `json:"over_deadline"`
	Error        string  `json:"error,omitempty"`
}

type listenJSONEvent struct {
	Type       string              `json:"type"`
	Seq        uint64              `json:"seq"`
	Time       string              `json:"time"`
	Kind       listen.Kind         `json:"kind"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Remote     string              `json:"remote,omitempty"`
	Status     int                 `json:"status"`
	Bytes      int64               `json:"bytes"`
	AckMS      float64             `json:"ack_ms"`
	Format     string              `json:"format,omitempty"`
	Verdict    string              `json:"verdict,omitempty"`
	Messages   *int                `json:"messages,omitempty"`
	Statuses   *int                `json:"statuses,omitempty"`
	Errors     *int                `json:"errors,omitempty"`
	Warnings   *int                `json:"warnings,omitempty"`
	Findings   []listenJSONFinding `json:"findings,omitempty"`
	SavedAs    string              `json:"saved_as,omitempty"`
	SaveError  string              `json:"save_error,omitempty"`
	Forward    *listenJSONForward  `json:"forward,omitempty"`
	Rejected   string              `json:"rejected,omitempty"`
	Detail     string              `json:"detail,omitempty"`
	ClientGone bool                `json:"client_gone,omitempty"`
	Cut        string              `json:"validation_cut,omitempty"`
	Body       json.RawMessage     `json:"body,omitempty"`
}

func listenMS(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*1000) / 1000
}

func listenEventJSON(ev *listen.Event) []byte {
	j := listenJSONEvent{
		Type: "request", Seq: ev.Seq, Time: ev.Time.UTC().Format(time.RFC3339Nano), Kind: ev.Kind,
		Method: ev.Method, Path: ev.Path, Remote: ev.RemoteAddr, Status: ev.Status, Bytes: ev.Bytes,
		AckMS: listenMS(ev.Ack), SavedAs: ev.SavedAs, Rejected: string(ev.Rejected), Detail: ev.Detail,
		ClientGone: ev.ClientGone, Cut: string(ev.Cut),
	}
	if ev.SaveErr != nil {
		j.SaveError = ev.SaveErr.Error()
	}
	if r := ev.Result; r != nil {
		switch {
		case r.Unusable && r.Reason == "not JSON":
			j.Verdict = "not-json"
		case r.Unusable:
			j.Verdict = "unusable"
		case r.Errors > 0:
			j.Verdict = "invalid"
		default:
			j.Verdict = "valid"
		}
		if !r.Unusable {
			j.Format = r.Format.String()
		}
		j.Messages, j.Statuses, j.Errors, j.Warnings = &r.Messages, &r.Statuses, &r.Errors, &r.Warnings
		for i := range r.Findings {
			f := &r.Findings[i]
			j.Findings = append(j.Findings, listenJSONFinding{Line: f.Line, Col: f.Col, Severity: f.Severity.String(),
				Rule: render.FindingRule(f), Message: f.Message, Path: f.Path})
		}
		if ev.Body != nil && j.Verdict != "not-json" {
			j.Body = pretty.Ugly(ev.Body)
		}
	}
	if f := ev.Forward; f != nil {
		j.Forward = &listenJSONForward{URL: f.URL, Status: f.Status, LatencyMS: listenMS(f.Latency),
			DeadlineMS: listenMS(f.Deadline), OverDeadline: f.OverDeadline}
		if f.Err != nil {
			j.Forward.Error = f.Err.Error()
		}
	}
	b, err := listenMarshal(j)
	if err != nil {
		// Only a body that is not valid JSON can get here; leave it out.
		j.Body = nil
		b, _ = listenMarshal(j)
	}
	return b
}

type listenJSONLatency struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func newListenJSONLatency(l listen.Latency) listenJSONLatency {
	return listenJSONLatency{l.Count, listenMS(l.P50), listenMS(l.P90), listenMS(l.P99), listenMS(l.Max)}
}

type listenJSONSummary struct {
	Type              string            `json:"type"`
	Requests          int64             `json:"requests"`
	Webhooks          int64             `json:"webhooks"`
	Valid             int64             `json:"valid"`
	Invalid           int64             `json:"invalid"`
	Unusable          int64             `json:"unusable"`
	NotJSON           int64             `json:"not_json"`
	NotValidated      int64             `json:"not_validated"`
	FindingsCut       int64             `json:"findings_cut"`
	Messages          int64             `json:"messages"`
	Statuses          int64             `json:"statuses"`
	Handshakes        int64             `json:"handshakes"`
	HandshakesRefused int64             `json:"handshakes_refused"`
	Info              int64             `json:"other_gets"`
	Rejected          map[string]int64  `json:"rejected"`
	Saved             int64             `json:"saved"`
	SaveFailed        int64             `json:"save_failed"`
	Forwarded         int64             `json:"forwarded"`
	ForwardFailed     int64             `json:"forward_failed"`
	OverDeadline      int64             `json:"over_deadline"`
	DeadlineMS        float64           `json:"deadline_ms"`
	ForwardLatency    listenJSONLatency `json:"forward_latency_ms"`
	AckLatency        listenJSONLatency `json:"ack_latency_ms"`
	NotPrinted        int64             `json:"not_printed"`
}

func listenSummaryJSON(s *listen.Stats, notPrinted int64) []byte {
	rej := map[string]int64{}
	for r, n := range s.Rejected {
		rej[string(r)] = n
	}
	b, _ := listenMarshal(listenJSONSummary{
		Type: "summary", Requests: s.Requests, Webhooks: s.Webhooks, Valid: s.Valid, Invalid: s.Invalid,
		Unusable: s.Unusable, NotJSON: s.NotJSON, NotValidated: s.NotValidated, FindingsCut: s.FindingsCut,
		Messages: s.Messages, Statuses: s.Statuses,
		Handshakes: s.Handshakes, HandshakesRefused: s.HandshakesRefused, Info: s.Info, Rejected: rej,
		Saved: s.Saved, SaveFailed: s.SaveFailed, Forwarded: s.Forwarded, ForwardFailed: s.ForwardFailed,
		OverDeadline: s.OverDeadline, DeadlineMS: listenMS(s.Deadline),
		ForwardLatency: newListenJSONLatency(s.Forward), AckLatency: newListenJSONLatency(s.Ack), NotPrinted: notPrinted,
	})
	return b
}

// listenMarshal encodes v on one line, without escaping <, > and & (URLs
// stay readable).
func listenMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return render.JSONSafe(b.Bytes()), err
}
