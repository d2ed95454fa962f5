package redact

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// TestRoles: what redaction does to a value of each role, with and
// without --text.
func TestRoles(t *testing.T) {
	native := func(msg string) string {
		return `{"contacts":[{"profile":{"name":"Ana Souza"},"wa_id":"5511987650001"}],"messages":[` + msg + `]}`
	}
	cloud := func(value string) string {
		return `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550100222","phone_number_id":"109876543210987"},` + value + `}}]}]}`
	}
	const v = "entry.0.changes.0.value."
	changed := func(t *testing.T, orig, got string) {
		if got == orig {
			t.Errorf("%q kept", orig)
		}
	}
	kept := func(t *testing.T, orig, got string) {
		if got != orig {
			t.Errorf("%q → %q", orig, got)
		}
	}
	is := func(want string) func(*testing.T, string, string) {
		return func(t *testing.T, orig, got string) {
			if got != want {
				t.Errorf("%q → %q, want %q", orig, got, want)
			}
		}
	}
	has := func(keep ...string) func(*testing.T, string, string) {
		return func(t *testing.T, orig, got string) {
			for _, k := range keep {
				if !strings.Contains(got, k) {
					t.Errorf("%q → %q lost %q", orig, got, k)
				}
			}
		}
	}
	lacks := func(gone ...string) func(*testing.T, string, string) {
		return func(t *testing.T, orig, got string) {
			for _, g := range gone {
				if strings.Contains(got, g) {
					t.Errorf("%q → %q kept %q", orig, got, g)
				}
			}
		}
	}
	both := func(fs ...func(*testing.T, string, string)) func(*testing.T, string, string) {
		return func(t *testing.T, orig, got string) {
			for _, f := range fs {
				f(t, orig, got)
			}
		}
	}
	cases := []struct {
		name, doc, path string
		text            bool
		check           func(t *testing.T, orig, got string)
	}{
		{"phone", native(`{"from":"5511987650001","id":"A","timestamp":"1700000000","type":"text","text":{"body":"x"}}`), "messages.0.from", false,
			both(changed, func(t *testing.T, orig, got string) {
				if len(got) != len(orig) || got[:2] != orig[:2] {
					t.Errorf("%q → %q", orig, got)
				}
			})},
		{"phone, the business's", cloud(`"messages":[]`), v + "metadata.display_phone_number", false, kept},
		{"phone, a reply to the business", cloud(`"messages":[{"from":"5511987650001","id":"A","timestamp":"1","type":"text","context":{"from":"15550100222","id":"B"}}]`), v + "messages.0.context.from", false, kept},
		{"phone, a reply to someone else", cloud(`"messages":[{"from":"5511987650001","id":"A","timestamp":"1","type":"text","context":{"from":"5511987650002","id":"B"}}]`), v + "messages.0.context.from", false, changed},
		{"user id", cloud(`"contacts":[{"user_id":"US.13491208655302741918"}]`), v + "contacts.0.user_id", false,
			both(changed, has("US."))},
		{"name", native(`{"from":"5511987650001","id":"A","timestamp":"1","type":"text"}`), "contacts.0.profile.name", false,
			both(changed, func(t *testing.T, orig, got string) {
				if len(strings.Fields(got)) != 2 {
					t.Errorf("%q → %q", orig, got)
				}
			})},
		{"username", cloud(`"contacts":[{"profile":{"username":"ana.souza"},"user_id":"BR.1"}]`), v + "contacts.0.profile.username", false,
			both(changed, has("."))},
		{"e-mail", native(`{"type":"contacts","contacts":[{"emails":[{"email":"ana@example.org"}]}]}`), "messages.0.contacts.0.emails.0.email", false,
			both(changed, has("@example.com"))},
		{"text", native(`{"type":"text","text":{"body":"Ana here: +55 11 98765-0002, a@b.co, order 1234"}}`), "messages.0.text.body", false,
			both(lacks("98765-0002", "a@b.co", "Ana "), has(" here: +55 ", "order 1234"))},
		{"text, --text", native(`{"type":"text","text":{"body":"Olá, tudo bem?"}}`), "messages.0.text.body", true,
			both(lacks("Olá", "tudo", "bem"), has(", ", "?"))},
		{"detail", cloud(`"statuses":[{"id":"A","status":"failed","timestamp":"1","recipient_id":"5511987650001","errors":[{"code":1,"title":"Number 5511987650003 is not on WhatsApp"}]}]`), v + "statuses.0.errors.0.title", true,
			both(lacks("5511987650003"), has("Number ", " is not on WhatsApp"))},
		{"media URL", cloud(`"messages":[{"type":"image","image":{"id":"1531550458807438","url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1531550458807438&ext=1"}}]`), v + "messages.0.image.url", false,
			both(lacks("1531550458807438"), has("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=", "&ext=1"))},
		{"link", native(`{"type":"contacts","contacts":[{"urls":[{"url":"https://wa.me/5511987650004"}]}]}`), "messages.0.contacts.0.urls.0.url", false,
			both(lacks("5511987650004"), has("https://wa.me/"))},
		{"link, --text", native(`{"type":"contacts","contacts":[{"urls":[{"url":"https://ana.example.org/blog"}]}]}`), "messages.0.contacts.0.urls.0.url", true,
			both(lacks("blog"), has("https://ana.example.org/"))},
		{"file path", native(`{"type":"image","image":{"file":"/usr/local/wamedia/shared/b1cf38-8734-4ad3.jpg"}}`), "messages.0.image.file", false,
			both(changed, has("/usr/local/wamedia/shared/", ".jpg"))},
		{"file name, --text", native(`{"type":"document","document":{"filename":"Contrato Ana.pdf"}}`), "messages.0.document.filename", true,
			both(lacks("Contrato"), has(".pdf"))},
		{"time", native(`{"from":"5511987650001","id":"A","timestamp":"1700000000","type":"text"}`), "messages.0.timestamp", false, kept},
		{"message id", native(`{"from":"5511987650001","id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","timestamp":"1","type":"text"}`), "messages.0.id", false,
			both(changed, has("wamid."))},
		{"id", cloud(`"messages":[{"type":"reaction","reaction":{"message_id":"wamid.HBgNNTUxMTk4NzY1MDAwMRUCABIYFDNB","emoji":"x"}}]`), v + "messages.0.reaction.message_id", false, changed},
		{"id, the business's", cloud(`"messages":[]`), v + "metadata.phone_number_id", false, kept},
		{"address", native(`{"type":"contacts","contacts":[{"addresses":[{"street":"Rua Augusta 1500","city":"São Paulo"}]}]}`), "messages.0.contacts.0.addresses.0.street", false,
			lacks("Augusta", "1500")},
		{"address, what stays", native(`{"type":"contacts","contacts":[{"addresses":[{"street":"Rua Augusta 1500","city":"São Paulo"}]}]}`), "messages.0.contacts.0.addresses.0.city", false, kept},
		{"birthday", native(`{"type":"contacts","contacts":[{"birthday":"1990-05-17"}]}`), "messages.0.contacts.0.birthday", false, is("1990-01-01")},
		{"coordinate", native(`{"type":"location","location":{"latitude":-22.894180,"longitude":-47.0479}}`), "messages.0.location.latitude", false, is("-22.89")},
		{"geo point", `{"total":1,"data":[{"source":"5511987650001","message":{"location":{"geoPoint":"-22.894180,-47.060830"}}}]}`, "data.0.message.location.geoPoint", false, is("-22.890000,-47.060000")},
		{"picture", native(`{"type":"contacts","contacts":[{"contact_image":"/9j/4AAQSkZJRgABAQ"}]}`), "messages.0.contacts.0.contact_image", false, is("")},
		{"no role: what the business defines", native(`{"type":"button","button":{"payload":"ORDER-5511987650009","text":"Yes"}}`), "messages.0.button.payload", false, kept},
		{"no role: a known number", native(`{"from":"5511987650001","type":"button","button":{"payload":"for 5511987650001","text":"Yes"}}`), "messages.0.button.payload", false, lacks("5511987650001")},
		{"undescribed, a phone by its name", native(`{"type":"text","x_phone":"5511987650005"}`), "messages.0.x_phone", false, changed},
		{"undescribed, free text", native(`{"type":"text","note":"call 5511987650005 or b@c.io"}`), "messages.0.note", false, lacks("5511987650005", "b@c.io")},
		{"undescribed, a number like a phone", native(`{"type":"text","cpf":12345678901}`), "messages.0.cpf", false, changed},
		{"undescribed, a small number", native(`{"type":"text","count":12}`), "messages.0.count", false, kept},
		{"conversation: the identity", `{"app_id":"A","project_id":"P","message":{"id":"01HZX6BC9P2N7Q4R8T1V3W5Y6Z","channel_identity":{"channel":"WHATSAPP","identity":"5511987650001"},"sender_id":"5511900000000"}}`, "message.channel_identity.identity", false, changed},
		{"conversation: the business number", `{"app_id":"A","project_id":"P","message":{"id":"01HZX6BC9P2N7Q4R8T1V3W5Y6Z","channel_identity":{"channel":"WHATSAPP","identity":"5511987650001"},"sender_id":"5511900000000"}}`, "message.sender_id", false, kept},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := New(Options{Text: c.text}).Redact([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			orig := gjson.Get(c.doc, c.path)
			if !orig.Exists() {
				t.Fatalf("no %s in the input", c.path)
			}
			c.check(t, orig.String(), gjson.GetBytes(out, c.path).String())
		})
	}
}

// TestDuplicateKeys: every occurrence of a repeated key is redacted, and
// a repeated business number does not make a person's number pass for
// the business's.
func TestDuplicateKeys(t *testing.T) {
	in := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"5511987650007","display_phone_number":"15550100222","phone_number_id":"2"},
"messages":[{"from":"5511987650008","from":"5511987650001","id":"A","timestamp":"1","type":"text","context":{"from":"5511987650007","id":"B"},"text":{"body":"hi"}}]}}]}]}`
	out, err := New(Options{}).Redact([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"5511987650007", "5511987650008", "5511987650001"} {
		if strings.Contains(string(out), n) {
			t.Errorf("%s survived: %s", n, out)
		}
	}
	if !strings.Contains(string(out), `"15550100222"`) {
		t.Errorf("the business number read by receivers was changed: %s", out)
	}
}

// TestRefused: what is not a payload of a known format is refused, not
// passed through.
func TestRefused(t *testing.T) {
	for _, in := range []string{`{"foo":"5511987650001"}`, `[{"from":"5511987650001"}]`, `"5511987650001"`,
		`{"type":"whatsapp","notifications":[{"from":"5511987650001"}],"contacts":[]}`} {
		out, err := New(Options{}).Redact([]byte(in))
		var ue *UnrecognisedError
		if !errors.As(err, &ue) || out != nil {
			t.Errorf("%s: %q %v", in, out, err)
		}
	}
}
