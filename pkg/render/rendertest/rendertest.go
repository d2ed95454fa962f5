// Package rendertest holds what the tests of wamo's views share: text built
// to take over a terminal, payloads that carry it, and the check that an
// output holds nothing a terminal acts on. The check is written apart from
// render's sanitizer so that it tests it rather than repeats it.
package rendertest

import (
	"encoding/json"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Hostile is text built to take over a terminal: colour and screen
// clearing, a window title (OSC ended by BEL), a bell, an 8-bit CSI, bidi
// overrides and isolates that reorder what is shown, DEL.
const Hostile = "\x1b[31mred\x1b[0m\x1b[2J \x1b]0;pwned\x07 bell\x07 \u009b31m \u202etxt.exe\u202c \u2066iso\u2069 del\x7f"

// Input is one named input document.
type Input struct {
	Name string
	Data []byte
}

// HostilePayloads carry Hostile in every kind of value the views print:
// names, bodies, ids, keys, a value a finding quotes, and raw bidi and C1
// characters in a syntax error's excerpt; the file name is hostile too.
func HostilePayloads(t testing.TB) []Input {
	t.Helper()
	b, err := json.Marshal(Hostile)
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	cloud := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":` + h + `,"phone_number_id":"1"},"contacts":[{"profile":{"name":` + h + `},"wa_id":"16505550147"}],` +
		`"messages":[{"from":"16505550147","id":` + h + `,"timestamp":"1767607200","type":"text","text":{"body":` + h + `},` + h + `:1}]}}]}]}`
	sinch := `{"total":1,"data":[{"id":"x","source":` + h + `,"origin":"5519900000000","userProfile":{"name":` + h + `},` +
		`"message":{"type":"TEXT","messageText":` + h + `},"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}]}`
	status := `{"statuses":[{"id":"x","status":"failed","timestamp":"1518694235","recipient_id":"16315551234","errors":[{"code":1,"title":` + h + `}]}]}`
	broken := "{\"messages\":[{\"text\":{\"body\":\"\u202e\u009b[2J evil\"}},]}"
	name := "in/\x1b[2Jevil\u202e.json"
	return []Input{{name, []byte(cloud)}, {name, []byte(sinch)}, {name, []byte(status)}, {name, []byte(broken)}}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// StripSGR removes colour sequences (SGR), the only escapes wamo writes.
func StripSGR(b []byte) []byte { return sgr.ReplaceAll(b, nil) }

// actsOn reports whether a terminal acts on r: C0 and C1 controls, DEL,
// and the bidi embeddings, overrides and isolates.
func actsOn(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// AssertInert fails when out holds anything a terminal acts on besides
// newlines and tabs. With colour on, wamo's own SGR sequences are allowed
// and nothing else.
func AssertInert(t testing.TB, view string, out []byte) {
	t.Helper()
	out = StripSGR(out)
	if !utf8.Valid(out) {
		t.Errorf("%s: not UTF-8: %q", view, out)
		return
	}
	for i, r := range string(out) {
		if r != '\n' && r != '\t' && actsOn(r) {
			t.Errorf("%s: %U at byte %d: %q", view, r, i, out[max(0, i-40):min(len(out), i+40)])
			return
		}
	}
}

// TTY sets up a test's streams as a colour terminal's.
func TTY(ios *iostreams.IOStreams) {
	ios.SetStdoutTTY(true)
	ios.SetColorMode(iostreams.ColorAlways)
}
