// Package gen generates synthetic, realistic and valid webhook payloads in
// the formats wamo knows.
//
// A Generator builds deliveries of the canonical model (pkg/message) —
// senders, messages of every kind, statuses — and has the format's own
// writer (pkg/format) spell them, so that gen knows no wire format: which
// message kinds and status states a format has, and whether it carries
// business-scoped user ids, is found by writing one probe of each with the
// format's writer (see Types). A kind added to the model and to a format's
// writer is generated without a change here; a value generator (contents)
// makes its content realistic.
//
// A Generator is deterministic: the same Options (seed included) give the
// same payloads, byte for byte, on every platform. Values are plausible
// rather than placeholders — digits-only phone numbers with real country
// codes, business-scoped user ids with the user's country, UUIDs for Sinch
// ids, wamid. ids for the Cloud API, names and texts in English, Portuguese
// and Spanish with accents, emoji and characters that need JSON escaping,
// media with matching MIME types and well-formed SHA-256 digests,
// timestamps that increase from a base time — and every payload passes
// `wamo validate`.
package gen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// DefaultBase is the base time used when Options.Now is zero, so that a
// seed alone fixes the output.
var DefaultBase = time.Date(2026, time.January, 5, 12, 0, 0, 0, time.UTC)

// StatusType is the type name that draws statuses (receipts) rather than
// messages; the other type names are the model's kind names
// (message.Kind.String).
const StatusType = "status"

// Identity says how generated payloads name end users.
type Identity uint8

// Identities. Since 2026 the Cloud API names users by a business-scoped
// user id (BSUID) beside — or, for users who adopted a username, instead
// of — their phone number.
const (
	// IdentityDefault is IdentityBoth for formats that carry user ids,
	// IdentityPhone for the others.
	IdentityDefault Identity = iota
	// IdentityBoth: phone number and BSUID (some users with a username).
	IdentityBoth
	// IdentityPhone: phone number only (the shape before 2026).
	IdentityPhone
	// IdentityBSUID: username-only users: BSUID and username, no phone.
	IdentityBSUID
)

var identityNames = [...]string{IdentityDefault: "", IdentityBoth: "both", IdentityPhone: "phone", IdentityBSUID: "bsuid"}

// IdentityNames lists the names ParseIdentity accepts.
func IdentityNames() []string { return slices.Clone(identityNames[1:]) }

// String is the identity's name ("" for IdentityDefault).
func (i Identity) String() string {
	if int(i) < len(identityNames) {
		return identityNames[i]
	}
	return ""
}

// ParseIdentity returns the identity of a name ("" is IdentityDefault).
func ParseIdentity(s string) (Identity, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range identityNames {
		if n == s {
			return Identity(i), nil
		}
	}
	return IdentityDefault, fmt.Errorf("unknown identity %q: want %s", s, strings.Join(IdentityNames(), ", "))
}

// Options configure a Generator.
type Options struct {
	// Format of the payloads (a format of the pkg/format registry).
	Format payload.Format
	// Types are the kinds to draw from: names as listed by Types or one of
	// the Aliases (case and surrounding blanks are ignored); empty means
	// every type the format has.
	Types []string
	// Seed makes the output reproducible.
	Seed uint64
	// Now is the time of the first payload; later payloads are later.
	// Zero means DefaultBase.
	Now time.Time
	// Batch is the number of messages or statuses per payload; 0 lets the
	// generator decide (one message, one or two statuses).
	Batch int
	// Identity says how users are named (see Identity).
	Identity Identity
	// Pretty indents the payloads (two spaces) instead of one line each.
	Pretty bool
}

// Types returns the type names Generator has for format f, in the model's
// order and StatusType last, or nil for a format wamo does not know.
func Types(f payload.Format) []string {
	c := capsOf(f)
	if c == nil {
		return nil
	}
	return c.names()
}

// Alias is a type name earlier versions of wamo gen used where it differs
// from the model's kind names, and what it stands for now.
type Alias struct {
	Name  string
	Kinds []message.Kind
}

// Aliases lists the old type names that are still accepted: "interactive"
// (every interactive reply the format has) and "unknown" (unsupported).
func Aliases() []Alias {
	var inter []message.Kind
	for _, k := range message.Kinds() {
		if k.IsInteractive() {
			inter = append(inter, k)
		}
	}
	return []Alias{{"interactive", inter}, {"unknown", []message.Kind{message.Unsupported}}}
}

// aliasKinds resolves an alias among the kinds c has.
func (c *caps) aliasKinds(name string) []message.Kind {
	var out []message.Kind
	for _, a := range Aliases() {
		if a.Name != name {
			continue
		}
		for _, k := range a.Kinds {
			if slices.Contains(c.kinds, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// choice is one thing Next can draw: a message kind or a status.
type choice struct {
	kind   message.Kind
	status bool
}

func (c choice) String() string {
	if c.status {
		return StatusType
	}
	return c.kind.String()
}

// Generator produces payloads one at a time. It is not safe for concurrent
// use; create one per goroutine (with different seeds).
type Generator struct {
	format   payload.Format
	caps     *caps
	style    *style
	choices  []choice
	batch    int
	identity Identity
	pretty   bool

	rng   *rand.Rand
	clock time.Time
	biz   []business

	w        message.Writer
	wopts    message.WriteOptions
	d        message.Delivery
	jw, in   jsontree.Writer // sub-object documents (in: one nested in another)
	quoted   strings.Builder // the JSON text of the payload's model values (q)
	scratch  []byte
	idbuf    []byte
	defaults int // values the writer had to invent (never, when all goes well)

	probeState message.State // the state of a probe's status (0 = draw one)
}

// New validates opts and returns a Generator.
func New(opts Options) (*Generator, error) {
	c := capsOf(opts.Format)
	if c == nil {
		return nil, fmt.Errorf("gen: unknown format %q: want %s", opts.Format, formatNames())
	}
	choices, err := c.resolve(opts.Format, opts.Types)
	if err != nil {
		return nil, err
	}
	if opts.Batch < 0 {
		return nil, fmt.Errorf("gen: batch size %d: want at least 1", opts.Batch)
	}
	id := opts.Identity
	switch {
	case id == IdentityDefault && c.userIDs:
		id = IdentityBoth
	case id == IdentityDefault:
		id = IdentityPhone
	case id == IdentityBoth && !c.userIDs:
		return nil, fmt.Errorf("gen: %s payloads carry no business-scoped user ids: identity %q needs a format that does", opts.Format, id)
	case id == IdentityBSUID && !c.phoneless:
		return nil, fmt.Errorf("gen: %s payloads cannot name a user without a phone number: identity %q needs a format that can", opts.Format, id)
	case id > IdentityBSUID:
		return nil, fmt.Errorf("gen: unknown identity %d", id)
	}
	g := newGenerator(opts.Format, opts.Seed, opts.Now)
	g.caps, g.choices, g.batch, g.identity, g.pretty = c, choices, opts.Batch, id, opts.Pretty
	if c.perItem {
		g.batch = 0 // the format writes one document per item
	}
	return g, nil
}

// Batches reports whether payloads of format f can carry several items
// (a Conversation API callback carries one message or status).
func Batches(f payload.Format) bool {
	c := capsOf(f)
	return c != nil && !c.perItem
}

// quotedChunk is the size of the chunks q writes JSON text into: the
// text of a few dozen payloads.
const quotedChunk = 32 << 10

// newGenerator returns a generator without choices (what the probes use).
func newGenerator(f payload.Format, seed uint64, now time.Time) *Generator {
	if now.IsZero() {
		now = DefaultBase
	}
	g := &Generator{
		format: f,
		caps:   &caps{},
		style:  styleOf(f),
		// Two PCG words from one seed: the stream is fixed by the seed
		// alone and stable across Go releases (math/rand/v2 promises it).
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		clock:    now.UTC().Truncate(time.Millisecond),
		w:        format.Of(f).NewWriter(),
		identity: IdentityPhone,
	}
	for range 1 + g.rng.IntN(3) {
		g.biz = append(g.biz, g.newBusiness())
	}
	return g
}

func formatNames() string {
	names := make([]string, len(payload.Formats))
	for i, f := range payload.Formats {
		names[i] = f.String()
	}
	return strings.Join(names, ", ")
}

// resolve turns type names into choices, in the order given, without
// repeats; none means every type of the format.
func (c *caps) resolve(f payload.Format, names []string) ([]choice, error) {
	var out []choice
	add := func(ch choice) {
		if !slices.Contains(out, ch) {
			out = append(out, ch)
		}
	}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		switch {
		case n == "":
		case n == StatusType && len(c.states) > 0:
			add(choice{status: true})
		case c.has(n):
			k, _ := message.ParseKind(n)
			add(choice{kind: k})
		case len(c.aliasKinds(n)) > 0:
			for _, k := range c.aliasKinds(n) {
				add(choice{kind: k})
			}
		default:
			return nil, fmt.Errorf("gen: %s has no message type %q (valid: %s)", f, n, strings.Join(c.names(), ", "))
		}
	}
	if len(out) == 0 {
		for _, k := range c.kinds {
			out = append(out, choice{kind: k})
		}
		if len(c.states) > 0 {
			out = append(out, choice{status: true})
		}
	}
	return out, nil
}

// Format returns the format of the generated payloads.
func (g *Generator) Format() payload.Format { return g.format }

// Identity returns how the generator names users.
func (g *Generator) Identity() Identity { return g.identity }

// TypeNames returns the types the generator draws from (aliases resolved).
func (g *Generator) TypeNames() []string {
	out := make([]string, len(g.choices))
	for i, c := range g.choices {
		out[i] = c.String()
	}
	return out
}

// Next returns the next payload (compact unless Options.Pretty, no
// trailing newline). The slice is the caller's to keep.
func (g *Generator) Next() []byte {
	first := g.choices[g.rng.IntN(len(g.choices))]
	biz := g.business()
	b := g.batchOf(biz)
	n := max(g.batch, 1)
	for i := range n {
		c := first
		if i > 0 {
			c = g.sameKind(first.status)
		}
		if c.status {
			g.statuses(b, biz, g.batch == 0 && !g.caps.perItem)
		} else {
			g.message(b, biz, c.kind)
		}
	}
	out, ok := g.write(biz)
	if !ok {
		// Types offers only what the writer was seen to write.
		panic("gen: the " + g.format.String() + " writer wrote nothing for " + first.String())
	}
	return bytes.Clone(out)
}

// batchOf empties the delivery and opens its one batch for biz.
func (g *Generator) batchOf(biz *business) *message.BatchOf {
	if len(g.d.Batches) == 0 {
		g.d.Batches = make([]message.BatchOf, 1)
	}
	if g.quoted.Len() > quotedChunk-4<<10 {
		// Start a new chunk; the strings of earlier payloads keep the
		// old one alive as long as they need it.
		g.quoted.Reset()
	}
	if g.quoted.Cap() == 0 {
		g.quoted.Grow(quotedChunk)
	}
	b := &g.d.Batches[0]
	*b = message.BatchOf{
		Batch:    message.Batch{Business: biz.phone, PhoneNumberID: message.Quote(biz.phoneID)},
		Contacts: b.Contacts[:0], Messages: b.Messages[:0], Statuses: b.Statuses[:0],
	}
	return b
}

// write has the format's writer spell the delivery.
func (g *Generator) write(biz *business) ([]byte, bool) {
	if g.wopts.Fill == nil {
		// Every time is in the model; the clock only keeps a writer that
		// needed one deterministic.
		g.wopts.Now = func() time.Time { return g.clock }
		g.wopts.Fill = func(f message.Fill) {
			if f.Default {
				g.defaults++
			}
		}
	}
	g.wopts.Pretty, g.wopts.AccountID = g.pretty, biz.waba
	g.wopts.AppID, g.wopts.ProjectID = biz.appID(), biz.projectID()
	g.w.Reset(g.wopts)
	g.d.Emit(g.w)
	return g.w.End()
}

// sameKind draws a type that is a status when status is set and a message
// kind otherwise, among the generator's choices (falling back to the
// first): a payload carries either messages or statuses, as providers send
// them.
func (g *Generator) sameKind(status bool) choice {
	n := 0
	for _, c := range g.choices {
		if c.status == status {
			n++
		}
	}
	if n == 0 {
		return g.choices[0]
	}
	i := g.rng.IntN(n)
	for _, c := range g.choices {
		if c.status == status {
			if i == 0 {
				return c
			}
			i--
		}
	}
	return g.choices[0]
}

// tick advances the clock by a plausible gap between two webhooks and
// returns the new time.
func (g *Generator) tick() time.Time {
	g.clock = g.clock.Add(time.Duration(200+g.rng.IntN(45_000)) * time.Millisecond)
	return g.clock
}
