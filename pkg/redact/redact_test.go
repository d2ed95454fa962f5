package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/spec"
	"github.com/wamo-dev/wamo/pkg/validate"
)

func check(b []byte) validate.Result {
	return validate.New(validate.Options{}).Validate(&payload.Payload{Source: "x", Data: b, Line: 1, Col: 1})
}

// leaf is one scalar of a document, with its gjson path.
type leaf struct {
	path string
	v    gjson.Result
}

func leaves(doc string) []leaf {
	var out []leaf
	var walk func(v gjson.Result, path string)
	walk = func(v gjson.Result, path string) {
		switch {
		case v.IsObject():
			v.ForEach(func(k, c gjson.Result) bool {
				walk(c, join(path, gjson.Escape(k.Str)))
				return true
			})
		case v.IsArray():
			i := 0
			v.ForEach(func(_, c gjson.Result) bool {
				walk(c, join(path, strconv.Itoa(i)))
				i++
				return true
			})
		default:
			out = append(out, leaf{path, v})
		}
	}
	walk(gjson.Parse(doc), "")
	return out
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// secret is a value the tables say identifies a person.
type secret struct {
	path  string
	role  spec.Role
	value string
}

// secrets lists the values of doc (of format f) whose role identifies a
// person, and the business's own values.
func secrets(t testing.TB, doc []byte, f payload.Format) (out []secret, business map[string]bool) {
	t.Helper()
	var tape jsontree.Tape
	if !tape.Parse(string(doc)) {
		t.Fatal("not JSON")
	}
	business = map[string]bool{}
	spec.WalkRoles(tape.Root(), format.Of(f).Schema(), func(l *spec.Leaf) {
		v := l.Value.Str()
		if !l.Value.IsString() {
			v = l.Value.Raw()
		}
		if l.Party() == spec.PartyBusiness && !l.Shadowed {
			business[v] = true
			return
		}
		switch l.Role() {
		case spec.RolePhone, spec.RoleUserID, spec.RoleName, spec.RoleUsername, spec.RoleEmail,
			spec.RoleMessageID, spec.RoleID, spec.RoleAddress, spec.RolePicture:
			if l.Doc == nil && !l.Shadowed {
				out = append(out, secret{l.Path(), l.Role(), v})
			}
		}
	})
	return out, business
}

func digitCount(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// TestFixtures redacts every fixture, with and without --redact text, and
// checks that the output is valid JSON that validates no worse, keeps the
// layout, keeps phone digit counts, no longer holds any value the tables
// give an identifying role, and is the same every time; and that what is
// not a payload of a known format is refused.
func TestFixtures(t *testing.T) {
	seen := map[payload.Format]int{} // values checked, by format
	defer func() {
		for _, f := range payload.Formats {
			if seen[f] < 20 {
				t.Errorf("%s: only %d identifying values checked", f, seen[f])
			}
		}
	}()
	for _, fx := range payloadtest.Fixtures(t, nil) {
		name, in := fx.Name, fx.Data
		for _, text := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/text=%v", name, text), func(t *testing.T) {
				r := New(Options{Text: text})
				out, err := r.Redact(in)
				syntaxOK := payload.CheckSyntax(&payload.Payload{Data: in, Line: 1, Col: 1}) == nil
				if !syntaxOK {
					var se *payload.SyntaxError
					if !errors.As(err, &se) || out != nil {
						t.Fatalf("error %T %v, want *payload.SyntaxError", err, err)
					}
					return
				}
				f := payload.Detect(in).Format
				if format.Of(f) == nil {
					var ue *UnrecognisedError
					if !errors.As(err, &ue) || out != nil {
						t.Fatalf("unrecognised payload: error %v, output %q", err, out)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !json.Valid(out) {
					t.Fatalf("output is not JSON:\n%s", out)
				}
				again, _ := r.Redact(in)
				other, _ := New(Options{Text: text}).Redact(in)
				if !bytes.Equal(out, again) || !bytes.Equal(out, other) {
					t.Fatal("output differs between calls or redactors")
				}
				if bytes.Count(out, []byte("\n")) != bytes.Count(in, []byte("\n")) {
					t.Error("line count changed")
				}

				before, after := check(in), check(out)
				if before.Valid() && !after.Valid() || after.Errors > before.Errors ||
					after.Warnings > before.Warnings || after.Unusable != before.Unusable || after.Format != before.Format {
					t.Errorf("validation got worse: %d errors %d warnings → %d errors %d warnings", before.Errors, before.Warnings, after.Errors, after.Warnings)
					for _, f := range after.Findings {
						t.Logf("after: %d:%d %s %s (path %s)", f.Line, f.Col, f.RuleID(), f.Message, f.Path)
					}
					t.Logf("%s", out)
				}

				doc := string(out)
				for _, l := range leaves(string(in)) {
					got := gjson.Get(doc, l.path)
					if !got.Exists() {
						t.Errorf("%s vanished", l.path)
					} else if l.v.Type != got.Type {
						t.Errorf("%s: type %v → %v", l.path, l.v.Type, got.Type)
					}
				}
				ss, business := secrets(t, in, f)
				seen[f] += len(ss)
				for _, sc := range ss {
					got := gjson.Get(doc, sc.path).String()
					if sc.role == spec.RolePhone && digitCount(sc.value) != digitCount(got) {
						t.Errorf("%s: %q → %q changes the digit count", sc.path, sc.value, got)
					}
					if business[sc.value] || utf8.RuneCountInString(sc.value) < 3 {
						continue
					}
					if got == sc.value {
						t.Errorf("%s (%s): %q kept", sc.path, sc.role, sc.value)
					}
					if strings.Contains(doc, sc.value) || strings.Contains(doc, strings.Trim(strconv.Quote(sc.value), `"`)) {
						t.Errorf("%s (%s): %q still appears in the output", sc.path, sc.role, sc.value)
					}
				}
			})
		}
	}
}

// TestPhoneCollisions checks that different numbers get different
// pseudonyms, that the digit count and the first two digits are kept, and
// that the pseudonym never equals the number.
func TestPhoneCollisions(t *testing.T) {
	r := New(Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]string{}
	collisions := 0
	const n = 5000
	for len(seen) < n {
		l := 10 + rng.IntN(4)
		b := make([]byte, l)
		b[0] = byte('1' + rng.IntN(9))
		for i := 1; i < l; i++ {
			b[i] = byte('0' + rng.IntN(10))
		}
		num := string(b)
		if _, dup := seen[num]; dup {
			continue
		}
		p := r.phone(num)
		if len(p) != len(num) || p[:2] != num[:2] || p == num || digitCount(p) != len(p) {
			t.Fatalf("%s → %s", num, p)
		}
		if r.phone(num) != p {
			t.Fatalf("%s: unstable", num)
		}
		for o, q := range seen {
			if q == p && o != num {
				collisions++
			}
		}
		seen[num] = p
	}
	if collisions > 0 {
		t.Errorf("%d collisions among %d numbers", collisions, n)
	}
}

func TestKeyMatters(t *testing.T) {
	in := []byte(`{"messages":[{"from":"16505551234","id":"wamid.ABC123","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}`)
	a, _ := New(Options{}).Redact(in)
	b, _ := New(Options{Key: []byte(DefaultKey)}).Redact(in)
	c, _ := New(Options{Key: []byte("secret")}).Redact(in)
	if !bytes.Equal(a, b) {
		t.Error("the default key is not DefaultKey")
	}
	if bytes.Equal(a, c) {
		t.Error("the key does not change the pseudonyms")
	}
}

// TestLinks checks that references stay linked across fields and payloads.
func TestLinks(t *testing.T) {
	r := New(Options{})
	msg := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550100222","phone_number_id":"2"},
"contacts":[{"profile":{"name":"Ana Souza"},"wa_id":"5511987650001"}],
"messages":[{"from":"5511987650001","id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","timestamp":"1767628986","type":"image",
 "context":{"from":"15550100222","id":"wamid.OUTBOUND1234"},
 "image":{"id":"1531550458807438","mime_type":"image/jpeg","url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1531550458807438&ext=1767628986","caption":"Ana Souza here, +55 11 98765-0001, ana@example.org"}}]}}]}]}`
	reaction := `{"messages":[{"from":"5511987650001","id":"X1","timestamp":"1767628990","type":"reaction","reaction":{"message_id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","emoji":"👍"}},
{"from":"5511987650002","id":"X2","timestamp":"1767628990","type":"text","context":{"from":"5511987650001","id":"wamid.OUTBOUND1234"},"text":{"body":"x"}}]}`
	a, err := r.Redact([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Redact([]byte(reaction))
	ga := func(p string) string { return gjson.GetBytes(a, p).String() }
	gb := func(p string) string { return gjson.GetBytes(b, p).String() }
	v := "entry.0.changes.0.value."
	if ga(v+"messages.0.id") != gb("messages.0.reaction.message_id") {
		t.Error("reaction.message_id no longer names the message")
	}
	if ga(v+"messages.0.context.id") != gb("messages.1.context.id") {
		t.Error("context.id differs between payloads")
	}
	if ga(v+"messages.0.from") != gb("messages.0.from") || ga(v+"messages.0.from") != gb("messages.1.context.from") {
		t.Error("the same number got different pseudonyms")
	}
	if ga(v+"contacts.0.wa_id") != ga(v+"messages.0.from") {
		t.Error("wa_id and from differ")
	}
	if ga(v+"messages.0.context.from") != "15550100222" {
		t.Error("context.from that is the business number was changed")
	}
	if !strings.HasPrefix(ga(v+"messages.0.id"), "wamid.") {
		t.Error("wamid. prefix lost")
	}
	url := ga(v + "messages.0.image.url")
	if !strings.Contains(url, "mid="+ga(v+"messages.0.image.id")+"&") || !strings.HasPrefix(url, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=") {
		t.Errorf("media url %q does not repeat the redacted id", url)
	}
	caption := ga(v + "messages.0.image.caption")
	name := ga(v + "contacts.0.profile.name")
	from := ga(v + "messages.0.from")
	want := name + " here, +" + from[:2] + " " + from[2:4] + " " + from[4:9] + "-" + from[9:] + ", user-"
	if !strings.HasPrefix(caption, want) || !strings.HasSuffix(caption, "@example.com") {
		t.Errorf("caption %q, want %q…@example.com", caption, want)
	}
}

func TestTextPlaceholders(t *testing.T) {
	in := `{"messages":[{"from":"16505551234","id":"A1","timestamp":"1700000000","type":"text","text":{"body":"Olá, João! Pedido 4821 às 17h — ligue +1 650 555 1234 😀\nok"}}]}`
	out, err := New(Options{Text: true}).Redact([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	body := gjson.GetBytes(out, "messages.0.text.body").String()
	orig := gjson.Get(in, "messages.0.text.body").String()
	if utf8.RuneCountInString(body) != utf8.RuneCountInString(orig) {
		t.Errorf("%q → %q changes the length", orig, body)
	}
	for _, w := range []string{"Olá", "João", "Pedido", "4821", "ligue", "555 1234"} {
		if strings.Contains(body, w) {
			t.Errorf("%q kept %q", body, w)
		}
	}
	for _, w := range []string{"😀", "\n", " — ", ", "} {
		if !strings.Contains(body, w) {
			t.Errorf("%q lost %q", body, w)
		}
	}
	from := gjson.GetBytes(out, "messages.0.from").String()
	if !strings.Contains(body, "+1 "+from[1:4]+" "+from[4:7]+" "+from[7:]) {
		t.Errorf("%q: the number in the text does not match from %s", body, from)
	}
}

func TestNumbersAndCoordinates(t *testing.T) {
	native := `{"messages":[{"from":16505551234,"id":"A1","timestamp":"1700000000","type":"location","location":{"latitude":-22.894180,"longitude":-47.0479,"name":"Casa"}}]}`
	sinch := `{"total":1,"data":[{"id":"x","source":"5511987650001","origin":"5511900000000","message":{"location":{"geoPoint":"-22.894180, -47.047960"}}}]}`
	for in, want := range map[string]map[string]string{
		native: {"messages.0.location.latitude": "-22.890000", "messages.0.location.longitude": "-47.0400"},
		sinch:  {"data.0.message.location.geoPoint": `"-22.890000, -47.040000"`},
	} {
		out, err := New(Options{}).Redact([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out) {
			t.Fatalf("%s", out)
		}
		for p, want := range want {
			if got := gjson.GetBytes(out, p).Raw; got != want {
				t.Errorf("%s = %s, want %s", p, got, want)
			}
		}
	}
	out, _ := New(Options{}).Redact([]byte(native))
	from := gjson.GetBytes(out, "messages.0.from")
	if from.Type != gjson.Number || len(from.Raw) != 11 || from.Raw == "16505551234" {
		t.Errorf("numeric from → %s", from.Raw)
	}
}

func TestNotJSON(t *testing.T) {
	for _, in := range []string{"", "{", `{"a":1,}`, "\xff", `{"a":"\xff"}`} {
		if _, err := New(Options{}).Redact([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestScrub(t *testing.T) {
	r := New(Options{})
	var k known
	k.addPhone(r, "5511987650001")
	k.addName(r, "Ana Souza")
	for _, c := range []struct{ in, keep string }{
		{"mail ana.souza+x@mail.example.org.", "mail user-"},
		{"call 5511987650001 or +55 (11) 98765-0001", "call 55"},
		{"order 12345678 stays", "order 12345678 stays"},
		{"Ana and Souza, not Anabel", " and "},
		{"abc5511987650001 stays", "abc5511987650001 stays"},
	} {
		got := r.scrub(c.in, &k, nil, false)
		if !strings.Contains(got, c.keep) {
			t.Errorf("scrub(%q) = %q, want it to contain %q", c.in, got, c.keep)
		}
		for _, bad := range []string{"ana.souza", "98765", "Ana ", "Souza"} {
			if strings.Contains(got, bad) && strings.Contains(c.in, bad) && !strings.Contains(c.keep, bad) {
				t.Errorf("scrub(%q) = %q kept %q", c.in, got, bad)
			}
		}
	}
	if got := r.scrub("Anabel", &k, nil, false); got != "Anabel" {
		t.Errorf("a known name inside a longer word was replaced: %q", got)
	}
	if got := r.scrub("call 16505551234", &k, nil, true); strings.Contains(got, "16505551234") {
		t.Errorf("allPhones kept an unknown number: %q", got)
	}
}

func BenchmarkRedact(b *testing.B) {
	data, err := fixtures.Read(fixtures.Fixture{Path: "cloud/contacts.json"})
	if err != nil {
		b.Fatal(err)
	}
	r := New(Options{})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := r.Redact(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedactFixtures redacts every valid fixture of the four formats
// (go test ./pkg/redact -run '^$' -bench RedactFixtures).
func BenchmarkRedactFixtures(b *testing.B) {
	var docs [][]byte
	total := 0
	for _, fx := range payloadtest.Fixtures(b, payloadtest.Valid) {
		docs, total = append(docs, fx.Data), total+len(fx.Data)
	}
	r := New(Options{})
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, d := range docs {
			if _, err := r.Redact(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
