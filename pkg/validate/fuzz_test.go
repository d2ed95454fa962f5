package validate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}

// summary renders what a Result says, to compare two runs.
func summary(r validate.Result) string {
	s := fmt.Sprintf("%v %v %d %d %d %d %d|", r.Format, r.Unusable, r.Errors, r.Warnings, r.Messages, r.Statuses, r.InvalidItems)
	for _, f := range r.Findings {
		s += fmt.Sprintf("%s@%d:%d:%d %s %s|", f.RuleID(), f.Offset, f.Line, f.Col, f.Path, f.Message)
	}
	return s
}

func FuzzValidate(f *testing.F) {
	for _, b := range fixtures.All() {
		f.Add(b)
	}
	for _, tc := range ruleCases() {
		f.Add([]byte(tc.bad))
	}
	for _, s := range []string{``, `{`, `{}`, `[]`, `"x"`, `{"total":1,}`, `{"a":1}{"b":2}`, "{\"messages\":[{\"type\":\"text\",\"text\":{\"body\":\"\xff\"}}]}",
		`{"data":[{"message":{"type":"TEXT"}}],"total":"1"}`, `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}`,
		"\x17{\"messages\":[]}", "\x00{}", "{}\x17"} { // gjson.Parse skips control bytes before a value
		f.Add([]byte(s))
	}
	v := validate.New(validate.Options{})
	strict := validate.New(validate.Options{Strict: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := payload.Payload{Source: "fuzz", Data: data, Line: 1, Col: 1}
		res := v.Validate(&p)
		if again := v.Validate(&p); summary(again) != summary(res) {
			t.Fatalf("two runs differ:\n%s\n%s", summary(res), summary(again))
		}

		errs, warns, capped := 0, 0, false
		for _, fd := range res.Findings {
			capped = capped || fd.RuleID() == validate.RuleCapped.ID
			if fd.Rule == nil || fd.RuleID() == "" || fd.Message == "" {
				t.Fatalf("finding without rule or message: %+v", fd)
			}
			if fd.Line < 1 || fd.Col < 1 || fd.Offset < 0 || fd.Offset > len(data) {
				t.Fatalf("finding %s badly located: offset %d, %d:%d", fd.RuleID(), fd.Offset, fd.Line, fd.Col)
			}
			switch fd.Severity {
			case diag.Error:
				errs++
			case diag.Warning:
				warns++
			}
		}
		if capped != (res.Omitted > 0) || !capped && (errs != res.Errors || warns != res.Warnings) ||
			errs > res.Errors || warns > res.Warnings || len(res.Findings) > validate.DefaultMaxFindings+1 {
			t.Fatalf("counts %d errors, %d warnings, %d omitted; findings say %d, %d", res.Errors, res.Warnings, res.Omitted, errs, warns)
		}
		if res.Valid() != (!res.Unusable && res.Errors == 0) || res.InvalidItems > res.Items() {
			t.Fatalf("inconsistent result: %s", summary(res))
		}
		if res.Unusable && len(res.Findings) == 0 {
			t.Fatalf("unusable without a finding saying why")
		}

		syntax := len(res.Findings) > 0 && res.Findings[0].RuleID() == "json.syntax"
		wellFormed := json.Valid(data) && utf8.Valid(data) && payload.NestingOK(&payload.Payload{Data: data})
		switch {
		case wellFormed && firstNonSpace(data) == '{' && syntax:
			t.Fatalf("valid JSON object reported as a syntax error: %s", res.Findings[0].Message)
		case !wellFormed && !syntax:
			t.Fatalf("not JSON, yet no syntax error: %s", summary(res))
		case wellFormed && firstNonSpace(data) != '{' && (!res.Unusable || res.Findings[0].RuleID() != "json.not-object"):
			t.Fatalf("a JSON value that is not an object: %s", summary(res))
		}
		if syntax && (!res.Unusable || len(res.Findings) != 1) {
			t.Fatalf("a syntax error must be the only finding of an unusable payload: %s", summary(res))
		}

		s := strict.Validate(&p)
		if s.Warnings != 0 || s.Errors != res.Errors+res.Warnings || s.Unusable != res.Unusable {
			t.Fatalf("strict: %s\nnormal: %s", summary(s), summary(res))
		}

		// Large payloads built from this one, where the formats read
		// them (many items, many members, both repeated), cost time in
		// proportion to their size, not to their findings.
		if !wellFormed || len(data) > 4096 {
			return
		}
		for _, wrap := range amplifyWraps {
			for _, big := range costcheck.AmplifyTo(bytes.TrimSpace(data), wrap, 64<<10) {
				costcheck.Within(t, "validate", big, func(b []byte) {
					v.Validate(&payload.Payload{Source: "fuzz", Data: b, Line: 1, Col: 1})
				})
			}
		}
	})
}

// amplifyWraps put amplified values where each format reads items and
// members.
var amplifyWraps = []string{
	`{"total":1,"data":%s}`,
	`{"messages":[%s],"statuses":%s}`,
	`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"1","phone_number_id":"1"},"contacts":%s,"messages":%s}}]}]}`,
}
