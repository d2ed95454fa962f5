package gen

import (
	"sync"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// caps is what one format carries, found by probing rather than listed
// per format: a kind (or state) is the format's when a one-message
// (one-status) delivery of it, written with the format's writer and read
// back with its reader, comes back as that kind (state). A kind the writer
// spells as another (a Sinch voice note is AUDIO) or cannot read back (a
// Sinch ORDER has no documented content) is not offered.
type caps struct {
	kinds  []message.Kind
	states []message.State
	// userIDs: a sender's business-scoped user id survives the format.
	userIDs bool
	// phoneless: so does a sender known only by user id, without a phone
	// number invented for them.
	phoneless bool
	// perItem: the format writes one document per item (Conversation API
	// callbacks), so a payload carries one message or status.
	perItem bool
}

func (c *caps) has(name string) bool {
	for _, k := range c.kinds {
		if k.String() == name {
			return true
		}
	}
	return false
}

func (c *caps) names() []string {
	out := make([]string, 0, len(c.kinds)+1)
	for _, k := range c.kinds {
		out = append(out, k.String())
	}
	if len(c.states) > 0 {
		out = append(out, StatusType)
	}
	return out
}

var (
	capsMu    sync.Mutex
	capsCache = map[payload.Format]*caps{}
)

// capsOf returns what format f carries (nil for a format wamo does not
// know), probing its writer the first time.
func capsOf(f payload.Format) *caps {
	if format.Of(f) == nil {
		return nil
	}
	capsMu.Lock()
	defer capsMu.Unlock()
	c := capsCache[f]
	if c == nil {
		c = derive(f)
		capsCache[f] = c
	}
	return c
}

// probeSeed fixes the probes' values: what a format carries must not
// depend on a draw.
const probeSeed = 1

func derive(f payload.Format) *caps {
	c := &caps{}
	pr := &prober{g: newGenerator(f, probeSeed, DefaultBase), r: format.Of(f).NewReader()}
	g := pr.g
	for _, k := range message.Kinds() {
		if m, _ := pr.probe(false, k); m != nil && m.Kind == k {
			c.kinds = append(c.kinds, k)
		}
	}
	for s := message.State(1); s.String() != ""; s++ {
		g.probeState = s
		if _, st := pr.probe(true, 0); st != nil && st.State == s {
			c.states = append(c.states, s)
		}
	}
	g.probeState = 0
	pr.identities(c)
	// Two texts in one delivery: one document, or one each?
	g.identity = IdentityPhone
	biz := &g.biz[0]
	b := g.batchOf(biz)
	g.message(b, biz, message.Text)
	g.message(b, biz, message.Text)
	if out, ok := g.write(biz); ok {
		roots, _ := pr.tape.ParseSeq(string(out))
		c.perItem = len(roots) > 1
	}
	return c
}

// prober writes one-message (or one-status) deliveries and reads them
// back, to learn what a format carries.
type prober struct {
	g    *Generator
	r    message.Reader
	back message.Delivery
	tape jsontree.Tape
}

// probe writes a delivery of one message of kind k, or of one status, and
// returns what came back first.
func (pr *prober) probe(status bool, k message.Kind) (*message.Message, *message.Status) {
	g := pr.g
	biz := &g.biz[0]
	b := g.batchOf(biz)
	if status {
		g.statuses(b, biz, false)
	} else {
		g.message(b, biz, k)
	}
	g.defaults = 0
	out, ok := g.write(biz)
	pr.back.Batches = pr.back.Batches[:0]
	if !ok || !pr.tape.Parse(string(out)) {
		return nil, nil
	}
	pr.r.Read(pr.tape.Root(), &pr.back, message.ReadOptions{})
	return first(&pr.back)
}

// first is the first message or status of a delivery.
func first(d *message.Delivery) (*message.Message, *message.Status) {
	for i := range d.Batches {
		if b := &d.Batches[i]; len(b.Messages) > 0 {
			return &b.Messages[0], nil
		} else if len(b.Statuses) > 0 {
			return nil, &b.Statuses[0]
		}
	}
	return nil, nil
}

// identities learns whether the format carries user ids: a text from a
// user named by phone and user id, and one from a username-only user.
func (pr *prober) identities(c *caps) {
	g := pr.g
	g.identity = IdentityBoth
	if m, _ := pr.probe(false, message.Text); m != nil {
		c.userIDs = m.From.UserID != "" && m.From.UserID == g.d.Batches[0].Messages[0].From.UserID
	}
	g.identity = IdentityBSUID
	if m, _ := pr.probe(false, message.Text); m != nil {
		c.phoneless = c.userIDs && g.defaults == 0 && m.From.Phone == "" && m.From.UserID != ""
	}
}
