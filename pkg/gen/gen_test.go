package gen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/schema"
	"github.com/wamo-dev/wamo/pkg/validate"
)

const seeds = 200

// allowedWarnings are the warnings a generated payload may carry: the
// Sinch tables warn about every message type Sinch does not document
// (VIDEO, INTERACTIVE) and about a missing type, which is how the
// documented location and contacts examples look. No other payload may
// draw a warning.
var allowedWarnings = map[string]string{
	"sinch/video":        "sinch.type-undocumented",
	"sinch/button_reply": "sinch.type-undocumented",
	"sinch/list_reply":   "sinch.type-undocumented",
	"sinch/location":     "sinch.type-absent",
	"sinch/contacts":     "sinch.type-absent",
}

func newGen(t testing.TB, opts gen.Options) *gen.Generator {
	t.Helper()
	g, err := gen.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// identities are the identities format f supports, its default first.
func identities(f payload.Format) []gen.Identity {
	g, err := gen.New(gen.Options{Format: f})
	if err != nil {
		panic(err)
	}
	def := g.Identity()
	out := []gen.Identity{def}
	for _, id := range []gen.Identity{gen.IdentityBoth, gen.IdentityPhone, gen.IdentityBSUID} {
		if _, err := gen.New(gen.Options{Format: f, Identity: id}); err == nil && id != def {
			out = append(out, id)
		}
	}
	return out
}

// readBack reads a payload with its format's reader.
func readBack(t *testing.T, f payload.Format, data []byte) *message.Delivery {
	t.Helper()
	root := jsontree.Parse(string(data))
	if !root.IsObject() {
		t.Fatalf("not a JSON object: %s", data)
	}
	var d message.Delivery
	format.Of(f).NewReader().Read(root, &d, message.ReadOptions{})
	return &d
}

func check(t *testing.T, v *validate.Validator, f payload.Format, key string, data []byte) {
	t.Helper()
	if !json.Valid(data) || bytes.ContainsRune(data, '\n') {
		t.Fatalf("%s: not one compact JSON document: %s", key, data)
	}
	if d := payload.Detect(data).Format; d != f {
		t.Fatalf("%s: detected as %s: %s", key, d, data)
	}
	res := v.Validate(&payload.Payload{Source: key, Data: data, Line: 1, Col: 1})
	typ := key[:strings.LastIndexByte(key, '/')] // format/type[/identity]
	for _, fi := range res.Findings {
		switch {
		case fi.Severity == diag.Error:
			t.Errorf("%s: %s at %s: %s\n%s", key, fi.RuleID(), fi.Path, fi.Message, data)
		case fi.Severity == diag.Warning && allowedWarnings[typ] != fi.RuleID():
			t.Errorf("%s: unexpected warning %s at %s: %s\n%s", key, fi.RuleID(), fi.Path, fi.Message, data)
		}
	}
}

// checkContent: the payload reads back as what was asked for, and names
// users as the identity says.
func checkContent(t *testing.T, f payload.Format, typ string, id gen.Identity, data []byte) {
	t.Helper()
	d := readBack(t, f, data)
	n := 0
	party := func(what string, p message.Party) {
		switch {
		case id != gen.IdentityBSUID && p.Phone == "",
			id == gen.IdentityBSUID && p.Phone != "",
			id != gen.IdentityPhone && p.UserID == "",
			id == gen.IdentityPhone && p.UserID != "":
			t.Errorf("%s/%s/%s: %s named %+v\n%s", f, typ, id, what, p, data)
		}
	}
	for _, b := range d.Batches {
		for _, m := range b.Messages {
			n++
			if m.Kind.String() != typ {
				t.Errorf("%s/%s: reads back as a %q message\n%s", f, typ, m.Kind, data)
			}
			party("sender", m.From)
		}
		for _, s := range b.Statuses {
			n++
			if typ != gen.StatusType {
				t.Errorf("%s/%s: reads back as a status\n%s", f, typ, data)
			}
			party("recipient", s.Recipient)
		}
		for _, c := range b.Contacts {
			// (sent receipts carry no username)
			if id == gen.IdentityBSUID && (c.Phone != "" || typ != gen.StatusType && c.Username == "") {
				t.Errorf("%s/%s/%s: contact of a username-only user %+v\n%s", f, typ, id, c, data)
			}
		}
	}
	if n == 0 {
		t.Errorf("%s/%s: reads back as nothing\n%s", f, typ, data)
	}
}

// TestEveryTypeValid: for 200 seeds, every type of every format passes
// wamo validate without errors (and without warnings but the allowed
// ones), reads back as the kind asked for, and holds no value the writer
// had to invent — in every identity the format supports (fewer seeds for
// the non-default ones).
func TestEveryTypeValid(t *testing.T) {
	n := 0
	for _, f := range payload.Formats {
		v := validate.New(validate.Options{})
		for i, id := range identities(f) {
			for _, typ := range gen.Types(f) {
				key := f.String() + "/" + typ + "/" + id.String()
				count := uint64(seeds)
				if i > 0 {
					count /= 4
				}
				for seed := range count {
					g := newGen(t, gen.Options{Format: f, Types: []string{typ}, Seed: seed, Identity: id})
					for range 2 {
						p := g.Next()
						check(t, v, f, key, p)
						checkContent(t, f, typ, id, p)
						n++
					}
					if d := gen.Defaults(g); d != 0 {
						t.Errorf("%s seed %d: the writer invented %d values", key, seed, d)
					}
					if t.Failed() {
						t.FailNow()
					}
				}
			}
		}
	}
	t.Logf("%d payloads valid", n)
}

// TestMixedAndBatches: all types drawn together, and batches of several
// items, stay valid; a batch carries exactly the items asked for.
func TestMixedAndBatches(t *testing.T) {
	v := validate.New(validate.Options{})
	for _, f := range payload.Formats {
		for seed := range uint64(seeds) {
			batch := int(seed % 7) // 0: the generator decides
			g := newGen(t, gen.Options{Format: f, Seed: seed, Batch: batch})
			for range 5 {
				b := g.Next()
				res := v.Validate(&payload.Payload{Data: b, Line: 1, Col: 1})
				if !res.Valid() {
					t.Fatalf("%s seed %d: invalid: %v\n%s", f, seed, res.Findings, b)
				}
				items := 0
				for _, bt := range readBack(t, f, b).Batches {
					items += len(bt.Messages) + len(bt.Statuses)
				}
				if !gen.Batches(f) {
					if items != 1 {
						t.Fatalf("%s: %d items, want one per payload\n%s", f, items, b)
					}
					continue
				}
				if batch > 0 && items != batch || batch == 0 && (items < 1 || items > 2) {
					t.Fatalf("%s batch %d: %d items\n%s", f, batch, items, b)
				}
			}
		}
	}
}

func TestDeterminism(t *testing.T) {
	for _, f := range payload.Formats {
		run := func(seed uint64) []byte {
			g := newGen(t, gen.Options{Format: f, Seed: seed, Batch: 1})
			var out []byte
			for range 50 {
				out = append(append(out, g.Next()...), '\n')
			}
			return out
		}
		a, b := run(42), run(42)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: seed 42 gave different output on two runs", f)
		}
		if bytes.Equal(a, run(43)) {
			t.Errorf("%s: seeds 42 and 43 gave the same output", f)
		}
		// Single payloads of neighbouring seeds differ too.
		seen := map[string]uint64{}
		for seed := range uint64(seeds) {
			p := string(newGen(t, gen.Options{Format: f, Seed: seed}).Next())
			if prev, ok := seen[p]; ok {
				t.Errorf("%s: seeds %d and %d gave the same first payload", f, prev, seed)
			}
			seen[p] = seed
		}
	}
}

// TestGolden pins the output of one seed, so that a change in the
// generated bytes (or a dependence on map order) is seen in review: one
// file per format in its default identity, and one per other identity.
func TestGolden(t *testing.T) {
	for _, f := range payload.Formats {
		for i, id := range identities(f) {
			g := newGen(t, gen.Options{Format: f, Seed: 1, Identity: id})
			var buf bytes.Buffer
			for range 12 {
				buf.Write(g.Next())
				buf.WriteByte('\n')
			}
			name := "seed1-" + f.String()
			if i > 0 {
				name += "-" + id.String()
			}
			golden.Assert(t, filepath.Join("testdata", name+".ndjson"), buf.Bytes())
		}
	}
}

func TestTimestampsIncrease(t *testing.T) {
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	g := newGen(t, gen.Options{Format: payload.WhatsApp, Types: []string{"text"}, Seed: 7, Now: base})
	last := base.Unix()
	for range 100 {
		var n struct {
			Messages []struct {
				Timestamp string `json:"timestamp"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(g.Next(), &n); err != nil {
			t.Fatal(err)
		}
		var ts int64
		fmt.Sscan(n.Messages[0].Timestamp, &ts)
		if ts < last {
			t.Fatalf("timestamp %d before %d", ts, last)
		}
		last = ts
	}
	if last <= base.Unix() || last > base.Add(2*time.Hour).Unix() {
		t.Errorf("100 messages span %v", time.Unix(last, 0).Sub(base))
	}
}

func TestOptionsErrors(t *testing.T) {
	_, err := gen.New(gen.Options{Format: payload.WhatsApp, Types: []string{"text", "request_welcome"}})
	if err == nil || !strings.Contains(err.Error(), `"request_welcome"`) || !strings.Contains(err.Error(), "nfm_reply") {
		t.Errorf("whatsapp request_welcome: %v (want an error listing the valid types)", err)
	}
	if _, err := gen.New(gen.Options{Format: payload.Unknown}); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := gen.New(gen.Options{Format: payload.Cloud, Batch: -1}); err == nil {
		t.Error("negative batch accepted")
	}
	for _, id := range []gen.Identity{gen.IdentityBoth, gen.IdentityBSUID} {
		if _, err := gen.New(gen.Options{Format: payload.Sinch, Identity: id}); err == nil || !strings.Contains(err.Error(), id.String()) {
			t.Errorf("sinch with identity %s: %v", id, err)
		}
	}
	g, err := gen.New(gen.Options{Format: payload.Sinch, Types: []string{" TEXT", "image", "text", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(g.TypeNames(), ","); got != "text,image" {
		t.Errorf("types normalised to %q", got)
	}
	if g.Identity() != gen.IdentityPhone {
		t.Errorf("sinch identity %s, want phone", g.Identity())
	}
	if g := newGen(t, gen.Options{Format: payload.Cloud}); g.Identity() != gen.IdentityBoth {
		t.Errorf("cloud identity %s, want both", g.Identity())
	}
	for _, f := range payload.Formats {
		if len(gen.Types(f)) == 0 {
			t.Errorf("%s: no types", f)
		}
	}
	if gen.Types(payload.Unknown) != nil {
		t.Error("types for unknown format")
	}
	for in, want := range map[string]gen.Identity{"": gen.IdentityDefault, "Both": gen.IdentityBoth, "phone": gen.IdentityPhone, " bsuid": gen.IdentityBSUID} {
		if got, err := gen.ParseIdentity(in); err != nil || got != want {
			t.Errorf("ParseIdentity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := gen.ParseIdentity("username"); err == nil || !strings.Contains(err.Error(), "both, phone, bsuid") {
		t.Errorf("ParseIdentity(username): %v", err)
	}
}

// TestAliases: the type names of earlier versions stand for the model's
// kinds the format has.
func TestAliases(t *testing.T) {
	// interactive stands for the format's interactive kinds, whatever the
	// model has (a kind added to the model and a writer joins it); these
	// at least.
	interactive := func(f payload.Format, atLeast string) string {
		var names []string
		for _, n := range gen.Types(f) {
			if k, ok := message.ParseKind(n); ok && k.IsInteractive() {
				names = append(names, n)
			}
		}
		if got := strings.Join(names, ","); !strings.HasPrefix(got, atLeast) {
			t.Errorf("%s: interactive kinds %s, want at least %s", f, got, atLeast)
		}
		return strings.Join(names, ",")
	}
	for _, tc := range []struct {
		f     payload.Format
		types []string
		want  string
	}{
		{payload.Sinch, []string{"interactive"}, interactive(payload.Sinch, "button_reply,list_reply")},
		{payload.WhatsApp, []string{"interactive", "unknown"}, interactive(payload.WhatsApp, "button_reply,list_reply,nfm_reply") + ",unsupported"},
		{payload.Cloud, []string{"Interactive", "button_reply"}, interactive(payload.Cloud, "button_reply,list_reply,nfm_reply,call_permission_reply")},
		{payload.Cloud, []string{"unknown", "unsupported"}, "unsupported"},
	} {
		g := newGen(t, gen.Options{Format: tc.f, Types: tc.types})
		if got := strings.Join(g.TypeNames(), ","); got != tc.want {
			t.Errorf("%s %v: %s, want %s", tc.f, tc.types, got, tc.want)
		}
	}
	if _, err := gen.New(gen.Options{Format: payload.Sinch, Types: []string{"unknown"}}); err == nil {
		t.Error("sinch accepted unknown (it has no unsupported messages)")
	}
}

// TestTypesCoverFixtures: the types are found by probing the writers, not
// listed by hand; every kind and state the format's own fixtures hold is
// among them.
func TestTypesCoverFixtures(t *testing.T) {
	for _, f := range payload.Formats {
		types := gen.Types(f)
		for _, fx := range payloadtest.Fixtures(t, payloadtest.In(f)) {
			for _, b := range readBack(t, f, fx.Data).Batches {
				for _, m := range b.Messages {
					if m.Kind != message.KindOther && !slices.Contains(types, m.Kind.String()) {
						t.Errorf("%s: fixture %s holds a %s message, gen has no such type (%v)", f, fx.Name, m.Kind, types)
					}
				}
				if len(b.Statuses) > 0 && !slices.Contains(types, gen.StatusType) {
					t.Errorf("%s: fixture %s holds statuses, gen has none", f, fx.Name)
				}
			}
		}
	}
}

// TestSchemaAccepts ties the generator to the exported JSON Schema: every
// generated payload passes it too.
func TestSchemaAccepts(t *testing.T) {
	for _, f := range payload.Formats {
		b, err := schema.Export(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(schema.ID(f), doc); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(schema.ID(f))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range identities(f) {
			for _, typ := range gen.Types(f) {
				for seed := range uint64(seeds / 4) {
					g := newGen(t, gen.Options{Format: f, Types: []string{typ}, Seed: seed, Batch: int(seed % 3), Identity: id})
					p := g.Next()
					inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(p))
					if err != nil {
						t.Fatal(err)
					}
					if err := sch.Validate(inst); err != nil {
						t.Fatalf("%s/%s/%s seed %d: rejected by the exported schema: %v\n%s", f, typ, id, seed, err, p)
					}
				}
			}
		}
	}
}

func BenchmarkGen(b *testing.B) {
	for _, f := range payload.Formats {
		b.Run(f.String(), func(b *testing.B) {
			g := newGen(b, gen.Options{Format: f, Seed: 1})
			var n int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				n += int64(len(g.Next()))
			}
			b.SetBytes(n / int64(max(b.N, 1)))
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "payloads/s")
		})
	}
}

// TestConvertKeepsUserIDs: business-scoped user ids, usernames and parent
// ids survive `wamo convert`: cloud → cloud gives the payload back, and
// cloud → whatsapp → cloud with --keep-extras restores them (On-Premises
// has no user ids, so they travel in the extras).
func TestConvertKeepsUserIDs(t *testing.T) {
	for _, id := range []gen.Identity{gen.IdentityBoth, gen.IdentityBSUID} {
		withIDs := 0
		for seed := range uint64(seeds / 4) {
			g := newGen(t, gen.Options{Format: payload.Cloud, Seed: seed, Identity: id})
			for range 3 {
				p := g.Next()
				if bytes.Contains(p, []byte(`user_id"`)) {
					withIDs++
				}
				same, err := convert.Convert(p, convert.Options{To: payload.Cloud})
				if err != nil || same.Lossy() || !jsontree.Equal(jsontree.Parse(string(same.Output)), jsontree.Parse(string(p))) {
					t.Fatalf("%s seed %d: cloud → cloud changed the payload (%v, losses %v)\n%s\n%s", id, seed, err, same.Losses, p, same.Output)
				}
				there, err := convert.Convert(p, convert.Options{To: payload.WhatsApp, KeepExtras: true})
				if err != nil {
					t.Fatal(err)
				}
				if there.Output == nil {
					continue // a kind On-Premises lacks (request_welcome, edit…): nothing to carry extras
				}
				back, err := convert.Convert(there.Output, convert.Options{To: payload.Cloud, KeepExtras: true})
				if err != nil {
					t.Fatal(err)
				}
				if !jsontree.Equal(jsontree.Parse(string(back.Output)), jsontree.Parse(string(p))) {
					t.Fatalf("%s seed %d: cloud → whatsapp → cloud with --keep-extras differs\n%s\n%s\n%s", id, seed, p, there.Output, back.Output)
				}
			}
		}
		if withIDs < seeds/4 {
			t.Errorf("%s: only %d payloads carried user ids", id, withIDs)
		}
	}
}
