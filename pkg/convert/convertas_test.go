package convert_test

import (
	"bytes"
	"testing"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
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
