package convert

import (
	"reflect"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// fastPathCount reports how many of the docs the fast path handles.
func fastPathCount(t testing.TB, docs [][]byte, o Options) int {
	n := 0
	for _, d := range docs {
		c := New(o)
		var tp tape
		if !tp.parse(string(d)) {
			continue
		}
		if !c.run(tp.root(), payload.WhatsApp) {
			continue
		}
		if c.predictOnPremToSinch(tp.root()) {
			n++
		}
	}
	return n
}

// agree converts data with and without the fast path and compares.
func agree(t *testing.T, name string, data []byte, o Options) {
	t.Helper()
	fast := New(o)
	slow := New(o)
	NoFastPath(slow)
	a, errA := fast.Convert(data)
	b, errB := slow.Convert(data)
	if (errA == nil) != (errB == nil) {
		t.Fatalf("%s: errors differ: %v / %v", name, errA, errB)
	}
	if !reflect.DeepEqual(a.Losses, b.Losses) {
		t.Errorf("%s: the fast path disagrees\nfast: %+v\nslow: %+v", name, a.Losses, b.Losses)
	}
	if string(a.Output) != string(b.Output) {
		t.Errorf("%s: outputs differ", name)
	}
}

// TestFastPathAgrees holds the fast path to the general comparison on every fixture.
func TestFastPathAgrees(t *testing.T) {
	var docs [][]byte
	for _, fx := range fixtures.List() {
		if fx.Folder != "whatsapp" {
			continue
		}
		data, _ := fixtures.Read(fx)
		docs = append(docs, data)
		for _, o := range []Options{{To: payload.Sinch}, {To: payload.Sinch, Origin: "16315558011", Compact: true}} {
			agree(t, fx.Name, data, o)
		}
	}
	t.Logf("fast path taken for %d of %d whatsapp fixtures", fastPathCount(t, docs, Options{To: payload.Sinch}), len(docs))
}
