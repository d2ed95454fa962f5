package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render/rendertest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

func TestAppendSanitized(t *testing.T) {
	cases := []struct {
		in   string
		mode sanitizeMode
		want string
	}{
		{"plain é 😀", oneLine, "plain é 😀"},
		{"a\r\nb\nc\td", oneLine, "a↵b↵c d"},
		{"a\r\nb\tc\rd", keepLines, "a\nb\tc↵d"},
		{"\x1b[1m\x07\x7f\u0085©", oneLine, "^[[1m^G^?\uFFFD©"},
		{"\x1b[1m\x07\x7f\u0085©", keepLines, "^[[1m^G^?\uFFFD©"},
		{"a\u202eb\u202ac\u2066d\u2069e\u200ef", oneLine, "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\u200ef"},
		{"bad\xff\xc2x", oneLine, "bad\uFFFD\uFFFDx"},
		{"x\x1b\ty\u202e", oneCell, "x\uFFFD y\uFFFD"},
	}
	for _, c := range cases {
		if got := string(appendSanitized(nil, c.in, c.mode)); got != c.want {
			t.Errorf("appendSanitized(%q, %v) = %q, want %q", c.in, c.mode, got, c.want)
		}
		if c.mode == oneLine && needsSanitizing(c.in) != (c.in != c.want) {
			t.Errorf("needsSanitizing(%q) = %v", c.in, needsSanitizing(c.in))
		}
	}
	// oneCell keeps one character for one, so that carets stay aligned.
	in := "é\x1b[2J\u202e\x07z"
	if got := appendSanitized(nil, in, oneCell); utf8.RuneCount(got) != utf8.RuneCountInString(in) {
		t.Errorf("oneCell changed the length: %q", got)
	}
}

func TestAppendTSVField(t *testing.T) {
	got := string(appendTSVField(nil, "a\tb\nc\\d\re\x1b\u009b©\u202ex\xff"))
	if want := `a\tb\nc\\d\re\x1b\u009b©\u202ex\xff`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendJSONSafe(t *testing.T) {
	doc := []byte(`{"a":"x` + "\u009b\u202e\x7f" + `é😀","b\u001b":[1,"` + "\u2066" + `"]}`)
	got := appendJSONSafe(nil, doc)
	if want := `{"a":"x\u009b\u202e\u007fé😀","b\u001b":[1,"\u2066"]}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var a, b any
	if json.Unmarshal(doc, &a) != nil || json.Unmarshal(got, &b) != nil || !jsonEqual(a, b) {
		t.Errorf("the escaped document reads differently: %s", got)
	}
	plain := []byte(`{"a":"plain"}`)
	if out := JSONSafe(plain); &out[0] != &plain[0] {
		t.Error("an ASCII document is copied")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestHostileEveryView feeds hostile payloads through every view of show
// and validate, on a terminal with colour and piped (traffic's test does
// listen and replay).
func TestHostileEveryView(t *testing.T) {
	var inputs []showInput
	for _, in := range rendertest.HostilePayloads(t) {
		inputs = append(inputs, showInput{in.Name, in.Data})
	}
	setups := map[string]func(*iostreams.IOStreams){"piped": nil, "tty": showTTY}

	// show, and the text --field prints raw.
	for setupName, setup := range setups {
		for _, opts := range []ShowOptions{{View: ShowDefault}, {View: ShowTable}, {View: ShowJSON}, {View: ShowJSON, Compact: true},
			{View: ShowField, Field: "entry.0.changes.0.value.messages.0.text.body"}, {View: ShowField, Field: "data.0.message.messageText"}} {
			out, errOut := showRun(t, opts, setup, inputs)
			view := "show " + setupName + " " + strings.TrimSpace(opts.Field+" "+string(rune('0'+opts.View)))
			rendertest.AssertInert(t, view+" stdout", []byte(out))
			rendertest.AssertInert(t, view+" stderr", []byte(errOut))
			if opts.View == ShowField && !strings.Contains(out, "^[[31mred") {
				t.Errorf("%s: the value is not shown: %q", view, out)
			}
		}
	}
	// show --json keeps the payload's value: the escapes mean the same text.
	out, _ := showRun(t, ShowOptions{View: ShowJSON, Compact: true}, nil, inputs[:1])
	var doc struct {
		Entry []struct {
			Changes []struct {
				Value struct {
					Messages []struct{ Text struct{ Body string } }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Entry[0].Changes[0].Value.Messages[0].Text.Body != rendertest.Hostile {
		t.Errorf("show --json changed the value: %v %q", err, out)
	}

	// validate, every output, with the findings the validator makes.
	v := validate.New(validate.Options{})
	var runs []run
	for _, in := range inputs {
		res := v.Validate(&payload.Payload{Source: in.name, Data: in.data, Line: 1, Col: 1})
		runs = append(runs, run{name: in.name, results: []validate.Result{res}})
	}
	// A finding that quotes raw text, as a rule could.
	runs[0].results[0].Findings = append(runs[0].results[0].Findings, finding(ruleMime, 1, 1, 0, "a."+rendertest.Hostile, rendertest.Hostile))
	runs = append(runs, run{name: inputs[0].name, err: errors.New("open " + rendertest.Hostile + ": no such file")})
	for _, output := range ValidateOutputs {
		for setupName, setup := range map[string]func(*iostreams.IOStreams){"piped": nil, "color": colorAlways, "tty": tty} {
			out := render(t, ValidateOptions{Output: output, Verbose: true}, setup, runs)
			rendertest.AssertInert(t, "validate "+output+" "+setupName, out)
			if output == "json" || output == "sarif" {
				if !json.Valid(out) {
					t.Errorf("validate %s: not JSON", output)
				}
			}
		}
	}
}

// FuzzSanitize: whatever the text, the human modes leave nothing a
// terminal acts on and keep valid UTF-8, oneCell keeps one character for
// one, and JSON keeps its value.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{rendertest.Hostile, "plain", "a\r\nb", "\xff\xfe", "\u009b\u202e", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range []sanitizeMode{oneLine, keepLines, oneCell} {
			out := appendSanitized(nil, s, mode)
			if !utf8.Valid(out) {
				t.Fatalf("mode %d: not UTF-8: %q", mode, out)
			}
			for _, r := range string(out) {
				if unsafeRune(r) && !(mode == keepLines && (r == '\n' || r == '\t')) {
					t.Fatalf("mode %d: %U left in %q", mode, r, out)
				}
			}
			if mode == oneCell && utf8.Valid([]byte(s)) && utf8.RuneCount(out) != utf8.RuneCountInString(s) {
				t.Fatalf("oneCell changed the length of %q: %q", s, out)
			}
		}
		b, _ := json.Marshal(s)
		safe := appendJSONSafe(nil, b)
		var back string
		if err := json.Unmarshal(safe, &back); err != nil || !utf8.ValidString(s) && back != strings.ToValidUTF8(back, "\uFFFD") || utf8.ValidString(s) && back != s {
			t.Fatalf("JSON of %q: %s reads %q (%v)", s, safe, back, err)
		}
		for _, r := range string(safe) {
			if unsafeRune(r) {
				t.Fatalf("%U left in %s", r, safe)
			}
		}
	})
}

// TestSafeWriter: whatever the chunks, what reaches the writer is the text
// made safe, characters split between writes included.
func TestSafeWriter(t *testing.T) {
	in := "a.json:3: warning convert.loss: data[0].x = " + rendertest.Hostile + " é😀\n"
	want := string(appendSanitized(nil, in, keepLines))
	for size := 1; size <= len(in); size++ {
		var out bytes.Buffer
		w := SafeWriter(&out)
		for i := 0; i < len(in); i += size {
			if _, err := w.Write([]byte(in[i:min(i+size, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if out.String() != want {
			t.Fatalf("chunks of %d: %q, want %q", size, out.String(), want)
		}
	}
}
