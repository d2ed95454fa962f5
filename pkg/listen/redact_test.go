package listen

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/redact"
)

// TestRedactRefusesUnrecognised: under --redact, a JSON body that is not
// a payload of a known format cannot be redacted; it is refused — not
// saved, not in the event, said why — rather than kept as it came.
func TestRedactRefusesUnrecognised(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{SaveDir: dir, Redact: redact.New(redact.Options{})}, 8)
	body := `{"customer":{"phone":"5511987650001","name":"Ana Souza","email":"ana@example.org"}}`
	if r := post(t, s.url, []byte(body)); r.status != 200 {
		t.Errorf("answered %d", r.status)
	}
	evs := s.collect(t)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	var ue *redact.UnrecognisedError
	if ev.Body != nil || ev.SavedAs != "" || !errors.As(ev.SaveErr, &ue) {
		t.Errorf("body %q saved as %q, error %v", ev.Body, ev.SavedAs, ev.SaveErr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("%d files saved", len(entries))
	}
	if ev.Result == nil || !ev.Result.Unusable {
		t.Fatalf("result %+v", ev.Result)
	}
	for _, f := range ev.Result.Findings {
		for _, v := range []string{"5511987650001", "Ana", "ana@"} {
			if strings.Contains(f.Message, v) || strings.Contains(f.Excerpt, v) {
				t.Errorf("finding shows %q: %+v", v, f)
			}
		}
	}
	if st := s.h.Stats(); st.Saved != 0 || st.SaveFailed != 1 {
		t.Errorf("stats %+v", st)
	}
}
