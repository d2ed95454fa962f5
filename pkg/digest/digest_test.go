package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// want is what the digest must say of one item. For a status, party is the
// recipient (To); for a message, the sender (From).
type want struct {
	kind                      Kind
	typ, party, name, summary string
}

// wantByFixture lists the expected items of every valid fixture; a fixture
// added without an entry here fails TestDigestFixtures.
var wantByFixture = map[string][]want{
	"conversation/choice-response": {
		{KindMessage, "button_reply", "5511987650001", "", "confirmar-entrega"},
	},
	"conversation/contact-info": {
		{KindMessage, "contacts", "5511987650001", "", "Dra. Ana Beatriz Souza"},
	},
	"conversation/delivered": {
		{KindStatus, "status", "5511987650001", "", "delivered"},
	},
	"conversation/document": {
		{KindMessage, "document", "5511987650001", "", "comprovante-pagamento.pdf (application/pdf)"},
	},
	"conversation/failed": {
		{KindStatus, "status", "5511987650001", "", "failed · OUTSIDE_ALLOWED_SENDING_WINDOW"},
	},
	"conversation/fallback": {
		{KindMessage, "unsupported", "5511987650001", "", "UNSUPPORTED_OPERATION"},
	},
	"conversation/image": {
		{KindMessage, "image", "5511987650001", "", "image/jpeg"},
	},
	"conversation/location": {
		{KindMessage, "location", "5511987650001", "", "Largo do Rosário · Rua Francisco Glicério, Campinas - SP (-22.90556,-47.06083)"},
	},
	"conversation/media-card": {
		{KindMessage, "video", "5511987650001", "", "O defeito aparece aqui, no canto (video/mp4)"},
	},
	"conversation/nfm-reply": {
		{KindMessage, "nfm_reply", "5511987650001", "", "flow · Sent ({\"flow_token\":\"f-8821\",\"data_entrega\":\"2026-03-05\",\"periodo\":\"manha\"})"},
	},
	"conversation/product-response": {
		{KindMessage, "order", "5511987650001", "", "3 items, total 429.70 BRL · Pode separar esses?"},
	},
	"conversation/queued": {
		{KindStatus, "status", "5511987650001", "", "sent"},
	},
	"conversation/read": {
		{KindStatus, "status", "5511987650001", "", "read"},
	},
	"conversation/reply-to": {
		{KindMessage, "text", "5511987650001", "", "Sim, pode ser às 15h"},
	},
	"conversation/switching-channel": {
		{KindStatus, "status", "5511987650001", "", "switching_channel"},
	},
	"conversation/text": {
		{KindMessage, "text", "5511987650001", "", "Olá! Vocês entregam em Campinas? 🚚"},
	},
	"conversation/text-dispatch": {
		{KindMessage, "text", "5511987650001", "", "Quero cancelar meu pedido nº 4821"},
	},
	"sinch/audio": {
		{KindMessage, "audio", "5511987650001", "Mariana Costa", "audio/mpeg"},
	},
	"sinch/batch-mixed": {
		{KindMessage, "text", "5511987650001", "Mariana Costa", "Bom dia! Vocês entregam em Campinas?"},
		{KindMessage, "image", "5521998760002", "Rafael Lima", "Este modelo (image/jpeg)"},
		{KindMessage, "location", "5511987650001", "Mariana Costa", "Largo do Rosário · Rua Francisco Glicério, Campinas - SP (-22.905560,-47.060830)"},
	},
	"sinch/button": {
		{KindMessage, "button", "5511900000000", "username", "Sim (sim)"},
	},
	"sinch/contacts": {
		{KindMessage, "contacts", "5519900000000", "nome do usuário", "John Smith"},
	},
	"sinch/document": {
		{KindMessage, "document", "5511987650001", "Mariana Costa", "comprovante-pagamento.pdf (application/pdf)"},
	},
	"sinch/extrainfo-segmentation": {
		{KindMessage, "text", "5511987650001", "Mariana Costa", "Quero falar com um atendente"},
	},
	"sinch/image": {
		{KindMessage, "image", "5519900000000", "name of the user", "Foto da fachada da loja (image/jpg)"},
	},
	"sinch/interactive-button-reply": {
		{KindMessage, "button_reply", "5511987650001", "Mariana Costa", "Confirmar (confirm-order-48213)"},
	},
	"sinch/interactive-list-reply": {
		{KindMessage, "list_reply", "5511987650001", "Mariana Costa", "Terça-feira 10h (slot-tue-1000)"},
	},
	"sinch/location": {
		{KindMessage, "location", "5519900000000", "nome do usuário", "Sinch · Av. Cel. Silva Telles (-22.894180,-47.047960)"},
	},
	"sinch/status": {
		{KindStatus, "status", "5511987650001", "", "delivered"},
	},
	"sinch/status-read": {
		{KindStatus, "status", "5511987650001", "", "read"},
	},
	"sinch/sticker": {
		{KindMessage, "sticker", "5511987650001", "Mariana Costa", "image/webp"},
	},
	"sinch/text": {
		{KindMessage, "text", "5519900000000", "name of the user", "Hi, this is a message from the user"},
	},
	"sinch/text-pt": {
		{KindMessage, "text", "5519900000000", "nome do usuário", "Olá, essa é uma mensagem do usuário."},
	},
	"sinch/text-referral": {
		{KindMessage, "text", "5519900000000", "name of the user", "Hi, this is a message from the user"},
	},
	"whatsapp/audio": {
		{KindMessage, "audio", "5215500000001", "Héctor", "audio/mpeg"},
	},
	"whatsapp/button": {
		{KindMessage, "button", "16505551234", "Kerry Fisher", "No (No-Button-Payload)"},
	},
	"whatsapp/button-bsp": {
		{KindMessage, "button", "5215500000001", "Héctor", "Buena (payload for buena)"},
	},
	"whatsapp/contacts": {
		{KindMessage, "contacts", "16505551234", "", "Kerry Fisher"},
	},
	"whatsapp/contacts-bsp": {
		{KindMessage, "contacts", "5215500000001", "Juan Pérez", "Juan Pérez"},
	},
	"whatsapp/document": {
		{KindMessage, "document", "16315551234", "", "80skaraokesonglistartist (application/pdf)"},
	},
	"whatsapp/document-bsp": {
		{KindMessage, "document", "5215500000001", "Héctor", "smppdoc.pdf (application/pdf)"},
	},
	"whatsapp/image": {
		{KindMessage, "image", "16315551234", "", "Check out my new phone! (image/jpeg)"},
	},
	"whatsapp/image-bsp": {
		{KindMessage, "image", "5215500000001", "Héctor", "image/jpeg"},
	},
	"whatsapp/image-referral": {
		{KindMessage, "image", "12345678", "", "Check out my product! (image/jpeg)"},
	},
	"whatsapp/interactive-button-reply": {
		{KindMessage, "button_reply", "16315551234", "", "Yes, confirm (confirm-yes)"},
	},
	"whatsapp/interactive-button-reply-bsp": {
		{KindMessage, "button_reply", "5215500000001", "Héctor", "Sopa de pasta (3)"},
	},
	"whatsapp/interactive-list-reply": {
		{KindMessage, "list_reply", "16315551234", "", "Tuesday 10:00 · Downtown store, 30 minutes (slot-tue-1000)"},
	},
	"whatsapp/interactive-nfm-reply": {
		{KindMessage, "nfm_reply", "5215520777058", "Héctor", "flow · Sent ({\"first_name\":\"Hector\",\"last_name\":\"Hernandez\",\"flow_token\":\"7b3e9c1a-4d2f-4a8e-b6c5-0f1e2d3c4b5a\",\"products\":[\"mobile\",\"data\"],\"email\":\"Hector.hernandez@conceptomovil.com\"})"},
	},
	"whatsapp/location": {
		{KindMessage, "location", "16315551234", "Kerry Fisher", "Main Street Beach · Main Street Beach, Santa Cruz, CA (38.9806263495,-131.9428612257)"},
	},
	"whatsapp/location-bsp": {
		{KindMessage, "location", "5215500000001", "Héctor", "19.5386,-99.15124"},
	},
	"whatsapp/order": {
		{KindMessage, "order", "16315551234", "", "3 items, total 52.48 USD · Please deliver after 6pm"},
	},
	"whatsapp/order-bsp": {
		{KindMessage, "order", "5215500000001", "Juan Pérez", "1 item, total 800.00 MXN · Quiero este"},
	},
	"whatsapp/status-delivered": {
		{KindStatus, "status", "5215520777058", "", "delivered · service"},
	},
	"whatsapp/status-failed": {
		{KindStatus, "status", "12064001000", "", "failed · Failed to send message because you are outside the support window for freeform messages to this user. Please use a valid HSM notification or reconsider. (code 470)"},
	},
	"whatsapp/sticker": {
		{KindMessage, "sticker", "16315551234", "", "Happy New Year 🐥😃 (image/webp)"},
	},
	"whatsapp/sticker-animated": {
		{KindMessage, "sticker", "5215500000001", "Juan Pérez", "image/webp"},
	},
	"whatsapp/system-user-changed-number": {
		{KindMessage, "system", "16315558889", "", "User A changed from +1 (631) 555-8889 to +1 (631) 555-8890 (user_changed_number)"},
	},
	"whatsapp/system-user-identity-changed": {
		{KindMessage, "system", "16315553601", "", "Test security code change (user_identity_changed)"},
	},
	"whatsapp/text": {
		{KindMessage, "text", "16315551234", "Kerry Fisher", "Hello this is an answer"},
	},
	"whatsapp/text-bsp": {
		{KindMessage, "text", "5215500000001", "Héctor", "Hola amigo"},
	},
	"whatsapp/text-forwarded": {
		{KindMessage, "text", "16315558011", "", "Party at Dotty's tonight!"},
	},
	"whatsapp/text-identity": {
		{KindMessage, "text", "16315553601", "", "Hi from new number 3601"},
	},
	"whatsapp/text-mentions": {
		{KindMessage, "text", "16315551234", "", "@16315551000 and @16315551099 are mentioned"},
	},
	"whatsapp/text-referred-product": {
		{KindMessage, "text", "16315551234", "Kerry Fisher", "Can I get this in another color?"},
	},
	"whatsapp/text-reply": {
		{KindMessage, "text", "16315551234", "Kerry Fisher", "Yes, count me in!"},
	},
	"whatsapp/unknown": {
		{KindMessage, "unsupported", "16315551234", "Kerry Fisher", "Unknown message type (code 501)"},
	},
	"whatsapp/video": {
		{KindMessage, "video", "5215500000001", "Héctor", "video/mp4"},
	},
	"whatsapp/video-frequently-forwarded": {
		{KindMessage, "video", "16315558011", "", "video/mp4"},
	},
	"whatsapp/voice": {
		{KindMessage, "voice", "16315551234", "", "audio/ogg; codecs=opus"},
	},
	"whatsapp/voice-bsp": {
		{KindMessage, "voice", "5215500000001", "Juan Pérez", "audio/ogg; codecs=opus"},
	},
	"cloud/audio": {
		{KindMessage, "audio", "5511987650001", "Ana Souza", "audio/mpeg"},
	},
	"cloud/audio-voice": {
		{KindMessage, "voice", "5511987650001", "Ana Souza", "audio/ogg; codecs=opus"},
	},
	"cloud/batch-multi": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Good morning!"},
		{KindMessage, "image", "5511987650001", "Ana Souza", "Nota fiscal (image/jpeg)"},
		{KindMessage, "location", "5215512345678", "Lucía Ramírez", "Catedral de Guadalajara (20.6764587,-103.3473498)"},
		{KindStatus, "status", "5215512345678", "", "delivered · marketing"},
	},
	"cloud/button": {
		{KindMessage, "button", "16505550147", "Daniel Okafor", "Stop promotions (STOP_PROMOTIONS)"},
	},
	"cloud/contacts": {
		{KindMessage, "contacts", "5215512345678", "Lucía Ramírez", "Dr. Carlos Mendoza Jr."},
	},
	"cloud/document": {
		{KindMessage, "document", "16505550147", "Daniel Okafor", "Signed contract · contract-2026-0142.pdf (application/pdf)"},
	},
	"cloud/edit": {
		{KindMessage, "edit", "16505550147", "Daniel Okafor", "Pickup at 5pm, not 4pm. Sorry!"},
	},
	"cloud/errors": {
		{KindError, "error", "", "", "Something went wrong (code 131000): An unknown error occurred while processing the webhook event."},
	},
	"cloud/image": {
		{KindMessage, "image", "5511987650001", "Ana Souza", "Este modelo tem em azul? (image/jpeg)"},
	},
	"cloud/interactive-button-reply": {
		{KindMessage, "button_reply", "16505550147", "Daniel Okafor", "Yes, reschedule (resched-yes)"},
	},
	"cloud/interactive-list-reply": {
		{KindMessage, "list_reply", "5511987650001", "Ana Souza", "Av. Paulista · Av. Paulista 1578 · 9h–21h (store-0042)"},
	},
	"cloud/interactive-nfm-reply": {
		{KindMessage, "nfm_reply", "5511987650001", "Ana Souza", "flow · Sent ({\"flow_token\":\"f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b\",\"appointment_date\":\"2026-01-20\",\"appointment_time\":\"14:30\",\"service\":\"haircut\"})"},
	},
	"cloud/location": {
		{KindMessage, "location", "5215512345678", "Lucía Ramírez", "Reforma 222 · Av. Paseo de la Reforma 222, Juárez, Ciudad de México (19.4284706,-99.1627582)"},
	},
	"cloud/order": {
		{KindMessage, "order", "5511987650001", "Ana Souza", "3 items, total 91.80 BRL · Pode entregar amanhã?"},
	},
	"cloud/reaction": {
		{KindMessage, "reaction", "16505550147", "Daniel Okafor", "👍 on wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQUZFNTdGMTZGOTY3NDU0MTU0OQA="},
	},
	"cloud/reaction-removed": {
		{KindMessage, "reaction", "16505550147", "Daniel Okafor", "removed on wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQUZFNTdGMTZGOTY3NDU0MTU0OQA="},
	},
	"cloud/request-welcome": {
		{KindMessage, "request_welcome", "5215512345678", "Lucía Ramírez", "opened the chat"},
	},
	"cloud/revoke": {
		{KindMessage, "revoke", "16505550147", "Daniel Okafor", "deleted wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQUU0NjQyOEY1QkQ3NzFFOUQzRgA="},
	},
	"cloud/status-delivered": {
		{KindStatus, "status", "16505550147", "", "delivered · utility"},
	},
	"cloud/status-failed": {
		{KindStatus, "status", "5215512345678", "", "failed · Re-engagement message (code 131047)"},
	},
	"cloud/status-delivered-bsuid": {
		{KindStatus, "status", "16505550147", "Daniel Okafor", "delivered · marketing"},
	},
	"cloud/status-failed-bsuid": {
		{KindStatus, "status", "", "", "failed · Re-engagement message (code 131047)"},
	},
	"cloud/status-read-username-only": {
		{KindStatus, "status", "", "Lucía Ramírez", "read · service"},
	},
	"cloud/status-played": {
		{KindStatus, "status", "5511987650001", "", "played"},
	},
	"cloud/status-read": {
		{KindStatus, "status", "16505550147", "", "read"},
	},
	"cloud/status-sent": {
		{KindStatus, "status", "5511987650001", "", "sent · referral_conversion"},
	},
	"cloud/sticker": {
		{KindMessage, "sticker", "16505550147", "Daniel Okafor", "image/webp"},
	},
	"cloud/system-user-changed-number": {
		{KindMessage, "system", "16505550147", "", "User Daniel Okafor changed from 16505550147 to 16505550188 (user_changed_number)"},
	},
	"cloud/system-user-changed-user-id": {
		{KindMessage, "system", "5511987654321", "", "User João Silva changed from BR.40244886754701173530 to BR.95594081889893337250 (user_changed_user_id)"},
	},
	"cloud/text": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Hi! Is the store open on Sunday?"},
	},
	"cloud/text-bsuid": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Hello, I need help with my order"},
	},
	"cloud/text-forwarded": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Look at this offer from the mall"},
	},
	"cloud/text-frequently-forwarded": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Share with 10 friends to win a free phone!"},
	},
	"cloud/text-group": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Can someone share the meeting link?"},
	},
	"cloud/text-referral": {
		{KindMessage, "text", "5511987650001", "Ana Souza", "Olá! Vi o anúncio e quero saber mais."},
	},
	"cloud/text-reply": {
		{KindMessage, "text", "16505550147", "Daniel Okafor", "Yes, 3pm works for me."},
	},
	"cloud/text-username-only": {
		{KindMessage, "text", "", "Lucía Ramírez", "Hola, ¿tienen envíos a Guadalajara?"},
	},
	"cloud/text-username-only-parent": {
		{KindMessage, "text", "", "Sofía Núñez", "¿Tienen la talla M en azul? 👕"},
	},
	"cloud/unsupported": {
		{KindMessage, "unsupported", "16505550147", "Daniel Okafor", "poll · Message type unknown (code 131051)"},
	},
	"cloud/video": {
		{KindMessage, "video", "5511987650001", "Ana Souza", "O defeito aparece aqui (video/mp4)"},
	},
}

// contentless are the types whose messages carry nothing to summarise.
var contentless = map[string]bool{"request_welcome": true}

func TestDigestFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, fx := range fixtures.List() {
		if fx.Invalid {
			continue
		}
		seen[fx.Name] = true
		t.Run(fx.Name, func(t *testing.T) {
			data, err := fixtures.Read(fx)
			if err != nil {
				t.Fatal(err)
			}
			exp, ok := wantByFixture[fx.Name]
			if !ok {
				t.Fatalf("no expectation for fixture %s: add it to wantByFixture", fx.Name)
			}
			f, _ := payload.ParseFormat(fx.Folder)
			got := Items(data, f)
			if len(got) != len(exp) {
				t.Fatalf("%d items, want %d: %+v", len(got), len(exp), got)
			}
			for i, it := range got {
				party := it.From
				if it.Kind == KindStatus {
					party = it.To
				}
				g := want{it.Kind, it.Type, party, it.Name, it.Summary}
				if g != exp[i] {
					t.Errorf("item %d:\n got %#v\nwant %#v", i, g, exp[i])
				}
				if it.Format != f || it.Index != i {
					t.Errorf("item %d: format %v index %d", i, it.Format, it.Index)
				}
				if it.Summary == "" && !contentless[it.Type] {
					t.Errorf("item %d (%s): empty summary", i, it.Type)
				}
				if it.Kind != KindError && it.Time.IsZero() {
					t.Errorf("item %d: no time", i)
				}
				if it.Time.Location() != time.UTC {
					t.Errorf("item %d: time not in UTC", i)
				}
				checkPath(t, data, &it)
			}
			// Detection gives the same digest as the folder's format.
			if auto := Items(data, payload.Unknown); len(auto) != len(got) {
				t.Errorf("auto-detected format: %d items, want %d", len(auto), len(got))
			}
		})
	}
	for name := range wantByFixture {
		if !seen[name] {
			t.Errorf("expectation for %s, which is not a fixture", name)
		}
	}
}

// checkPath verifies that Offset locates the item: its id (messages,
// statuses) or title (errors) is there.
func checkPath(t *testing.T, data []byte, it *Item) {
	t.Helper()
	r := gjson.ParseBytes(data[it.Offset:])
	if !r.IsObject() {
		t.Errorf("offset %d does not locate an object", it.Offset)
		return
	}
	if it.Kind == KindError {
		if r.Get("title").String() != it.ErrorTitle {
			t.Errorf("offset %d: title %q, want %q", it.Offset, r.Get("title").String(), it.ErrorTitle)
		}
		return
	}
	id := r.Get("id").String()
	if !r.Get("id").Exists() {
		id = r.Get("message_id").String() // a Conversation API delivery report
	}
	if id != it.ID {
		t.Errorf("offset %d: id %q, want %q", it.Offset, id, it.ID)
	}
}

func TestDigestDetails(t *testing.T) {
	read := func(name string) []Item {
		fx, err := fixtures.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := fixtures.Read(fx)
		return Items(data, payload.Unknown)
	}
	cases := []struct {
		fixture string
		index   int
		check   func(it Item) bool
		what    string
	}{
		{"sinch/text", 0, func(it Item) bool {
			return it.Time.Equal(time.UnixMilli(1513616971473)) && it.To == "5519900000000" && it.ID == "ce425ffe-bc62-421f-9261-e6819a5eab43"
		}, "Sinch time from receivedAt (ms), To from origin, the Sinch id"},
		{"sinch/batch-mixed", 2, func(it Item) bool { return it.Type == "location" }, "the third item"},
		{"sinch/status", 0, func(it Item) bool {
			return it.Status == "delivered" && it.From == "5511900000000" && it.To == "5511987650001" && it.Time.Equal(time.UnixMilli(1718813002286))
		}, "Sinch status: delivered at deliveredAt"},
		{"sinch/status-read", 0, func(it Item) bool { return it.Status == "read" && it.Time.Equal(time.UnixMilli(1718813065497)) }, "read at readAt"},
		{"whatsapp/text", 0, func(it Item) bool { return it.Time.Equal(time.Unix(1518694235, 0)) && it.To == "" }, "native time; no business number"},
		{"whatsapp/text-forwarded", 0, func(it Item) bool { return it.Name == "" }, "no name when no contact has the sender's wa_id"},
		{"whatsapp/status-failed", 0, func(it Item) bool {
			return it.Status == "failed" && strings.HasPrefix(it.ErrorTitle, "Failed to send message") && strings.HasSuffix(it.Summary, "(code 470)")
		}, "failed status with its error"},
		{"cloud/text-username-only", 0, func(it Item) bool {
			return it.From == "" && it.UserID == "MX.8842019375561209437" && it.Name == "Lucía Ramírez"
		}, "username-only user: BSUID and name matched by user_id"},
		{"cloud/batch-multi", 3, func(it Item) bool {
			return it.Kind == KindStatus && it.From == "15550100333"
		}, "second entry's status with its own business number"},
		{"cloud/errors", 0, func(it Item) bool { return it.ErrorTitle == "Something went wrong" && it.Time.IsZero() }, "value-level error"},
		{"cloud/unsupported", 0, func(it Item) bool { return it.ErrorTitle == "Message type unknown" }, "unsupported error title"},
		{"cloud/audio-voice", 0, func(it Item) bool { return it.Type == "voice" }, "Cloud voice note is voice"},
	}
	for _, c := range cases {
		items := read(c.fixture)
		if c.index >= len(items) {
			t.Errorf("%s: no item %d", c.fixture, c.index)
			continue
		}
		if !c.check(items[c.index]) {
			t.Errorf("%s item %d: %s: got %+v", c.fixture, c.index, c.what, items[c.index])
		}
	}
}

func TestDigestSynthetic(t *testing.T) {
	cases := []struct {
		name, json string
		f          payload.Format
		want       []want
	}{
		{"sinch not delivered", `{"total":1,"data":[{"destination":"5511987650001","sent":true,"sentStatusCode":2,"delivered":false,"deliveredStatusCode":104}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "failed · NOT_DELIVERED (code 104)"}}},
		{"sinch rejected with text", `{"total":1,"data":[{"destination":"5511987650001","sent":false,"sentStatusCode":202,"sentStatus":"INVALID_DESTINATION_NUMBER"}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "failed · INVALID_DESTINATION_NUMBER (code 202)"}}},
		{"sinch sent, code 1 of the doc examples", `{"total":1,"data":[{"destination":"5511987650001","sent":true,"sentStatusCode":1}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "sent"}}},
		{"sinch type absent, interactive", `{"data":[{"source":"1","message":{"interactive":{"type":"LIST_REPLY","listReply":{"rowTitle":"A","rowIdentifier":"a"}}}}]}`,
			payload.Sinch, []want{{KindMessage, "list_reply", "1", "", "A (a)"}}},
		{"sinch receivedDate only", `{"data":[{"source":"1","message":{"type":"TEXT","messageText":"x"},"receivedDate":"2020-07-22T14:24:41Z"}]}`,
			payload.Sinch, []want{{KindMessage, "text", "1", "", "x"}}},
		{"edit of an image", `{"messages":[{"from":"1","type":"edit","edit":{"original_message_id":"w","message":{"type":"image","image":{"caption":"c","mime_type":"image/png"}}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "edit", "1", "", "image: c (image/png)"}}},
		{"edit of an edit is not followed", `{"messages":[{"from":"1","type":"edit","edit":{"original_message_id":"w","message":{"type":"edit","edit":{"original_message_id":"v","message":{"type":"text","text":{"body":"deep"}}}}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "edit", "1", "", "edit: edits v"}}},
		{"order with mixed currencies", `{"messages":[{"from":"1","type":"order","order":{"product_items":[{"quantity":1,"item_price":1,"currency":"USD"},{"quantity":2,"item_price":1,"currency":"EUR"}]}}]}`,
			payload.WhatsApp, []want{{KindMessage, "order", "1", "", "3 items, mixed currencies"}}},
		{"call permission", `{"messages":[{"from":"1","type":"interactive","interactive":{"type":"call_permission_reply","call_permission_reply":{"response":"accept","is_permanent":true}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "call_permission_reply", "1", "", "accept · permanent"}}},
		{"reaction with empty emoji", `{"messages":[{"from":"1","type":"reaction","reaction":{"message_id":"w","emoji":""}}]}`,
			payload.WhatsApp, []want{{KindMessage, "reaction", "1", "", "removed on w"}}},
		{"type absent", `{"messages":[{"from":"1"}]}`, payload.WhatsApp, []want{{KindMessage, "unknown", "1", "", ""}}},
		{"unknown type with a body", `{"messages":[{"from":"1","type":"poll","poll":{"name":"Lunch?"}}]}`,
			payload.WhatsApp, []want{{KindMessage, "poll", "1", "", "Lunch?"}}},
		{"null members", `{"contacts":null,"messages":[{"from":null,"type":"text","text":null,"timestamp":null}]}`,
			payload.WhatsApp, []want{{KindMessage, "text", "", "", ""}}},
		{"cloud field not messages", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"messages":[{"from":"1","type":"text","text":{"body":"x"}}]}}]}]}`,
			payload.Cloud, nil},
		{"statuses then errors after messages", `{"errors":[{"code":1,"title":"E"}],"statuses":[{"id":"s","status":"read","recipient_id":"2"}],"messages":[{"from":"1","type":"text","text":{"body":"m"}}]}`,
			payload.WhatsApp, []want{{KindMessage, "text", "1", "", "m"}, {KindStatus, "status", "2", "", "read"}, {KindError, "error", "", "", "E (code 1)"}}},
		{"not an object", `[1,2]`, payload.Unknown, nil},
		{"unknown format", `{"hello":"world"}`, payload.Unknown, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []want
			for _, it := range Items([]byte(c.json), c.f) {
				party := it.From
				if it.Kind == KindStatus {
					party = it.To
				}
				got = append(got, want{it.Kind, it.Type, party, it.Name, it.Summary})
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("item %d: got %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestEachStops(t *testing.T) {
	fx, _ := fixtures.Lookup("cloud/batch-multi")
	data, _ := fixtures.Read(fx)
	n := 0
	Each(data, payload.Cloud, func(*Item) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Each went on after false: %d calls", n)
	}
}

func TestItemsOwnTheirStrings(t *testing.T) {
	data := []byte(`{"messages":[{"from":"1","type":"text","text":{"body":"hello"}}]}`)
	items := Items(data, payload.WhatsApp)
	for i := range data {
		data[i] = 'x'
	}
	if items[0].Summary != "hello" || items[0].From != "1" {
		t.Errorf("items changed with the bytes: %+v", items[0])
	}
}

// FuzzDigest checks that no input makes the digest panic, whatever the
// format it is read as, and that Each and Items agree.
func FuzzDigest(f *testing.F) {
	for _, fx := range fixtures.List() {
		data, err := fixtures.Read(fx)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"data":[{"message":{"type":"INTERACTIVE"}}]}`))
	f.Add([]byte(`{"entry":[{"changes":[{"value":{"messages":[{"type":"edit","edit":{"message":{"type":"order","order":{"product_items":[{}]}}}}]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []payload.Format{payload.Unknown, payload.Sinch, payload.WhatsApp, payload.Cloud} {
			n := 0
			Each(data, format, func(it *Item) bool {
				n++
				if it.Index != n-1 {
					t.Fatalf("index %d for item %d", it.Index, n-1)
				}
				return true
			})
			if got := len(Items(data, format)); got != n {
				t.Fatalf("Items gave %d items, Each %d", got, n)
			}
		}
	})
}

func BenchmarkEach(b *testing.B) {
	var docs [][]byte
	size := 0
	for _, fx := range fixtures.List() {
		if fx.Invalid {
			continue
		}
		data, _ := fixtures.Read(fx)
		docs = append(docs, data)
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			Each(d, payload.Unknown, func(*Item) bool { return true })
		}
	}
}
