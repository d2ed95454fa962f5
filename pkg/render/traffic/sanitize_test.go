package traffic

import (
	"errors"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/listen"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render/rendertest"
	"github.com/wamo-dev/wamo/pkg/replay"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// TestHostileEveryView feeds hostile payloads, names, paths and answers
// through every view of listen and replay, on a terminal with colour and
// piped.
func TestHostileEveryView(t *testing.T) {
	inputs := rendertest.HostilePayloads(t)
	setups := map[string]func(*iostreams.IOStreams){"piped": nil, "tty": rendertest.TTY}
	v := validate.New(validate.Options{})

	// listen: request lines, the show lines of the bodies, diagnostics.
	check := func(b []byte) *validate.Result {
		r := v.Validate(&payload.Payload{Data: b, Line: 1, Col: 1})
		return &r
	}
	var evs []listen.Event
	for i, in := range inputs {
		evs = append(evs, listen.Event{Seq: uint64(i + 1), Kind: listen.KindWebhook, Method: "POST\x1b[2J", Path: "/hook" + rendertest.Hostile,
			Status: 200, Bytes: int64(len(in.Data)), Body: in.Data, Result: check(in.Data), SavedAs: in.Name,
			Forward: &listen.ForwardResult{URL: "http://localhost:3000/", Err: errors.New("upstream said " + rendertest.Hostile)}})
	}
	evs = append(evs, listen.Event{Seq: 9, Kind: listen.KindRejected, Method: "POST", Path: rendertest.Hostile, Status: 403,
		Rejected: listen.ReasonBadSignature, Detail: rendertest.Hostile})
	for _, output := range []string{"text", "json"} {
		for setupName, setup := range setups {
			ios, _, o, e := iostreams.Test()
			if setup != nil {
				setup(ios)
			}
			p, err := NewListenPrinter(ios, ListenOptions{Output: output, Location: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			for i := range evs {
				if err := p.Event(&evs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Summary(listen.Stats{}, 0); err != nil {
				t.Fatal(err)
			}
			rendertest.AssertInert(t, "listen "+output+" "+setupName, o.Bytes())
			rendertest.AssertInert(t, "listen "+output+" "+setupName+" stderr", e.Bytes())
		}
	}

	// replay: target names, redirects and errors from the server.
	cfg, targets, results := fakeReplay()
	cfg.URL = "http://localhost/" + rendertest.Hostile
	for i := range targets {
		targets[i].Name += rendertest.Hostile
	}
	for i := range results {
		results[i].Target = targets[results[i].TargetIndex].Name
		if results[i].Redirect != "" {
			results[i].Redirect += rendertest.Hostile
		}
		if results[i].Cause != "" {
			results[i].Cause += rendertest.Hostile
			results[i].Err += rendertest.Hostile
		}
	}
	for _, output := range ReplayOutputs {
		for setupName, setup := range setups {
			ios, _, o, _ := iostreams.Test()
			if setup != nil {
				setup(ios)
			}
			renderReplay(t, ios, ReplayOptions{Output: output, Verbose: true}, cfg, targets, results, replay.Thresholds{}, 1)
			rendertest.AssertInert(t, "replay "+output+" "+setupName, o.Bytes())
		}
	}
}
