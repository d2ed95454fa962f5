package conform

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/wamo-dev/wamo/pkg/digest"
)

// Catalogue is the list of cases of a profile.
type Catalogue struct {
	Profile *Profile
	Cases   []*Case
	// Omitted lists the cases this profile cannot have, with why (a
	// provider without statuses of some kind, without signatures…).
	Omitted []Omission

	lib *library
}

// Omission is a case left out of a profile's catalogue.
type Omission struct {
	ID, Reason string
}

// plan builds the requests of a case at a given time (ids and timestamps
// are made fresh for each run).
type plan func(now time.Time) ([]request, error)

// The names the mutations use: an unknown member, and a type and a status
// value no provider has.
const (
	unknownMember = "wamo_unknown_field"
	unknownValue  = "added by wamo conform: a field the receiver does not know"
	futureWord    = "wamo_future"
)

// nonASCIIText is the text of the non-ASCII case: accents, Greek, CJK,
// right-to-left, emoji with modifiers and a flag (astral, surrogate pairs
// in \u form), a combining sequence.
const nonASCIIText = "Olá, ação! ¿Qué tal? Ελληνικά · 你好，世界 · مرحبا · 👍🏽🇧🇷🙂 · e\u0301"

// longTextBase fills the long texts of wire.max-size: mostly CJK, three
// bytes a character in UTF-8 (six as a \u escape), so that the largest
// body takes fewer messages than a batch may hold.
const longTextBase = "这是一条很长的消息，用来检查接收方能否处理提供方最大的请求体。" + nonASCIIText

// maxText is the longest text message WhatsApp carries (4096 characters).
const maxText = 4096

// Build returns the catalogue of profile p.
func Build(p *Profile) (*Catalogue, error) {
	lib, err := newLibrary(p)
	if err != nil {
		return nil, err
	}
	c := &Catalogue{Profile: p, lib: lib}
	b := &builder{c: c, lib: lib, check: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)}
	b.ack()
	b.retries()
	b.ordering()
	b.compat()
	b.wire()
	b.auth()
	b.load()
	// Numbers follow the catalogue: area.index.
	seen := map[Area]int{}
	for _, cs := range c.Cases {
		seen[cs.Area]++
		cs.Number = strconv.Itoa(cs.Area.Number()) + "." + strconv.Itoa(seen[cs.Area])
	}
	return c, nil
}

type builder struct {
	c     *Catalogue
	lib   *library
	check time.Time // the time plans are tried at while building
}

// add appends a case whose plan sends every request in turn, each to be
// answered 2xx within the deadline; a plan that cannot be built for this
// profile leaves the case out.
func (b *builder) add(id string, level Level, expect string, pl plan) {
	b.addPlan(id, level, expect, pl, pl)
}

// addPlan is add with the plan tried while building given apart: nil for
// plans that need nothing the profile could lack and are costly to build
// (a thousand-item batch), so that listing the catalogue stays quick.
func (b *builder) addPlan(id string, level Level, expect string, pl, check plan) {
	b.addRun(id, level, expect, check, func(c *caseRun) {
		reqs, ok := c.build(pl)
		if !ok {
			return
		}
		for i, q := range reqs {
			q.label = numbered(q.label, i, len(reqs))
			c.ack(c.post(q))
		}
	})
}

// build makes the requests of pl for now; false, with the case broken,
// when they cannot be made.
func (c *caseRun) build(pl plan) ([]request, bool) {
	reqs, err := pl(c.now())
	if err != nil {
		c.broken(err)
		return nil, false
	}
	return reqs, true
}

// then is the plan of pl's requests as change leaves them.
func (pl plan) then(change func([]request) []request) plan {
	return func(now time.Time) ([]request, error) {
		reqs, err := pl(now)
		if err != nil {
			return nil, err
		}
		return change(reqs), nil
	}
}

// addRun appends a case with its own run function; pl (if not nil) must
// build for the case to be kept.
func (b *builder) addRun(id string, level Level, expect string, pl plan, run func(*caseRun)) {
	if pl != nil {
		if _, err := pl(b.check); err != nil {
			b.c.Omitted = append(b.c.Omitted, Omission{ID: id, Reason: err.Error()})
			return
		}
	}
	area := Area(id[:strings.IndexByte(id, '.')])
	for _, cs := range b.c.Cases {
		if cs.ID == id {
			id += "-2" // a fixture named like a case of the catalogue
		}
	}
	b.c.Cases = append(b.c.Cases, &Case{ID: id, Area: area, Level: level, Expect: expect, run: run})
}

func (b *builder) omit(id, reason string) {
	b.c.Omitted = append(b.c.Omitted, Omission{ID: id, Reason: reason})
}

// numbered prefixes a label with "delivery i of n: " when a case sends
// several.
func numbered(label string, i, n int) string {
	if n == 1 {
		return label
	}
	return "delivery " + strconv.Itoa(i+1) + " of " + strconv.Itoa(n) + ": " + label
}

// one is the plan of a single delivery of src, made fresh.
// oneText is b.one of the profile's text message, or of its first
// message kind when it has none.
func (b *builder) oneText() plan {
	src := b.lib.firstKind("text")
	if src == nil {
		src = b.lib.kinds[b.lib.messageKinds()[0]]
	}
	return b.one(src)
}

func (b *builder) one(src *source) plan {
	return func(now time.Time) ([]request, error) {
		t, _, err := b.lib.fresh(src, now)
		if err != nil {
			return nil, err
		}
		return []request{{label: describe(src), body: b.lib.wire(t)}}, nil
	}
}

// describe says what a source is: "a text message (cloud/text)".
func describe(s *source) string {
	what := "a delivery of " + strconv.Itoa(len(s.items)) + " items"
	if s.kind != "" {
		what = describeKind(s.kind)
	}
	return what + " (" + s.name + ")"
}

// limitLevel is the level of the cases that use the provider's size limits.
func (b *builder) limitLevel() Level {
	if b.lib.p.Documented {
		return Required
	}
	return Recommended
}

func (b *builder) ack() {
	lib := b.lib
	ids := map[string]bool{}
	for _, s := range lib.fixtures {
		id := "ack." + fixtureBase(s.name)
		ids[id] = true
		b.add(id, Required, describe(s)+" is answered 2xx within the deadline", b.one(s))
	}
	for _, s := range lib.filled {
		id := "ack." + strings.ReplaceAll(s.kind, "_", "-")
		if ids[id] {
			id += "-gen"
		}
		ids[id] = true
		b.add(id, Required, describeKind(s.kind)+" (generated: no fixture shows one) is answered 2xx within the deadline", b.one(s))
	}

	p := lib.p
	if p.MaxBatch < 2 {
		b.omit("ack.mixed-delivery", p.Name+" sends one item per delivery")
		b.omit("ack.largest-batch", p.Name+" sends one item per delivery")
		return
	}
	msgs, stats := lib.messageKinds(), lib.statusKinds()
	pick := func(kinds []string, n int) []string { return kinds[:min(n, len(kinds))] }
	if p.Mixed {
		b.add("ack.mixed-delivery", Required, "a delivery with several messages and statuses at once is answered 2xx within the deadline",
			func(now time.Time) ([]request, error) {
				kinds := append(pick(msgs, 3), pick(stats, 3)...)
				t, err := lib.batch(kinds, len(kinds), now)
				if err != nil {
					return nil, err
				}
				return []request{{label: "a delivery of " + strings.Join(kinds, ", "), body: lib.wire(t)}}, nil
			})
	} else {
		b.add("ack.mixed-delivery", Required, "a delivery with several messages, and one with several statuses, are answered 2xx within the deadline",
			func(now time.Time) ([]request, error) {
				var out []request
				for _, kinds := range [][]string{pick(msgs, 4), pick(stats, 4)} {
					t, err := lib.batch(kinds, len(kinds), now)
					if err != nil {
						return nil, err
					}
					out = append(out, request{label: "a delivery of " + strings.Join(kinds, ", "), body: lib.wire(t)})
				}
				return out, nil
			})
	}
	kinds := msgs
	if p.Mixed {
		kinds = append(append([]string(nil), msgs...), stats...)
	}
	b.addPlan("ack.largest-batch", b.limitLevel(),
		"the largest batch the provider sends ("+strconv.Itoa(p.MaxBatch)+" items) is answered 2xx within the deadline",
		func(now time.Time) ([]request, error) {
			t, err := lib.batch(kinds, p.MaxBatch, now)
			if err != nil {
				return nil, err
			}
			return []request{{label: "a delivery of " + strconv.Itoa(p.MaxBatch) + " messages and statuses of every kind", body: lib.wire(t)}}, nil
		}, nil)
}

// burstCopies is how many copies of one delivery dup.burst sends at once.
const burstCopies = 5

func (b *builder) retries() {
	base := b.oneText()
	b.add("dup.redelivery", Required,
		"the same delivery sent again, byte for byte (a provider's retry after a timeout or a 5xx), is answered 2xx within the deadline both times",
		base.then(func(reqs []request) []request {
			first, again := reqs[0], reqs[0]
			first.label = "first delivery of " + first.label
			again.label = "the same delivery again"
			return []request{first, again}
		}))
	b.addRun("dup.burst", Required,
		strconv.Itoa(burstCopies)+" copies of one delivery sent at once are all answered 2xx within the deadline",
		base, func(c *caseRun) {
			reqs, ok := c.build(base)
			if !ok {
				return
			}
			copies := make([]request, burstCopies)
			for i := range copies {
				copies[i] = reqs[0]
				copies[i].label = "copy " + strconv.Itoa(i+1) + " of " + strconv.Itoa(burstCopies) + " of " + reqs[0].label
			}
			for _, ex := range c.postAll(copies) {
				c.ack(ex)
			}
		})
}

// sameMessage is the plan of statuses of one message, in the order given:
// each status payload made fresh, then given the first one's message id.
func (b *builder) sameMessage(statuses ...string) plan {
	lib := b.lib
	return func(now time.Time) ([]request, error) {
		var out []request
		id := ""
		for _, st := range statuses {
			src := lib.kinds["status-"+st]
			if src == nil {
				return nil, fmt.Errorf("no %s status in %s", st, lib.p.Name)
			}
			t, items, err := lib.fresh(src, now)
			if err != nil {
				return nil, err
			}
			if id == "" {
				id = items[0].ID
			} else if t.replaceStrings(items[0].ID, id) == 0 {
				return nil, fmt.Errorf("the %s status carries no message id", st)
			}
			out = append(out, request{label: describeKind("status-"+st) + " of message " + id, body: lib.wire(t)})
		}
		return out, nil
	}
}

func (b *builder) ordering() {
	b.add("order.read-before-delivered", Required,
		"a message's read status arriving before its delivered status: both answered 2xx within the deadline",
		b.sameMessage("read", "delivered"))
	b.add("order.status-before-message", Required,
		"a status arriving before the report of the message it is about (delivered, then sent): both answered 2xx within the deadline",
		b.sameMessage("delivered", "sent"))
	b.add("order.failed-after-sent", Required,
		"a failed status arriving after the message's sent status: both answered 2xx within the deadline",
		b.sameMessage("sent", "failed"))
}

// mutated is the plan of one delivery of the first of kinds, made fresh
// and changed by mut, which gets the tree and the item and says what it
// did (an error when it found nothing to change).
func (b *builder) mutated(kinds []string, label string, mut func(t *node, it *digest.Item) error) plan {
	lib := b.lib
	return func(now time.Time) ([]request, error) {
		src := lib.firstKind(kinds...)
		if src == nil {
			return nil, fmt.Errorf("%s has none of %s", lib.p.Name, strings.Join(kinds, ", "))
		}
		t, items, err := lib.fresh(src, now)
		if err != nil {
			return nil, err
		}
		if err := mut(t, &items[0]); err != nil {
			return nil, err
		}
		return []request{{label: label + " (from " + src.name + ")", body: lib.wire(t)}}, nil
	}
}

func (b *builder) compat() {
	lib := b.lib
	unknown := func(t *node, _ *digest.Item) error {
		if t.addUnknownMembers(unknownMember, unknownValue) == 0 {
			return errors.New("no object to add a member to")
		}
		return nil
	}
	msg := b.mutated([]string{"text"}, "a text message with a new member in every object", unknown)
	status := b.mutated(lib.statusKinds(), "a status with a new member in every object", unknown)
	b.add("compat.unknown-fields", Required,
		"a message and a status with an unknown member in every object, at every level, are answered 2xx within the deadline",
		func(now time.Time) ([]request, error) {
			m, err := msg(now)
			if err != nil {
				return nil, err
			}
			s, err := status(now)
			if err != nil {
				return m, nil // a profile without statuses: the message alone
			}
			return append(m, s...), nil
		})
	b.add("compat.unknown-type", Required,
		"a message of a type the receiver has never seen (as a new type first appears) is answered 2xx within the deadline",
		b.mutated([]string{"text"}, "a message of type "+futureWord, func(t *node, it *digest.Item) error {
			item := t.item(it.Offset)
			if item == nil || item.renameType(it.Type+lib.p.TypeSuffix, futureWord+lib.p.TypeSuffix) == 0 {
				return fmt.Errorf("the message type %q is not written in the payload", it.Type)
			}
			return nil
		}))
	b.add("compat.unknown-status", Required,
		"a status with a value the receiver has never seen (as a new status first appears) is answered 2xx within the deadline",
		b.mutated([]string{"status-delivered", "status-read", "status-sent"}, "a status "+futureWord, func(t *node, it *digest.Item) error {
			item := t.item(it.Offset)
			if item == nil || item.renameValue(it.Status, futureWord) == 0 {
				return fmt.Errorf("no single value of a %s status names it (a new status could not be told by one value)", lib.p.Name)
			}
			return nil
		}))
	if len(lib.other) == 0 {
		b.omit("compat.other-webhook", lib.p.Name+" sends nothing but messages and statuses to the webhook")
		return
	}
	for _, s := range lib.other {
		src := s
		b.add("compat.other-webhook", Required,
			"a delivery for "+lib.p.OtherKind+" ("+src.name+") is answered 2xx within the deadline",
			func(now time.Time) ([]request, error) {
				t, err := freshTree(src.body, now)
				if err != nil {
					return nil, err
				}
				return []request{{label: lib.p.OtherKind + " (" + src.name + ")", body: lib.wire(t)}}, nil
			})
		break
	}
}

func (b *builder) wire() {
	lib := b.lib
	p := lib.p
	b.add("wire.charset", Required,
		"a delivery whose Content-Type carries a charset (application/json; charset=utf-8) is answered 2xx within the deadline",
		b.oneText().then(func(reqs []request) []request {
			reqs[0].contentType = "application/json; charset=utf-8"
			return reqs
		}))
	how := "in UTF-8"
	if p.ASCII {
		how = `written as \uXXXX escapes as Meta sends it`
	}
	b.add("wire.non-ascii", Required,
		"a text with accents, CJK, Arabic and emoji, "+how+", is answered 2xx within the deadline",
		b.mutated([]string{"text"}, "a text message in many scripts", func(t *node, it *digest.Item) error {
			n := textOf(t, it)
			if n == nil {
				return errors.New("no text to rewrite in the text message")
			}
			n.str = nonASCIIText
			return nil
		}))
	if lib.firstKind("text") == nil {
		b.omit("wire.max-size", p.Name+" has no text message to make long")
		return
	}
	b.addPlan("wire.max-size", b.limitLevel(),
		"a body near the provider's largest ("+humanize.IBytes(uint64(p.MaxBody))+") is answered 2xx within the deadline",
		func(now time.Time) ([]request, error) {
			body, n, err := lib.nearMax(now)
			if err != nil {
				return nil, err
			}
			return []request{{label: "a delivery of " + strconv.Itoa(n) + " text messages of 4096 characters, " + humanize.IBytes(uint64(len(body))), body: body}}, nil
		}, nil)
}

// nearMax builds a delivery of long text messages (4096 characters in many
// scripts, so that few messages make a large body) whose body is between
// 90% and 100% of the profile's MaxBody, or as many messages as MaxBatch
// allows.
func (lib *library) nearMax(now time.Time) ([]byte, int, error) {
	p := lib.p
	src := lib.firstKind("text")
	if src == nil {
		return nil, 0, errors.New("no text message to make long")
	}
	t, items, err := lib.fresh(src, now)
	if err != nil {
		return nil, 0, err
	}
	where := t.pathTo(textOf(t, &items[0]))
	long := longText(longTextBase)
	lengthen := func(t *node) *node {
		if n := t.follow(where); n != nil && n.kind == 's' {
			n.str = long
		}
		return t
	}
	size := len(lib.wire(lengthen(t)))
	target := p.MaxBody - p.MaxBody/20 // 95%
	n := max(1, min(target/size, p.MaxBatch))
	for {
		// Fresh ids for each copy: refresh the short original, then
		// lengthen its text, found where it was in the first copy.
		docs := make([]*node, 0, n)
		for len(docs) < n {
			d, err := freshTree(src.body, now)
			if err != nil {
				return nil, 0, err
			}
			docs = append(docs, lengthen(d))
		}
		body := lib.wire(merge(docs...))
		if len(body) <= p.MaxBody || n == 1 {
			return body, n, nil
		}
		n = n * 19 / 20
	}
}

// longText repeats s (and a space) up to maxText characters, whole
// characters only.
func longText(s string) string {
	var b strings.Builder
	n := 0
	for n < maxText {
		for _, r := range s + " " {
			if n == maxText {
				break
			}
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

func (b *builder) auth() {
	lib := b.lib
	p := lib.p
	if p.Signer == nil {
		b.omit("auth.signed", p.Name+" does not sign its requests")
	} else {
		base := b.oneText()
		b.addRun("auth.signed", Required, "a correctly signed delivery is answered 2xx within the deadline", base,
			func(c *caseRun) {
				if c.r.opts.Secret == nil {
					c.skip("no secret: set " + c.r.opts.SecretEnv + " to sign requests")
					return
				}
				reqs, ok := c.build(base)
				if !ok {
					return
				}
				reqs[0].label = "signed: " + reqs[0].label
				c.ack(c.post(reqs[0]))
			})
		refused := func(id, expect string, mode signMode, at func(time.Time) time.Time) {
			b.addRun(id, Recommended, expect, base, func(c *caseRun) {
				reqs, ok := c.build(base)
				if !ok {
					return
				}
				q := reqs[0]
				q.sign = mode
				if at != nil {
					q.at = at(c.now())
				}
				c.refused(c.post(q))
			})
		}
		refused("auth.unsigned", "a delivery without a signature is refused with a 4xx", signNone, nil)
		refused("auth.wrong-signature", "a delivery signed with another secret is refused with a 4xx", signWrong, nil)
		if p.Signer.Timed() {
			refused("auth.stale", "a delivery signed an hour ago is refused with a 4xx", signAsProvider,
				func(now time.Time) time.Time { return now.Add(-time.Hour) })
		} else {
			b.omit("auth.stale", "the "+p.Name+" signature covers no time: a stale request cannot be told from a retry")
		}
	}
	if p.Handshake == nil {
		b.omit("auth.handshake", p.Name+" has no verification handshake")
		return
	}
	h := p.Handshake
	b.addRun("auth.handshake", Required,
		"the verification request (GET "+h.ModeParam+"="+h.Mode+") with the right verify token is answered 200 with exactly the challenge", nil,
		func(c *caseRun) {
			if c.r.opts.VerifyToken == "" {
				c.skip("no verify token: set " + c.r.opts.VerifyTokenEnv + " to check the handshake")
				return
			}
			challenge := c.r.challenge()
			ex := c.post(request{label: "verification request with the right token", method: "GET", query: h.Query(c.r.opts.VerifyToken, challenge)})
			switch {
			case ex.Status != 200:
				ex.Problem = notAnswered(ex, "200")
			case ex.Answer != challenge:
				ex.Problem = "answered " + strconv.Quote(ex.Answer) + ", not exactly the challenge " + strconv.Quote(challenge)
			}
		})
	b.addRun("auth.handshake-wrong-token", Required,
		"the verification request with a wrong verify token is refused with "+strconv.Itoa(h.Refused), nil,
		func(c *caseRun) {
			if c.r.opts.VerifyToken == "" {
				c.skip("no verify token: set " + c.r.opts.VerifyTokenEnv + " to check the handshake")
				return
			}
			ex := c.post(request{label: "verification request with a wrong token", method: "GET",
				query: h.Query("wrong-"+c.r.opts.VerifyToken, c.r.challenge())})
			if ex.Status != h.Refused {
				ex.Problem = notAnswered(ex, strconv.Itoa(h.Refused))
			}
		})
}

func (b *builder) load() {
	b.addRun("load.burst", Required,
		"a provider-like burst (--rate deliveries per second for --duration) is answered 2xx, with p99 within the deadline", nil,
		func(c *caseRun) { c.r.load(c) })
}

// Select returns the cases whose id, or area, matches one of include (all
// when include is empty) and none of exclude. Patterns are ids, globs
// ("ack.*", "*.unknown-*") or area names ("ack", "auth"). A pattern that
// matches no case of the catalogue is an error.
func (c *Catalogue) Select(include, exclude []string) ([]*Case, error) {
	match := func(pat string, cs *Case) bool {
		if pat == string(cs.Area) || pat == cs.ID {
			return true
		}
		ok, _ := path.Match(pat, cs.ID)
		return ok
	}
	for _, list := range [][]string{include, exclude} {
		for _, pat := range list {
			if _, err := path.Match(pat, ""); err != nil {
				return nil, fmt.Errorf("bad pattern %q: %v", pat, err)
			}
			found := false
			for _, cs := range c.Cases {
				if match(pat, cs) {
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%q matches no case of the %s profile (see --list)", pat, c.Profile.Name)
			}
		}
	}
	var out []*Case
	for _, cs := range c.Cases {
		in := len(include) == 0
		for _, pat := range include {
			in = in || match(pat, cs)
		}
		for _, pat := range exclude {
			in = in && !match(pat, cs)
		}
		if in {
			out = append(out, cs)
		}
	}
	return out, nil
}
