package replay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/signature"
)

var exportKeys = map[string][]byte{"meta": []byte("app-secret"), "sinch": []byte("sinch-secret")}

func exportTargets(t *testing.T) []Target {
	t.Helper()
	conv := payloadtest.Read(t, "conversation/text")
	cloud := []byte(strings.Replace(cloudTextJSON(t), "Hi", "Olá 😀", 1))
	return []Target{
		{Name: "conversation/text", Body: conv, Format: payload.Conversation},
		{Name: "cloud", Body: cloud, Format: payload.Cloud},
		{Name: "sinch/text", Body: payloadtest.Read(t, "sinch/text"), Format: payload.Sinch},
	}
}

func cloudTextJSON(t *testing.T) string { return string(payloadtest.Read(t, "cloud/text")) }

// TestExportVegeta: the exported targets hold, byte for byte, the bodies
// Run sends (Cloud API payloads in Meta's escaped form), with their
// signatures, in order, one line each.
func TestExportVegeta(t *testing.T) {
	var mu sync.Mutex
	var sent [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent = append(sent, b)
		mu.Unlock()
	}))
	defer srv.Close()
	targets := exportTargets(t)
	cfg := Config{URL: srv.URL + "/hook?x=1", Header: http.Header{"User-Agent": {"wamo-test"}},
		Sign: SignByFormat(func(s string) []byte { return exportKeys[s] })}
	if _, _, err := run(t, nil, cfg, targets); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := ExportVegeta(&out, cfg, targets); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(targets) {
		t.Fatalf("%d lines for %d targets", len(lines), len(targets))
	}
	now := time.Now()
	for i, line := range lines {
		var tg struct {
			Method, URL string
			Body        []byte
			Header      http.Header
		}
		if err := json.Unmarshal([]byte(line), &tg); err != nil {
			t.Fatal(err)
		}
		if tg.Method != "POST" || tg.URL != cfg.URL || tg.Header.Get("User-Agent") != "wamo-test" || tg.Header.Get("Content-Type") != "application/json" {
			t.Errorf("line %d: %s %s %v", i, tg.Method, tg.URL, tg.Header)
		}
		if !bytes.Equal(tg.Body, sent[i]) {
			t.Errorf("line %d: the body differs from what replay sends:\n%s\n%s", i, tg.Body, sent[i])
		}
		s := signature.For(targets[i].Format)
		if err := s.Verify(tg.Header, tg.Body, exportKeys[s.Name()], now, signature.DefaultWindow); err != nil {
			t.Errorf("line %d (%s): %v", i, s.Name(), err)
		}
	}
	if !bytes.Contains(out.Bytes(), []byte(base64.StdEncoding.EncodeToString(signature.MetaEscape(targets[1].Body)))) {
		t.Error("the Cloud API body is not exported in Meta's escaped form")
	}
}

// TestExportArtillery: the script's phase says the rate, its ensure checks
// the thresholds, its payloads are the bytes replay sends with the scheme
// that signs them, and no secret is written anywhere.
func TestExportArtillery(t *testing.T) {
	targets := exportTargets(t)
	sign := SignByFormat(func(s string) []byte {
		if s == "sinch" {
			return exportKeys[s]
		}
		return nil // Meta's payloads go unsigned here
	})
	opts := ArtilleryOptions{SecretEnv: map[string]string{"meta": "APP_ENV", "sinch": "SINCH_ENV"}}
	tests := []struct {
		name  string
		cfg   Config
		th    Thresholds
		phase string
		check string
	}{
		{"rate and duration", Config{Rate: 50, Duration: 2 * time.Second}, Thresholds{},
			`{"arrivalRate":50,"duration":2,"name":"wamo replay"}`, `{"conditions":[{"expression":"wamo.not_ok == 0 and vusers.failed == 0"}]}`},
		{"rounds", Config{Rate: 10, Repeat: 4}, Thresholds{MaxP99: 150 * time.Millisecond, MaxP95: 100 * time.Millisecond},
			`{"arrivalCount":12,"duration":2,"name":"wamo replay"}`, `{"thresholds":[{"http.response_time.p95":100},{"http.response_time.p99":150}]}`},
		{"fractional rate", Config{Rate: 2.5, Duration: 3 * time.Second}, Thresholds{MaxErrorRate: 0.01, CheckErrorRate: true},
			`{"arrivalCount":8,"duration":3,"name":"wamo replay"}`, `{"conditions":[{"expression":"(wamo.not_ok + vusers.failed) / vusers.created \u003c= 0.01"}]}`},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		cfg.URL, cfg.Sign, cfg.Deadline = "https://staging.example.com/hook?k=v", sign, 150*time.Millisecond
		var script, proc bytes.Buffer
		o := opts
		o.Thresholds = tt.th
		if err := ExportArtillery(&script, &proc, cfg, targets, o); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var doc struct {
			Config struct {
				Target    string
				Phases    []map[string]any
				Processor string
				Ensure    map[string]any
				Variables struct {
					Wamo struct {
						DeadlineMs int `yaml:"deadlineMs"`
						Payloads   []struct{ Name, Scheme, Body string }
					}
				}
			}
			Scenarios []struct {
				Flow []map[string]map[string]string
			}
		}
		if err := yaml.Unmarshal(script.Bytes(), &doc); err != nil {
			t.Fatalf("%s: not YAML: %v\n%s", tt.name, err, script.String())
		}
		c := doc.Config
		if phase, _ := json.Marshal(c.Phases[0]); string(phase) != tt.phase {
			t.Errorf("%s: phase %s, want %s", tt.name, phase, tt.phase)
		}
		if ens, _ := json.Marshal(c.Ensure); string(ens) != tt.check {
			t.Errorf("%s: ensure %s, want %s", tt.name, ens, tt.check)
		}
		post := doc.Scenarios[0].Flow[0]["post"]
		if c.Target != "https://staging.example.com" || post["url"] != "/hook?k=v" || c.Processor != "./wamo-replay.js" ||
			post["beforeRequest"] != "wamoRequest" || c.Variables.Wamo.DeadlineMs != 150 {
			t.Errorf("%s: target %s, post %v, processor %s, deadline %d", tt.name, c.Target, post, c.Processor, c.Variables.Wamo.DeadlineMs)
		}
		ps := c.Variables.Wamo.Payloads
		if len(ps) != 3 || ps[0].Scheme != "sinch" || ps[1].Scheme != "" || ps[2].Scheme != "" {
			t.Fatalf("%s: payloads %+v", tt.name, ps)
		}
		for i, p := range ps {
			b, _ := base64.StdEncoding.DecodeString(p.Body)
			want := targets[i].Body
			if targets[i].Format == payload.Cloud {
				want = signature.MetaEscape(want)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s: payload %d is not the bytes replay sends", tt.name, i)
			}
		}
		if bytes.Contains(script.Bytes(), exportKeys["sinch"]) || !bytes.Contains(script.Bytes(), []byte("SINCH_ENV")) {
			t.Errorf("%s: the script must name the variable, never hold the secret", tt.name)
		}
		if !bytes.Equal(proc.Bytes(), artilleryProcessor) || !bytes.Contains(proc.Bytes(), []byte("module.exports = { wamoRequest, wamoResponse }")) {
			t.Errorf("%s: processor", tt.name)
		}
	}
}

func TestExportRefuses(t *testing.T) {
	targets := exportTargets(t)
	for _, cfg := range []Config{
		{URL: "http://127.0.0.1/h", Fresh: true, Rate: 1, Duration: time.Second},
		{URL: "http://127.0.0.1/h", Retries: 2, Rate: 1, Duration: time.Second},
		{URL: "http://127.0.0.1/h"},          // no rate: Artillery only
		{URL: "http://127.0.0.1/h", Rate: 1}, // neither duration nor rounds
		{URL: "http://127.0.0.1/h", Rate: 1, Duration: time.Second, Method: "PUT"},
	} {
		err := ExportArtillery(io.Discard, io.Discard, cfg, targets, ArtilleryOptions{})
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%+v: %v, want a ConfigError", cfg, err)
		}
	}
	var ce *ConfigError
	if err := ExportVegeta(io.Discard, Config{URL: "http://127.0.0.1/h", Fresh: true}, targets); !errors.As(err, &ce) {
		t.Errorf("vegeta with fresh: %v", err)
	}
}
