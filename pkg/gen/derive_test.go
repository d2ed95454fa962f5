package gen

import (
	"testing"

	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// TestKindWithoutContent: a kind gen has no value generator for is still
// generated when a format carries it (written as it comes: id, sender,
// time), which is what makes a kind added to the model and a format's
// writer appear in gen untouched. request_welcome is such a kind.
func TestKindWithoutContent(t *testing.T) {
	bare := 0
	for _, f := range payload.Formats {
		for _, k := range capsOf(f).kinds {
			if contents[k] == nil {
				bare++
			}
		}
	}
	if contents[message.RequestWelcome] != nil || bare == 0 {
		t.Fatalf("no format offers a kind without a value generator (%d)", bare)
	}
	if !capsOf(payload.Cloud).has(message.RequestWelcome.String()) {
		t.Error("cloud does not offer request_welcome")
	}
	if capsOf(payload.WhatsApp).has(message.RequestWelcome.String()) {
		t.Error("whatsapp offers request_welcome, which its writer cannot write")
	}
}

// TestDeriveIsStable: probing a format twice finds the same.
func TestDeriveIsStable(t *testing.T) {
	for _, f := range payload.Formats {
		a, b := derive(f), derive(f)
		if len(a.kinds) != len(b.kinds) || len(a.states) != len(b.states) || a.userIDs != b.userIDs || a.phoneless != b.phoneless {
			t.Errorf("%s: %+v then %+v", f, a, b)
		}
	}
	c := capsOf(payload.Cloud)
	if !c.userIDs || !c.phoneless || !c.hasState(message.Played) || c.hasState(message.Deleted) {
		t.Errorf("cloud: %+v", c)
	}
	w := capsOf(payload.WhatsApp)
	if w.userIDs || w.phoneless || !w.hasState(message.Deleted) || w.hasState(message.Played) {
		t.Errorf("whatsapp: %+v", w)
	}
}
