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
	g := newGenerator(f, probeSeed, DefaultBase)
	r := format.Of(f).NewReader()
	var back message.Delivery
	var tape jsontree.Tape
	// probe writes a one-message (or one-status) delivery and reads the
	// output back; first is what came back first.
	probe := func(status bool, k message.Kind) (m *message.Message, st *message.Status) {
		biz := &g.biz[0]
		b := g.batchOf(biz)
		if status {
			g.statuses(b, biz, false)
		} else {
			g.message(b, biz, k)
		}
		g.defaults = 0
		out, ok := g.write(biz)
		back.Batches = back.Batches[:0]
		if !ok || !tape.Parse(string(out)) {
			return nil, nil
		}
		r.Read(tape.Root(), &back, message.ReadOptions{})
		for i := range back.Batches {
			if b := &back.Batches[i]; len(b.Messages) > 0 {
				return &b.Messages[0], nil
			} else if len(b.Statuses) > 0 {
				return nil, &b.Statuses[0]
			}
		}
		return nil, nil
	}
	for _, k := range message.Kinds() {
		if m, _ := probe(false, k); m != nil && m.Kind == k {
			c.kinds = append(c.kinds, k)
		}
	}
	for s := message.State(1); s.String() != ""; s++ {
		g.probeState = s
		if _, st := probe(true, 0); st != nil && st.State == s {
			c.states = append(c.states, s)
		}
	}
	g.probeState = 0
	// User ids: a text from a user named by phone and user id, and one
	// from a username-only user.
	g.identity = IdentityBoth
	if m, _ := probe(false, message.Text); m != nil {
		c.userIDs = m.From.UserID != "" && m.From.UserID == g.d.Batches[0].Messages[0].From.UserID
	}
	g.identity = IdentityBSUID
	if m, _ := probe(false, message.Text); m != nil {
		c.phoneless = c.userIDs && g.defaults == 0 && m.From.Phone == "" && m.From.UserID != ""
	}
	// Two texts in one delivery: one document, or one each?
	g.identity = IdentityPhone
	biz := &g.biz[0]
	b := g.batchOf(biz)
	g.message(b, biz, message.Text)
	g.message(b, biz, message.Text)
	if out, ok := g.write(biz); ok {
		roots, _ := tape.ParseSeq(string(out))
		c.perItem = len(roots) > 1
	}
	return c
}
