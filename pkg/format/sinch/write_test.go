package sinch_test

import (
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/message"
)

// TestOriginWithoutDigits: a business number with no digits in it (a
// display_phone_number mangled to "ad") is no origin: the option or the
// default stands in, reported as a fill, instead of an empty origin.
func TestOriginWithoutDigits(t *testing.T) {
	for _, tc := range []struct {
		business, option, want string
		fills                  int
	}{
		{"+1 555 010-0222", "", `"origin":"15550100222"`, 0},
		{"ad", "", `"origin":"` + message.DefaultBusinessNumber + `"`, 1},
		{"ad", "5511900000000", `"origin":"5511900000000"`, 1},
	} {
		w := sinch.NewWriter()
		fills := 0
		w.Reset(message.WriteOptions{Origin: tc.option, Fill: func(message.Fill) { fills++ }})
		d := message.Delivery{Batches: []message.BatchOf{{Batch: message.Batch{Business: tc.business},
			Messages: []message.Message{{ID: `"x"`, Kind: message.Text, Text: `"hi"`,
				From: message.Party{Phone: `"5511988887777"`}, Time: message.Time{Sec: 1767614400, HasSec: true}}}}}}
		d.Emit(w)
		out, ok := w.End()
		if !ok || !strings.Contains(string(out), tc.want) || fills != tc.fills {
			t.Errorf("business %q, option %q: %d fills, output %s; want %s and %d fills", tc.business, tc.option, fills, out, tc.want, tc.fills)
		}
	}
}
