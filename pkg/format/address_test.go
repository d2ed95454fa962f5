package format_test

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// generatedAddress is an address reply as a generator builds it: fields
// only, no response as written.
func generatedAddress() message.Message {
	return message.Message{
		ID: `"wamid.A1"`, From: message.Party{Phone: `"919845012345"`},
		Time: message.Time{Sec: 1768215903, HasSec: true}, Kind: message.AddressReply,
		Context: message.Context{Present: true, From: `"919800010222"`, ID: `"wamid.Q1"`},
		Address: message.Address{SavedID: `"addr-1"`, Parts: []message.Part{
			{Key: "name", Value: `"Priya Raghavan"`}, {Key: "phone_number", Value: `"919845012345"`},
			{Key: "in_pin_code", Value: `"560034"`}, {Key: "address", Value: `"80 Feet Road, Koramangala"`},
			{Key: "city", Value: `"Bengaluru"`}, {Key: "state", Value: `"Karnataka"`},
		}},
	}
}

func write(t *testing.T, f payload.Format, m *message.Message) ([]byte, bool) {
	t.Helper()
	w := format.Of(f).NewWriter()
	w.Reset(message.WriteOptions{Origin: "919800010222", AccountID: "1", PhoneNumberID: "2", AppID: "A", ProjectID: "P"})
	d := message.Delivery{Batches: []message.BatchOf{{Batch: message.Batch{Business: "919800010222"},
		Contacts: []message.Contact{{Phone: m.From.Phone, HasProfile: true, Name: `"Priya Raghavan"`}},
		Messages: []message.Message{*m}}}}
	d.Emit(w)
	return w.End()
}

func check(f payload.Format, out []byte) []diag.Finding {
	c := spec.NewCtx()
	format.Of(f).Check(c, gjson.ParseBytes(out))
	return c.Final()
}

func readBack(f payload.Format, out []byte) message.Message {
	var d message.Delivery
	format.Of(f).NewReader().Read(jsontree.Parse(string(out)), &d, message.ReadOptions{})
	for _, b := range d.Batches {
		if len(b.Messages) > 0 {
			return b.Messages[0]
		}
	}
	return message.Message{}
}

// TestAddressReplyEveryFormat writes a generated address reply in every
// format: the output validates without findings, and reading it back gives
// the address — its fields, in order, where the format has address
// replies, the fields as one text in Sinch, which has none.
func TestAddressReplyEveryFormat(t *testing.T) {
	for _, f := range payload.Formats {
		t.Run(f.String(), func(t *testing.T) {
			m := generatedAddress()
			out, ok := write(t, f, &m)
			if !ok {
				t.Fatal("nothing written")
			}
			if fs := check(f, out); len(fs) > 0 {
				t.Errorf("findings %+v in\n%s", fs, out)
			}
			back := readBack(f, out)
			if f == payload.Sinch {
				if back.Kind != message.Text || message.Str(back.Text) != m.Address.Text() {
					t.Errorf("Sinch: read back %v %s, want the text %q", back.Kind, back.Text, m.Address.Text())
				}
				return
			}
			if back.Kind != message.AddressReply {
				t.Fatalf("read back as %v", back.Kind)
			}
			if got, want := back.Address.Parts, m.Address.Parts; len(got) != len(want) {
				t.Fatalf("parts %v, want %v", got, want)
			} else {
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("part %d: %v, want %v", i, got[i], want[i])
					}
				}
			}
			if back.Address.SavedID != m.Address.SavedID {
				t.Errorf("saved address %s, want %s", back.Address.SavedID, m.Address.SavedID)
			}
			// Written again from what was read, the response is copied as written.
			again, _ := write(t, f, &back)
			if string(again) != string(out) {
				t.Errorf("second round differs:\n%s\n%s", out, again)
			}
		})
	}
}

// TestAddressReplyEmpty: an address reply with no fields (as a generator
// without address values would build) is written valid, or — in Sinch,
// where it would be an empty text — not at all.
func TestAddressReplyEmpty(t *testing.T) {
	for _, f := range payload.Formats {
		m := message.Message{ID: `"x"`, From: message.Party{Phone: `"919845012345"`}, Kind: message.AddressReply,
			Time: message.Time{Sec: 1768215903, HasSec: true}}
		out, ok := write(t, f, &m)
		if ok == (f == payload.Sinch) {
			t.Errorf("%s: written %v: %s", f, ok, out)
		}
		if fs := check(f, out); ok && len(fs) > 0 {
			t.Errorf("%s: findings %+v in %s", f, fs, out)
		}
	}
}

// TestAddressReplyTable: an address reply's response is checked against
// its table, per case, in both formats that carry nfm replies; findings
// name response_json.
func TestAddressReplyTable(t *testing.T) {
	cases := []struct {
		name, nfmName, response string
		want                    string // rule ids found in response_json, in order
	}{
		{"documented fields", common.NfmAddress, `{"values":{"name":"A","in_pin_code":"400050","city":"Mumbai"}}`, ""},
		{"saved address, Singapore fields", common.NfmAddress, `{"saved_address_id":"s1","values":{"sg_post_code":238801,"unit_number":"#04-01"}}`, ""},
		{"no values", common.NfmAddress, `{"name":"A"}`, "schema.unknown-field schema.required"},
		{"values not an object", common.NfmAddress, `{"values":"A, Mumbai"}`, "schema.type"},
		{"two undocumented fields", common.NfmAddress, `{"values":{"name":"A","street":"x","zip":"1"}}`, "schema.unknown-field schema.unknown-field"},
		{"a field of another kind", common.NfmAddress, `{"values":{"city":5}}`, "schema.type"},
		{"a flow may say values", common.NfmFlow, `{"flow_token":"t","values":["a","b"]}`, ""},
	}
	for _, tc := range cases {
		nfm := `{"name":"` + tc.nfmName + `","response_json":` + message.Quote(tc.response) + `}`
		docs := map[payload.Format]string{
			payload.Cloud: `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"919800010222","phone_number_id":"2"},` +
				`"contacts":[{"profile":{"name":"A"},"wa_id":"919845012345"}],"messages":[{"from":"919845012345","id":"wamid.A","timestamp":"1768215903","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":` + nfm + `}}]}}]}]}`,
			payload.Conversation: `{"app_id":"A","project_id":"P","accepted_time":"2026-03-02T15:02:41.208Z","message":{"id":"M","direction":"TO_APP","contact_message":{"channel_specific_message":` +
				`{"message_type":"nfm_reply","message":{"type":"nfm_reply","nfm_reply":` + nfm + `}}},"channel_identity":{"channel":"WHATSAPP","identity":"919845012345"},"accept_time":"2026-03-02T15:02:41.208Z"}}`,
		}
		for f, doc := range docs {
			var got []string
			for _, fd := range check(f, []byte(doc)) {
				if strings.Contains(fd.Path, "response_json") {
					got = append(got, fd.Rule.ID)
				} else {
					t.Errorf("%s, %s: finding outside the response %+v", tc.name, f, fd)
				}
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("%s, %s: %q, want %q", tc.name, f, g, tc.want)
			}
		}
	}
}

// TestAddressFieldsHaveRoles: every field of an address is someone's
// personal data, and the tables say so (redaction scrubs by role): names,
// phone numbers and address parts, never free text left to chance.
func TestAddressFieldsHaveRoles(t *testing.T) {
	m := generatedAddress()
	m.Address.Parts = append(m.Address.Parts, message.Part{Key: "house_number", Value: `"12B"`}, message.Part{Key: "floor_number", Value: `"3"`},
		message.Part{Key: "tower_number", Value: `"A"`}, message.Part{Key: "building_name", Value: `"Lakeview"`},
		message.Part{Key: "landmark_area", Value: `"Near the tank"`}, message.Part{Key: "unit_number", Value: `"#04-01"`},
		message.Part{Key: "sg_post_code", Value: `238801`})
	for _, f := range []payload.Format{payload.WhatsApp, payload.Cloud, payload.Conversation} {
		out, _ := write(t, f, &m)
		seen := map[string]spec.Role{}
		spec.WalkRoles(jsontree.Parse(string(out)), format.Of(f).Schema(), func(l *spec.Leaf) {
			if l.Doc != nil && strings.Contains(l.Path(), "values.") {
				seen[l.Key] = l.Role()
			}
		})
		for _, p := range m.Address.Parts {
			switch r := seen[p.Key]; r {
			case spec.RoleName, spec.RolePhone, spec.RoleAddress:
			default:
				t.Errorf("%s: address field %s has role %v", f, p.Key, r)
			}
		}
	}
}
