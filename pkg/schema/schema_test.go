package schema_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/schema"
	"github.com/wamo-dev/wamo/pkg/spec"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// compile exports the schema of f and compiles it with an independent
// JSON Schema implementation (which also checks it against the 2020-12
// meta-schema).
func compile(t testing.TB, f payload.Format) *jsonschema.Schema {
	t.Helper()
	b, err := schema.Export(f)
	if err != nil {
		t.Fatalf("Export(%s): %v", f, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Export(%s) is not JSON: %v", f, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schema.ID(f), doc); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	sch, err := c.Compile(schema.ID(f))
	if err != nil {
		t.Fatalf("the %s schema does not compile: %v", f, err)
	}
	return sch
}

// schemaCheck validates data against sch; nil means valid.
func schemaCheck(sch *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

func wamoCheck(f payload.Format, data []byte) validate.Result {
	v := validate.New(validate.Options{Format: f})
	return v.Validate(&payload.Payload{Source: "test", Data: data, Line: 1, Col: 1})
}

func TestExportDeterministicAndGolden(t *testing.T) {
	for _, f := range payload.Formats {
		a, err := schema.Export(f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := schema.Export(f)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two exports differ", f)
		}
		if !json.Valid(a) {
			t.Fatalf("%s: export is not JSON", f)
		}
		for _, want := range []string{`"$schema": "` + schema.Draft + `"`, `"$id": "` + schema.ID(f) + `"`} {
			if !bytes.Contains(a, []byte(want)) {
				t.Errorf("%s: export lacks %s", f, want)
			}
		}
		// Unknown members are warnings in wamo: the schema must not forbid them.
		if bytes.Contains(a, []byte(`"additionalProperties": false`)) || bytes.Contains(a, []byte(`"unevaluatedProperties"`)) {
			t.Errorf("%s: the schema forbids unknown members, which wamo only warns about", f)
		}
		golden.Assert(t, filepath.Join("testdata", f.String()+".json"), a)
	}
	if _, err := schema.Export(payload.Unknown); err == nil {
		t.Error("Export(Unknown) succeeded")
	}
}

func TestSchemasCompile(t *testing.T) {
	for _, f := range payload.Formats {
		compile(t, f)
	}
}

// TestValidFixtures: every valid fixture passes both wamo and the schema.
func TestValidFixtures(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, f := range payload.Formats {
		schemas[f.String()] = compile(t, f)
	}
	n := 0
	for _, fx := range fixtures.List() {
		if fx.Invalid {
			continue
		}
		f, err := payload.ParseFormat(fx.Folder)
		if err != nil {
			t.Fatal(err)
		}
		data, err := fixtures.Read(fx)
		if err != nil {
			t.Fatal(err)
		}
		if res := wamoCheck(f, data); !res.Valid() {
			t.Errorf("%s: wamo finds it invalid: %s", fx.Name, errorRules(&res))
			continue
		}
		if err := schemaCheck(schemas[fx.Folder], data); err != nil {
			t.Errorf("%s: valid for wamo but rejected by the %s schema:\n%v", fx.Name, f, err)
		}
		n++
	}
	if n < 60 {
		t.Errorf("only %d valid fixtures checked", n)
	}
	t.Logf("%d valid fixtures pass the schema", n)
}

// expressibility tells the findings a schema can express from those only
// wamo's Go rules can: generic structural rules, and value checks with an
// exact ECMA-262 pattern, except where the tables run them from Go code.
type expressibility struct {
	rules  map[string]bool            // rule ids the schema expresses
	goOnly map[string]map[string]bool // rule id → member names where the rule comes from Go code
	embed  map[string]bool            // members holding JSON text (findings inside are Go-only)
}

// approximate patterns are looser than the Go check they stand for.
var approximate = []*spec.Value{
	common.GeoPoint, // the check also tests the coordinate ranges
	common.MimeType, // the pattern checks a prefix; the check the whole value
	common.NonEmpty, // "." accepts blanks the check rejects
}

func newExpressibility(f payload.Format) *expressibility {
	x := &expressibility{
		rules: map[string]bool{spec.RuleType.ID: true, spec.RuleRequired.ID: true, spec.RuleEnum.ID: true,
			spec.RuleNull.ID: true, spec.RuleEmpty.ID: true, spec.RuleTypeObject.ID: true},
		goOnly: map[string]map[string]bool{},
		embed:  map[string]bool{},
	}
	goOnly := func(rule, name string) {
		if x.goOnly[rule] == nil {
			x.goOnly[rule] = map[string]bool{}
		}
		x.goOnly[rule][name] = true
	}
	// Object Check functions that reuse value rules: the Cloud and
	// On-Premises status checks recipient_id as a phone number in Go.
	goOnly(common.RulePhoneDigits.ID, "recipient_id")
	spec.EachObject(rootOf(f), func(o *spec.Object) {
		for i := range o.Fields {
			fd := &o.Fields[i]
			if fd.JSONString {
				x.embed[fd.Name] = true
			}
			if fd.Kind == spec.KindAny {
				goOnly(spec.RuleType.ID, fd.Name) // e.g. Sinch total, checked by checkBatch
			}
			masked := false
			for _, c := range fd.Checks {
				exact := c.Pattern != "" && !slices.Contains(approximate, c) && fd.Kind != spec.KindAny
				switch {
				case c.Rule.Severity != diag.Error:
					masked = true
				case exact && !masked:
					x.rules[c.Rule.ID] = true
				default:
					goOnly(c.Rule.ID, fd.Name)
				}
			}
		}
	})
	return x
}

// expressible reports whether an error finding is one the schema must
// catch.
func (x *expressibility) expressible(fi diag.Finding) bool {
	id := fi.RuleID()
	if !x.rules[id] {
		return false
	}
	segs := pathKeys(fi.Path)
	for i, s := range segs {
		if x.embed[s] && i < len(segs)-1 {
			return false // inside JSON text: contentSchema is an annotation
		}
	}
	if len(segs) > 0 && x.goOnly[id][segs[len(segs)-1]] {
		return false
	}
	return true
}

// pathKeys splits a finding path such as data[0].message.type into keys.
func pathKeys(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func rootOf(f payload.Format) *spec.Object {
	switch f {
	case payload.Sinch:
		return sinch.Batch()
	case payload.WhatsApp:
		return whatsapp.OnPremSchemas().Notification
	}
	return whatsapp.Envelope()
}

func errorRules(res *validate.Result) string {
	var ids []string
	for _, fi := range res.Findings {
		if fi.Severity == diag.Error {
			ids = append(ids, fi.RuleID()+" at "+fi.Path)
		}
	}
	return strings.Join(ids, ", ")
}

// verdict compares wamo and the schema on one payload: it returns "" when
// they agree, else a description of the disagreement, and whether the
// payload's errors are ones only wamo can find.
func verdict(x *expressibility, sch *jsonschema.Schema, f payload.Format, data []byte) (problem string, goOnly bool) {
	res := wamoCheck(f, data)
	serr := schemaCheck(sch, data)
	if res.Unusable {
		return "", true
	}
	var expr []string
	for _, fi := range res.Findings {
		if fi.Severity == diag.Error && x.expressible(fi) {
			expr = append(expr, fi.RuleID()+" at "+fi.Path)
		}
	}
	switch {
	case res.Errors == 0 && serr != nil:
		return fmt.Sprintf("wamo accepts it but the schema rejects it:\n%v", serr), false
	case len(expr) > 0 && serr == nil:
		return "wamo rejects it (" + strings.Join(expr, ", ") + ") but the schema accepts it", false
	case res.Errors > 0 && len(expr) == 0:
		return "", true
	}
	return "", false
}

type expectRow struct {
	file string
	exit int
	why  string
}

func readExpect(t *testing.T) []expectRow {
	b, err := readFS("invalid/EXPECT.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var rows []expectRow
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) < 2 {
			continue
		}
		var code int
		if _, err := fmt.Sscanf(parts[1], "%d", &code); err != nil {
			continue
		}
		why := ""
		if len(parts) == 3 {
			why = parts[2]
		}
		rows = append(rows, expectRow{parts[0], code, why})
	}
	return rows
}

func readFS(name string) ([]byte, error) {
	f, err := fixtures.FS().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(f)
	return buf.Bytes(), err
}

// TestInvalidFixtures: every invalid fixture wamo rejects for a structural
// reason is rejected by the schema of its format; payloads with warnings
// only pass it.
func TestInvalidFixtures(t *testing.T) {
	schemas := map[payload.Format]*jsonschema.Schema{}
	xs := map[payload.Format]*expressibility{}
	for _, f := range payload.Formats {
		schemas[f] = compile(t, f)
		xs[f] = newExpressibility(f)
	}
	rejected, skipped, accepted := 0, 0, 0
	for _, row := range readExpect(t) {
		data, err := readFS("invalid/" + row.file)
		if err != nil {
			t.Errorf("%s: %v", row.file, err)
			continue
		}
		if row.exit != 0 && row.exit != 1 {
			continue // not JSON, not an object or no known format
		}
		f := payload.Detect(data).Format
		if f == payload.Unknown {
			t.Errorf("%s: format not detected", row.file)
			continue
		}
		res := wamoCheck(f, data)
		if got := !res.Valid(); got != (row.exit == 1) {
			t.Errorf("%s: EXPECT.tsv says exit %d, wamo says valid=%v (%s)", row.file, row.exit, res.Valid(), errorRules(&res))
			continue
		}
		problem, goOnly := verdict(xs[f], schemas[f], f, data)
		switch {
		case problem != "":
			t.Errorf("%s (%s): %s", row.file, f, problem)
		case row.exit == 0:
			accepted++
		case goOnly:
			skipped++
			t.Logf("%s: only Go rules find it invalid (%s)", row.file, errorRules(&res))
		default:
			rejected++
		}
	}
	t.Logf("invalid fixtures: %d rejected by the schema as by wamo, %d invalid only by Go rules, %d warning-only accepted", rejected, skipped, accepted)
	if rejected < 20 {
		t.Errorf("only %d invalid fixtures exercised the schema", rejected)
	}
}

// site is a member of an object of a payload, located by an sjson path.
type site struct {
	path string
	fd   *spec.Field
	val  gjson.Result
}

// objSite is an object of a payload with the table describing it.
type objSite struct {
	path string
	o    *spec.Object
	val  gjson.Result
}

func join(path, key string) string {
	var b strings.Builder
	for _, r := range key {
		if strings.ContainsRune(`.*?|#@!=<>%\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	if path == "" {
		return b.String()
	}
	return path + "." + b.String()
}

// shapeOf picks the object for v as the walker does: the first deciding
// key wins, else the field's Object.
func shapeOf(fd *spec.Field, v gjson.Result) *spec.Object {
	if len(fd.Shapes) == 0 {
		return fd.Object
	}
	var found *spec.Object
	v.ForEach(func(k, _ gjson.Result) bool {
		for _, sh := range fd.Shapes {
			if slices.Contains(sh.Keys, k.Str) {
				found = sh.Object
				return false
			}
		}
		return true
	})
	if found != nil {
		return found
	}
	return fd.Object
}

// collect walks the payload value v described by o.
func collect(o *spec.Object, v gjson.Result, path string, sites *[]site, objs *[]objSite) {
	*objs = append(*objs, objSite{path, o, v})
	v.ForEach(func(k, val gjson.Result) bool {
		fd := o.Field(k.Str)
		if fd == nil {
			return true
		}
		p := join(path, k.Str)
		*sites = append(*sites, site{p, fd, val})
		switch {
		case fd.Kind == spec.KindObject && val.IsObject():
			if sub := shapeOf(fd, val); sub != nil {
				collect(sub, val, p, sites, objs)
			}
		case fd.Kind == spec.KindArray && val.IsArray():
			i := 0
			val.ForEach(func(_, el gjson.Result) bool {
				if el.IsObject() {
					if sub := shapeOf(fd, el); sub != nil {
						collect(sub, el, fmt.Sprintf("%s.%d", p, i), sites, objs)
					}
				}
				i++
				return true
			})
		}
		return true
	})
}

type mutant struct {
	what  string
	field string // member mutated ("" for deletions)
	data  []byte
}

// mutants derives payloads from a valid one: each required member (and
// each member its type requires) deleted; each typed member given a value
// of another JSON type, null and (for arrays that must not be empty) [];
// each enumerated or discriminating member given an undocumented value;
// each patterned string emptied.
func mutants(data []byte, root *spec.Object) []mutant {
	var sites []site
	var objs []objSite
	collect(root, gjson.ParseBytes(data), "", &sites, &objs)
	var out []mutant
	field := ""
	add := func(what string, b []byte, err error) {
		if err == nil && !bytes.Equal(b, data) {
			out = append(out, mutant{what, field, b})
		}
	}
	del := func(path string) {
		b, err := sjson.DeleteBytes(data, path)
		add("delete "+path, b, err)
	}
	set := func(path, raw string) {
		b, err := sjson.SetRawBytes(data, path, []byte(raw))
		add("set "+path+" = "+raw, b, err)
	}
	for _, ob := range objs {
		members := map[string]bool{}
		ob.val.ForEach(func(k, _ gjson.Result) bool { members[k.Str] = true; return true })
		var needed []string
		for _, fd := range ob.o.Fields {
			if fd.Req == spec.Required {
				needed = append(needed, fd.Name)
			}
		}
		if d := ob.o.Disc; d != nil {
			if cs := d.Case(ob.val.Get(escapeKey(d.Field)).String()); cs != nil {
				if cs.Body != "" {
					needed = append(needed, cs.Body)
				}
				needed = append(needed, cs.Requires...)
			}
		}
		for _, name := range needed {
			if members[name] {
				del(join(ob.path, name))
			}
		}
	}
	for _, s := range sites {
		fd := s.fd
		field = fd.Name
		switch fd.Kind {
		case spec.KindString:
			set(s.path, "12345")
			set(s.path, "true")
		case spec.KindNumber:
			set(s.path, `"7"`)
		case spec.KindInteger:
			set(s.path, `"7"`)
			set(s.path, "7.5")
		case spec.KindBool:
			set(s.path, `"true"`)
			set(s.path, "1")
		case spec.KindObject:
			set(s.path, "[]")
			set(s.path, `"{}"`)
		case spec.KindArray:
			set(s.path, "{}")
			if fd.MinItems > 0 {
				set(s.path, "[]")
			}
			if fd.Object != nil || len(fd.Shapes) > 0 {
				set(s.path, "[1]")
				set(s.path, "[null]")
			}
		}
		if fd.Kind != spec.KindAny && !fd.Nullable {
			set(s.path, "null")
		}
		if len(fd.Enum) > 0 || isDisc(s) {
			set(s.path, `"bogus-value"`)
		}
		if fd.Kind == spec.KindString && len(fd.Checks) > 0 {
			set(s.path, `""`)
			set(s.path, `"+1 (650) 555-1234"`)
			if s.val.Type == gjson.String {
				// Blanks around a valid value: checks and patterns must
				// agree on them too.
				for _, v := range []string{" " + s.val.Str, s.val.Str + " "} {
					q, _ := json.Marshal(v)
					set(s.path, string(q))
				}
			}
		}
	}
	return out
}

func escapeKey(k string) string { return join("", k) }

func isDisc(s site) bool {
	// A member named like a discriminator: the mutation is harmless for
	// other members of that name (an undocumented string).
	return s.fd.Name == "type"
}

// knownDisagreements are members whose table pattern is known not to
// match its Go check, with why; their mutants are logged, not failed. An
// entry that no mutant hits any more must be removed.
var knownDisagreements = map[string]string{}

// TestMutantsAgree mutates every valid fixture generically and checks that
// the schema and wamo agree on every mutant: wamo-valid ⇒ schema-valid,
// and an error the schema can express ⇒ schema-invalid.
func TestMutantsAgree(t *testing.T) {
	total, agreed, goOnly := 0, 0, 0
	known := map[string]int{}
	for _, f := range payload.Formats {
		sch := compile(t, f)
		x := newExpressibility(f)
		root := rootOf(f)
		for _, fx := range fixtures.List() {
			if fx.Folder != f.String() {
				continue
			}
			data, err := fixtures.Read(fx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mutants(data, root) {
				total++
				problem, only := verdict(x, sch, f, m.data)
				switch {
				case problem != "" && knownDisagreements[m.field] != "":
					if known[m.field] == 0 {
						t.Logf("known disagreement (%s): %s, %s: %s", knownDisagreements[m.field], fx.Name, m.what, problem)
					}
					known[m.field]++
				case problem != "":
					t.Errorf("%s, %s: %s\n%s", fx.Name, m.what, problem, m.data)
				case only:
					goOnly++
				default:
					agreed++
				}
			}
		}
	}
	t.Logf("%d mutants: %d decided alike by the schema and wamo, %d invalid only by Go rules, %d known disagreements %v", total, agreed, goOnly, len(known), known)
	for name := range knownDisagreements {
		if known[name] == 0 {
			t.Errorf("the known disagreement on %s no longer occurs: remove it from knownDisagreements", name)
		}
	}
	if total < 1000 {
		t.Errorf("only %d mutants", total)
	}
}

// TestNotLinked keeps the JSON Schema validator out of the wamo binary:
// only tests may import it.
func TestNotLinked(t *testing.T) {
	out, err := goList("-deps", "github.com/wamo-dev/wamo/cmd/wamo")
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "santhosh-tekuri") {
			t.Errorf("the wamo binary links %s (only _test.go files may import it)", line)
		}
	}
	for _, pkg := range []string{"pkg/schema", "pkg/gen", "pkg/cmd/schema", "pkg/cmd/gen"} {
		out, err := goList("-f", `{{join .Imports "\n"}}`, "github.com/wamo-dev/wamo/"+pkg)
		if err != nil {
			continue
		}
		if strings.Contains(out, "jsonschema") {
			t.Errorf("%s imports a JSON Schema library outside its tests", pkg)
		}
	}
}

func goList(args ...string) (string, error) {
	return runGo(append([]string{"list"}, args...)...)
}

func runGo(args ...string) (string, error) {
	out, err := exec.Command("go", args...).Output()
	return string(out), err
}
