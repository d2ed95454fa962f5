package replay

import (
	"cmp"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// ExportFormats lists the engines a replay can be exported to (see
// ExportVegeta and ExportArtillery), so that the same replay runs from
// many machines with tools people already run at scale.
var ExportFormats = []string{"vegeta", "artillery"}

// checkExport refuses what an export cannot carry: bodies that change per
// send (Fresh) and replay's own retries.
func checkExport(cfg Config) (Config, error) {
	cfg, _, err := cfg.withDefaults()
	if err != nil {
		return cfg, err
	}
	switch {
	case cfg.Fresh:
		return cfg, &ConfigError{Msg: "fresh ids cannot be exported: the exported bodies are fixed"}
	case cfg.Retries > 0:
		return cfg, &ConfigError{Msg: "retries cannot be exported: the engines do not re-send failures as a provider does"}
	}
	return cfg, nil
}

// exportHeader is the header every exported request carries (Host
// included, as engines set it from the header).
func exportHeader(cfg Config) http.Header {
	h := cfg.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return h
}

// vegetaTarget is one line of vegeta's JSON targets format
// (vegeta attack -format=json): the body as base64 (a []byte in JSON).
type vegetaTarget struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Body   []byte      `json:"body,omitempty"`
	Header http.Header `json:"header,omitempty"`
}

// ExportVegeta writes every target once, in order, as vegeta's JSON
// targets (one JSON object per line: method, URL, headers and the base64
// body replay would send, signature included), which `vegeta attack
// -format=json` cycles through at its -rate. Signatures are computed now:
// a timed one (Sinch's) carries this time and one nonce for every send of
// its target, so receivers that enforce a window refuse it once the
// window (5 minutes by default) has passed — export right before the
// attack, or use the Artillery export, which signs each request.
func ExportVegeta(w io.Writer, cfg Config, targets []Target) error {
	cfg, err := checkExport(cfg)
	if err != nil {
		return err
	}
	hdr := exportHeader(cfg)
	prep, err := prepareTargets(cfg, hdr, targets)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range prep {
		p := &prep[i]
		h := p.header
		if p.signer != nil {
			h = h.Clone()
			p.signer.Sign(h, p.body, cfg.Now())
		}
		if err := enc.Encode(vegetaTarget{Method: cfg.Method, URL: cfg.URL, Body: p.body, Header: h}); err != nil {
			return err
		}
	}
	return nil
}

//go:embed artillery.js
var artilleryProcessor []byte

// ArtilleryOptions completes an Artillery export.
type ArtilleryOptions struct {
	// Processor is the file name of the processor the script names,
	// beside it (default "wamo-replay.js").
	Processor string
	// SecretEnv names, per signature scheme ("meta", "sinch"), the
	// environment variable the processor reads the secret from when the
	// test runs.
	SecretEnv map[string]string
	// Thresholds become the script's ensure checks; without any, every
	// request must be answered 2xx within the deadline.
	Thresholds Thresholds
}

// The parts of an Artillery script an export writes.
type (
	artilleryScript struct {
		Config    artilleryConfig     `yaml:"config"`
		Scenarios []artilleryScenario `yaml:"scenarios"`
	}
	artilleryConfig struct {
		Target    string              `yaml:"target"`
		Phases    []artilleryPhase    `yaml:"phases"`
		Processor string              `yaml:"processor"`
		HTTP      map[string]any      `yaml:"http"`
		Plugins   map[string]any      `yaml:"plugins"`
		Ensure    artilleryEnsure     `yaml:"ensure"`
		Variables map[string]wamoVars `yaml:"variables"`
	}
	artilleryPhase struct {
		Name         string  `yaml:"name"`
		Duration     float64 `yaml:"duration"`
		ArrivalRate  float64 `yaml:"arrivalRate,omitempty"`
		ArrivalCount int     `yaml:"arrivalCount,omitempty"`
	}
	artilleryEnsure struct {
		Thresholds []map[string]int64 `yaml:"thresholds,omitempty"`
		Conditions []artilleryCond    `yaml:"conditions,omitempty"`
	}
	artilleryCond struct {
		Expression string `yaml:"expression"`
	}
	wamoVars struct {
		DeadlineMs int64             `yaml:"deadlineMs"`
		SecretEnv  map[string]string `yaml:"secretEnv"`
		Headers    map[string]string `yaml:"headers"`
		Payloads   []wamoPayload     `yaml:"payloads"`
	}
	wamoPayload struct {
		Name   string `yaml:"name"`
		Scheme string `yaml:"scheme,omitempty"`
		Body   string `yaml:"body"` // base64, so that every byte arrives as it is
	}
	artilleryScenario struct {
		Name string           `yaml:"name"`
		Flow []map[string]any `yaml:"flow"`
	}
)

// ExportArtillery writes an Artillery script (YAML) to script and its
// processor (JavaScript) to processor. The script holds the payloads as
// replay would send them (base64), the rate as an arrival phase (Rate for
// Duration, or Repeat rounds of the targets at Rate), the deadline as the
// HTTP timeout's companion and the SLOs as ensure checks; the processor
// signs each request as its provider does when it is sent (a fresh nonce
// and time for Sinch), with secrets read from the environment of the
// machine that runs it. The same files run with `artillery run` on one
// machine and `artillery run-fargate`/`run-lambda` on many.
func ExportArtillery(script, processor io.Writer, cfg Config, targets []Target, opts ArtilleryOptions) error {
	cfg, err := checkExport(cfg)
	if err != nil {
		return err
	}
	if cfg.Method != http.MethodPost {
		return &ConfigError{Msg: "an Artillery export sends POST requests only"}
	}
	phase, err := artilleryPhaseOf(cfg, len(targets))
	if err != nil {
		return err
	}
	base, path, err := splitTarget(cfg.URL)
	if err != nil {
		return err
	}
	vars, err := artilleryVars(cfg, targets, opts.SecretEnv)
	if err != nil {
		return err
	}
	proc := cmp.Or(opts.Processor, "wamo-replay.js")
	doc := artilleryScript{
		Config: artilleryConfig{
			Target: base, Phases: []artilleryPhase{phase}, Processor: "./" + proc,
			HTTP:      map[string]any{"timeout": math.Ceil(cfg.Timeout.Seconds())},
			Plugins:   map[string]any{"ensure": map[string]any{}},
			Ensure:    artilleryChecks(opts.Thresholds),
			Variables: map[string]wamoVars{"wamo": vars},
		},
		Scenarios: []artilleryScenario{{Name: "wamo replay", Flow: []map[string]any{{
			"post": map[string]any{"url": path, "beforeRequest": "wamoRequest", "afterResponse": "wamoResponse"},
		}}}},
	}
	fmt.Fprintf(script, "# Written by wamo replay --export artillery: %d payloads to %s.\n", len(targets), cfg.URL)
	fmt.Fprintf(script, "# Run beside %s (it signs each request, secrets from %s):\n", proc, strings.Join(secretNames(opts.SecretEnv), ", "))
	fmt.Fprintf(script, "#   artillery run --output report.json THIS_FILE\n#   artillery run-fargate --count N THIS_FILE   (or run-lambda)\n")
	enc := yaml.NewEncoder(script)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = processor.Write(artilleryProcessor)
	return err
}

// artilleryPhaseOf is the arrival phase of the replay's schedule: Repeat
// rounds of the n targets at Rate, or Rate for Duration (as a count of
// arrivals where the rate or the duration is fractional, which Artillery's
// arrivalRate and duration cannot say).
func artilleryPhaseOf(cfg Config, n int) (artilleryPhase, error) {
	phase := artilleryPhase{Name: "wamo replay"}
	switch {
	case cfg.Rate <= 0:
		return phase, &ConfigError{Msg: "an Artillery export needs a rate: Artillery's arrival phases are an open model"}
	case cfg.Repeat > 0:
		phase.ArrivalCount = cfg.Repeat * n
		phase.Duration = math.Ceil(float64(phase.ArrivalCount) / cfg.Rate)
	case cfg.Duration <= 0:
		return phase, &ConfigError{Msg: "an Artillery export needs a duration or a number of rounds"}
	case cfg.Rate == math.Trunc(cfg.Rate) && cfg.Duration%time.Second == 0:
		phase.ArrivalRate, phase.Duration = cfg.Rate, cfg.Duration.Seconds()
	default:
		phase.ArrivalCount = int(math.Round(cfg.Rate * cfg.Duration.Seconds()))
		phase.Duration = math.Max(1, math.Ceil(cfg.Duration.Seconds()))
	}
	return phase, nil
}

// splitTarget splits a URL into Artillery's target (scheme and host) and
// the path (with the query) its requests name.
func splitTarget(raw string) (base, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", &ConfigError{Msg: err.Error()}
	}
	path = cmp.Or(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return u.Scheme + "://" + u.Host, path, nil
}

// artilleryVars are the script's variables: the payloads as replay sends
// them (base64) with the scheme that signs each, their headers, the
// deadline, and the names of the secrets' variables.
func artilleryVars(cfg Config, targets []Target, secretEnv map[string]string) (wamoVars, error) {
	prep, err := prepareTargets(cfg, http.Header{}, targets)
	if err != nil {
		return wamoVars{}, err
	}
	hdr := exportHeader(cfg)
	vars := wamoVars{DeadlineMs: cfg.Deadline.Milliseconds(), SecretEnv: secretEnv, Headers: map[string]string{}}
	for k := range hdr {
		vars.Headers[k] = hdr.Get(k)
	}
	for i := range prep {
		p := &prep[i]
		wp := wamoPayload{Name: p.name, Body: b64(p.body), Scheme: signedBy(cfg, p.format)}
		if wp.Scheme != "" && secretEnv[wp.Scheme] == "" {
			return wamoVars{}, &ConfigError{Msg: "no environment variable named for the " + wp.Scheme + " secret"}
		}
		vars.Payloads = append(vars.Payloads, wp)
	}
	return vars, nil
}

// signedBy names the scheme a payload of format f is signed with, "" for
// none.
func signedBy(cfg Config, f payload.Format) string {
	if cfg.Sign == nil {
		return ""
	}
	if s := cfg.Sign(f); s != nil {
		return s.Scheme.Name()
	}
	return ""
}

// artilleryChecks turns replay's verdict into ensure checks: the
// percentiles as thresholds, the error rate (answers not ok and requests
// without an answer, over the requests made) as a condition, and without
// any SLO replay's own rule — every request 2xx within the deadline.
func artilleryChecks(t Thresholds) artilleryEnsure {
	var e artilleryEnsure
	if t.MaxP95 > 0 {
		e.Thresholds = append(e.Thresholds, map[string]int64{"http.response_time.p95": t.MaxP95.Milliseconds()})
	}
	if t.MaxP99 > 0 {
		e.Thresholds = append(e.Thresholds, map[string]int64{"http.response_time.p99": t.MaxP99.Milliseconds()})
	}
	switch {
	case t.CheckErrorRate:
		e.Conditions = append(e.Conditions, artilleryCond{
			Expression: fmt.Sprintf("(wamo.not_ok + vusers.failed) / vusers.created <= %g", t.MaxErrorRate)})
	case !t.Any():
		e.Conditions = append(e.Conditions, artilleryCond{Expression: "wamo.not_ok == 0 and vusers.failed == 0"})
	}
	return e
}

func secretNames(m map[string]string) []string {
	var out []string
	for _, s := range []string{"meta", "sinch"} {
		if m[s] != "" {
			out = append(out, m[s])
		}
	}
	return out
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
