package convert_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// TestConvertAsDetected checks that converting as the detected format
// gives what Convert gives when it detects the format itself.
func TestConvertAsDetected(t *testing.T) {
	data := payloadtest.NDJSON(t, 256<<10, payloadtest.Valid)
	rd := payload.NewReader(bytes.NewReader(data), "all.ndjson", 0)
	rd.SetLineMode(true)
	n := 0
	for _, to := range []payload.Format{payload.Sinch, payload.WhatsApp, payload.Cloud, payload.Conversation} {
		detecting := convert.New(convert.Options{To: to, Compact: true})
		told := convert.New(convert.Options{To: to, Compact: true})
		payloadtest.Each(t, rd, func(p *payload.Payload) {
			want, werr := detecting.Convert(p.Data)
			got, gerr := told.ConvertAs(p.Data, payload.Detect(p.Data).Format)
			if (werr == nil) != (gerr == nil) || !bytes.Equal(got.Output, want.Output) ||
				len(got.Losses) != len(want.Losses) || len(got.Defaults) != len(want.Defaults) {
				t.Errorf("%s to %s: ConvertAs gives %q, %v; Convert gives %q, %v", p.Source, to, got.Output, gerr, want.Output, werr)
			}
			n++
		})
		rd = payload.NewReader(bytes.NewReader(data), "all.ndjson", 0)
		rd.SetLineMode(true)
	}
	if n == 0 {
		t.Fatal("no payload")
	}
}

// TestConvertTape checks that converting the tape a validator recorded
// gives what converting the text gives: output, losses, defaults and
// errors, for every fixture (the invalid ones, whose tape is empty,
// included) and every target.
func TestConvertTape(t *testing.T) {
	fxs := payloadtest.Fixtures(t, nil)
	var tape jsontree.Tape
	v := validate.New(validate.Options{})
	v.Record(&tape)
	taken := 0
	for _, to := range []payload.Format{payload.Sinch, payload.WhatsApp, payload.Cloud, payload.Conversation} {
		for _, keep := range []bool{false, true} {
			opts := convert.Options{To: to, KeepExtras: keep, Now: func() time.Time { return time.Unix(1767225600, 0) }}
			parsing, recorded := convert.New(opts), convert.New(opts)
			for _, fx := range fxs {
				p := payload.Payload{Data: fx.Data, Source: fx.Name, Line: 1, Col: 1}
				res := v.Validate(&p)
				if tape.Root().Exists() {
					taken++
				}
				want, werr := parsing.ConvertAs(p.Data, res.Format)
				got, gerr := recorded.ConvertTape(p.Data, &tape, res.Format)
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gerr, werr) {
					t.Errorf("%s to %s (keep extras %v): from the tape %+v, %v; from the text %+v, %v", fx.Name, to, keep, got, gerr, want, werr)
				}
			}
		}
	}
	if taken == 0 {
		t.Fatal("no tape recorded")
	}
}
