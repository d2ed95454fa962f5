package render

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

func TestSpoolSpillsAndCleansUp(t *testing.T) {
	s := spool{limit: 4}
	s.WriteString("hello")
	if s.f == nil {
		t.Fatal("a spool over its limit did not move to a temporary file")
	}
	name := s.f.Name()
	s.WriteString(", world")
	var out bytes.Buffer
	if err := s.copyTo(&out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello, world" {
		t.Errorf("copied %q", out.String())
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("temporary file %s left behind (%v)", name, err)
	}
	if !s.empty() {
		t.Error("spool not empty after copyTo")
	}
	s.WriteString("again")
	out.Reset()
	s.copyTo(&out)
	s.close()
	if out.String() != "again" {
		t.Errorf("reused spool copied %q", out.String())
	}
}

func TestPlural(t *testing.T) {
	got := strings.Join([]string{Plural(0, "file"), Plural(1, "payload"), Plural(2, "message"), Plural(1, "status"), Plural(3, "status")}, ", ")
	if want := "0 files, 1 payload, 2 messages, 1 status, 3 statuses"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// BenchmarkValidateReporter measures the cost per payload of a large NDJSON
// file where one payload in ten has a finding.
func BenchmarkValidateReporter(b *testing.B) {
	valid := validate.Result{Source: "big.ndjson", Line: 1, Col: 1, Format: payload.WhatsApp, Messages: 1}
	bad := valid
	bad.Errors = 1
	bad.Findings = []diag.Finding{{Rule: ruleMime, Severity: diag.Error, Message: `mime_type "text/plain" is not image/*`,
		Path: "messages[0].image.mime_type", Line: 1, Col: 80}}
	for _, out := range ValidateOutputs {
		b.Run(out, func(b *testing.B) {
			ios, _, buf, _ := iostreams.Test()
			rep, err := NewValidateReporter(ios, ValidateOptions{Output: out, Rules: testRules})
			if err != nil {
				b.Fatal(err)
			}
			src := validate.Source{Name: "big.ndjson"}
			rep.BeginSource(src.Name)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r := &valid
				if i%10 == 0 {
					r = &bad
				}
				r.Index, r.Line = i, i+1
				rep.Payload(r)
				src.Add(r)
				if buf.Len() > 1<<20 {
					buf.Reset()
				}
			}
			rep.EndSource(&src)
			var sum validate.Summary
			sum.AddSource(&src)
			if err := rep.Finish(&sum, 1); err != nil {
				b.Fatal(err)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0ms", 362 * time.Microsecond: "0.362ms", 1500 * time.Microsecond: "1.5ms", 12400 * time.Microsecond: "12.4ms",
		183 * time.Millisecond: "183ms", 200 * time.Millisecond: "200ms", 1250 * time.Millisecond: "1.25s", 90 * time.Second: "1m30s",
		-5 * time.Millisecond: "-5ms",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for f, want := range map[float64]string{0: "0%", 0.01: "1%", 0.0196: "1.96%", 1.0 / 3: "33.33%", 1: "100%"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestErrorNeutralisesControls(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	Error(ios, "cannot read \x1b]0;pwned\x07evil.json:\nsecond line")
	got := errOut.String()
	if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0x07) {
		t.Errorf("control bytes reached stderr: %q", got)
	}
	if !strings.HasPrefix(got, "wamo: cannot read ") || !strings.Contains(got, "\nsecond line\n") {
		t.Errorf("got %q", got)
	}
}
