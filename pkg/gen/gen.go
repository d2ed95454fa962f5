// Package gen generates synthetic, realistic and valid webhook payloads in
// the formats wamo knows: Sinch MO and status callbacks, WhatsApp
// On-Premises notifications and Cloud API envelopes.
//
// A Generator is deterministic: the same Options (seed included) give the
// same payloads, byte for byte, on every platform. Values are plausible
// rather than placeholders — digits-only phone numbers with real country
// codes, UUIDs for Sinch ids, wamid. ids for the Cloud API, names and texts
// in English, Portuguese and Spanish with accents, emoji and characters
// that need JSON escaping, media with matching MIME types and well-formed
// SHA-256 digests, timestamps that increase from a base time — and every
// payload passes `wamo validate`.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// DefaultBase is the base time used when Options.Now is zero, so that a
// seed alone fixes the output.
var DefaultBase = time.Date(2026, time.January, 5, 12, 0, 0, 0, time.UTC)

// Options configure a Generator.
type Options struct {
	// Format of the payloads: payload.Sinch, payload.WhatsApp or payload.Cloud.
	Format payload.Format
	// Types are the message types to draw from, lowercase names as listed
	// by Types (case and surrounding blanks are ignored); empty means every
	// type the format supports. "status" produces status (receipt)
	// notifications.
	Types []string
	// Seed makes the output reproducible.
	Seed uint64
	// Now is the time of the first payload; later payloads are later.
	// Zero means DefaultBase.
	Now time.Time
	// Batch is the number of data items per Sinch callback (default 1);
	// other formats carry one message or status per payload.
	Batch int
}

// Types returns the message types Generator supports for format f, in a
// stable order, or nil for an unknown format.
func Types(f payload.Format) []string {
	switch f {
	case payload.Sinch:
		return slices.Clone(sinchTypes)
	case payload.WhatsApp:
		return slices.Clone(onPremTypes)
	case payload.Cloud:
		return slices.Clone(cloudTypes)
	}
	return nil
}

var (
	sinchTypes  = []string{"text", "image", "audio", "document", "sticker", "video", "location", "contacts", "button", "interactive", "status"}
	onPremTypes = []string{"text", "image", "audio", "video", "document", "voice", "sticker", "location", "contacts", "button", "interactive", "order", "system", "unknown", "reaction", "status"}
	cloudTypes  = []string{"text", "image", "audio", "video", "document", "sticker", "location", "contacts", "button", "interactive", "order", "system", "reaction", "status", "unsupported", "request_welcome", "edit", "revoke"}
)

// Generator produces payloads one at a time. It is not safe for concurrent
// use; create one per goroutine (with different seeds).
type Generator struct {
	format payload.Format
	types  []string
	batch  int
	rng    *rand.Rand
	clock  time.Time
	biz    []business
	buf    bytes.Buffer
	enc    *json.Encoder
}

// New validates opts and returns a Generator.
func New(opts Options) (*Generator, error) {
	all := Types(opts.Format)
	if all == nil {
		return nil, fmt.Errorf("gen: unknown format %q: want sinch, whatsapp or cloud", opts.Format)
	}
	var types []string
	for _, t := range opts.Types {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if !slices.Contains(all, t) {
			return nil, fmt.Errorf("gen: %s has no message type %q (valid: %s)", opts.Format, t, strings.Join(all, ", "))
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = all
	}
	if opts.Batch < 0 {
		return nil, fmt.Errorf("gen: batch size %d: want at least 1", opts.Batch)
	}
	if opts.Batch > 1 && opts.Format != payload.Sinch {
		return nil, fmt.Errorf("gen: batches of several items are a Sinch feature, not %s", opts.Format)
	}
	batch := max(opts.Batch, 1)
	now := opts.Now
	if now.IsZero() {
		now = DefaultBase
	}
	g := &Generator{
		format: opts.Format,
		types:  types,
		batch:  batch,
		// Two PCG words from one seed: the stream is fixed by the seed
		// alone and stable across Go releases (math/rand/v2 promises it).
		rng:   rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		clock: now.UTC().Truncate(time.Millisecond),
	}
	g.enc = json.NewEncoder(&g.buf)
	g.enc.SetEscapeHTML(false) // providers send <, > and & as they are
	for range 1 + g.rng.IntN(3) {
		g.biz = append(g.biz, g.newBusiness())
	}
	return g, nil
}

// Format returns the format of the generated payloads.
func (g *Generator) Format() payload.Format { return g.format }

// TypeNames returns the message types the generator draws from.
func (g *Generator) TypeNames() []string { return slices.Clone(g.types) }

// Next returns the next payload as compact JSON (no trailing newline). The
// slice is the caller's to keep.
func (g *Generator) Next() []byte {
	typ := g.types[g.rng.IntN(len(g.types))]
	var v any
	switch g.format {
	case payload.Sinch:
		v = g.sinchBatch(typ)
	case payload.WhatsApp:
		v = g.onPrem(typ)
	default:
		v = g.cloud(typ)
	}
	return g.encode(v)
}

func (g *Generator) encode(v any) []byte {
	g.buf.Reset()
	if err := g.enc.Encode(v); err != nil {
		// Only typed structs of this package are encoded; they always marshal.
		panic("gen: " + err.Error())
	}
	b := g.buf.Bytes()
	return bytes.Clone(b[:len(b)-1])
}

// tick advances the clock by a plausible gap between two webhooks and
// returns the new time.
func (g *Generator) tick() time.Time {
	g.clock = g.clock.Add(time.Duration(200+g.rng.IntN(45_000)) * time.Millisecond)
	return g.clock
}
