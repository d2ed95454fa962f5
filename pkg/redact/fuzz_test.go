package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// FuzzRedact checks that redaction never panics, refuses what is not JSON
// and what is not a payload of a known format, and turns payloads into
// JSON, the same way every time, in time linear in their size.
func FuzzRedact(f *testing.F) {
	for _, fx := range payloadtest.Fixtures(f, nil) {
		switch fx.Name {
		case "cloud/contacts", "cloud/interactive-nfm-reply", "sinch/batch-mixed", "whatsapp/contacts", "conversation/contact-info":
			f.Add(fx.Data, true) // these also amplified (below)
		default:
			f.Add(fx.Data, false)
		}
	}
	f.Add([]byte(`{"messages":[{"text":{"body":"+1 (650) 555-1234 a@b.co"},"from":-0.5e3,"context":{"mentions":[1e2,"x"]}}]}`), true)
	f.Add([]byte(`{"messages":[{"interactive":{"nfm_reply":{"response_json":"{\"phone\":5511987650001,\"name\":[\"\\u00e9\"]}"}}}]}`), true)
	f.Add([]byte(`{"total":1,"data":[{"extraInfo":"{\"segmentation_list\":[{\"name\":\"a@b.co\"}]}","source":{"a":["5511987650001"]}}]}`), false)
	f.Fuzz(func(t *testing.T, data []byte, text bool) {
		r := New(Options{Text: text})
		out, err := r.Redact(data)
		if payload.CheckSyntax(&payload.Payload{Data: data, Line: 1, Col: 1}) != nil {
			if err == nil {
				t.Fatalf("no error for %q", data)
			}
			return
		}
		var ue *UnrecognisedError
		if errors.As(err, &ue) {
			if out != nil || payload.Detect(data).Format != payload.Unknown {
				t.Fatalf("refused %q (%v)", data, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("error %v for valid JSON %q", err, data)
		}
		if !json.Valid(out) {
			t.Fatalf("%q → %q is not JSON", data, out)
		}
		again, _ := r.Redact(data)
		if !bytes.Equal(out, again) {
			t.Fatalf("unstable: %q", data)
		}
		// Many copies of the input where the tables read them (statuses,
		// a context) and where nothing describes them: linear time. Only
		// with --text, to keep the seed run short (half the fuzzer's
		// inputs have it).
		if !text || len(data) > 4096 || bytes.Count(data, []byte("[")) > 100 {
			return
		}
		for _, big := range costcheck.Amplify(bytes.TrimSpace(data), `{"messages":[{"x":%s,"context":%s}],"statuses":%s}`) {
			costcheck.Within(t, "redact", big, func(b []byte) {
				if _, err := r.Redact(b); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// planted is the identifying values planted in the payloads of
// FuzzNoLeak: none may survive redaction.
type planted struct {
	phones, bsuids, names, emails, ids, usernames []string
	free                                          string // free text around planted values
}

// plant makes values that neither a pseudonym nor a placeholder word can
// spell by chance: names hold a w and a y (the invented words and the
// placeholder words have neither), ids are long.
func plant(seed uint64, free string) *planted {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		b[0] = byte('1' + rng.IntN(9))
		return string(b)
	}
	word := func() string {
		const letters = "abdefghijlmnoprstuv"
		b := []byte{byte('A' + rng.IntN(26)), 'w', 'y'}
		for range 2 + rng.IntN(5) {
			b = append(b, letters[rng.IntN(len(letters))])
		}
		rng.Shuffle(len(b)-1, func(i, j int) { b[i+1], b[j+1] = b[j+1], b[i+1] })
		if b[0] == 'W' || b[0] == 'Y' {
			b[0] = 'K'
		}
		return string(b)
	}
	alnum := func(n int) string {
		const cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = cs[rng.IntN(len(cs))]
		}
		return string(b)
	}
	p := &planted{free: free}
	for range 8 {
		p.phones = append(p.phones, digits(10+rng.IntN(4)))
		p.bsuids = append(p.bsuids, "BR."+digits(12+rng.IntN(8)))
		p.names = append(p.names, word()+" "+word())
		p.emails = append(p.emails, "u"+strings.ToLower(alnum(6))+"@mail"+strings.ToLower(alnum(3))+".org")
		p.ids = append(p.ids, "wamid.HBg"+alnum(24)+digits(3))
		p.usernames = append(p.usernames, strings.ToLower(word())+"."+strings.ToLower(word()))
	}
	return p
}

// text is free text naming a phone number and an e-mail address that are
// nobody else's in the payload, around the fuzzer's text.
func (p *planted) text(i int) string {
	return "Call +" + p.phones[7-i%2] + " or write to " + p.emails[7-i%2] + " — " + p.free
}

// Business numbers of the templates: kept.
const (
	bizPhone = "15550100222"
	bizID    = "109876543210987"
)

// templates are one payload per format with every identifying field the
// tables know, a repeated key that tries to smuggle a value past the
// redaction, and free text: {{x}} is replaced by a planted value.
var templates = map[payload.Format]string{
	payload.WhatsApp: `{"contacts":[{"profile":{"name":{{name0}}},"wa_id":{{phone0}}}],
"messages":[{"from":{{phone1}},"from":{{phone0}},"id":{{id0}},"timestamp":"1700000000","type":"text",
 "context":{"from":{{phone2}},"id":{{id1}},"mentions":[{{phone3}}]},"text":{"body":{{text0}}}},
{"from":{{phone0}},"id":{{id2}},"timestamp":"1700000001","type":"contacts","contacts":[{"name":{"formatted_name":{{name1}},"first_name":{{name2}}},
 "phones":[{"phone":{{phone4}},"wa_id":{{phone5}}}],"emails":[{"email":{{email0}}}],"addresses":[{"street":{{name3}},"city":"Recife"}],"ims":[{"service":"x","user_id":{{user0}}}],"org":{"company":{{text1}}}}]},
{"from":{{phone0}},"id":{{id3}},"timestamp":"1700000002","type":"image","image":{"id":{{id4}},"mime_type":"image/jpeg","caption":{{text0}},"file":"/media/{{raw:id5}}.jpg","link":"https://x.example/m/{{raw:id5}}"}}],
"statuses":[{"id":{{id6}},"status":"read","timestamp":"1700000003","recipient_id":{{phone6}},"errors":[{"code":1,"title":{{text1}}}]}]}`,

	payload.Cloud: `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":{{phone2}},"display_phone_number":"` + bizPhone + `","phone_number_id":"` + bizID + `"},
"contacts":[{"profile":{"name":{{name0}},"username":{{user0}}},"wa_id":{{phone0}},"user_id":{{bsuid0}},"parent_user_id":{{bsuid1}}}],
"messages":[{"from":{{phone0}},"from_user_id":{{bsuid0}},"id":{{id0}},"timestamp":"1700000000","type":"interactive",
 "context":{"from":{{phone2}},"id":{{id1}}},
 "interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent","response_json":{{flow}}}}},
{"from":{{phone1}},"id":{{id2}},"timestamp":"1700000001","type":"system","system":{"body":{{text0}},"type":"user_changed_number","wa_id":{{phone3}},"user_id":{{bsuid2}}}},
{"from":{{phone0}},"id":{{id3}},"timestamp":"1700000002","type":"location","location":{"latitude":-8.0,"longitude":-34.9,"name":{{text1}},"address":{{text0}}}}],
"statuses":[{"id":{{id6}},"status":"sent","timestamp":"1700000003","recipient_id":{{phone6}},"recipient_user_id":{{bsuid3}},"conversation":{"id":{{id7}}}}]}}]}]}`,

	payload.Sinch: `{"total":2,"data":[{"id":{{id0}},"source":{{phone0}},"origin":"` + bizPhone + `","userProfile":{"name":{{name0}},"name":{{name1}},"whatsAppId":{{phone0}}},
"extraInfo":{{extra}},"message":{"type":"TEXT","messageText":{{text0}},"waGroupId":{{id1}}},"receivedAt":1718812801120,"receivedDate":"2024-06-19T16:00:01.120Z",
"session":{"id":{{id2}}}},
{"id":{{id3}},"destination":{{phone1}},"origin":"` + bizPhone + `","sent":true,"sentDate":"2024-06-19T16:00:01.120Z"},
{"id":{{id4}},"source":{{phone2}},"origin":"` + bizPhone + `","message":{"contacts":[{"name":{"formatted_name":{{name2}}},"phones":[{"phone":{{phone3}}}],"emails":[{"email":{{email0}}}]}]},"receivedAt":1718812801120,"receivedDate":"2024-06-19T16:00:01.120Z"}],
"conversationID":{{id5}}}`,

	payload.Conversation: `{"app_id":"01EB8R7C3EZ5YBXD7Y6AEG0GAK","project_id":"c36f3d3d-1513-4edd-ae42-11995557ff61","accepted_time":"2024-06-19T16:00:01.120Z",
"message":{"id":{{id0}},"direction":"TO_APP","conversation_id":{{id1}},"contact_id":{{id2}},"contact_id":{{id3}},"sender_id":"` + bizPhone + `",
 "channel_identity":{"channel":"WHATSAPP","identity":{{phone0}},"app_id":""},
 "contact_message":{"text_message":{"text":{{text0}}},"reply_to":{"message_id":{{id4}}},
  "contact_info_message":{"name":{"full_name":{{name0}},"first_name":{{name1}}},"phone_numbers":[{"phone_number":{{phone1}}}],
   "email_addresses":[{"email_address":{{email0}}}],"organization":{"company":{{text1}}}},
  "fallback_message":{"raw_message":{{text1}}},
  "channel_specific_message":{"message_type":"nfm_reply","message":{"nfm_reply":{"response_json":{{flow}}}}}}}}`,
}

// fill builds the payload of template tpl with the planted values.
func fill(tpl string, p *planted) []byte {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	flow, _ := json.Marshal(map[string]any{"full_name": p.names[5], "phone_number": p.phones[7], "e_mail": p.emails[5],
		"notes": p.text(1), "cpf": json.Number(p.phones[6])})
	extra, _ := json.Marshal(map[string]any{"segmentation_list": []any{map[string]any{"name": "vip", "owner": p.emails[6]}}})
	var pairs []string
	for k, vs := range map[string][]string{"phone": p.phones, "bsuid": p.bsuids, "name": p.names, "email": p.emails,
		"id": p.ids, "user": p.usernames} {
		for i, v := range vs {
			pairs = append(pairs, "{{"+k+strconv.Itoa(i)+"}}", q(v), "{{raw:"+k+strconv.Itoa(i)+"}}", v)
		}
	}
	pairs = append(pairs, "{{text0}}", q(p.text(0)), "{{text1}}", q(p.text(1)), "{{flow}}", q(string(flow)), "{{extra}}", q(string(extra)))
	return []byte(strings.NewReplacer(pairs...).Replace(tpl))
}

// FuzzNoLeak plants phone numbers, BSUIDs, names, usernames, e-mail
// addresses and ids in every identifying field of a payload of each
// format — free text naming other numbers and addresses, repeated keys,
// JSON held in strings included — and checks that none survives, in any
// spelling, with or without --text.
func FuzzNoLeak(f *testing.F) {
	f.Add(uint64(1), "ok", false)
	f.Add(uint64(2), "my number is 5511987650001", true)
	f.Add(uint64(3), "\u00e9\n\"quoted\" <b>", false)
	f.Fuzz(func(t *testing.T, seed uint64, free string, text bool) {
		p := plant(seed, free)
		r := New(Options{Text: text})
		for _, fm := range payload.Formats {
			in := fill(templates[fm], p)
			if !json.Valid(in) {
				return // the fuzzer's text is not valid UTF-8
			}
			if got := payload.Detect(in).Format; got != fm {
				t.Fatalf("%s template detected as %s", fm, got)
			}
			out, err := r.Redact(in)
			if err != nil {
				t.Fatalf("%s: %v", fm, err)
			}
			if !json.Valid(out) {
				t.Fatalf("%s: output is not JSON: %s", fm, out)
			}
			doc := string(out)
			// What the tables hide, in the payload and in the JSON its
			// strings hold (where quotes are escaped once more).
			inner := strings.ReplaceAll(doc, `\"`, `"`)
			for _, group := range [][]string{p.phones, p.bsuids, p.names, p.emails, p.ids, p.usernames} {
				for _, v := range group {
					if !bytes.Contains(in, []byte(v)) {
						continue // not planted in this format
					}
					if strings.Contains(doc, v) || strings.Contains(inner, v) {
						t.Fatalf("%s (text=%v): %q survived:\n%s", fm, text, v, out)
					}
				}
			}
			for _, w := range strings.Fields(strings.Join(p.names, " ")) {
				if bytes.Contains(in, []byte(w)) && strings.Contains(doc, w) {
					t.Fatalf("%s: name word %q survived:\n%s", fm, w, out)
				}
			}
			if fm != payload.WhatsApp && !strings.Contains(doc, bizPhone) {
				t.Errorf("%s: the business number was not kept:\n%s", fm, out)
			}
		}
	})
}
