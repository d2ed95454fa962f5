package spec_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// seen is one value WalkRoles visited.
type seen struct {
	path, key, value string
	role             spec.Role
	party            spec.Party
	described        bool
	shadowed         bool
	doc              int
	inner            bool
}

func walkRoles(t testing.TB, doc string, o *spec.Object, undescribed bool) []seen {
	t.Helper()
	var tape jsontree.Tape
	if !tape.Parse(doc) {
		t.Fatalf("not JSON: %s", doc)
	}
	var out []seen
	w := spec.RoleWalker{Undescribed: undescribed}
	w.Walk(tape.Root(), o, func(l *spec.Leaf) {
		s := seen{path: l.Path(), key: l.Key, value: l.Value.Raw(), role: l.Role(), party: l.Party(),
			described: l.Field != nil, shadowed: l.Shadowed, inner: l.Inner != nil}
		if l.Doc != nil {
			s.doc = l.Doc.Index
		}
		out = append(out, s)
	})
	return out
}

func schemaOf(t testing.TB, doc string) *spec.Object {
	t.Helper()
	ft := format.Of(payload.DetectString(doc).Format)
	if ft == nil {
		t.Fatalf("format not recognised: %s", doc)
	}
	return ft.Schema()
}

// find returns the values visited at path in the payload itself.
func find(vs []seen, path string) []seen {
	var out []seen
	for _, v := range vs {
		if v.path == path && v.doc == 0 {
			out = append(out, v)
		}
	}
	return out
}

// TestRolesPerFormat: one value of every role, in the formats that have
// it, is visited with that role and party.
func TestRolesPerFormat(t *testing.T) {
	cloud := "entry.0.changes.0.value."
	cases := []struct {
		fixture, path string
		role          spec.Role
		party         spec.Party
	}{
		{"cloud/text-reply", cloud + "messages.0.from", spec.RolePhone, spec.PartyPerson},
		{"cloud/text-reply", cloud + "metadata.display_phone_number", spec.RolePhone, spec.PartyBusiness},
		{"cloud/text-reply", cloud + "metadata.phone_number_id", spec.RoleID, spec.PartyBusiness},
		{"cloud/text-reply", "entry.0.id", spec.RoleID, spec.PartyBusiness},
		{"cloud/text-reply", cloud + "messages.0.context.from", spec.RolePhone, spec.PartyEither},
		{"cloud/text-reply", cloud + "messages.0.context.id", spec.RoleID, spec.PartyPerson},
		{"cloud/text-reply", cloud + "messages.0.id", spec.RoleMessageID, spec.PartyPerson},
		{"cloud/text-reply", cloud + "messages.0.timestamp", spec.RoleTime, spec.PartyPerson},
		{"cloud/text-reply", cloud + "messages.0.text.body", spec.RoleText, spec.PartyPerson},
		{"cloud/text-reply", cloud + "messages.0.type", spec.NoRole, spec.PartyPerson},
		{"cloud/text-reply", cloud + "contacts.0.profile.name", spec.RoleName, spec.PartyPerson},
		{"cloud/text-bsuid", cloud + "contacts.0.user_id", spec.RoleUserID, spec.PartyPerson},
		{"cloud/image", cloud + "messages.0.image.url", spec.RoleMediaURL, spec.PartyPerson},
		{"cloud/image", cloud + "messages.0.image.id", spec.RoleID, spec.PartyPerson},
		{"cloud/document", cloud + "messages.0.document.filename", spec.RoleFileName, spec.PartyPerson},
		{"cloud/location", cloud + "messages.0.location.latitude", spec.RoleCoordinate, spec.PartyPerson},
		{"cloud/status-failed", cloud + "statuses.0.errors.0.title", spec.RoleDetail, spec.PartyPerson},
		{"cloud/status-read", cloud + "statuses.0.id", spec.RoleMessageID, spec.PartyPerson},
		{"cloud/status-read", cloud + "statuses.0.recipient_id", spec.RolePhone, spec.PartyPerson},
		{"whatsapp/contacts", "messages.0.contacts.0.emails.0.email", spec.RoleEmail, spec.PartyPerson},
		{"whatsapp/contacts", "messages.0.contacts.0.addresses.0.street", spec.RoleAddress, spec.PartyPerson},
		{"whatsapp/contacts", "messages.0.contacts.0.addresses.0.city", spec.NoRole, spec.PartyPerson},
		{"whatsapp/contacts", "messages.0.contacts.0.birthday", spec.RoleBirthday, spec.PartyPerson},
		{"whatsapp/contacts", "messages.0.contacts.0.urls.0.url", spec.RoleLink, spec.PartyPerson},
		{"whatsapp/text-mentions", "messages.0.context.mentions.0", spec.RolePhone, spec.PartyPerson},
		{"whatsapp/image", "messages.0.image.file", spec.RoleFilePath, spec.PartyPerson},
		{"sinch/text", "data.0.source", spec.RolePhone, spec.PartyPerson},
		{"sinch/text", "data.0.origin", spec.RolePhone, spec.PartyBusiness},
		{"sinch/text", "data.0.id", spec.RoleMessageID, spec.PartyPerson},
		{"sinch/text", "data.0.receivedAt", spec.RoleTime, spec.PartyPerson},
		{"sinch/text", "data.0.receivedDate", spec.RoleTime, spec.PartyPerson},
		{"sinch/text", "data.0.message.messageText", spec.RoleText, spec.PartyPerson},
		{"sinch/location", "data.0.message.location.geoPoint", spec.RoleGeoPoint, spec.PartyPerson},
		{"sinch/status-read", "data.0.destination", spec.RolePhone, spec.PartyPerson},
		{"sinch/status-read", "data.0.readAt", spec.RoleTime, spec.PartyPerson},
		{"conversation/text", "message.channel_identity.identity", spec.RolePhone, spec.PartyPerson},
		{"conversation/text", "message.sender_id", spec.RolePhone, spec.PartyBusiness},
		{"conversation/text", "app_id", spec.RoleID, spec.PartyBusiness},
		{"conversation/text", "message.id", spec.RoleMessageID, spec.PartyPerson},
		{"conversation/text", "message.contact_id", spec.RoleID, spec.PartyPerson},
		{"conversation/text", "accepted_time", spec.RoleTime, spec.PartyPerson},
		{"conversation/text", "message.contact_message.text_message.text", spec.RoleText, spec.PartyPerson},
		{"conversation/delivered", "message_delivery_report.message_id", spec.RoleMessageID, spec.PartyPerson},
		{"conversation/contact-info", "message.contact_message.contact_info_message.email_addresses.0.email_address", spec.RoleEmail, spec.PartyPerson},
		{"conversation/image", "message.contact_message.media_message.url", spec.RoleMediaURL, spec.PartyPerson},
	}
	covered := map[spec.Role]bool{}
	for _, c := range cases {
		fx, err := fixtures.Lookup(c.fixture)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fixtures.Read(fx)
		got := find(walkRoles(t, string(b), schemaOf(t, string(b)), false), c.path)
		if len(got) != 1 {
			t.Errorf("%s %s: visited %d times", c.fixture, c.path, len(got))
			continue
		}
		if got[0].role != c.role || got[0].party != c.party || !got[0].described {
			t.Errorf("%s %s: role %s (%s), want %s (%s)", c.fixture, c.path, got[0].role, got[0].party, c.role, c.party)
		}
		covered[c.role] = true
	}
	for _, r := range spec.Roles() {
		if !covered[r] && r != spec.RoleUsername && r != spec.RolePicture {
			t.Errorf("no case for role %s", r)
		}
	}
}

// TestWalkRolesVisitsEveryScalar: every scalar of every fixture is
// visited once, in document order, at its path.
func TestWalkRolesVisitsEveryScalar(t *testing.T) {
	for _, fx := range fixtures.List() {
		b, _ := fixtures.Read(fx)
		doc := string(b)
		if !gjson.Valid(doc) || payload.DetectString(doc).Format == payload.Unknown {
			continue
		}
		vs := walkRoles(t, doc, schemaOf(t, doc), false)
		var want []string
		var scalars func(v gjson.Result, path string)
		scalars = func(v gjson.Result, path string) {
			join := func(k string) string {
				if path == "" {
					return k
				}
				return path + "." + k
			}
			switch {
			case v.IsObject():
				v.ForEach(func(k, x gjson.Result) bool { scalars(x, join(gjson.Escape(k.Str))); return true })
			case v.IsArray():
				i := 0
				v.ForEach(func(_, x gjson.Result) bool { scalars(x, join(fmt.Sprint(i))); i++; return true })
			default:
				want = append(want, path+"="+v.Raw)
			}
		}
		scalars(gjson.Parse(doc), "")
		var got []string
		for _, v := range vs {
			if v.doc == 0 {
				got = append(got, v.path+"="+v.value)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: visited\n%s\nwant\n%s", fx.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestWalkRolesFollows: duplicate keys, shapes, discriminator bodies of
// another case, members that do not apply (When), embedded JSON, and
// values of another shape than declared.
func TestWalkRolesFollows(t *testing.T) {
	type want struct {
		path      string
		n         int // visits at path (0: 1)
		role      spec.Role
		described bool
		shadowed  []bool // per visit, when set
	}
	cases := []struct {
		name, doc   string
		undescribed bool
		wants       []want
	}{
		{"last of two keys read, both visited", `{"messages":[{"from":"111","from":"222","type":"text"}]}`, false, []want{
			{path: "messages.0.from", n: 2, role: spec.RolePhone, described: true, shadowed: []bool{true, false}}}},
		{"a shadowed object shadows what it holds", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"display_phone_number":"111"},"metadata":{"display_phone_number":"222"}}}]}]}`, false, []want{
			{path: "entry.0.changes.0.value.metadata.display_phone_number", n: 2, role: spec.RolePhone, described: true, shadowed: []bool{true, false}}}},
		{"shape by key: a Sinch status", `{"total":1,"data":[{"id":"x","destination":"5511","sentAt":1718812801120}]}`, false, []want{
			{path: "data.0.destination", role: spec.RolePhone, described: true},
			{path: "data.0.sentAt", role: spec.RoleTime, described: true}}},
		{"the body of another case is still described", `{"messages":[{"type":"text","image":{"caption":"hi"}}]}`, false, []want{
			{path: "messages.0.image.caption", role: spec.RoleText, described: true}}},
		{"a change that is not messages: nothing describes its value", `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"111"}]},"field":"account_update"}]}]}`, false, []want{
			{path: "entry.0.changes.0.value.messages.0.from", role: spec.NoRole}}},
		{"a messages change", `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"111"}]},"field":"messages"}]}]}`, false, []want{
			{path: "entry.0.changes.0.value.messages.0.from", role: spec.RolePhone, described: true}}},
		{"an object where a phone number was expected holds phone numbers", `{"messages":[{"from":{"a":["111"]}}]}`, false, []want{
			{path: "messages.0.from.a.0", role: spec.RolePhone, described: true}}},
		{"a string where an object was expected is not described", `{"contacts":[{"profile":"Ana"}]}`, false, []want{
			{path: "contacts.0.profile", role: spec.NoRole}}},
		{"undeclared members are not described", `{"messages":[{"x_wamo_extras":{"name":"Ana"},"fromm":"111"}]}`, false, []want{
			{path: "messages.0.x_wamo_extras.name", role: spec.NoRole},
			{path: "messages.0.fromm", role: spec.NoRole}}},
		{"keys with dots are escaped in paths", `{"messages":[{"a.b":"x"}]}`, false, []want{
			{path: `messages.0.a\.b`, role: spec.NoRole}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := walkRoles(t, c.doc, schemaOf(t, c.doc), c.undescribed)
			for _, w := range c.wants {
				got := find(vs, w.path)
				n := max(w.n, 1)
				if len(got) != n {
					t.Fatalf("%s: %d visits, want %d (all: %+v)", w.path, len(got), n, vs)
				}
				for i, g := range got {
					if g.role != w.role || g.described != w.described {
						t.Errorf("%s: role %s described %v, want %s %v", w.path, g.role, g.described, w.role, w.described)
					}
					if w.shadowed != nil && g.shadowed != w.shadowed[i] {
						t.Errorf("%s visit %d: shadowed %v", w.path, i, g.shadowed)
					}
				}
				if gjson.Get(c.doc, w.path).Raw != got[len(got)-1].value && w.n < 2 {
					t.Errorf("%s: gjson finds %s, the walk %s", w.path, gjson.Get(c.doc, w.path).Raw, got[len(got)-1].value)
				}
			}
		})
	}
}

// TestWalkRolesEmbedded: the JSON a declared string holds is walked with
// its table; a string nobody describes only with Undescribed.
func TestWalkRolesEmbedded(t *testing.T) {
	flow := `{"messages":[{"type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{\"e_mail\":\"a@b.co\",\"n\":[1]}"}}}],
"x":"{\"phone\":\"5511987650001\"}"}`
	for _, undescribed := range []bool{false, true} {
		vs := walkRoles(t, flow, schemaOf(t, flow), undescribed)
		var inner []string
		holders := 0
		for _, v := range vs {
			if v.inner {
				holders++
			}
			if v.doc > 0 {
				inner = append(inner, fmt.Sprintf("%d %s %s %v", v.doc, v.key, v.value, v.described))
			}
		}
		want := []string{`1 e_mail "a@b.co" false`, `1 n 1 false`}
		if undescribed {
			want = append(want, `2 phone "5511987650001" false`)
		}
		if strings.Join(inner, "|") != strings.Join(want, "|") || holders != len(want)-1 {
			t.Errorf("undescribed=%v: %q (%d holders), want %q", undescribed, inner, holders, want)
		}
	}
	// A declared JSON string that holds no JSON is a plain value.
	vs := walkRoles(t, `{"total":1,"data":[{"extraInfo":"not json"}]}`, schemaOf(t, `{"total":1}`), true)
	if g := find(vs, "data.0.extraInfo"); len(g) != 1 || g[0].inner || g[0].role != spec.RoleText {
		t.Errorf("extraInfo: %+v", g)
	}
}

// TestTimeFormat: a time's encoding comes from its check, else from its
// value.
func TestTimeFormat(t *testing.T) {
	for _, c := range []struct {
		fixture, path string
		want          spec.TimeFormat
	}{
		{"cloud/text", "entry.0.changes.0.value.messages.0.timestamp", spec.UnixSeconds},
		{"sinch/text", "data.0.receivedAt", spec.UnixMillis},
		{"sinch/text", "data.0.receivedDate", spec.ISO8601},
		{"conversation/text", "event_time", spec.ISO8601},
	} {
		fx, _ := fixtures.Lookup(c.fixture)
		b, _ := fixtures.Read(fx)
		var tape jsontree.Tape
		tape.Parse(string(b))
		var got spec.TimeFormat = 99
		spec.WalkRoles(tape.Root(), schemaOf(t, string(b)), func(l *spec.Leaf) {
			if l.Path() == c.path {
				got = l.Field.TimeFormat(l.Value.Raw())
			}
		})
		if got != c.want {
			t.Errorf("%s %s: %s, want %s", c.fixture, c.path, got, c.want)
		}
	}
	var none *spec.Field
	for raw, want := range map[string]spec.TimeFormat{`"1700000000"`: spec.UnixSeconds, `1700000000`: spec.UnixSeconds,
		`1700000000123`: spec.UnixMillis, `"2026-01-02T03:04:05Z"`: spec.ISO8601, `"soon"`: spec.TimeUnknown, `12`: spec.TimeUnknown} {
		if got := none.TimeFormat(raw); got != want {
			t.Errorf("%s: %s, want %s", raw, got, want)
		}
	}
}

func TestGuessRole(t *testing.T) {
	for key, want := range map[string]spec.Role{"email": spec.RoleEmail, "E_Mail": spec.RoleEmail, "phone_number": spec.RolePhone,
		"celular": spec.RolePhone, "full_name": spec.RoleName, "nombre": spec.RoleName, "username": spec.RoleUsername,
		"date_of_birth": spec.RoleBirthday, "endereco": spec.RoleAddress, "service": spec.NoRole, "": spec.NoRole} {
		if got := spec.GuessRole(key); got != want {
			t.Errorf("%q: %s, want %s", key, got, want)
		}
	}
}

// TestRoleAudit: roles that contradict their checks or their party are
// reported; the four formats' tables have none.
func TestRoleAudit(t *testing.T) {
	phone := &spec.Value{Name: "wa-id", Role: spec.RolePhone}
	secs := &spec.Value{Name: "secs", Time: spec.UnixSeconds}
	bad := &spec.Object{Name: "bad", Fields: []spec.Field{
		{Name: "a", Checks: []*spec.Value{phone}, Role: spec.RoleName},
		{Name: "b", Checks: []*spec.Value{secs}},
		{Name: "c", Role: spec.RoleText, Party: spec.PartyBusiness},
		{Name: "d", Role: spec.RoleID, Party: spec.PartyEither},
		{Name: "ok", Checks: []*spec.Value{phone}, Role: spec.RolePhone, Party: spec.PartyBusiness},
	}}
	if p := spec.AuditRoles(bad); len(p) != 4 {
		t.Errorf("AuditRoles: %q", p)
	}
	if p := spec.Audit(bad); len(p) != 4 {
		t.Errorf("Audit: %q", p)
	}
	for _, ft := range format.All() {
		for _, p := range spec.AuditRoles(ft.Schema()) {
			t.Errorf("%s: %s", ft.ID, p)
		}
	}
}

// TestWalkRolesLinear: a walk costs time linear in the payload, whatever
// its shape: many items, many keys, repeated keys, deep nesting.
func TestWalkRolesLinear(t *testing.T) {
	for _, name := range []string{"cloud/contacts", "sinch/batch-mixed", "conversation/contact-info"} {
		fx, _ := fixtures.Lookup(name)
		b, _ := fixtures.Read(fx)
		doc := bytes.TrimSpace(b)
		o := schemaOf(t, string(doc))
		var tape jsontree.Tape
		var w spec.RoleWalker
		w.Undescribed = true
		for _, big := range costcheck.Amplify(doc, `{"messages":[{"x":%s,"context":%s}],"statuses":%s,"data":%s}`) {
			costcheck.Within(t, "role walk", big, func(b []byte) {
				if !tape.Parse(string(b)) {
					t.Fatal("not JSON")
				}
				n := 0
				w.Walk(tape.Root(), o, func(*spec.Leaf) { n++ })
				if n == 0 {
					t.Fatal("nothing visited")
				}
			})
		}
	}
}

// countScalars counts the scalars of v, repeated keys included.
func countScalars(v jsontree.Value) int {
	switch v.Kind() {
	case jsontree.Object:
		n := 0
		v.ForEachAll(func(_, x jsontree.Value) bool { n += countScalars(x); return true })
		return n
	case jsontree.Array:
		n := 0
		v.ForEach(func(_, x jsontree.Value) bool { n += countScalars(x); return true })
		return n
	}
	return 1
}

// FuzzWalkRoles: whatever the document and the table, the walk visits
// each scalar of the payload once, gives embedded values their document,
// and never panics.
func FuzzWalkRoles(f *testing.F) {
	for _, b := range fixtures.All() {
		f.Add(b)
	}
	f.Add([]byte(`{"messages":[{"from":{"a":["1"]},"from":"2","interactive":{"nfm_reply":{"response_json":"[{\"a\":\"{}\"}]"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tape jsontree.Tape
		if !tape.Parse(string(data)) {
			return
		}
		want := countScalars(tape.Root())
		w := spec.RoleWalker{Undescribed: true}
		for _, ft := range format.All() {
			n := 0
			w.Walk(tape.Root(), ft.Schema(), func(l *spec.Leaf) {
				if l.Doc == nil {
					n++
				} else if l.Doc.Index < 1 || l.Doc.Tape.Root().Kind() == jsontree.Absent {
					t.Fatalf("embedded document %+v", l.Doc)
				}
				_ = l.Path()
			})
			if n != want {
				t.Fatalf("%s: %d values visited, %d in the document", ft.ID, n, want)
			}
		}
	})
}
