package conform_test

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/conform/testdata/receiver"
	"github.com/wamo-dev/wamo/pkg/replay"
)

const (
	testSecret = "reference-app-secret"
	testToken  = "reference-verify-token"
)

// skewClock is real time plus an offset that the slow receiver advances
// instead of sleeping: its answers measure deadline + 500 ms late exactly,
// the others what they really take, and the table runs in seconds.
type skewClock struct{ off atomic.Int64 }

func (c *skewClock) Now() time.Time        { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *skewClock) Sleep(d time.Duration) { c.off.Add(int64(d)) }

// startReceiver serves a reference receiver on loopback for the test.
func startReceiver(t testing.TB, p *conform.Profile, fault receiver.Fault, clock *skewClock) string {
	t.Helper()
	cfg := receiver.Config{Format: p.Format, MaxBody: p.MaxBody, Fault: fault, Slow: testSlow}
	if clock != nil {
		cfg.Sleep, cfg.Now = clock.Sleep, clock.Now
	}
	if p.Signer != nil {
		cfg.Secret = []byte(testSecret)
	}
	if p.Handshake != nil {
		cfg.VerifyToken = testToken
	}
	srv := httptest.NewUnstartedServer(receiver.New(cfg))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the crashing receiver's panics
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/webhook"
}

// catalogues are built once per profile for the whole test binary: a
// Catalogue is read-only, and building one runs the generator.
var (
	catOnce    sync.Once
	catalogues map[string]*conform.Catalogue
	catErr     error
)

func mustBuild(t testing.TB, p *conform.Profile) *conform.Catalogue {
	t.Helper()
	catOnce.Do(func() {
		catalogues = map[string]*conform.Catalogue{}
		for _, q := range conform.Profiles() {
			c, err := conform.Build(q)
			if err != nil {
				catErr = err
				return
			}
			catalogues[q.Name] = c
		}
	})
	if catErr != nil {
		t.Fatal(catErr)
	}
	return catalogues[p.Name]
}

// runAll runs a profile's whole catalogue against url.
func runAll(t testing.TB, p *conform.Profile, url string, mod func(*conform.Options)) *conform.Report {
	t.Helper()
	cat := mustBuild(t, p)
	opts := conform.Options{URL: url, Deadline: testDeadline, Rate: 40, Duration: 250 * time.Millisecond,
		SecretEnv: "WAMO_APP_SECRET", VerifyTokenEnv: "WAMO_VERIFY_TOKEN"}
	if p.Signer != nil {
		opts.Secret = []byte(testSecret)
	}
	if p.Handshake != nil {
		opts.VerifyToken = testToken
	}
	if mod != nil {
		mod(&opts)
	}
	rep, err := conform.Run(context.Background(), cat, cat.Cases, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func flagged(rep *conform.Report) []string {
	var out []string
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Verdict != conform.Pass {
			out = append(out, r.Case.ID+"="+string(r.Verdict))
		}
	}
	sort.Strings(out)
	return out
}

// The reference receivers are judged with a deadline far from both the
// healthy receivers' answers (a few ms, up to ~250 ms for a 3 MB body under
// -race on a loaded machine) and the slow one's (deadline + 500 ms).
const (
	testDeadline = 30 * time.Second
	testSlow     = testDeadline + 500*time.Millisecond
)

// faultTable says which cases each planted fault must fail, per profile
// ("=warn" for a recommended case); nil means the fault does not apply to
// the profile. Every other case must pass.
var faultTable = map[receiver.Fault]map[string][]string{
	receiver.None: {"sinch": {}, "whatsapp": {}, "cloud": {}, "conversation": {}},
	receiver.UnknownType500: {
		"sinch": {"compat.unknown-type"}, "whatsapp": {"compat.unknown-type"}, "cloud": {"compat.unknown-type"},
		// An unknown member in contact_message is a kind of message the
		// receiver has never seen.
		"conversation": {"compat.unknown-fields", "compat.unknown-type"},
	},
	// A Sinch status is a code, a flag and a text; no single value names
	// it, so the sinch catalogue has no compat.unknown-status.
	receiver.UnknownStatus400: {"whatsapp": {"compat.unknown-status"}, "cloud": {"compat.unknown-status"}, "conversation": {"compat.unknown-status"}},
	// A strict validator also refuses the unknown type's content member,
	// and the On-Premises referral fixture, which carries a member the
	// field reference does not list (§3.4).
	receiver.UnknownFields400: {
		"sinch":        {"compat.unknown-fields"},
		"whatsapp":     {"ack.image-referral", "compat.unknown-fields", "compat.unknown-type"},
		"cloud":        {"compat.unknown-fields", "compat.unknown-type"},
		"conversation": {"compat.unknown-fields", "compat.unknown-type"},
	},
	receiver.OtherField400: {"cloud": {"compat.other-webhook"}, "conversation": {"compat.other-webhook"}},
	// Slow on media: every media message, the batches that hold one, and
	// the load (whose first payload is an audio message).
	receiver.SlowMedia: {
		"sinch": {"ack.audio", "ack.batch-mixed", "ack.document", "ack.image", "ack.largest-batch=warn",
			"ack.mixed-delivery", "ack.sticker", "ack.video", "load.burst"},
		"whatsapp": {"ack.audio", "ack.document", "ack.document-bsp", "ack.image", "ack.image-bsp", "ack.image-referral",
			"ack.largest-batch=warn", "ack.mixed-delivery", "ack.sticker", "ack.sticker-animated", "ack.video",
			"ack.video-frequently-forwarded", "ack.voice", "ack.voice-bsp", "load.burst"},
		"conversation": {"ack.document", "ack.image", "ack.media-card", "ack.sticker", "ack.voice", "load.burst"},
		"cloud": {"ack.audio", "ack.audio-voice", "ack.batch-multi", "ack.document", "ack.image", "ack.largest-batch",
			"ack.mixed-delivery", "ack.sticker", "ack.video", "load.burst"},
	},
	receiver.Duplicate409:       allProfiles("dup.burst", "dup.redelivery"),
	receiver.OutOfOrder409:      allProfiles("order.read-before-delivered", "order.status-before-message"),
	receiver.CrashOnEarlyStatus: allProfiles("order.status-before-message"),
	receiver.FailedAfterSent409: allProfiles("order.failed-after-sent"),
	receiver.Charset415:         allProfiles("wire.charset"),
	receiver.BodyLimit413: {
		"sinch": {"wire.max-size=warn"}, "whatsapp": {"wire.max-size=warn"}, "cloud": {"wire.max-size"},
		"conversation": {"wire.max-size=warn"},
	},
	receiver.AcceptsUnsigned: {"cloud": {"auth.unsigned=warn"}, "conversation": {"auth.unsigned=warn"}},
	// A receiver that checks no signature cannot check its time either.
	receiver.AcceptsAnySignature: {"cloud": {"auth.wrong-signature=warn"}, "conversation": {"auth.stale=warn", "auth.wrong-signature=warn"}},
	// Only the Conversation API's signature covers a time.
	receiver.AcceptsStale:       {"conversation": {"auth.stale=warn"}},
	receiver.ChallengeAsJSON:    {"cloud": {"auth.handshake"}},
	receiver.IgnoresVerifyToken: {"cloud": {"auth.handshake-wrong-token"}},
}

// tracksIDs lists the faults of receivers that remember message ids: the
// suite can only judge them when each case sends ids of its own.
var tracksIDs = map[receiver.Fault]bool{
	receiver.Duplicate409: true, receiver.OutOfOrder409: true, receiver.CrashOnEarlyStatus: true, receiver.FailedAfterSent409: true,
}

// renewsIDs reports whether replay.Refresh, which makes the catalogue's
// payloads fresh, renews the message ids of p's first fixture.
func renewsIDs(t *testing.T, p *conform.Profile) bool {
	t.Helper()
	for _, f := range fixtures.List() {
		if f.Folder != p.Fixtures {
			continue
		}
		b, err := fixtures.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		_, paths := replay.Refresh(b, time.Now())
		return len(paths) > 0
	}
	return false
}

func allProfiles(ids ...string) map[string][]string {
	return map[string][]string{"sinch": ids, "whatsapp": ids, "cloud": ids, "conversation": ids}
}

// TestReferenceReceivers runs every profile's whole catalogue against the
// right receiver (everything passes) and against each faulty one (exactly
// the planted fault's cases fail).
func TestReferenceReceivers(t *testing.T) {
	if len(faultTable) != len(receiver.Faults)+1 {
		t.Fatalf("faultTable has %d faults, the receiver package %d", len(faultTable)-1, len(receiver.Faults))
	}
	for _, p := range conform.Profiles() {
		for _, f := range append([]receiver.Fault{receiver.None}, receiver.Faults...) {
			want, ok := faultTable[f][p.Name]
			name := p.Name + "/" + string(f)
			if f == receiver.None {
				name = p.Name + "/right"
			}
			t.Run(name, func(t *testing.T) {
				if !ok {
					t.Skipf("%s does not apply to the %s profile", f, p.Name)
				}
				if tracksIDs[f] && !renewsIDs(t, p) {
					t.Skipf("replay.Refresh does not renew %s message ids in this tree: every case would repeat the fixtures' ids, so a receiver that tracks ids cannot be judged", p.Format)
				}
				t.Parallel()
				clock := &skewClock{}
				url := startReceiver(t, p, f, clock)
				rep := runAll(t, p, url, func(o *conform.Options) { o.Now = clock.Now })
				var exp []string
				for _, id := range want {
					if !strings.Contains(id, "=") {
						id += "=fail"
					}
					exp = append(exp, id)
				}
				sort.Strings(exp)
				got := flagged(rep)
				if strings.Join(got, " ") != strings.Join(exp, " ") {
					t.Errorf("flagged %v\nwant    %v", got, exp)
					for i := range rep.Results {
						if r := &rep.Results[i]; r.Verdict != conform.Pass {
							t.Logf("%s: %s", r.Case.ID, r.Reason)
						}
					}
				}
				if n := len(rep.Results); n != len(mustBuild(t, p).Cases) {
					t.Errorf("%d results for %d cases", n, len(mustBuild(t, p).Cases))
				}
			})
		}
	}
}
