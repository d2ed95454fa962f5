package replay

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// TestRefreshByRole: per format, the ids items are known by are new and
// keep their shape, every time is now in its own encoding, what refers to
// a renewed id follows it, and the business's ids stay.
func TestRefreshByRole(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	const (
		secs = `"1767323045"`
		ms   = `1767323045006`
		iso  = `"2026-01-02T03:04:05.006Z"`
	)
	uuid := regexp.MustCompile(`^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`)
	cloud := func(value string) string {
		return `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293","time":1700000000,"changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550100222","phone_number_id":"109876543210987"},` + value + `}}]}]}`
	}
	const v = "entry.0.changes.0.value."
	type check func(t *testing.T, out []byte, path, orig string)
	is := func(want string) check {
		return func(t *testing.T, out []byte, path, orig string) {
			if got := gjson.GetBytes(out, path).Raw; got != want {
				t.Errorf("%s = %s, want %s", path, got, want)
			}
		}
	}
	renewed := func(prefix string, n int, re *regexp.Regexp) check {
		return func(t *testing.T, out []byte, path, orig string) {
			got := gjson.GetBytes(out, path).Raw
			if got == orig || !strings.HasPrefix(got, `"`+prefix) || n > 0 && len(got) != n+2 || re != nil && !re.MatchString(got) {
				t.Errorf("%s: %s → %s", path, orig, got)
			}
		}
	}
	same := func(other string) check {
		return func(t *testing.T, out []byte, path, orig string) {
			if a, b := gjson.GetBytes(out, path).Raw, gjson.GetBytes(out, other).Raw; a != b || a == orig {
				t.Errorf("%s = %s, %s = %s: not the same new id", path, a, other, b)
			}
		}
	}
	kept := func(t *testing.T, out []byte, path, orig string) {
		if got := gjson.GetBytes(out, path).Raw; got != orig {
			t.Errorf("%s: %s → %s", path, orig, got)
		}
	}
	cases := []struct {
		name, doc string
		checks    map[string]check
	}{
		{"cloud message", cloud(`"messages":[{"from":"5511987650001","id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","timestamp":"1700000000","type":"text","text":{"body":"x"}},
 {"from":"5511987650001","id":"wamid.X2","timestamp":"1700000001","type":"reaction","reaction":{"message_id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","emoji":"x"}},
 {"from":"5511987650001","id":"wamid.X3","timestamp":"1700000002","type":"text","context":{"from":"15550100222","id":"wamid.OUTBOUND"},"text":{"body":"x"}}]`),
			map[string]check{
				v + "messages.0.id":                  renewed("wamid.", 6+32, nil),
				v + "messages.0.timestamp":           is(secs),
				v + "messages.1.id":                  renewed("wamid.", 6+16, nil),
				v + "messages.1.reaction.message_id": same(v + "messages.0.id"),
				v + "messages.2.context.id":          kept,
				v + "metadata.phone_number_id":       kept,
				"entry.0.id":                         kept,
				"entry.0.time":                       is(`1767323045`),
			}},
		{"cloud statuses of one message", cloud(`"statuses":[{"id":"wamid.S1","status":"sent","timestamp":"1700000000","recipient_id":"5511987650001","conversation":{"id":"c1","expiration_timestamp":1700086400}},
 {"id":"wamid.S1","status":"delivered","timestamp":"1700000001","recipient_id":"5511987650001"}]`),
			map[string]check{
				v + "statuses.0.id":                                renewed("wamid.", 0, nil),
				v + "statuses.1.id":                                same(v + "statuses.0.id"),
				v + "statuses.1.timestamp":                         is(secs),
				v + "statuses.0.conversation.expiration_timestamp": is(`1767323045`),
				v + "statuses.0.conversation.id":                   kept,
			}},
		{"on-premises, a repeated id", `{"messages":[{"from":"5511987650001","id":"ABGGFlA5Fpa","id":"ABGGFlA5Fpb","timestamp":"1700000000","type":"text","text":{"body":"x"}}]}`,
			map[string]check{"messages.0.timestamp": is(secs)}},
		{"sinch", `{"total":1,"data":[{"id":"3dae7386-847b-59fa-9e2e-716e46b62824","source":"5511987650001","origin":"5511900000000","message":{"type":"TEXT","messageText":"x"},
"receivedAt":1718812801120,"receivedDate":"2024-06-19T16:00:01.120Z","mtSentAt":1718812701120,"session":{"id":"s1","createdAt":1718812701120}}]}`,
			map[string]check{
				"data.0.id":                renewed("", 36, uuid),
				"data.0.receivedAt":        is(ms),
				"data.0.receivedDate":      is(iso),
				"data.0.mtSentAt":          is(ms),
				"data.0.session.createdAt": is(ms),
				"data.0.session.id":        kept,
				"data.0.origin":            kept,
			}},
		{"conversation", `{"app_id":"01EB8R7C3EZ5YBXD7Y6AEG0GAK","project_id":"p","accepted_time":"2024-06-19T16:00:01Z","message":{"id":"01HZX6BC9P2N7Q4R8T1V3W5Y6Z",
"contact_message":{"text_message":{"text":"x"}},"channel_identity":{"channel":"WHATSAPP","identity":"5511987650001"},"contact_id":"01HZX5ZK7M3Q8T2B6N4R9WCY1F"}}`,
			map[string]check{
				"message.id":         renewed("", 26, regexp.MustCompile(`^"[0-9A-Z]{26}"$`)),
				"accepted_time":      is(iso),
				"message.contact_id": kept,
				"app_id":             kept,
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !gjson.Valid(c.doc) {
				t.Fatal("not JSON")
			}
			out, paths := Refresh([]byte(c.doc), now)
			if !gjson.ValidBytes(out) || len(paths) == 0 {
				t.Fatalf("%s (%v)", out, paths)
			}
			for path, chk := range c.checks {
				orig := gjson.Get(c.doc, path)
				if !orig.Exists() {
					t.Fatalf("no %s in the input", path)
				}
				chk(t, out, path, orig.Raw)
			}
			again, _ := Refresh([]byte(c.doc), now)
			if bytes.Equal(out, again) {
				t.Error("two refreshes gave the same ids")
			}
		})
	}
	// Both occurrences of a repeated id are renewed.
	out, _ := Refresh([]byte(cases[2].doc), now)
	if bytes.Contains(out, []byte("ABGGFlA5Fp")) {
		t.Errorf("a repeated id kept: %s", out)
	}
}

// TestRefreshOnlyRoles: in every fixture, setting the refreshed members
// back gives the original bytes, and only what has a role moved.
func TestRefreshOnlyRoles(t *testing.T) {
	now := time.Unix(1767323045, 0)
	seen := map[payload.Format]int{}
	for _, fx := range fixtures.List() {
		data, _ := fixtures.Read(fx)
		out, paths := Refresh(data, now)
		f := payload.Detect(data).Format
		if !gjson.ValidBytes(data) || f == payload.Unknown {
			if paths != nil || !bytes.Equal(out, data) {
				t.Errorf("%s: refreshed %v", fx.Name, paths)
			}
			continue
		}
		seen[f] += len(paths)
		restored := out
		for i := len(paths) - 1; i >= 0; i-- {
			r := gjson.GetBytes(restored, paths[i])
			if !r.Exists() {
				t.Fatalf("%s: %s not found in the output", fx.Name, paths[i])
			}
			orig := gjson.GetBytes(data, paths[i]).Raw
			restored = append(append(append([]byte(nil), restored[:r.Index]...), orig...), restored[r.Index+len(r.Raw):]...)
		}
		if !bytes.Equal(restored, data) {
			t.Errorf("%s: bytes outside the refreshed members changed:\n%s", fx.Name, out)
		}
	}
	for _, f := range payload.Formats {
		if seen[f] < 10 {
			t.Errorf("%s: %d members refreshed in all its fixtures", f, seen[f])
		}
	}
}
