package conform_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/conform/testdata/receiver"
	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// recorder keeps every request a receiver got.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method string
	header http.Header
	body   []byte
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, recorded{r.Method, r.Header.Clone(), body})
	rc.mu.Unlock()
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	rc.next.ServeHTTP(w, r)
}

func (rc *recorder) take() []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.reqs
	rc.reqs = nil
	return out
}

// mutating cases change payloads on purpose: they must stay JSON of the
// profile's format, not valid.
var mutating = map[string]bool{
	"compat.unknown-fields": true, "compat.unknown-type": true, "compat.unknown-status": true,
	"compat.other-webhook": true, "wire.non-ascii": true,
}

// TestDeliveries sends each case alone to a recording receiver and checks
// what it sent: valid payloads of the profile's format (warnings allowed),
// mutated ones still JSON of that format, ids made fresh, the Cloud API's
// bodies ASCII only and signed over their exact bytes.
func TestDeliveries(t *testing.T) {
	for _, p := range conform.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			cat := mustBuild(t, p)
			rec := &recorder{next: receiver.New(receiver.Config{Format: p.Format, MaxBody: p.MaxBody})}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			v := validate.New(validate.Options{Format: p.Format})
			fixtureIDs := map[string]bool{}
			for _, f := range fixtures.List() {
				if f.Folder == p.Fixtures {
					b, _ := fixtures.Read(f)
					for _, it := range digest.Items(b, p.Format) {
						if it.ID != "" {
							fixtureIDs[it.ID] = true
						}
					}
				}
			}
			fresh := renewsIDs(t, p)
			if !fresh {
				t.Logf("replay.Refresh does not renew %s message ids in this tree: their freshness is not checked", p.Format)
			}
			seen := map[string]string{} // message id → case that sent it
			for _, cs := range cat.Cases {
				if cs.Area == conform.AreaLoad {
					continue
				}
				opts := conform.Options{URL: srv.URL, Secret: []byte(testSecret), VerifyToken: testToken}
				if _, err := conform.Run(context.Background(), cat, []*conform.Case{cs}, opts, nil); err != nil {
					t.Fatal(err)
				}
				for _, rq := range rec.take() {
					if rq.method != http.MethodPost {
						continue
					}
					checkDelivery(t, p, cs, v, rq)
					// One message a delivery cannot fill a body of any size: then
					// the longest text will do.
					least := p.MaxBody * 85 / 100
					if p.MaxBatch == 1 {
						least = 2 * 4096
					}
					if cs.ID == "wire.max-size" && (len(rq.body) > p.MaxBody || len(rq.body) < least) {
						t.Errorf("wire.max-size sent %d bytes, the maximum is %d", len(rq.body), p.MaxBody)
					}
					for _, it := range digest.Items(rq.body, p.Format) {
						if it.ID == "" || it.Kind != digest.KindMessage || !fresh {
							continue
						}
						if fixtureIDs[it.ID] {
							t.Errorf("%s: sent the fixture's own message id %s (not fresh)", cs.ID, it.ID)
						}
						if prev, ok := seen[it.ID]; ok && prev != cs.ID {
							t.Errorf("%s: message id %s was already sent by %s", cs.ID, it.ID, prev)
						}
						seen[it.ID] = cs.ID
					}
				}
			}
		})
	}
}

func checkDelivery(t *testing.T, p *conform.Profile, cs *conform.Case, v *validate.Validator, rq recorded) {
	t.Helper()
	if det := payload.Detect(rq.body); det.Format != p.Format {
		t.Errorf("%s: sent a %s payload to the %s profile: %.120s", cs.ID, det.Format, p.Name, rq.body)
		return
	}
	if !mutating[cs.ID] {
		pl := payload.Payload{Data: rq.body}
		if res := v.Validate(&pl); res.Errors > 0 {
			for _, f := range res.Findings {
				t.Errorf("%s: %s %s at %s", cs.ID, f.RuleID(), f.Message, f.Path)
			}
		}
	}
	if p.ASCII {
		for i, c := range rq.body {
			if c >= 0x80 {
				t.Errorf("%s: byte %d of the body is not ASCII", cs.ID, i)
				break
			}
		}
	}
	if p.Signer != nil && rq.header.Get("X-Hub-Signature-256") != "" && cs.ID != "auth.wrong-signature" {
		m := hmac.New(sha256.New, []byte(testSecret))
		m.Write(rq.body)
		if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); rq.header.Get("X-Hub-Signature-256") != want {
			t.Errorf("%s: signature does not cover the bytes sent", cs.ID)
		}
	}
}

// TestCatalogueGolden pins each profile's catalogue: ids are stable names
// that users select and CI systems track.
func TestCatalogueGolden(t *testing.T) {
	for _, p := range conform.Profiles() {
		var b strings.Builder
		cat := mustBuild(t, p)
		for _, c := range cat.Cases {
			b.WriteString(c.Number + "\t" + c.ID + "\t" + string(c.Level) + "\t" + c.Expect + "\n")
		}
		for _, o := range cat.Omitted {
			b.WriteString("omitted\t" + o.ID + "\t" + o.Reason + "\n")
		}
		golden.Assert(t, "testdata/catalogue-"+p.Name+".golden", []byte(b.String()))
	}
}

func TestSelect(t *testing.T) {
	cat := mustBuild(t, conform.LookupProfile("cloud"))
	ids := func(cs []*conform.Case) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		include, exclude []string
		want, err        string
	}{
		{include: []string{"dup"}, want: "dup.redelivery dup.burst"},
		{include: []string{"auth.hand*"}, want: "auth.handshake auth.handshake-wrong-token"},
		{include: []string{"order.failed-after-sent", "load"}, want: "order.failed-after-sent load.burst"},
		{include: []string{"auth"}, exclude: []string{"auth.handshake*", "auth.signed"}, want: "auth.unsigned auth.wrong-signature"},
		{include: []string{"nothing.like.this"}, err: "matches no case"},
		{exclude: []string{"[bad"}, err: "bad pattern"},
	} {
		got, err := cat.Select(tc.include, tc.exclude)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%v, %v): error %v, want %q", tc.include, tc.exclude, err, tc.err)
			}
		case err != nil:
			t.Errorf("Select(%v, %v): %v", tc.include, tc.exclude, err)
		case ids(got) != tc.want:
			t.Errorf("Select(%v, %v) = %s, want %s", tc.include, tc.exclude, ids(got), tc.want)
		}
	}
}

// TestUnreachable: nothing listens; the first case cannot connect, the run
// stops and says why.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(nil) // closed at once: its port refuses
	srv.Close()
	p := conform.LookupProfile("sinch")
	cat := mustBuild(t, p)
	rep, err := conform.Run(context.Background(), cat, cat.Cases, conform.Options{URL: srv.URL + "/hook"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Unreachable || rep.UnreachableCause != "connection refused" || len(rep.Results) != 0 || len(rep.NotRun) != len(cat.Cases) || rep.Pass() {
		t.Errorf("unreachable %v (%q), %d results, %d not run", rep.Unreachable, rep.UnreachableCause, len(rep.Results), len(rep.NotRun))
	}
}

// TestInterrupted: cancelling stops the run after the case under way;
// what ran is reported, the rest is listed as not run.
func TestInterrupted(t *testing.T) {
	p := conform.LookupProfile("whatsapp")
	cat := mustBuild(t, p)
	url := startReceiver(t, p, receiver.None, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	rep, err := conform.Run(ctx, cat, cat.Cases, conform.Options{URL: url}, func(*conform.Result) {
		if n++; n == 3 {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || len(rep.Results) != 3 || len(rep.NotRun) != len(cat.Cases)-3 || rep.Pass() {
		t.Errorf("interrupted %v, %d results, %d not run", rep.Interrupted, len(rep.Results), len(rep.NotRun))
	}
}

// TestWithoutSecrets: the Cloud API profile without the app secret or the
// verify token skips what needs them and says which variable to set.
func TestWithoutSecrets(t *testing.T) {
	p := conform.LookupProfile("cloud")
	cat := mustBuild(t, p)
	srv := httptest.NewServer(receiver.New(receiver.Config{Format: p.Format, MaxBody: p.MaxBody}))
	defer srv.Close()
	cases, _ := cat.Select([]string{"auth", "ack.text"}, nil)
	rep, err := conform.Run(context.Background(), cat, cases,
		conform.Options{URL: srv.URL, Deadline: testDeadline, SecretEnv: "WAMO_APP_SECRET", VerifyTokenEnv: "WAMO_VERIFY_TOKEN"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]conform.Verdict{
		"ack.text": conform.Pass, "auth.signed": conform.Skip, "auth.handshake": conform.Skip, "auth.handshake-wrong-token": conform.Skip,
		// This receiver checks no signature: a warning, not a failure.
		"auth.unsigned": conform.Warn, "auth.wrong-signature": conform.Warn,
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Verdict != want[r.Case.ID] {
			t.Errorf("%s: %s (%s), want %s", r.Case.ID, r.Verdict, r.Reason, want[r.Case.ID])
		}
		if r.Verdict == conform.Skip && !strings.Contains(r.Reason, "WAMO_") {
			t.Errorf("%s: skip reason %q names no variable", r.Case.ID, r.Reason)
		}
	}
	if !rep.Pass() || rep.Signed || rep.Handshake {
		t.Errorf("pass %v signed %v handshake %v", rep.Pass(), rep.Signed, rep.Handshake)
	}
}

// TestStrict: a failed recommended case fails the run under Strict.
func TestStrict(t *testing.T) {
	p := conform.LookupProfile("cloud")
	url := startReceiver(t, p, receiver.AcceptsUnsigned, nil)
	cat := mustBuild(t, p)
	cases, _ := cat.Select([]string{"auth.unsigned"}, nil)
	for _, strict := range []bool{false, true} {
		rep, err := conform.Run(context.Background(), cat, cases, conform.Options{URL: url, Secret: []byte(testSecret), Strict: strict}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := conform.Warn
		if strict {
			want = conform.Fail
		}
		if v := rep.Results[0].Verdict; v != want || rep.Pass() == strict {
			t.Errorf("strict %v: %s, pass %v", strict, v, rep.Pass())
		}
	}
}

// TestRealTime measures real time: a receiver that really sleeps 500 ms
// past the deadline on media fails it on an image and passes on a text (a
// second deadline away from a loopback answer, even on a loaded machine).
func TestRealTime(t *testing.T) {
	const deadline = time.Second
	p := conform.LookupProfile("whatsapp")
	srv := httptest.NewServer(receiver.New(receiver.Config{Format: p.Format, Fault: receiver.SlowMedia, Slow: deadline + 500*time.Millisecond}))
	defer srv.Close()
	cat := mustBuild(t, p)
	cases, _ := cat.Select([]string{"ack.image", "ack.text"}, nil)
	rep, err := conform.Run(context.Background(), cat, cases, conform.Options{URL: srv.URL, Deadline: deadline}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		switch {
		case r.Case.ID == "ack.image" && (r.Verdict != conform.Fail || r.Latency < deadline+500*time.Millisecond):
			t.Errorf("ack.image: %s in %s", r.Verdict, r.Latency)
		case r.Case.ID == "ack.text" && r.Verdict != conform.Pass:
			t.Errorf("ack.text: %s (%s)", r.Verdict, r.Reason)
		}
	}
}

func TestTimelineBounded(t *testing.T) {
	var tl conform.Timeline
	n := 3*conform.MaxPoints + 17
	for i := range n {
		tl.Add(conform.Point{At: time.Duration(i) * time.Millisecond})
	}
	pts := tl.Points()
	if len(pts) > conform.MaxPoints || len(pts) < conform.MaxPoints/4 {
		t.Fatalf("%d points kept of %d", len(pts), n)
	}
	if pts[0].At != 0 || pts[len(pts)-1].At < time.Duration(n*9/10)*time.Millisecond {
		t.Errorf("points span %s..%s, not the whole run", pts[0].At, pts[len(pts)-1].At)
	}
}
