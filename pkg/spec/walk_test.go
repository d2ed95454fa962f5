package spec_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// open accepts any object: walking with it only checks syntax.
var open = &spec.Object{Name: "x", Open: true}

// deep declares members of every kind, recursively, so that walking with
// it reads values through every code path of the walker (declared scalars
// decoded or not, objects, arrays of objects and of scalars, embedded JSON,
// polymorphic shapes) rather than only skipping them.
var deep = func() *spec.Object {
	o := &spec.Object{Name: "deep", Open: true}
	check := &spec.Value{Name: "any", Rule: spec.RuleEnum, Check: func(gjson.Result) string { return "" }}
	o.Fields = []spec.Field{
		{Name: "s", Kind: spec.KindString, Checks: []*spec.Value{check}},
		{Name: "t", Kind: spec.KindString},
		{Name: "n", Kind: spec.KindNumber},
		{Name: "i", Kind: spec.KindInteger},
		{Name: "b", Kind: spec.KindBool},
		{Name: "a", Kind: spec.KindObject, Object: o},
		{Name: "l", Kind: spec.KindArray, Object: o},
		{Name: "k", Kind: spec.KindArray, Items: spec.KindString, Checks: []*spec.Value{check}},
		{Name: "v", Kind: spec.KindAny},
		{Name: "j", Kind: spec.KindString, JSONString: true, Embedded: o},
		{Name: "p", Kind: spec.KindObject, Object: o, Shapes: []spec.Shape{{Keys: []string{"s", "t"}, Object: o}}},
		{Name: "", Kind: spec.KindAny},
	}
	return o
}()

// walk walks text (which must start with an object) against o.
func walk(text string, o *spec.Object) *spec.Ctx {
	c := spec.NewCtx()
	c.Walk(gjson.Parse(text), o)
	c.Final()
	return c
}

var syntaxCases = []string{
	// valid
	`{}`, ` {} `, "{\n\t\"a\" : 1 \r\n}", `{"a":{}}`, `{"a":[]}`, `{"a":[{},[],"",0,-0,true,false,null]}`,
	`{"s":"x","t":"y","n":1.5e-3,"i":-0,"b":false,"a":{"a":{"s":""}},"l":[{"i":1},{}],"k":["a","\u00e9"],"v":[[{}]]}`,
	`{"j":"{\"s\":\"x\",\"l\":[{}]}","p":{"t":"x"},"":{"":""}}`,
	`{"a":"\"\\\/\b\f\n\r\t\u0000\uD83D\uDE00"}`, `{"\u0061":1}`, `{"a":"日本語 😀"}`,
	`{"n":0,"n":1E+2,"n":1e-0,"n":-123.456e789}`, `{"l":[]}`, `{"k":[]}`,
	// invalid
	``, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{"a":1 "b":2}`, `{"a":1}}`, `{"a":1} x`, `{"a":1}{}`,
	`{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`, `{"a":[}`, `{"a":{]}`, `{"a":"}`, `{"a":"x}`, `{"a":'x'}`, `{a:1}`,
	`{"a":01}`, `{"a":1.}`, `{"a":.1}`, `{"a":-}`, `{"a":1e}`, `{"a":1e+}`, `{"a":+1}`, `{"a":0x1}`, `{"a":NaN}`,
	`{"a":tru}`, `{"a":True}`, `{"a":nul}`, `{"a":falsey}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`,
	"{\"a\":\"x\ny\"}", "{\"a\":\"\x01\"}", "{\"a\":1\u00a0}", `{"a" 1}`, `{"a"::1}`, `{"a":1,,"b":2}`,
	`{"s":}`, `{"s":"x",}`, `{"n":-}`, `{"i":1.}`, `{"b":tru}`, `{"a":{"s":1,}}`, `{"l":[{},]}`, `{"l":[{]}`,
	`{"k":["a",]}`, `{"k":[1 2]}`, `{"v":[1,]}`, `{"j":"{\"s\":1}",}`, `{"p":{"t":"x",}}`, `{"p":{"q":1,}}`,
	`{"p":{"zz":[1,],"t":1}}`, `{"p":{"t"}}`, `{"s":"\u00"}`, `{"a":{"s":"x"},"b":[1,{"c":[}]}`,
	`{"a":1,"b":2`, `{"a":[1,2`, `{"a":{"b":"c"`, `{"a"`, `{"`, `{"a":"b"` + "\x00" + `}`,
	// Where gjson and encoding/json part ways.
	`{"a":-0.0e-0}`, `{"a":1E9999}`, `{"a":"\/"}`, `{"a":"\'"}`, `{"a":"\U0041"}`,
}

// TestWalkSyntax: the walker sets Invalid exactly when encoding/json
// rejects the text, whatever the schema.
func TestWalkSyntax(t *testing.T) {
	for _, in := range syntaxCases {
		if !strings.HasPrefix(strings.TrimLeft(in, " \t\r\n"), "{") {
			continue
		}
		want := !json.Valid([]byte(in))
		for _, o := range []*spec.Object{open, deep} {
			c := walk(in, o)
			if c.Invalid != want {
				t.Errorf("walk(%q, %s): Invalid = %v, json.Valid = %v", in, o.Name, c.Invalid, !want)
			}
			if c.Invalid && (c.InvalidAt < 0 || c.InvalidAt > len(in)) {
				t.Errorf("walk(%q): InvalidAt %d out of range", in, c.InvalidAt)
			}
		}
	}
}

func TestWalkNotObject(t *testing.T) {
	for _, in := range []string{`[]`, `"x"`, `1`, `null`} {
		c := walk(in, open)
		if c.Invalid || len(c.Findings) != 1 || c.Findings[0].RuleID() != "schema.type" {
			t.Errorf("walk(%s): %+v", in, c.Findings)
		}
	}
}

// genValue writes a random valid JSON value: nested containers, strings
// with every kind of escape (surrogate pairs, \/ \b \f, lone surrogates),
// raw multi-byte text, numbers of every shape, random whitespace.
func genValue(r *rand.Rand, b *strings.Builder, depth int) {
	switch k := r.IntN(10); {
	case k < 2 && depth < 6:
		genItems(r, b, '{', '}', func() {
			if r.IntN(3) == 0 {
				b.WriteString(strconv.Quote(string("stnibalkvjp"[r.IntN(11)])))
			} else {
				genString(r, b)
			}
			ws(r, b)
			b.WriteByte(':')
			ws(r, b)
			genValue(r, b, depth+1)
		})
	case k < 4 && depth < 6:
		genItems(r, b, '[', ']', func() { genValue(r, b, depth+1) })
	case k < 6:
		genString(r, b)
	case k < 8:
		genNumber(r, b)
	default:
		b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	}
}

func ws(r *rand.Rand, b *strings.Builder) {
	for r.IntN(3) == 0 {
		b.WriteByte(" \t\r\n"[r.IntN(4)])
	}
}

var stringPieces = []string{
	`a`, `Z`, ` `, `é`, `日本`, `😀`, "\u00a0", `{`, `}`, `[`, `]`, `,`, `:`,
	`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0000`, `\u001f`, `\u00e9`, `\u65E5`,
	`\ud83d\ude00`, `\uD83D\uDE00`, `\ud800`, `\udfff`, `\ud800x`, `\ud800\u0041`, `\ude00\ud83d`,
}

func genString(r *rand.Rand, b *strings.Builder) {
	b.WriteByte('"')
	for n := r.IntN(6); n > 0; n-- {
		b.WriteString(stringPieces[r.IntN(len(stringPieces))])
	}
	b.WriteByte('"')
}

func genNumber(r *rand.Rand, b *strings.Builder) {
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	if r.IntN(4) == 0 {
		b.WriteByte('0')
	} else {
		b.WriteString(strconv.Itoa(1 + r.IntN(1e9)))
	}
	if r.IntN(2) == 0 {
		b.WriteString("." + strconv.Itoa(r.IntN(1000)))
	}
	if r.IntN(3) == 0 {
		b.WriteString([]string{"e", "E", "e+", "e-", "E-"}[r.IntN(5)] + strconv.Itoa(r.IntN(400)))
	}
}

func genObject(r *rand.Rand) string {
	var b strings.Builder
	for {
		b.Reset()
		genValue(r, &b, 0)
		if s := b.String(); s[0] == '{' {
			return s
		}
	}
}

// genItems writes open, up to three items (each written by item, between
// random whitespace, separated by commas) and close.
func genItems(r *rand.Rand, b *strings.Builder, open, close byte, item func()) {
	b.WriteByte(open)
	for i := range r.IntN(4) {
		if i > 0 {
			b.WriteByte(',')
		}
		ws(r, b)
		item()
		ws(r, b)
	}
	b.WriteByte(close)
}

// mutate damages text in one random place.
func mutate(r *rand.Rand, s string) string {
	i := r.IntN(len(s) + 1)
	switch r.IntN(3) {
	case 0: // delete a byte
		if i < len(s) {
			return s[:i] + s[i+1:]
		}
		return s
	case 1: // insert a structural or troublesome byte
		const bytes = `{}[]",:\ 0.e-tfnu`
		return s[:i] + string(bytes[r.IntN(len(bytes))]) + s[i:]
	default: // truncate
		return s[:i]
	}
}

// TestWalkRandom compares the walker with encoding/json on generated valid
// objects and on damaged copies of them.
func TestWalkRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 1000
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		s := genObject(r)
		if !json.Valid([]byte(s)) {
			t.Fatalf("generator produced invalid JSON: %s", s)
		}
		for _, o := range []*spec.Object{open, deep} {
			if c := walk(s, o); c.Invalid {
				t.Fatalf("valid object marked invalid at %d by the %s walk: %s", c.InvalidAt, o.Name, s)
			}
		}
		m := mutate(r, s)
		if !strings.HasPrefix(m, "{") {
			continue
		}
		want := !json.Valid([]byte(m))
		for _, o := range []*spec.Object{open, deep} {
			if c := walk(m, o); c.Invalid != want {
				t.Fatalf("%s walk of %q: Invalid = %v, json.Valid = %v", o.Name, m, c.Invalid, !want)
			}
		}
	}
}

func TestUnescape(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var inputs []string
	for _, p := range stringPieces {
		inputs = append(inputs, `"`+p+`"`)
	}
	inputs = append(inputs, `"\ud83d"`, `"x\ud83d"`, `"\ud83d\ud83d\ude00"`, `"\u00e9\u00E9"`, `"a\/b"`, `"\b\f"`, `""`)
	for i := 0; i < 500; i++ {
		var b strings.Builder
		genString(r, &b)
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("bad test string %s: %v", in, err)
		}
		// Read back as a declared member (decoded on demand), a checked
		// member (decoded during the walk), an array element and a key.
		var member, checked string
		var elem []string
		var keyFound bool
		o := &spec.Object{Name: "o", Fields: []spec.Field{
			{Name: "m", Kind: spec.KindString},
			{Name: "c", Kind: spec.KindString, Checks: []*spec.Value{{Name: "c", Rule: spec.RuleEnum, Check: func(v gjson.Result) string {
				checked = v.Str
				return ""
			}}}},
			{Name: "e", Kind: spec.KindArray, Items: spec.KindString, Checks: []*spec.Value{{Name: "e", Rule: spec.RuleEnum, Check: func(v gjson.Result) string {
				elem = append(elem, v.Str)
				return ""
			}}}},
		}}
		o.Check = func(c *spec.Ctx, f *spec.Frame) { member = f.Str("m") }
		c := walk(`{"m":`+in+`,"c":`+in+`,"e":[`+in+`]}`, o)
		if c.Invalid || len(c.Findings) != 0 {
			t.Fatalf("%s: invalid=%v findings=%+v", in, c.Invalid, c.Findings)
		}
		if member != want || checked != want || len(elem) != 1 || elem[0] != want {
			t.Errorf("%s decodes to %q (member), %q (checked), %q (element); encoding/json says %q", in, member, checked, elem, want)
		}
		// The same text as a key finds the member of that name.
		if !utf8.ValidString(want) || strings.ContainsRune(want, utf8.RuneError) {
			continue
		}
		ko := &spec.Object{Name: "k", Fields: []spec.Field{{Name: want, Kind: spec.KindNumber}}}
		ko.Check = func(c *spec.Ctx, f *spec.Frame) { keyFound = f.Has(want) }
		if len(want) > 0 {
			c = walk(`{`+in+`:1}`, ko)
			if !keyFound || len(c.Findings) != 0 {
				t.Errorf("key %s not matched to member %q: %+v", in, want, c.Findings)
			}
		}
	}
}

func TestPaths(t *testing.T) {
	leaf := &spec.Object{Name: "leaf", Fields: []spec.Field{{Name: "ok", Kind: spec.KindString}}}
	root := &spec.Object{Name: "root", Fields: []spec.Field{
		{Name: "a", Kind: spec.KindObject, Object: &spec.Object{Name: "a", Fields: []spec.Field{
			{Name: "b", Kind: spec.KindArray, Object: leaf},
		}}},
		{Name: "top-level_1", Kind: spec.KindString},
	}}
	text := `{"a":{"b":[{"ok":"x","weird.key":1},{"wé":2,"q\"uote":4,"ok":5}]},"top-level_1":6,"a b":7}`
	c := walk(text, root)
	var got []string
	for _, f := range c.Findings {
		got = append(got, f.RuleID()+" "+f.Path)
		if !strings.HasPrefix(text[f.Offset:], `"`) && f.RuleID() == "schema.unknown-field" {
			t.Errorf("unknown-field finding %s not located at its key: %q", f.Path, text[f.Offset:])
		}
	}
	want := []string{
		`schema.unknown-field a.b[0]["weird.key"]`,
		`schema.unknown-field a.b[1]["wé"]`,
		`schema.unknown-field a.b[1]["q\"uote"]`,
		`schema.type a.b[1].ok`,
		`schema.type top-level_1`,
		`schema.unknown-field ["a b"]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Path() != "" {
		t.Errorf("path not unwound: %q", c.Path())
	}
}

// TestPathEmptyKey: a finding about a member named "" must name it.
func TestPathEmptyKey(t *testing.T) {
	leaf := &spec.Object{Name: "leaf"}
	root := &spec.Object{Name: "root", Fields: []spec.Field{{Name: "b", Kind: spec.KindArray, Object: leaf}}}
	c := walk(`{"b":[{},{"":3}]}`, root)
	if got := findings(c); got != `schema.unknown-field b[1][""]` {
		t.Errorf("got %q", got)
	}
}

// Rules used to tell which discriminator rule fired.
var (
	ruleMissing  = &diag.Rule{ID: "t.missing", Severity: diag.Error}
	ruleMismatch = &diag.Rule{ID: "t.mismatch", Severity: diag.Error}
	ruleInfer    = &diag.Rule{ID: "t.infer", Severity: diag.Warning}
	ruleUnknown  = &diag.Rule{ID: "t.unknown", Severity: diag.Error}
)

func discSchema(infer bool) *spec.Object {
	body := func(name string) *spec.Object {
		return &spec.Object{Name: name, Fields: []spec.Field{
			{Name: "v", Kind: spec.KindString, Req: spec.Required},
			{Name: "items", Kind: spec.KindArray, Item: spec.MessageItem, Object: &spec.Object{Name: "item", Open: true}},
		}}
	}
	d := &spec.Discriminator{Field: "type", Missing: ruleMissing, Mismatch: ruleMismatch, Unknown: ruleUnknown,
		Hints: map[string]string{"picture": `"picture" is spelled "image"`},
		Cases: []spec.Case{
			{Value: "text", Body: "text"},
			{Value: "image", Body: "image", Requires: []string{"caption"}},
			{Value: "optional", Body: "opt", BodyOptional: true},
			{Value: "none"},
		}}
	if infer {
		d.Infer = ruleInfer
	}
	return &spec.Object{Name: "message", Disc: d, Fields: []spec.Field{
		{Name: "type", Kind: spec.KindString},
		{Name: "text", Kind: spec.KindObject, Object: body("text")},
		{Name: "image", Kind: spec.KindObject, Object: body("image")},
		{Name: "opt", Kind: spec.KindObject, Object: body("opt")},
		{Name: "caption", Kind: spec.KindString},
	}}
}

func findings(c *spec.Ctx) string {
	var out []string
	for _, f := range c.Findings {
		out = append(out, f.RuleID()+" "+f.Path)
	}
	return strings.Join(out, "; ")
}

func TestDiscriminator(t *testing.T) {
	tests := []struct {
		name  string
		infer bool
		in    string
		want  string // findings as "rule path; …"
		msgs  int
		cse   string // the case in effect
	}{
		{"matching body", false, `{"type":"text","text":{"v":"x","items":[{}]}}`, "", 1, "text"},
		{"body checked", false, `{"type":"text","text":{"items":[]}}`, "schema.required text.v", 0, "text"},
		{"missing body", false, `{"type":"text"}`, "t.missing text", 0, "text"},
		{"optional body absent", false, `{"type":"optional"}`, "", 0, "optional"},
		{"no body case", false, `{"type":"none"}`, "", 0, "none"},
		{"case requires", false, `{"type":"image","image":{"v":"x"}}`, "schema.required caption", 0, "image"},
		{"foreign body taken back", false, `{"type":"text","text":{"v":"x"},"image":{"v":1,"items":[{},{}]}}`, "t.mismatch image", 0, "text"},
		{"foreign body on a body-less case", false, `{"type":"none","opt":{}}`, "t.mismatch opt", 0, "none"},
		{"two foreign bodies", false, `{"image":{},"type":"none","text":{"zz":1}}`, "t.mismatch text; t.mismatch image", 0, "none"},
		{"unknown value", false, `{"type":"video","text":{"v":1}}`, "schema.type text.v; t.unknown type", 0, ""},
		{"hint", false, `{"type":"picture"}`, "t.unknown type", 0, ""},
		{"type not a string", false, `{"type":5,"text":{"v":"x"}}`, "schema.type type", 0, ""},
		{"type absent without infer", false, `{"text":{"v":"x"}}`, "", 0, ""},
		{"inferred", true, `{"text":{"v":"x","items":[{}]}}`, "t.infer type", 1, "text"},
		{"inferred case requires", true, `{"image":{"v":"x"}}`, "t.infer type; schema.required caption", 0, "image"},
		{"cannot infer from two bodies", true, `{"text":{"v":"x"},"image":{"v":"x"}}`, "schema.required type", 0, ""},
		{"cannot infer from none", true, `{"caption":"x"}`, "schema.required type", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := discSchema(tt.infer)
			var cse string
			o.Check = func(c *spec.Ctx, f *spec.Frame) {
				if f.Case != nil {
					cse = f.Case.Value
				}
			}
			c := walk(tt.in, o)
			if got := findings(c); got != tt.want {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
			if int(c.Messages) != tt.msgs {
				t.Errorf("%d messages counted, want %d", c.Messages, tt.msgs)
			}
			if cse != tt.cse {
				t.Errorf("case %q, want %q", cse, tt.cse)
			}
			for _, f := range c.Findings {
				switch f.RuleID() {
				case "t.unknown":
					if tt.name == "hint" && !strings.Contains(f.Message, `spelled "image"`) {
						t.Errorf("hint missing: %s", f.Message)
					}
					if !strings.Contains(f.Message, "text, image, optional, none") {
						t.Errorf("cases not listed: %s", f.Message)
					}
				case "t.mismatch":
					if !strings.HasPrefix(tt.in[f.Offset:], "{") {
						t.Errorf("mismatch not located at the foreign body: %q", tt.in[f.Offset:])
					}
				}
			}
		})
	}
	// Defaults: schema.type-object for missing and foreign bodies, schema.enum for unknown values.
	o := discSchema(false)
	o.Disc.Missing, o.Disc.Mismatch, o.Disc.Unknown = nil, nil, nil
	if got := findings(walk(`{"type":"text","image":{"v":"x"}}`, o)); got != "schema.type-object text; schema.type-object image" {
		t.Errorf("default rules: %s", got)
	}
	if got := findings(walk(`{"type":"x"}`, o)); got != "schema.enum type" {
		t.Errorf("default unknown rule: %s", got)
	}
}

func TestShapes(t *testing.T) {
	mo := &spec.Object{Name: "mo", Item: spec.MessageItem, Fields: []spec.Field{{Name: "source", Kind: spec.KindString, Req: spec.Required}, {Name: "id", Kind: spec.KindString}}}
	st := &spec.Object{Name: "status", Item: spec.StatusItem, Fields: []spec.Field{{Name: "destination", Kind: spec.KindString, Req: spec.Required}, {Name: "id", Kind: spec.KindString}}}
	root := &spec.Object{Name: "batch", Fields: []spec.Field{
		{Name: "data", Kind: spec.KindArray, Item: spec.MessageItem, Object: mo, Shapes: []spec.Shape{
			{Keys: []string{"source"}, Object: mo},
			{Keys: []string{"destination"}, Object: st},
		}},
		{Name: "one", Kind: spec.KindObject, Object: mo, Shapes: []spec.Shape{{Keys: []string{"destination"}, Object: st}}},
	}}
	tests := []struct {
		in         string
		want       string
		msgs, stat int
	}{
		{`{"data":[{"source":"1"},{"destination":"2"}]}`, "", 1, 1},
		// The first deciding key wins; later keys are then unknown to the shape.
		{`{"data":[{"id":"x","destination":"2","source":"1"}]}`, "schema.unknown-field data[0].source", 0, 1},
		// No deciding key: the field's Object.
		{`{"data":[{"id":"x"},{}]}`, "schema.required data[0].source; schema.required data[1].source", 2, 0},
		// Deciding keys inside nested values and strings do not count.
		{`{"data":[{"id":"destination","x":{"destination":1},"source":"1"}]}`, "schema.unknown-field data[0].x", 1, 0},
		// Escaped keys decide too.
		{`{"data":[{"\u0064estination":"2"}]}`, "", 0, 1},
		{`{"one":{"destination":"2"}}`, "", 0, 0},
		{`{"one":{"source":"1"}}`, "", 0, 0},
		{`{"data":["x",null,{"source":"1"}]}`, "schema.type data[0]; schema.null data[1]", 3, 0},
	}
	for _, tt := range tests {
		c := walk(tt.in, root)
		if got := findings(c); got != tt.want || int(c.Messages) != tt.msgs || int(c.Statuses) != tt.stat {
			t.Errorf("%s: findings %q messages %d statuses %d; want %q %d %d", tt.in, got, c.Messages, c.Statuses, tt.want, tt.msgs, tt.stat)
		}
		if c.Invalid {
			t.Errorf("%s: invalid", tt.in)
		}
	}
	// A broken object inside a shape peek is still reported as invalid.
	if c := walk(`{"data":[{"id":"x","y":[1,}]}`, root); !c.Invalid {
		t.Error("syntax error during the shape peek went unnoticed")
	}
}

func TestWhen(t *testing.T) {
	inner := &spec.Object{Name: "value", Fields: []spec.Field{
		{Name: "n", Kind: spec.KindInteger},
		{Name: "items", Kind: spec.KindArray, Item: spec.MessageItem, Object: &spec.Object{Name: "item", Open: true}},
	}}
	o := &spec.Object{Name: "change", Fields: []spec.Field{
		{Name: "field", Kind: spec.KindString},
		{Name: "value", Kind: spec.KindObject, Object: inner, When: func(f *spec.Frame) bool { return f.Str("field") == "messages" }},
	}}
	tests := []struct {
		in   string
		want string
		msgs int
	}{
		{`{"field":"messages","value":{"n":"x","items":[{},{}]}}`, "schema.type value.n", 2},
		{`{"value":{"n":"x","items":[{},{}]},"field":"messages"}`, "schema.type value.n", 2},
		{`{"field":"calls","value":{"n":"x","zz":1,"items":[{},{}]}}`, "", 0},
		{`{"value":{"n":"x","items":[{}]},"field":"calls"}`, "", 0},
		{`{"value":{"n":"x"}}`, "", 0},
	}
	for _, tt := range tests {
		c := walk(tt.in, o)
		if got := findings(c); got != tt.want || int(c.Messages) != tt.msgs {
			t.Errorf("%s: %q %d messages; want %q %d", tt.in, got, c.Messages, tt.want, tt.msgs)
		}
	}
	// Taken-back findings are dropped by Final even when several ranges are.
	arr := &spec.Object{Name: "env", Fields: []spec.Field{{Name: "changes", Kind: spec.KindArray, Object: o}}}
	c := walk(`{"changes":[{"field":"a","value":{"n":"x"}},{"field":"messages","value":{"n":"y"}},{"field":"b","value":{"n":"z"}}]}`, arr)
	if got := findings(c); got != "schema.type changes[1].value.n" {
		t.Errorf("several take-backs: %q", got)
	}
}

func TestDuplicateKeys(t *testing.T) {
	var seen string
	o := &spec.Object{Name: "o", Fields: []spec.Field{{Name: "a", Kind: spec.KindString}, {Name: "b", Kind: spec.KindObject, Object: &spec.Object{Name: "b"}}}}
	o.Check = func(c *spec.Ctx, f *spec.Frame) { seen = f.Str("a") }
	// Receivers keep the last value: so does the walk. The first "a" is a
	// number (a type error no receiver sees), the last a string.
	text := `{"a":1,"b":{"x":1},"a":"two","b":{}}`
	c := walk(text, o)
	if got := findings(c); got != "schema.duplicate-key a; schema.duplicate-key b" {
		t.Errorf("findings %q", got)
	}
	if seen != "two" {
		t.Errorf("the last value must be the one checked, got %q", seen)
	}
	for _, f := range c.Findings {
		if f.Severity != diag.Error || !strings.HasPrefix(text[f.Offset:], `"`+f.Path+`"`) {
			t.Errorf("finding %+v", f)
		}
	}
	// The same value twice is a warning; three times, two findings.
	if got := findings(walk(`{"a":"x","a":"\u0078","a":"y"}`, o)); got != "schema.duplicate-key-same a; schema.duplicate-key a" {
		t.Errorf("findings %q", got)
	}
	// Undeclared members, open objects and values that are only skipped
	// repeat keys too.
	for text, want := range map[string]string{
		`{"x":1,"x":2}`:                      "schema.duplicate-key x",
		`{"x":[1, 2],"x":[1,2]}`:             "schema.duplicate-key-same x",
		`{"v":{"y":{"z":1,"z":1}}}`:          "schema.duplicate-key-same v.z",
		`{"v":[{"z":1},{"z":2}]}`:            "",
		`{"p":{"s":"1","zz":{"q":1,"q":2}}}`: "schema.duplicate-key p.zz.q",
	} {
		if got := findings(walk(text, deep)); got != want {
			t.Errorf("%s: findings %q, want %q", text, got, want)
		}
	}
	if got := findings(walk(`{"x":1,"x":2}`, open)); got != "schema.duplicate-key x" {
		t.Errorf("open object: %q", got)
	}
}

// TestDecodedMembers: a member decoded during the walk (an enumeration)
// and one decoded on demand read the same through the frame.
func TestDecodedMembers(t *testing.T) {
	var got []string
	o := &spec.Object{Name: "o", Fields: []spec.Field{
		{Name: "e", Kind: spec.KindString, Enum: []string{"ab"}, Set: spec.Closed},
		{Name: "r", Kind: spec.KindString},
	}, Check: func(c *spec.Ctx, f *spec.Frame) { got = []string{f.Str("e"), f.Str("r")} }}
	if c := walk(`{"e":"a\u0062","r":"a\u0062"}`, o); len(c.Findings) != 0 || got[0] != "ab" || got[1] != "ab" {
		t.Errorf("read %q, findings %s", got, findings(c))
	}
}

// TestEnumSets: a closed set rejects other values, an open one warns and
// says so, legacy values of an open set are named as such; numbers
// compare as written.
func TestEnumSets(t *testing.T) {
	o := &spec.Object{Name: "o", Fields: []spec.Field{
		{Name: "c", Kind: spec.KindString, Enum: []string{"a", "b"}, Set: spec.Closed},
		{Name: "o", Kind: spec.KindString, Enum: []string{"a", "b"}, Set: spec.Open, Legacy: []string{"old"}, LegacyDoc: "before 2023"},
		{Name: "n", Kind: spec.KindInteger, Enum: []string{"2", "4"}, Set: spec.Open},
	}}
	for text, want := range map[string]string{
		`{"c":"a","o":"b","n":4}`: "",
		`{"c":"z"}`:               "error schema.enum c",
		`{"o":"z"}`:               "warning schema.enum-open o",
		`{"o":"old"}`:             "warning schema.enum-open o legacy",
		`{"n":3}`:                 "warning schema.enum-open n",
		`{"c":"\u0061"}`:          "",
	} {
		c := walk(text, o)
		var got []string
		for _, f := range c.Findings {
			g := f.Severity.String() + " " + f.RuleID() + " " + f.Path
			if strings.Contains(f.Message, "legacy") {
				g += " legacy"
			}
			got = append(got, g)
		}
		if strings.Join(got, "; ") != want {
			t.Errorf("%s: %q, want %q", text, got, want)
		}
	}
	// Every enumeration of the tables declares its set.
	if p := spec.Audit(&spec.Object{Name: "bad", Fields: []spec.Field{{Name: "e", Enum: []string{"x"}}}}); len(p) != 1 {
		t.Errorf("Audit: %q", p)
	}
}

// TestPolicy: ignored rules are neither stored nor counted, strict turns
// warnings into errors, and past the limit findings are only counted.
func TestPolicy(t *testing.T) {
	o := &spec.Object{Name: "o", Fields: []spec.Field{
		{Name: "l", Kind: spec.KindArray, Item: spec.MessageItem, Object: &spec.Object{Name: "i", Fields: []spec.Field{
			{Name: "s", Kind: spec.KindString, Req: spec.Required}}}},
	}}
	var b strings.Builder
	b.WriteString(`{"l":[`)
	for i := range 500 {
		if i > 0 {
			b.WriteByte(',')
		}
		if i%2 == 0 {
			b.WriteString(`{"s":"x","u":1}`) // one warning
		} else {
			b.WriteString(`{"u":1}`) // one error, one warning
		}
	}
	b.WriteString(`]}`)
	text := b.String()
	run := func(p spec.Policy) *spec.Ctx {
		c := spec.NewCtx()
		c.Policy = p
		c.Walk(gjson.Parse(text), o)
		return c
	}
	c := run(spec.Policy{})
	if c.Errors != 250 || c.Warnings != 500 || c.BadItems != 250 || c.Messages != 500 || len(c.Final()) != 750 || c.Omitted() != 0 {
		t.Errorf("no policy: %d errors, %d warnings, %d bad, %d stored", c.Errors, c.Warnings, c.BadItems, len(c.Final()))
	}
	c = run(spec.Policy{Limit: 100})
	if c.Errors != 250 || c.Warnings != 500 || c.BadItems != 250 || len(c.Final()) != 100 || c.Omitted() != 650 {
		t.Errorf("limit: %d errors, %d warnings, %d bad, %d stored, %d omitted", c.Errors, c.Warnings, c.BadItems, len(c.Final()), c.Omitted())
	}
	c = run(spec.Policy{Strict: true, Ignore: map[string]bool{"schema.required": true}})
	if c.Errors != 500 || c.Warnings != 0 || c.BadItems != 500 || len(c.Final()) != 500 {
		t.Errorf("strict, ignore: %d errors, %d warnings, %d bad", c.Errors, c.Warnings, c.BadItems)
	}
	for _, f := range c.Final() {
		if f.Severity != diag.Error || f.RuleID() != "schema.unknown-field" {
			t.Fatalf("finding %+v", f)
		}
	}
}

func TestMaxDepth(t *testing.T) {
	rec := &spec.Object{Name: "node"}
	rec.Fields = []spec.Field{{Name: "c", Kind: spec.KindObject, Object: rec}, {Name: "n", Kind: spec.KindInteger}}
	nest := func(levels int, leaf string) string {
		return strings.Repeat(`{"c":`, levels-1) + leaf + strings.Repeat("}", levels-1)
	}
	// MaxDepth levels are walked; the next one is skipped with one finding.
	c := walk(nest(spec.MaxDepth, `{"n":"x"}`), rec)
	if got := findings(c); got != "schema.type "+strings.Repeat("c.", spec.MaxDepth-2)+"c.n" {
		t.Errorf("at MaxDepth: %s", got)
	}
	text := nest(spec.MaxDepth+10, `{"n":"x"}`)
	c = walk(text, rec)
	if len(c.Findings) != 1 || c.Findings[0].RuleID() != "schema.too-deep" || c.Invalid {
		t.Fatalf("beyond MaxDepth: %s invalid=%v", findings(c), c.Invalid)
	}
	if f := c.Findings[0]; f.Offset != spec.MaxDepth*len(`{"c":`) || f.Severity != diag.Error {
		t.Errorf("too-deep at offset %d, want %d", f.Offset, spec.MaxDepth*len(`{"c":`))
	}
	// The skipped part is still checked for syntax.
	if c := walk(nest(spec.MaxDepth+10, `{"n":1,}`), rec); !c.Invalid {
		t.Error("syntax error below MaxDepth went unnoticed")
	}
	// Very deep undeclared values are rejected, not recursed into without bound.
	deepArr := `{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	if c := walk(deepArr, open); !c.Invalid {
		t.Error("100000 nested arrays accepted by the skipping scanner")
	}
}

func TestKindsAndNulls(t *testing.T) {
	o := &spec.Object{Name: "o", Fields: []spec.Field{
		{Name: "s", Kind: spec.KindString},
		{Name: "n", Kind: spec.KindNumber},
		{Name: "i", Kind: spec.KindInteger},
		{Name: "b", Kind: spec.KindBool},
		{Name: "o", Kind: spec.KindObject},
		{Name: "a", Kind: spec.KindArray, MinItems: 2, Items: spec.KindInteger},
		{Name: "any", Kind: spec.KindAny},
		{Name: "ns", Kind: spec.KindString, Nullable: true},
		{Name: "e", Kind: spec.KindString, Enum: []string{"x", "y"}},
		{Name: "r", Kind: spec.KindString, Req: spec.Required},
		{Name: "w", Kind: spec.KindString, Req: spec.Recommended},
	}}
	tests := []struct{ in, want string }{
		{`{"s":"","n":-1.5e3,"i":-0,"b":true,"o":{"zz":[]},"a":[1,2],"any":null,"ns":null,"e":"y","r":"","w":""}`, ""},
		{`{"r":"","w":"","i":1.0}`, "schema.type i"},
		{`{"r":"","w":"","i":1e3}`, "schema.type i"},
		{`{"r":"","w":"","n":"1"}`, "schema.type n"},
		{`{"r":"","w":"","s":1}`, "schema.type s"},
		{`{"r":"","w":"","s":{}}`, "schema.type s"},
		{`{"r":"","w":"","o":[]}`, "schema.type o"},
		{`{"r":"","w":"","a":{}}`, "schema.type a"},
		{`{"r":"","w":"","b":"true"}`, "schema.type b"},
		{`{"r":"","w":"","s":null,"a":null}`, "schema.null s; schema.null a"},
		{`{"r":"","w":"","a":[1]}`, "schema.empty-array a"},
		{`{"r":"","w":"","a":[]}`, "schema.empty-array a"},
		{`{"r":"","w":"","a":[1,"2",null,[],{}]}`, "schema.type a[1]; schema.null a[2]; schema.type a[3]; schema.type a[4]"},
		{`{"r":"","w":"","e":"z"}`, "schema.enum e"},
		{`{"r":"","w":"","e":1}`, "schema.type e"},
		{`{"w":""}`, "schema.required r"},
		{`{"r":""}`, "schema.recommended w"},
		{`{"r":null,"w":""}`, "schema.null r"},
		{`{"r":"","w":"","zz":1}`, "schema.unknown-field zz"},
	}
	for _, tt := range tests {
		c := walk(tt.in, o)
		if got := findings(c); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.in, got, tt.want)
		}
		for _, f := range c.Findings {
			if f.Offset < 0 || f.Offset >= len(tt.in) || f.Message == "" || f.Item != -1 {
				t.Errorf("%s: finding %+v", tt.in, f)
			}
			if f.Severity != f.Rule.Severity {
				t.Errorf("%s: severity %v for rule %s", tt.in, f.Severity, f.Rule.ID)
			}
		}
	}
	// Findings about a missing member are located at its object.
	c := walk(`{"w":"", "o":{}}`, o)
	if len(c.Findings) != 1 || c.Findings[0].Offset != 0 {
		t.Errorf("missing member located at %+v", c.Findings)
	}
}

func TestEmbedded(t *testing.T) {
	inner := &spec.Object{Name: "inner", Fields: []spec.Field{{Name: "id", Kind: spec.KindInteger}}}
	rule := &diag.Rule{ID: "t.embed", Severity: diag.Error}
	o := &spec.Object{Name: "o", Fields: []spec.Field{
		{Name: "x", Kind: spec.KindString, JSONString: true, Embedded: inner},
		{Name: "y", Kind: spec.KindString, JSONString: true, EmbedRule: rule},
	}}
	tests := []struct{ in, want string }{
		{`{"x":"{\"id\":1}","y":"[1]"}`, ""},
		{`{"x":"","y":"  "}`, ""},
		{`{"x":"[1,2]"}`, ""}, // JSON, but not an object: not the walker's business
		{`{"x":"{\"id\":\"1\",\"zz\":2}"}`, "schema.type x.id; schema.unknown-field x.zz"},
		{`{"x":"{id:1}"}`, "schema.embedded-json x"},
		{`{"y":"{"}`, "t.embed y"},
	}
	for _, tt := range tests {
		c := walk(tt.in, o)
		if got := findings(c); got != tt.want || c.Invalid {
			t.Errorf("%s: %q (invalid=%v), want %q", tt.in, got, c.Invalid, tt.want)
		}
		// Everything about embedded text is located at the string.
		for _, f := range c.Findings {
			if !strings.HasPrefix(tt.in[f.Offset:], `"{`) {
				t.Errorf("%s: %s located at %q", tt.in, f.RuleID(), tt.in[f.Offset:])
			}
		}
	}
}

func TestRememberAndReset(t *testing.T) {
	item := &spec.Object{Name: "item", Fields: []spec.Field{{Name: "id", Kind: spec.KindString}}}
	item.Check = func(c *spec.Ctx, f *spec.Frame) {
		if v, ok := f.Get("id"); ok {
			c.Remember(1, "id", v)
		}
	}
	root := &spec.Object{Name: "root", Fields: []spec.Field{{Name: "items", Kind: spec.KindArray, Item: spec.MessageItem, Object: item}}}
	root.Check = func(c *spec.Ctx, f *spec.Frame) {
		for i, s := range c.Seen {
			if i > 0 && s.Value == c.Seen[0].Value {
				c.ReportSeen(spec.RuleDuplicateKey, s, "id %s again", s.Value)
			}
		}
	}
	text := `{"items":[{"id":"a"},{"id":"b"},{"id":"a"}]}`
	c := spec.NewCtx()
	c.Walk(gjson.Parse(text), root)
	if len(c.Seen) != 3 || c.Messages != 3 {
		t.Fatalf("seen %d, messages %d", len(c.Seen), c.Messages)
	}
	got := c.Final()
	if len(got) != 1 || got[0].Path != "items[2].id" || got[0].Item != 2 || got[0].Offset != strings.LastIndex(text, `"a"`) || got[0].Message != "id a again" {
		t.Errorf("ReportSeen: %+v", got)
	}
	c.Reset()
	if len(c.Findings)+len(c.Seen)+int(c.Messages+c.Statuses) != 0 || c.Invalid || c.Item() != -1 || c.Path() != "" {
		t.Errorf("Reset left state: %+v", c)
	}
	// Reuse after an invalid walk.
	c.Walk(gjson.Parse(`{"items":[{"id":1,}]}`), root)
	if !c.Invalid {
		t.Fatal("invalid text not noticed")
	}
	c.Reset()
	c.Walk(gjson.Parse(text), root)
	if c.Invalid || len(c.Final()) != 1 {
		t.Errorf("walk after Reset: invalid=%v findings=%+v", c.Invalid, c.Findings)
	}
}

func TestItems(t *testing.T) {
	item := &spec.Object{Name: "item", Fields: []spec.Field{{Name: "bad", Kind: spec.KindString}}}
	root := &spec.Object{Name: "root", Fields: []spec.Field{
		{Name: "messages", Kind: spec.KindArray, Item: spec.MessageItem, Object: item},
		{Name: "statuses", Kind: spec.KindArray, Item: spec.StatusItem, Object: item},
		{Name: "bad", Kind: spec.KindString},
	}}
	c := walk(`{"messages":[{},{"bad":1}],"statuses":[{"bad":2}],"bad":3}`, root)
	if c.Messages != 2 || c.Statuses != 1 {
		t.Errorf("counted %d messages, %d statuses", c.Messages, c.Statuses)
	}
	items := map[string]int{}
	for _, f := range c.Findings {
		items[f.Path] = f.Item
	}
	want := map[string]int{"messages[1].bad": 1, "statuses[0].bad": 2, "bad": -1}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Errorf("items %v, want %v", items, want)
	}
}

func TestDescribe(t *testing.T) {
	long := strings.Repeat("é", 50)
	tests := map[string]string{
		`"x"`:            `string "x"`,
		`"` + long + `"`: `string "` + strings.Repeat("é", 40) + `…"`,
		`12.5`:           "number 12.5",
		`123456789012345678901234567890123456789012345`: "number 1234567890123456789012345678901234567890…",
		`true`:    "boolean true",
		`false`:   "boolean false",
		`null`:    "null",
		`[1]`:     "an array",
		`{"a":1}`: "an object",
	}
	for in, want := range tests {
		if got := spec.Describe(gjson.Parse(in)); got != want {
			t.Errorf("Describe(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestLookups(t *testing.T) {
	o := discSchema(false)
	if f := o.Field("caption"); f == nil || f.Name != "caption" {
		t.Errorf("Field(caption) = %v", f)
	}
	if o.Field("nope") != nil || o.Field("") != nil {
		t.Error("Field of an undeclared member")
	}
	if c := o.Disc.Case("image"); c == nil || c.Body != "image" {
		t.Errorf("Case(image) = %v", c)
	}
	if o.Disc.Case("IMAGE") != nil {
		t.Error("cases are case-sensitive")
	}
	kinds := map[spec.Kind]string{spec.KindAny: "any", spec.KindString: "string", spec.KindNumber: "number",
		spec.KindInteger: "integer", spec.KindBool: "boolean", spec.KindObject: "object", spec.KindArray: "array"}
	for k, s := range kinds {
		if k.String() != s {
			t.Errorf("%d.String() = %q", k, k.String())
		}
	}
	ids := map[string]bool{}
	for _, r := range spec.Rules() {
		if !strings.HasPrefix(r.ID, "schema.") || ids[r.ID] {
			t.Errorf("rule %s", r.ID)
		}
		ids[r.ID] = true
	}
	if len(ids) != 11 { // schema.recommended and schema.too-deep are not in the catalogue
		t.Errorf("%d generic rules", len(ids))
	}
	// More than MaxFields members is a programming error, caught on first use.
	big := &spec.Object{Name: "big"}
	for i := 0; i <= spec.MaxFields; i++ {
		big.Fields = append(big.Fields, spec.Field{Name: "f" + strconv.Itoa(i)})
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for an object with more than MaxFields members")
		}
	}()
	walk(`{}`, big)
}

// depth is the deepest nesting of brackets outside strings.
func depth(data []byte) int {
	d, deepest, inStr, esc := 0, 0, false, false
	for _, c := range data {
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			d++
			deepest = max(deepest, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}

// FuzzWalk: the walker, reading with an open schema or with every kind of
// declared member, agrees with encoding/json on what is valid JSON, never
// panics, and locates its findings inside the text.
func FuzzWalk(f *testing.F) {
	for _, b := range fixtures.All() {
		f.Add(b)
	}
	for _, s := range syntaxCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		root := gjson.Parse(s)
		// gjson.Parse skips every byte up to ' ' before the value (the
		// validator guards against such leading bytes before walking), so
		// the walk is compared with encoding/json on what it was given.
		isObject := len(root.Raw) > 0 && root.Raw[0] == '{'
		for _, o := range []*spec.Object{open, deep} {
			c := spec.NewCtx()
			c.Walk(root, o)
			for _, fd := range c.Final() {
				if fd.Offset < 0 || fd.Offset > len(s) || fd.Rule == nil {
					t.Fatalf("%s walk: finding %+v outside the text", o.Name, fd)
				}
			}
			if !isObject || depth(data) > 500 {
				continue
			}
			if valid := json.Valid([]byte(root.Raw)); c.Invalid == valid {
				t.Fatalf("%s walk of %q: Invalid = %v, json.Valid = %v", o.Name, s, c.Invalid, valid)
			}
			checkRecord(t, s, o)
		}
		// Large inputs built from this one, where the deep schema reads
		// them (many items, many keys), cost linear time, with and
		// without a limit on the findings stored.
		if !json.Valid(data) || depth(data) > 200 {
			return
		}
		c := spec.NewCtx()
		for _, big := range costcheck.Amplify(bytes.TrimSpace(data), `{"l":[{"a":%s}],"a":{"a":{"v":%s}}}`) {
			for _, limit := range []int{0, 1000} {
				costcheck.Within(t, "walk", big, func(b []byte) {
					c.Reset()
					c.Policy.Limit = limit
					c.Walk(gjson.ParseBytes(b), deep)
					c.Final()
				})
			}
		}
	})
}
