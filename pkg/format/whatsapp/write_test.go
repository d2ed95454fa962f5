package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/message"
)

// TestStatusStateWithoutRaw: a status built in memory names its state by
// State alone; both variants spell it, and StateRaw, when set, wins.
func TestStatusStateWithoutRaw(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w     message.Writer
		state message.State
		raw   string
		want  string
	}{
		{"on-premises", whatsapp.NewOnPremWriter(), message.Deleted, "", `"status":"deleted"`},
		{"cloud", whatsapp.NewCloudWriter(), message.Played, "", `"status":"played"`},
		{"cloud raw", whatsapp.NewCloudWriter(), message.Read, `"read"`, `"status":"read"`},
	} {
		tc.w.Reset(message.WriteOptions{AccountID: "1", PhoneNumberID: "2", Origin: "15550001111"})
		d := message.Delivery{Batches: []message.BatchOf{{Statuses: []message.Status{{
			ID: `"x"`, State: tc.state, StateRaw: tc.raw, Time: message.Time{Sec: 1767614400, HasSec: true},
			Recipient: message.Party{Phone: `"15550002222"`},
		}}}}}
		d.Emit(tc.w)
		out, ok := tc.w.End()
		if !ok || !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: ok %v, output %s; want it to contain %s", tc.name, ok, out, tc.want)
		}
	}
}

// TestStatusRecipientWithoutPhone: a status for a username-only user keeps
// its user id in the Cloud API; On-Premises, which names recipients by
// phone only, gets the documented default, reported as a fill.
func TestStatusRecipientWithoutPhone(t *testing.T) {
	for _, tc := range []struct {
		name      string
		w         message.Writer
		want, not string
		fills     int
	}{
		{"on-premises", whatsapp.NewOnPremWriter(), `"recipient_id":"` + message.DefaultPhone + `"`, "recipient_user_id", 1},
		{"cloud", whatsapp.NewCloudWriter(), `"recipient_user_id":"MX.8842019375561209437"`, "recipient_id", 0},
	} {
		var fills []message.Fill
		tc.w.Reset(message.WriteOptions{AccountID: "1", PhoneNumberID: "2", Origin: "15550001111",
			Fill: func(f message.Fill) { fills = append(fills, f) }})
		d := message.Delivery{Batches: []message.BatchOf{{Statuses: []message.Status{{
			ID: `"x"`, State: message.Read, Time: message.Time{Sec: 1767614400, HasSec: true},
			Recipient: message.Party{UserID: `"MX.8842019375561209437"`},
		}}}}}
		d.Emit(tc.w)
		out, _ := tc.w.End()
		defaults := 0
		for _, f := range fills {
			if f.Default && strings.HasSuffix(f.Path, "recipient_id") {
				defaults++
			}
		}
		if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), `"`+tc.not+`"`) || defaults != tc.fills {
			t.Errorf("%s: output %s, %d recipient fills; want %s, no %s, %d fills", tc.name, out, defaults, tc.want, tc.not, tc.fills)
		}
	}
}
