package validate_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// shape is a payload built to hurt the validator.
type shape struct {
	name string
	data []byte
}

// repeatTo writes head, then part(i) separated by commas until about size
// bytes, then tail.
func repeatTo(size int, head, tail string, part func(i int) string) []byte {
	var b strings.Builder
	b.Grow(size + 1024)
	b.WriteString(head)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(part(i))
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// worstShapes returns the worst shapes found, of about size bytes each, and
// an ordinary delivery of as many valid messages for comparison: cost must
// follow the bytes, whatever the shape and however many findings it makes.
func worstShapes(size int) []shape {
	msg := func(i int) string {
		return `{"from":"16315551000","id":"ABGGFlA5Fpaf` + strconv.Itoa(i) +
			`","timestamp":"1518694235","type":"text","text":{"body":"Hello, is the store open on Sunday?"}}`
	}
	deep := strings.Repeat(`{"a":[`, 120) + strings.Repeat(`]}`, 120)
	return []shape{
		{"ordinary-messages", repeatTo(size, `{"contacts":[{"profile":{"name":"Kerry"},"wa_id":"16315551000"}],"messages":[`, `]}`, msg)},
		// Seven findings per three bytes: the 300 KB version took 100 s and 385 MB.
		{"batch-of-empty-items", repeatTo(size, `{"total":1,"data":[`, `]}`, func(int) string { return `{}` })},
		{"many-unknown-keys", repeatTo(size, `{"messages":[{"from":"16315551234","id":"a","timestamp":"1518694235","type":"text","text":{"body":"x"},`, `}]}`,
			func(i int) string { return `"k` + strconv.Itoa(i) + `":1` })},
		{"many-repeated-keys", repeatTo(size, `{"messages":[{"from":"16315551234","id":"a","timestamp":"1518694235","type":"text","text":{"body":"x"},`, `}]}`,
			func(i int) string { return `"k` + strconv.Itoa(i%3) + `":` + strconv.Itoa(i%2) })},
		{"repeated-known-keys", repeatTo(size, `{"messages":[{"id":"a","timestamp":"1518694235","type":"text","text":{"body":"x"},`, `}]}`,
			func(i int) string { return `"from":"` + strconv.Itoa(i%7) + `"` })},
		// Every message has the same id and a sender among thousands of contacts.
		{"same-ids-many-senders", repeatTo(size, `{"contacts":[`+string(repeatTo(size/4, "", "", func(i int) string {
			return `{"wa_id":"1631556` + strconv.Itoa(1000+i) + `"}`
		}))+`],"messages":[`, `]}`, func(i int) string {
			return `{"from":"1631555` + strconv.Itoa(1000+i%9000) + `","id":"x","timestamp":"1","type":"text","text":{"body":""}}`
		})},
		{"deep-nesting", repeatTo(size, `{"messages":[{"from":"16315551234","id":"a","timestamp":"1518694235","type":"text","text":{"body":"x"},"x":[`, `]}]}`,
			func(int) string { return deep })},
		{"long-strings", []byte(`{"messages":[{"from":"16315551234","id":"a","timestamp":"1518694235","type":"text","text":{"body":"` +
			strings.Repeat(`\u00e9\"é `, size/20) + `"},"x":"` + strings.Repeat("x", size/2) + `"}]}`)},
		{"many-items-each-invalid", repeatTo(size, `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{`+
			`"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"1"},"messages":[`, `]}}]}]}`,
			func(i int) string { return `{"type":"image","text":{},"from":"+1"}` })},
	}
}

// TestWorstShapes: each worst shape of 2 MB validates within a budget
// linear in its size (a quadratic path in findings, keys, items or
// positions takes minutes there), lists at most the capped number of
// findings and counts the rest.
func TestWorstShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("2 MB inputs")
	}
	v := validate.New(validate.Options{})
	for _, sh := range worstShapes(costcheck.Scaled(2 << 20)) {
		t.Run(sh.name, func(t *testing.T) {
			var res validate.Result
			costcheck.Within(t, sh.name, sh.data, func(b []byte) {
				res = v.Validate(&payload.Payload{Source: sh.name, Data: b, Line: 1, Col: 1})
			})
			if res.Unusable {
				t.Fatalf("unusable: %v", res.Findings)
			}
			if len(res.Findings) > validate.DefaultMaxFindings+1 {
				t.Errorf("%d findings listed", len(res.Findings))
			}
			if total := res.Errors + res.Warnings; total > validate.DefaultMaxFindings && res.Omitted == 0 {
				t.Errorf("%d findings, none omitted", total)
			}
			t.Logf("%d bytes: %d messages, %d errors, %d warnings, %d listed", len(sh.data), res.Messages, res.Errors, res.Warnings, len(res.Findings))
		})
	}
	// The delivery of empty items: seven errors per item, all counted.
	batch := worstShapes(300 << 10)[1]
	res := v.Validate(&payload.Payload{Data: batch.data, Line: 1, Col: 1})
	items := strings.Count(string(batch.data), "{}")
	if res.Messages != items || res.InvalidItems != items || res.Errors != 7*items+1 || res.Omitted != res.Errors-validate.DefaultMaxFindings {
		t.Errorf("%d items: %d messages, %d invalid, %d errors, %d omitted", items, res.Messages, res.InvalidItems, res.Errors, res.Omitted)
	}
}

// BenchmarkValidateShapes measures throughput and allocations on each
// worst shape (1 MB) next to an ordinary delivery of the same size.
func BenchmarkValidateShapes(b *testing.B) {
	for _, sh := range worstShapes(1 << 20) {
		b.Run(sh.name, func(b *testing.B) {
			v := validate.New(validate.Options{})
			b.SetBytes(int64(len(sh.data)))
			b.ReportAllocs()
			for b.Loop() {
				v.Validate(&payload.Payload{Data: sh.data, Line: 1, Col: 1})
			}
		})
	}
}
