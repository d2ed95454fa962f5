package payload_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		in     string
		want   payload.Format
		reason string
	}{
		{`{"total":1,"data":[]}`, payload.Sinch, "top-level total"},
		{`{"data":[],"total":1}`, payload.Sinch, "top-level data"},
		{`{"clientInfo":{},"data":[]}`, payload.Sinch, "top-level data"},
		{`{"messages":[]}`, payload.WhatsApp, "top-level messages"},
		{`{"statuses":[]}`, payload.WhatsApp, "top-level statuses"},
		{`{"contacts":[],"messages":[]}`, payload.WhatsApp, "top-level contacts"},
		{`{"errors":[]}`, payload.WhatsApp, "top-level errors"},
		{`{"object":"whatsapp_business_account","entry":[]}`, payload.Cloud, "top-level object"},
		{`{"entry":[],"object":"page"}`, payload.Cloud, "top-level entry"},
		// Undecisive members before the decisive one are skipped.
		{`{"id":"1","hub":{"messages":[]},"entry":[]}`, payload.Cloud, "top-level entry"},
		{"{\n  \"x\": [1, {\"total\": 2}],\n  \"statuses\": []\n}", payload.WhatsApp, "top-level statuses"},
		// The first decisive member wins when formats are mixed.
		{`{"messages":[],"total":1,"object":"x"}`, payload.WhatsApp, "top-level messages"},
		{`{"total":1,"messages":[]}`, payload.Sinch, "top-level total"},
		// Keys are compared after unescaping.
		{`{"\u0064ata":[]}`, payload.Sinch, "top-level data"},
		// Nothing decisive.
		{`{}`, payload.Unknown, "no top-level"},
		{`{"Data":[],"MESSAGES":[],"value":{"messages":[]}}`, payload.Unknown, "no top-level"},
		{`[{"data":[]}]`, payload.Unknown, "not an object"},
		{`"data"`, payload.Unknown, "not an object"},
		{`42`, payload.Unknown, "not an object"},
		{``, payload.Unknown, "not an object"},
	}
	for _, tt := range tests {
		d := payload.Detect([]byte(tt.in))
		if d.Format != tt.want || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("Detect(%s) = %v (%q), want %v (%q)", tt.in, d.Format, d.Reason, tt.want, tt.reason)
		}
		if d2 := payload.DetectString(tt.in); d2 != d {
			t.Errorf("DetectString(%s) = %+v, Detect = %+v", tt.in, d2, d)
		}
	}
}

// TestLookalikes: webhooks of other Sinch products are named, not misread
// as On-Premises notifications (they share statuses and contacts).
func TestLookalikes(t *testing.T) {
	tests := []struct {
		in      string
		want    payload.Lookalike
		trigger string
		reason  string
	}{
		{`{"type":"whatsapp","notifications":[{"from":"46732001122","to":"1"}]}`, payload.SinchWhatsAppLegacy, "", "retired standalone Sinch WhatsApp API"},
		{`{"statuses":[{"state":"delivered"}],"type":"whatsapp"}`, payload.SinchWhatsAppLegacy, "", "30 September 2023"},
		{`{"contacts":[],"notifications":[]}`, payload.SinchWhatsAppLegacy, "", "not an On-Premises notification"},
		// Members only a format has decide, whatever else is there.
		{`{"contacts":[],"messages":[],"notifications":[]}`, payload.NoLookalike, "", "top-level contacts"},
		{`{"type":"whatsapp","messages":[]}`, payload.NoLookalike, "", "top-level messages"},
		{`{"app_id":"a","data":[],"project_id":"p"}`, payload.NoLookalike, "", "top-level data"},
		{`{"type":"text","statuses":[]}`, payload.NoLookalike, "", "top-level statuses"},
	}
	for _, tt := range tests {
		d := payload.DetectString(tt.in)
		if d.LooksLike != tt.want || d.Trigger != tt.trigger || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("Detect(%s) = %+v, want %v (trigger %q, %q)", tt.in, d, tt.want, tt.trigger, tt.reason)
		}
		if (d.Format == payload.Unknown) != (tt.want != payload.NoLookalike) {
			t.Errorf("Detect(%s): format %v with look-alike %v", tt.in, d.Format, d.LooksLike)
		}
	}
}

// TestDetectConversation: a Sinch Conversation API callback is a format of
// its own, recognised by app_id or project_id, with its trigger named.
func TestDetectConversation(t *testing.T) {
	for _, tt := range []struct{ in, trigger, reason string }{
		{`{"app_id":"01E","accepted_time":"2026-01-01T00:00:00Z","project_id":"p","message":{"contact_message":{"text_message":{"text":"hi"}}}}`, "message", "top-level app_id"},
		{`{"project_id":"p","app_id":"a","message_delivery_report":{"status":"DELIVERED"}}`, "message_delivery_report", "top-level app_id"},
		{`{"project_id":"p","event":{}}`, "event", "top-level project_id"},
		{`{"app_id":"a","message_redaction":{}}`, "message_redaction", "top-level app_id"},
		{`{"app_id":"a","project_id":"p"}`, "", "top-level app_id"},
	} {
		d := payload.DetectString(tt.in)
		if d.Format != payload.Conversation || d.Trigger != tt.trigger || d.Reason != tt.reason || d.LooksLike != payload.NoLookalike {
			t.Errorf("Detect(%s) = %+v, want conversation (trigger %q, %q)", tt.in, d, tt.trigger, tt.reason)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]payload.Format{
		"sinch": payload.Sinch, "wavy": payload.Sinch, "SINCH": payload.Sinch, " sinch ": payload.Sinch,
		"whatsapp": payload.WhatsApp, "onprem": payload.WhatsApp, "on-prem": payload.WhatsApp, "native": payload.WhatsApp,
		"cloud": payload.Cloud, "cloudapi": payload.Cloud, "cloud-api": payload.Cloud,
		"": payload.Unknown, "auto": payload.Unknown,
	} {
		got, err := payload.ParseFormat(in)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"bogus", "json", "whatsapp-cloud"} {
		if _, err := payload.ParseFormat(in); err == nil || !strings.Contains(err.Error(), "want sinch, whatsapp, cloud or conversation") {
			t.Errorf("ParseFormat(%q) error = %v", in, err)
		}
	}
}

func TestFormatNames(t *testing.T) {
	if len(payload.Formats) != 4 {
		t.Fatalf("Formats = %v", payload.Formats)
	}
	for _, f := range payload.Formats {
		back, err := payload.ParseFormat(f.String())
		if err != nil || back != f {
			t.Errorf("%v does not round-trip: %v %v", f, back, err)
		}
	}
	b, err := json.Marshal(map[string]payload.Format{"f": payload.Cloud, "u": payload.Unknown})
	if err != nil || string(b) != `{"f":"cloud","u":"unknown"}` {
		t.Errorf("JSON: %s %v", b, err)
	}
}

func TestPayloadString(t *testing.T) {
	p := payload.Payload{Data: []byte(`{"a":1}`)}
	if p.String() != `{"a":1}` {
		t.Errorf("String() = %q", p.String())
	}
	var empty payload.Payload
	if empty.String() != "" {
		t.Error("empty payload")
	}
}

// BenchmarkDetect: detection reads a few bytes of a payload, whatever its
// size, when the first members decide.
func BenchmarkDetect(b *testing.B) {
	for name, doc := range map[string]string{
		"cloud":              `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}`,
		"onprem-contacts":    `{"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],"messages":[{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSf","timestamp":"1518694235","text":{"body":"Hello this is an answer with a few more words to make it typical in length"},"type":"text"}]}`,
		"onprem-statuses":    `{"statuses":[{"id":"gBGGFlA5FpafAgo6tHcNmNjXmuSf","status":"delivered","timestamp":"1518694235","recipient_id":"16315551234","conversation":{"id":"c1","origin":{"type":"utility"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"utility"}}]}`,
		"sinch-conversation": `{"app_id":"01EB37HMH1M6SV18ASNS3G135H","project_id":"c36f3d3d","message":{"id":"01EQ4174TGSMSAEY8Q1BTPZCVX","direction":"TO_APP"}}`,
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				payload.DetectString(doc)
			}
		})
	}
}

func TestLookalikeEscapedType(t *testing.T) {
	if d := payload.DetectString(`{"statuses":[],"type":"whats\u0061pp"}`); d.LooksLike != payload.SinchWhatsAppLegacy {
		t.Errorf("escaped type: %+v", d)
	}
}
