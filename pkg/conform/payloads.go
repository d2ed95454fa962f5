package conform

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// source is a payload the catalogue can send: an embedded fixture or a
// generated payload, with what the digest says it holds.
type source struct {
	// name says where it comes from: "cloud/text" (a fixture) or
	// "gen cloud status" (pkg/gen).
	name  string
	body  []byte // as the fixture or generator gives it (UTF-8, not refreshed)
	items []digest.Item
	// kind names what a single-item payload holds: its message type
	// ("text", "list_reply"), "status-" and the status ("status-read"),
	// or "error"; "" for payloads of several items.
	kind string
}

// kindOf names what one digest item is.
func kindOf(it *digest.Item) string {
	switch it.Kind {
	case digest.KindStatus:
		return "status-" + it.Status
	case digest.KindError:
		return "error"
	}
	return it.Type
}

// describeKind says in words what a kind is: "a text message", "a read
// status", "an error notification".
func describeKind(kind string) string {
	switch {
	case kind == "error":
		return "an error notification"
	case strings.HasPrefix(kind, "status-"):
		s := strings.TrimPrefix(kind, "status-")
		return article(s) + " " + s + " status"
	}
	return article(kind) + " " + strings.ReplaceAll(kind, "_", " ") + " message"
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) || strings.HasPrefix(w, "nfm") {
		return "an"
	}
	return "a"
}

func newSource(p *Profile, name string, body []byte) (*source, error) {
	s := &source{name: name, body: body, items: digest.Items(body, p.Format)}
	if len(s.items) == 0 {
		return nil, fmt.Errorf("conform: %s holds no message, status or error for %s", name, p.Format)
	}
	if len(s.items) == 1 {
		s.kind = kindOf(&s.items[0])
	}
	return s, nil
}

// library holds the payloads of a profile: every fixture of its folder and,
// per kind, one single-item payload (a fixture when one shows the kind,
// else a generated one).
type library struct {
	p        *Profile
	fixtures []*source
	other    []*source
	kinds    map[string]*source
	order    []string  // kinds in the order they were found
	filled   []*source // generated payloads for kinds no fixture shows
}

// genDraws bounds the payloads the generator is asked for per type when
// looking for the kinds it can produce (interactive replies come in four
// kinds, statuses in up to six); genQuiet ends the search after that many
// draws in a row showed no kind not seen before.
const (
	genDraws = 64
	genQuiet = 24
)

// genSeed fixes the generated payloads, so that the catalogue is the same
// on every run.
const genSeed = 2026

func newLibrary(p *Profile) (*library, error) {
	lib := &library{p: p, kinds: map[string]*source{}}
	if err := lib.addFixtures(); err != nil {
		return nil, err
	}
	if err := lib.addOther(); err != nil {
		return nil, err
	}
	// The generator knows every type and status of the format; fixtures
	// show most of them. Fill in the rest.
	for _, t := range gen.Types(p.Format) {
		if err := lib.fill(t); err != nil {
			return nil, err
		}
	}
	return lib, nil
}

// addFixtures adds the profile's fixtures, of which there must be some.
func (lib *library) addFixtures() error {
	p := lib.p
	for _, f := range fixtures.List() {
		if f.Folder != p.Fixtures {
			continue
		}
		b, err := fixtures.Read(f)
		if err != nil {
			return err
		}
		s, err := newSource(p, f.Name, b)
		if err != nil {
			return err
		}
		lib.fixtures = append(lib.fixtures, s)
		lib.addKind(s)
	}
	if len(lib.fixtures) == 0 {
		return fmt.Errorf("conform: no fixtures in %s/", p.Fixtures)
	}
	return nil
}

// addOther adds the payloads of other formats the profile sends.
func (lib *library) addOther() error {
	for _, name := range lib.p.Other {
		f, err := fixtures.Lookup(name)
		if err != nil {
			return err
		}
		b, err := fixtures.Read(f)
		if err != nil {
			return err
		}
		lib.other = append(lib.other, &source{name: f.Name, body: b})
	}
	return nil
}

// fill draws payloads of type t from the generator and keeps one of each
// kind the library lacks, until genQuiet draws in a row bring no new kind.
func (lib *library) fill(t string) error {
	p := lib.p
	g, err := gen.New(gen.Options{Format: p.Format, Types: []string{t}, Seed: genSeed})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, quiet := 0, 0; i < genDraws && quiet < genQuiet; i++ {
		s, err := newSource(p, "gen "+p.Format.String()+" "+t, g.Next())
		if err != nil || s.kind == "" || seen[s.kind] {
			quiet++
			continue
		}
		seen[s.kind], quiet = true, 0
		if lib.kinds[s.kind] == nil {
			lib.filled = append(lib.filled, s)
			lib.addKind(s)
		}
	}
	return nil
}

func (lib *library) addKind(s *source) {
	if s.kind != "" && lib.kinds[s.kind] == nil {
		lib.kinds[s.kind] = s
		lib.order = append(lib.order, s.kind)
	}
}

// messageKinds and statusKinds list the kinds of messages and of statuses,
// in the order found.
func (lib *library) messageKinds() []string {
	var out []string
	for _, k := range lib.order {
		if it := lib.kinds[k].items[0]; it.Kind == digest.KindMessage {
			out = append(out, k)
		}
	}
	return out
}

func (lib *library) statusKinds() []string {
	var out []string
	for _, k := range lib.order {
		if strings.HasPrefix(k, "status-") {
			out = append(out, k)
		}
	}
	return out
}

// firstKind returns the first of the kinds the library has, or nil.
func (lib *library) firstKind(kinds ...string) *source {
	for _, k := range kinds {
		if s := lib.kinds[k]; s != nil {
			return s
		}
	}
	return nil
}

// fresh returns a copy of s with new ids and current timestamps (so that a
// receiver that drops duplicates processes it, and that no case repeats
// another's message) as a tree, with its items.
func (lib *library) fresh(s *source, now time.Time) (*node, []digest.Item, error) {
	body, _ := replay.Refresh(s.body, now)
	t, err := parseTree(body)
	if err != nil {
		return nil, nil, fmt.Errorf("conform: %s: %v", s.name, err)
	}
	return t, digest.Items(body, lib.p.Format), nil
}

// freshTree is body with new ids and current timestamps, as a tree.
func freshTree(body []byte, now time.Time) (*node, error) {
	b, _ := replay.Refresh(body, now)
	return parseTree(b)
}

// wire encodes a tree as the provider puts it on the wire.
func (lib *library) wire(t *node) []byte {
	b := t.bytes()
	if lib.p.ASCII {
		b = asciiEscape(b)
	}
	return b
}

// batch builds one delivery of n items drawn in turn from kinds, each with
// its own fresh ids.
func (lib *library) batch(kinds []string, n int, now time.Time) (*node, error) {
	if len(kinds) == 0 || n < 1 {
		return nil, fmt.Errorf("conform: nothing to batch")
	}
	docs := make([]*node, 0, n)
	for i := range n {
		t, err := freshTree(lib.kinds[kinds[i%len(kinds)]].body, now)
		if err != nil {
			return nil, err
		}
		docs = append(docs, t)
	}
	return merge(docs...), nil
}

// textOf returns the node holding the text of a payload's first message
// (the string the digest gives as its summary), or nil.
func textOf(t *node, it *digest.Item) *node {
	item := t.item(it.Offset)
	if item == nil || it.Summary == "" {
		return nil
	}
	var found *node
	item.walk(func(v *node) {
		if found == nil && v.kind == 's' && v.str == it.Summary {
			found = v
		}
	})
	return found
}

// fixtureBase is the case id part of a fixture name: "cloud/text" → "text".
func fixtureBase(name string) string { return path.Base(name) }
