package convert_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

func cell(s string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(s, "|", `\|`)
}

func code(s string) string {
	if s == "" || s == "—" {
		return s
	}
	return "`" + s + "`"
}

// mappingDoc renders mapping.md from the tables.
func mappingDoc() string {
	var b strings.Builder
	b.WriteString(`# wamo convert: the mapping

<!-- Generated from the format packages (pkg/format/*) by: go test ./pkg/convert -run TestMappingDoc -update -->

` + "`wamo convert --to sinch|whatsapp|cloud`" + ` converts WhatsApp inbound webhook payloads between
the Sinch (ex-Wavy) MO callback, the On-Premises notification (` + "`whatsapp`" + `) and the Cloud API
envelope (` + "`cloud`" + `).

**How losses are found.** A conversion is checked by converting its output back to the source
format and comparing the result with the input, value by value (key order and number spelling do
not matter). Every difference is reported, with its path in the input:

- *dropped*: the field has no counterpart in the target;
- *changed*: the target carries it, but converting back gives another value (milliseconds of a
  Sinch time, a default standing in for a business number, a re-spelled type);
- *added*: converting back writes a field the input did not have (the canonical form of the target).

So "A → B → A equals A except for the reported losses" holds by construction, and the tests check
it independently over every fixture and thousands of generated payloads.

**Defaults.** Values the target needs and the source lacks come from flags or from these defaults,
each reported as ` + "`convert.default`" + `:

| value | flag | default |
| --- | --- | --- |
| Sinch ` + "`origin`" + ` (business number) from an On-Premises payload | ` + "`--origin`" + ` | ` + "`" + convert.DefaultBusinessNumber + "`" + ` |
| Cloud ` + "`metadata.display_phone_number`" + ` from an On-Premises payload | ` + "`--display-phone-number`" + ` (else ` + "`--origin`" + `) | ` + "`" + convert.DefaultBusinessNumber + "`" + ` |
| Cloud ` + "`metadata.phone_number_id`" + ` | ` + "`--phone-number-id`" + ` | ` + "`" + convert.DefaultPhoneNumberID + "`" + ` |
| Cloud ` + "`entry[].id`" + ` (WhatsApp Business Account id) | ` + "`--waba-id`" + ` | ` + "`" + convert.DefaultWABAID + "`" + ` |
| Sinch ` + "`mediaUrl`" + ` of media known only by id | ` + "`--media-base-url`" + ` | ` + "`" + convert.DefaultMediaBaseURL + "<media id>`" + ` |
| native media ` + "`id`" + ` of a Sinch media message | — | the message id |
| ` + "`from`/`wa_id`/`source`/`destination`" + ` of a username-only (BSUID) user | — | ` + "`" + convert.DefaultWaID + "`" + ` |
| Cloud contact card ` + "`name.formatted_name`" + ` | — | built from the name parts |

Flags fill what the source lacks; they never override what it says.

**` + "`--keep-extras`" + `.** The output gains one top-level member, ` + "`" + convert.ExtrasKey + "`" + `:

` + "```json" + `
"` + convert.ExtrasKey + `": {
  "format": "sinch",
  "set": {"/data/0/campaignId": 100, "/clientInfo": {"customerId": 10}},
  "unset": ["/messages/0/audio/voice"],
  "filled": ["/entry/0/id"]
}
` + "```" + `

` + "`format`" + ` is the format the extras restore, ` + "`set`" + ` maps JSON pointers (RFC 6901) into that
payload to their original values, ` + "`unset`" + ` lists members converting back adds. Converting the
output to that format applies them: the result equals the original payload as JSON values (member
order may differ). ` + "`filled`" + ` lists the values the conversion filled in (defaults and flag values):
converting back does not count them as data, so with ` + "`--keep-extras`" + ` on both steps A → B → A gives A
back exactly, with no extras left. With ` + "`--keep-extras`" + ` nothing the extras carry is reported as lost
(` + "`--strict`" + ` then passes). Extras for another format are carried along with ` + "`--keep-extras`" + `, and
reported as lost without it.

## What corresponds to what

Paths are relative to a Sinch ` + "`data[]`" + ` item, an On-Premises body and a Cloud API change
` + "`value`" + `. Every row is carried both ways.

| Sinch | On-Premises (` + "`whatsapp`" + `) | Cloud API (` + "`cloud`" + `) | note |
| --- | --- | --- | --- |
`)
	for _, m := range format.Mapping(payload.Sinch, payload.WhatsApp, payload.Cloud) {
		sinch, onprem, cloud := m.Paths[0], m.Paths[1], m.Paths[2]
		if cloud == onprem && cloud != "" && sinch != "" {
			cloud = "same"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", code(cell(dash(sinch))), code(cell(dash(onprem))), code(cell(dash(cloud))), cell(m.Note))
	}
	section := func(title, intro string, from payload.Format) {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| path | to | kind | why |\n| --- | --- | --- | --- |\n", title, intro)
		for _, n := range format.Of(from).Notes {
			to := n.To
			if to == "" {
				to = "all"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cell(n.Path), to, n.Kind, cell(n.Text))
		}
	}
	section("No native counterpart: lost from Sinch",
		"Paths in a Sinch batch. Besides these, every item of a type native formats cannot carry (an ORDER, a status callback without state) is reported as a whole.",
		payload.Sinch)
	section("No counterpart: lost from On-Premises and Cloud API payloads",
		"Paths in an On-Premises body, or relative to a Cloud API change value (`entry[]` paths excepted); `<media>` is image, audio, video, document, sticker or voice. "+
			"Besides these, messages and statuses of a type the target lacks are reported as a whole: towards Sinch, reactions, orders' contents, system, unknown/unsupported, "+
			"request_welcome, edit, revoke messages, nfm_reply and call_permission_reply replies, played/deleted/warning statuses; between On-Premises and the Cloud API, "+
			"request_welcome, edit, revoke and call_permission_reply (Cloud only), played (Cloud only), deleted and warning (On-Premises only).",
		payload.Cloud)
	b.WriteString(`
Fields no format documents are reported as "not a documented … field". An object that repeats a
member name is read as receivers read it (Go's encoding/json, Node and Python keep the last one):
the last member of that name counts and the earlier ones are reported as lost.

## Warnings the output may carry

The output of a valid payload always validates without errors. These warnings can remain, because
the target has no better way to say it:

| rule | why |
| --- | --- |
`)
	for _, r := range slices.Sorted(maps.Keys(allowedWarnings)) {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r, allowedWarnings[r])
	}
	fmt.Fprintf(&b, "\nFormats: %s.\n", strings.Join(formatNames(), ", "))
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func formatNames() []string {
	var out []string
	for _, f := range payload.Formats {
		out = append(out, f.String())
	}
	return out
}

// TestMappingDoc keeps mapping.md generated from the tables.
func TestMappingDoc(t *testing.T) {
	golden.Assert(t, "mapping.md", []byte(mappingDoc()))
}

// TestFixtureLossesDocumented: every loss the fixtures show is explained by
// a note of the tables (or names a whole item or an undocumented field).
func TestFixtureLossesDocumented(t *testing.T) {
	notes := map[string]bool{}
	for _, f := range payload.Formats {
		for _, n := range format.Of(f).Notes {
			notes[n.Text] = true
		}
	}
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		for _, to := range payload.Formats {
			if to == fx.Format {
				continue
			}
			res, _ := convert.Convert(fx.Data, opts(to))
			for _, l := range res.Losses {
				if notes[l.Reason] || strings.HasPrefix(l.Reason, "not a documented") || strings.Contains(l.Reason, "counterpart") ||
					strings.HasPrefix(l.Reason, "a Sinch") || strings.Contains(l.Reason, "regrouped") || strings.HasPrefix(l.Reason, "not written") {
					continue
				}
				t.Errorf("%s → %s: %s: %q is not documented in mapping.go", fx.Name, to, l.Path, l.Reason)
			}
		}
	}
}
