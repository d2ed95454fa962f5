package convert_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

var fixedNow = func() time.Time { return time.Unix(1767225600, 0) } // 2026-01-01

func opts(to payload.Format) convert.Options {
	return convert.Options{To: to, Now: fixedNow}
}

// keepExtras is opts with --keep-extras.
func keepExtras(to payload.Format) convert.Options {
	o := opts(to)
	o.KeepExtras = true
	return o
}

func assertGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	path = filepath.Join("testdata", "golden", path)
	golden.Assert(t, path, got)
}

// report renders losses and defaults as the golden loss reports show them.
func report(res convert.Result) string {
	var b strings.Builder
	for _, l := range res.Losses {
		fmt.Fprintf(&b, "  loss    %-7s %s: %s\n", l.Kind, l.Path, l.Reason)
	}
	for _, d := range res.Defaults {
		flag := ""
		if d.Option != message.NoOption {
			flag = " [option: " + d.Option.String() + "]"
		}
		fmt.Fprintf(&b, "  default %s = %q: %s%s\n", d.Path, d.Value, d.Reason, flag)
	}
	if res.Output == nil {
		b.WriteString("  (nothing written: no item has a counterpart)\n")
	}
	return b.String()
}

// TestGolden pins the output of every fixture in every other format, and
// one report of losses and defaults per pair of formats.
func TestGolden(t *testing.T) {
	reports := map[string]*strings.Builder{}
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, to := range payload.Formats {
			if to == fx.Format {
				continue
			}
			res, err := convert.Convert(fx.Data, opts(to))
			if err != nil {
				t.Fatalf("%s → %s: %v", fx.Name, to, err)
			}
			key := fx.Format.String() + "-to-" + to.String()
			if reports[key] == nil {
				reports[key] = &strings.Builder{}
			}
			fmt.Fprintf(reports[key], "%s\n%s", fx.Name, report(res))
			if res.Output != nil {
				name := strings.ReplaceAll(fx.Name, "/", "-") + ".to-" + to.String() + ".json"
				assertGolden(t, name, res.Output)
			}
		}
	}
	for key, b := range reports {
		assertGolden(t, "losses-"+key+".txt", []byte(b.String()))
	}
}

// allowedWarnings are the validator warnings a conversion may leave in its
// output, with the reason each cannot be avoided.
var allowedWarnings = map[string]string{
	"sinch.type-absent":               "location and contacts messages are written without type, as in the documented Sinch examples",
	"sinch.type-undocumented":         "VIDEO and INTERACTIVE are the only names for what Sinch does not document",
	"whatsapp.contacts-missing":       "the source says nothing of the sender's profile",
	"whatsapp.sender-not-in-contacts": "carried from the source as it is",
	"format.mime-nonstandard":         "a MIME type is carried as it is (image/jpg)",
	"whatsapp.button-context":         "the source names no template message",
}

// documents splits an output into its documents (a Conversation API
// target writes one callback per item).
func documents(t testing.TB, out []byte) [][]byte {
	t.Helper()
	var docs [][]byte
	rd := payload.NewReader(bytes.NewReader(out), "output", 1<<30)
	for {
		p, err := rd.Next()
		if err != nil {
			break
		}
		docs = append(docs, append([]byte(nil), p.Data...))
	}
	return docs
}

// multi reports whether an output holds several documents.
func multi(t testing.TB, out []byte) bool { return len(documents(t, out)) > 1 }

// TestMultiDocument: a payload of several items converted to the
// Conversation API gives one callback per item; every callback validates,
// the losses are found by reading them all back, and --keep-extras says it
// cannot restore such a payload.
func TestMultiDocument(t *testing.T) {
	n := 0
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		o := opts(payload.Conversation)
		res, err := convert.Convert(fx.Data, o)
		if err != nil || res.Output == nil || !multi(t, res.Output) {
			continue
		}
		n++
		o.KeepExtras = true
		keep, _ := convert.Convert(fx.Data, o)
		found := false
		for _, l := range keep.Losses {
			found = found || l.Path == convert.ExtrasKey
		}
		if !found || bytes.Contains(keep.Output, []byte(convert.ExtrasKey)) {
			t.Errorf("%s: --keep-extras over several callbacks: want a loss and no extras, got %+v", fx.Name, keep.Losses)
		}
	}
	if n == 0 {
		t.Fatal("no fixture gives several callbacks")
	}
}

func checkValid(t *testing.T, name string, to payload.Format, out []byte, inputWarnings map[string]bool) {
	t.Helper()
	for _, doc := range documents(t, out) {
		checkValidDoc(t, name, to, doc, inputWarnings)
	}
}

func checkValidDoc(t *testing.T, name string, to payload.Format, out []byte, inputWarnings map[string]bool) {
	t.Helper()
	v := validate.New(validate.Options{Format: to})
	p := payload.Payload{Source: name, Data: out, Line: 1, Col: 1}
	res := v.Validate(&p)
	for _, f := range res.Findings {
		switch {
		case f.Severity == diag.Error:
			t.Errorf("%s: output is invalid: %s: %s (path %s)\n%s", name, f.RuleID(), f.Message, f.Path, out)
		case f.Severity == diag.Warning && allowedWarnings[f.RuleID()] == "" && !inputWarnings[f.RuleID()]:
			t.Errorf("%s: unexpected warning %s: %s (path %s)", name, f.RuleID(), f.Message, f.Path)
		}
	}
}

func warnings(data []byte, f payload.Format) map[string]bool {
	v := validate.New(validate.Options{Format: f})
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	res := v.Validate(&p)
	out := map[string]bool{}
	for _, f := range res.Findings {
		out[f.RuleID()] = true
	}
	return out
}

// TestOutputValidates checks every output against the target format's rules.
func TestOutputValidates(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		in := warnings(fx.Data, fx.Format)
		for _, to := range payload.Formats {
			for _, keep := range []bool{false, true} {
				o := opts(to)
				o.KeepExtras = keep
				res, err := convert.Convert(fx.Data, o)
				if err != nil {
					t.Fatalf("%s → %s: %v", fx.Name, to, err)
				}
				if res.Output != nil {
					checkValid(t, fmt.Sprintf("%s → %s (keep %v)", fx.Name, to, keep), to, res.Output, in)
				}
			}
		}
	}
}

// TestDeterministic converts twice and compares the bytes.
func TestDeterministic(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, to := range payload.Formats {
			for _, compact := range []bool{false, true} {
				o := opts(to)
				o.Compact = compact
				o.KeepExtras = true
				a, _ := convert.Convert(fx.Data, o)
				b, _ := convert.Convert(fx.Data, o)
				if !bytes.Equal(a.Output, b.Output) || !reflect.DeepEqual(a.Losses, b.Losses) {
					t.Errorf("%s → %s: two conversions differ", fx.Name, to)
				}
			}
		}
	}
}

// decode reads a JSON document as wamo validate and convert read it: of a
// repeated member name the first member counts (encoding/json keeps the last).
func decode(t testing.TB, b []byte) any {
	t.Helper()
	return lastWins(parseO(t, b))
}

// lastWins decodes as receivers do: of a repeated member name the last counts.
func lastWins(n *onode) any {
	switch {
	case n.obj:
		m := map[string]any{}
		for i, k := range n.keys {
			m[k] = lastWins(n.kids[i])
		}
		return m
	case n.arr:
		a := []any{}
		for _, k := range n.kids {
			a = append(a, lastWins(k))
		}
		return a
	}
	var v any
	d := json.NewDecoder(strings.NewReader(n.raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return n.raw
	}
	return normalize(v)
}

// normalize turns json.Numbers into float64s, so that 1.0 equals 1.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	}
	return v
}

// leafDiff lists the paths where two decoded documents differ, arrays
// compared by position; it knows nothing of convert's own comparison.
func leafDiff(a, b any, path string, out *[]string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok && b != nil {
			*out = append(*out, path)
			return
		}
		for k, v := range x {
			leafDiff(v, y[k], join(path, k), out)
		}
		for k, v := range y {
			if _, ok := x[k]; !ok {
				leafDiff(nil, v, join(path, k), out)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok && b != nil {
			*out = append(*out, path)
			return
		}
		zipDiff(x, y, path, out, leafDiff)
	case nil:
		if b != nil {
			leafDiff(b, nil, path, out) // present only in b: its leaves
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, path)
		}
	}
}

// join appends a key as Convert renders paths: plain keys after a dot,
// others quoted in brackets.
func join(path, k string) string {
	plain := k != ""
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			plain = false
		}
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(k) + "]"
	case path == "":
		return k
	}
	return path + "." + k
}

// lostPaths lists the paths that losses say went missing, a renamed
// member under both names.
func lostPaths(losses []convert.Loss) []string {
	var lost []string
	for _, l := range losses {
		lost = append(lost, l.Path)
		if l.Renamed != "" {
			lost = append(lost, l.Renamed)
		}
	}
	return lost
}

// zipDiff runs diff on the elements of x and y at each index, the one
// missing from the shorter as nil.
func zipDiff(x, y []any, path string, out *[]string, diff func(a, b any, path string, out *[]string)) {
	for i := 0; i < len(x) || i < len(y); i++ {
		var va, vb any
		if i < len(x) {
			va = x[i]
		}
		if i < len(y) {
			vb = y[i]
		}
		diff(va, vb, fmt.Sprintf("%s[%d]", path, i), out)
	}
}

func covered(p string, by []string) bool {
	for _, q := range by {
		if p == q || strings.HasPrefix(p, q+".") || strings.HasPrefix(p, q+"[") {
			return true
		}
	}
	return false
}

// TestRoundTrip converts every fixture to each other format and back: the
// result equals the input except where a loss was reported, and with
// KeepExtras it equals the input exactly.
func TestRoundTrip(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, to := range payload.Formats {
			if to == fx.Format {
				continue
			}
			name := fx.Name + " → " + to.String()
			res, err := convert.Convert(fx.Data, opts(to))
			if err != nil {
				t.Fatal(err)
			}
			if res.Output == nil {
				if len(res.Losses) == 0 {
					t.Errorf("%s: nothing written and no loss reported", name)
				}
				continue
			}
			if multi(t, res.Output) {
				continue // one callback per item: checked by TestMultiDocument
			}
			back, err := convert.Convert(res.Output, opts(fx.Format))
			if err != nil {
				t.Fatalf("%s: converting back: %v", name, err)
			}
			if back.Output == nil {
				back.Output = []byte("{}")
			}
			lost := lostPaths(res.Losses)
			var diffs []string
			leafDiff(decode(t, fx.Data), decode(t, back.Output), "", &diffs)
			sort.Strings(diffs)
			for _, d := range diffs {
				if !covered(d, lost) {
					t.Errorf("%s: %s changed in the round trip but no loss was reported (losses: %v)", name, d, lost)
				}
			}

			// With KeepExtras the round trip is exact.
			keep, err := convert.Convert(fx.Data, keepExtras(to))
			if err != nil {
				t.Fatal(err)
			}
			restored, err := convert.Convert(keep.Output, opts(fx.Format))
			if err != nil {
				t.Fatal(err)
			}
			if !restored.Restored && len(res.Losses) > 0 {
				t.Errorf("%s: the extras were not applied", name)
			}
			if got, want := decode(t, restored.Output), decode(t, fx.Data); !reflect.DeepEqual(got, want) {
				var d []string
				leafDiff(want, got, "", &d)
				t.Errorf("%s: with --keep-extras the round trip differs at %v\n%s", name, d, restored.Output)
			}
		}
	}
}

// TestIdentity: converting to the source format re-indents, nothing else.
func TestIdentity(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		res, err := convert.Convert(fx.Data, opts(fx.Format))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Losses) > 0 || !reflect.DeepEqual(decode(t, res.Output), decode(t, fx.Data)) {
			t.Errorf("%s: identity conversion changed the payload", fx.Name)
		}
		if !bytes.Equal(res.Output, fx.Data) {
			t.Errorf("%s: identity conversion of a pretty fixture should give the same bytes", fx.Name)
		}
	}
}

// TestBadInput checks the typed errors for unusable input.
func TestBadInput(t *testing.T) {
	for _, fx := range fixtures.List() {
		if !fx.Invalid {
			continue
		}
		data, _ := fixtures.Read(fx)
		_, err := convert.Convert(data, opts(payload.Cloud))
		base := filepath.Base(fx.Name)
		var ie *convert.InputError
		switch {
		case strings.HasPrefix(base, "syntax-"):
			if !errorsAs(err, &ie) || !ie.Syntax {
				t.Errorf("%s: want a syntax InputError, got %v", fx.Name, err)
			}
		case base == "not-an-object" || base == "unknown-format" || strings.HasPrefix(base, "lookalike-"):
			if !errorsAs(err, &ie) || ie.Syntax {
				t.Errorf("%s: want an InputError, got %v", fx.Name, err)
			}
		default:
			if err != nil {
				t.Errorf("%s: invalid but usable payloads convert (with --force): %v", fx.Name, err)
			}
		}
	}
	if _, err := convert.Convert([]byte(`{}`), convert.Options{}); err != convert.ErrNoTarget {
		t.Errorf("no target: got %v", err)
	}
}

// TestSyntaxPosition: the error offset points at the defect.
func TestSyntaxPosition(t *testing.T) {
	_, err := convert.Convert([]byte("{\"messages\": [1,]}"), opts(payload.Sinch))
	var ie *convert.InputError
	if !errorsAs(err, &ie) || ie.Offset != 15 {
		t.Fatalf("got %#v", err)
	}
}

func errorsAs(err error, target **convert.InputError) bool {
	e, ok := err.(*convert.InputError)
	if ok {
		*target = e
	}
	return ok
}

// TestKeepExtrasChain: extras nest. A → B → C with --keep-extras, then
// back C → B → A, gives A exactly.
func TestKeepExtrasChain(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, b := range payload.Formats {
			for _, c := range payload.Formats {
				if b == fx.Format || c == b || c == fx.Format {
					continue
				}
				name := fmt.Sprintf("%s → %s → %s → back", fx.Name, b, c)
				r1, _ := convert.Convert(fx.Data, keepExtras(b))
				if r1.Output == nil || multi(t, r1.Output) {
					continue
				}
				r2, _ := convert.Convert(r1.Output, keepExtras(c))
				if r2.Output == nil || multi(t, r2.Output) {
					continue
				}
				r3, _ := convert.Convert(r2.Output, opts(b))
				if r3.Output == nil || !reflect.DeepEqual(decode(t, r3.Output), decode(t, r1.Output)) {
					t.Errorf("%s: the middle payload is not restored", name)
					continue
				}
				r4, _ := convert.Convert(r3.Output, opts(fx.Format))
				if r4.Output == nil || !reflect.DeepEqual(decode(t, r4.Output), decode(t, fx.Data)) {
					t.Errorf("%s: the original is not restored", name)
				}
			}
		}
	}
}

// TestKeepExtrasBothWays: with --keep-extras on both conversions, A → B → A
// gives A back exactly, nothing is reported lost on either step (what B
// cannot say travels in the extras) and no extras member is left behind.
func TestKeepExtrasBothWays(t *testing.T) {
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, b := range payload.Formats {
			if b == fx.Format {
				continue
			}
			name := fx.Name + " → " + b.String() + " → back"
			r1, err := convert.Convert(fx.Data, keepExtras(b))
			if err != nil || r1.Output == nil || multi(t, r1.Output) {
				continue
			}
			if len(r1.Losses) > 0 {
				t.Errorf("%s: losses reported though the extras carry them: %+v", name, r1.Losses)
			}
			r2, err := convert.Convert(r1.Output, keepExtras(fx.Format))
			if err != nil || r2.Output == nil {
				t.Errorf("%s: converting back: %v", name, err)
				continue
			}
			if len(r2.Losses) > 0 {
				t.Errorf("%s: losses on the way back: %+v", name, r2.Losses)
			}
			if got, want := decode(t, r2.Output), decode(t, fx.Data); !reflect.DeepEqual(got, want) {
				var d []string
				leafDiff(want, got, "", &d)
				t.Errorf("%s: differs at %v\n%s", name, d, r2.Output)
			}
		}
	}
}
