package gen_test

import (
	"fmt"
	"time"

	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// Generate three reproducible Cloud API text or image webhooks.
func ExampleNew() {
	g, err := gen.New(gen.Options{
		Format: payload.Cloud,
		Types:  []string{"text", "image"},
		Seed:   42,
		Now:    time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	for range 3 {
		fmt.Printf("%s\n", g.Next())
	}
}
