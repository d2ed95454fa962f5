package payload_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/payload"
)

func checkSyntax(s string) *payload.SyntaxError {
	p := payload.Payload{Data: []byte(s), Line: 1, Col: 1}
	return payload.CheckSyntax(&p)
}

func TestCheckSyntax(t *testing.T) {
	tests := []struct {
		name string
		in   string
		at   string // the error points at the first occurrence of this text ("" = end of input)
		msg  string // the message contains this
	}{
		{"trailing comma in object", "{\n  \"a\": 1,\n}", ",\n}", `trailing comma before '}'`},
		{"trailing comma in array", `{"a":[1,2,]}`, ",]", `trailing comma before ']'`},
		{"trailing comma before spaces", "{\"a\":[1,2 ,\n\t ]}", ",\n", `trailing comma before ']'`},
		{"line comment", "{\"a\":1 // the id\n}", "//", "comments are not allowed"},
		{"block comment", `{"a":1 /* id */}`, "/*", "comments are not allowed"},
		{"hash comment", "{\"a\":1, # id\n\"b\":2}", "#", "'#' comments"},
		{"nbsp as indentation", "{\n\u00a0\u00a0\"a\":1}", "\u00a0", "non-breaking space (U+00A0)"},
		{"nbsp before a value", "{\"a\":\u00a01}", "\u00a0", "non-breaking space"},
		{"missing comma after number", "{\"a\":1\n \"b\":2}", `"b"`, "missing comma before this member"},
		{"missing comma after string", `{"a":"x" "b":2}`, `"b"`, "missing comma"},
		{"missing comma after object", `{"a":{} "b":2}`, `"b"`, "missing comma"},
		{"missing comma after true", `{"a":true "b":2}`, `"b"`, "missing comma"},
		{"missing comma after null", `{"a":null "b":2}`, `"b"`, "missing comma"},
		{"unquoted placeholder", `{"from":<PHONE_NUMBER>}`, "<", `unquoted text "<PHONE_NUMBER>"`},
		{"unquoted word", `{"from":PHONE_NUMBER,"a":1}`, "PHONE", `unquoted text "PHONE_NUMBER"`},
		{"ellipsis", `{"a":[1, ...]}`, "...", `unquoted text "..."`},
		{"unquoted key", `{from:1}`, "from", `unquoted text "from"`},
		{"single-quoted key", `{'a':1}`, "'", "single quotes"},
		{"single-quoted value", `{"a":'x'}`, "'", "single quotes"},
		{"truncated", `{"a":{"b":[1`, "", "truncated (3 unclosed brackets)"},
		{"truncated one bracket", "{\n\"a\":1", "", "truncated (1 unclosed bracket)"},
		{"truncated in a string", `{"a":"abc`, "", "truncated inside a string"},
		{"empty", "", "", "truncated"},
		{"control character", "{\"a\":\"x\x01y\"}", "\x01", "control character 0x01"},
		{"raw newline in a string", "{\"a\":\"x\ny\"}", "\n", ""},
		{"raw tab in a string", "{\"a\":\"x\ty\"}", "\t", ""},
		{"invalid UTF-8 in a value", "{\"a\":\"ok\xffno\"}", "\xff", "invalid UTF-8"},
		{"invalid UTF-8 in a key", "{\"a\xc3\":1}", "\xc3", "invalid UTF-8"},
		{"overlong encoding", "{\"a\":\"\xc0\xaf\"}", "\xc0", "invalid UTF-8"},
		{"surrogate half in UTF-8", "{\"a\":\"\xed\xa0\x80\"}", "\xed", "invalid UTF-8"},
		{"leading zero", `{"a":01}`, "1}", ""},
		{"dot without digits", `{"a":1.}`, "}", ""},
		{"lone minus", `{"a":-}`, "}", ""},
		{"exponent without digits", `{"a":1e}`, "}", ""},
		{"leading dot", `{"a":.5}`, ".5", ""},
		{"leading plus", `{"a":+1}`, "+", ""},
		{"hex number", `{"a":0x1F}`, "x", ""},
		{"NaN", `{"a":NaN}`, "NaN", `unquoted text "NaN"`},
		{"tru", `{"a":tru}`, "}", "literal true"},
		{"True", `{"a":True}`, "True", `unquoted text "True"`},
		{"nul", `{"a":nul,"b":1}`, ",", "literal null"},
		{"two documents on one line", `{"a":1}{"b":2}`, `{"b"`, "a second JSON document starts here"},
		{"text after the document", `{"a":1} x`, "x", ""},
		{"bracket mismatch", `{"a":[1}`, "}", ""},
		{"missing colon", `{"a" 1}`, "1", ""},
		{"deep nesting", strings.Repeat("[", payload.MaxNesting+1) + strings.Repeat("]", payload.MaxNesting+1), strings.Repeat("[", 1), "nesting deeper than 256 levels"},
		{"deep nesting of objects", strings.Repeat(`{"a":`, payload.MaxNesting+1) + "1" + strings.Repeat("}", payload.MaxNesting+1), "", "nesting deeper than 256 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := checkSyntax(tt.in)
			if se == nil {
				t.Fatalf("CheckSyntax(%q) = nil", tt.in)
			}
			if json.Valid([]byte(tt.in)) && !strings.Contains(tt.msg, "UTF-8") && !strings.Contains(tt.msg, "nesting") {
				t.Fatalf("test input %q is valid JSON", tt.in)
			}
			if !strings.Contains(se.Msg, tt.msg) || se.Error() != se.Msg {
				t.Errorf("message %q, want it to contain %q", se.Msg, tt.msg)
			}
			want := len(tt.in)
			switch {
			case strings.Contains(tt.msg, "nesting"):
				want = payload.MaxNesting
				if strings.HasPrefix(tt.in, "{") {
					want = payload.MaxNesting * len(`{"a":`)
				}
			case tt.at != "":
				want = strings.Index(tt.in, tt.at)
			}
			if se.Offset != want {
				t.Errorf("offset %d (%q), want %d (%q)", se.Offset, tt.in[min(se.Offset, len(tt.in)):], want, tt.in[min(want, len(tt.in)):])
			}
		})
	}
}

// TestCheckSyntaxEscapes: a bad escape sequence is a problem inside a
// string and must be described as one, not as a missing comma or as
// unquoted text outside strings.
func TestCheckSyntaxEscapes(t *testing.T) {
	for _, in := range []string{`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\uZZZZ"}`, `{"a":"C:\path"}`} {
		se := checkSyntax(in)
		if se == nil || !strings.Contains(se.Msg, "escape") {
			t.Errorf("%s: %v, want a message about the escape sequence", in, se)
		}
	}
}

func TestCheckSyntaxValid(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `"x"`, `0`, `-0.5e+10`, `true`, ` {"a" : [ 1 , 2 ] } `,
		"{\n\t\"a\": \"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"\r\n}",
		`{"emoji":"😀","cjk":"日本語","nbsp in a string":"a` + "\u00a0" + `b"}`,
		strings.Repeat("[", payload.MaxNesting) + strings.Repeat("]", payload.MaxNesting),
	} {
		if se := checkSyntax(in); se != nil {
			t.Errorf("CheckSyntax(%.60q) = %q at %d", in, se.Msg, se.Offset)
		}
	}
}

func TestNesting(t *testing.T) {
	ok := strings.Repeat("[", payload.MaxNesting) + strings.Repeat("]", payload.MaxNesting)
	deep := "[" + ok + "]"
	// Brackets inside strings do not count.
	inString := `{"a":"` + strings.Repeat("[", 1000) + `"}`
	for in, want := range map[string]bool{ok: true, deep: false, inString: true, `{"a":[[[]]]}`: true} {
		p := payload.Payload{Data: []byte(in)}
		if got := payload.NestingOK(&p); got != want {
			t.Errorf("NestingOK(%.40q…) = %v", in, got)
		}
	}
}

func TestHugeNesting(t *testing.T) {
	// A megabyte of [ is rejected quickly and without exhausting the stack.
	in := []byte(strings.Repeat("[", 1<<20))
	costcheck.Within(t, "deep arrays", in, func(in []byte) {
		p := payload.Payload{Data: in, Line: 1, Col: 1}
		if payload.NestingOK(&p) {
			t.Error("NestingOK accepted 1M levels")
		}
		se := payload.CheckSyntax(&p)
		if se == nil || !strings.Contains(se.Msg, "nesting") || se.Offset != payload.MaxNesting {
			t.Errorf("CheckSyntax = %+v", se)
		}
	})
	// Unclosed but also deep in objects, read through the reader.
	in = []byte(strings.Repeat(`{"a":`, 1<<18))
	costcheck.Within(t, "deep objects", in, func(in []byte) {
		p := payload.Payload{Data: in, Line: 1, Col: 1}
		if se := payload.CheckSyntax(&p); se == nil || !strings.Contains(se.Msg, "nesting") {
			t.Errorf("CheckSyntax(deep objects) = %+v", se)
		}
	})
}
