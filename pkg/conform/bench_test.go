package conform

import (
	"testing"
	"time"
)

// go test -bench . -benchmem ./pkg/conform

func BenchmarkBuild(b *testing.B) {
	p := LookupProfile("cloud")
	for b.Loop() {
		if _, err := Build(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLargestBatch builds the Cloud API's largest delivery: 1000
// items, each with fresh ids, merged and written as Meta writes it.
func BenchmarkLargestBatch(b *testing.B) {
	cat, err := Build(LookupProfile("cloud"))
	if err != nil {
		b.Fatal(err)
	}
	lib := cat.lib
	kinds := append(lib.messageKinds(), lib.statusKinds()...)
	now := time.Now()
	var n int
	for b.Loop() {
		t, err := lib.batch(kinds, lib.p.MaxBatch, now)
		if err != nil {
			b.Fatal(err)
		}
		n = len(lib.wire(t))
	}
	b.SetBytes(int64(n))
}

// BenchmarkNearMax builds the Cloud API's near-3 MB delivery.
func BenchmarkNearMax(b *testing.B) {
	cat, err := Build(LookupProfile("cloud"))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	var n int
	for b.Loop() {
		body, _, err := cat.lib.nearMax(now)
		if err != nil {
			b.Fatal(err)
		}
		n = len(body)
	}
	b.SetBytes(int64(n))
}

// BenchmarkASCIIEscape writes a mostly non-ASCII body in Meta's \uXXXX form.
func BenchmarkASCIIEscape(b *testing.B) {
	t, _ := parseTree([]byte(`{"text":{"body":""}}`))
	t.get("text").get("body").str = longText(nonASCIIText)
	body := t.bytes()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		asciiEscape(body)
	}
}
