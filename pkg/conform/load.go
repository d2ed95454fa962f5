package conform

import (
	"net/http"
	"strconv"

	"github.com/wamo-dev/wamo/pkg/replay"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// maxLoadEvidence is how many failed deliveries of the load case are kept
// as evidence.
const maxLoadEvidence = 5

// load runs the load case: every kind of the profile, made fresh for each
// send, at opts.Rate per second for opts.Duration on replay's open model (a
// slow receiver cannot slow the schedule down, and queueing shows in the
// latency), signed like the provider.
func (r *runner) load(c *caseRun) {
	lib := r.cat.lib
	var targets []replay.Target
	for _, k := range lib.order {
		t, _, err := lib.fresh(lib.kinds[k], r.now())
		if err != nil {
			c.broken(err)
			return
		}
		targets = append(targets, replay.Target{Name: describe(lib.kinds[k]), Body: lib.wire(t), Format: lib.p.Format})
	}
	h := r.header.Clone()
	h.Set("Content-Type", "application/json")
	cfg := replay.Config{
		URL: r.opts.URL, Header: h, Deadline: r.opts.Deadline, Timeout: r.opts.Timeout,
		Rate: r.opts.Rate, Duration: r.opts.Duration, Fresh: true,
		Client: &http.Client{Transport: r.transport}, Now: r.now,
	}
	// replay signs each send with the provider's scheme: a fresh body
	// under an untimed scheme, a new nonce and time under a timed one.
	signed := lib.p.Signer != nil && r.opts.Secret != nil
	if signed {
		cfg.Sign = replay.SignWith(&signature.Signer{Scheme: lib.p.Signer, Secret: r.opts.Secret})
	}
	sum := replay.NewSummary(cfg, targets, r.now())
	results := make(chan replay.Result, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for res := range results {
			sum.Add(&res)
			r.count(&res)
			r.plot(res.Scheduled.Sub(r.started), res.Total, res.Status, res.Outcome, res.Outcome == replay.OK, c.cs.ID)
			if res.Outcome == replay.OK || res.Outcome == replay.Canceled || len(c.res.Exchanges) >= maxLoadEvidence {
				continue
			}
			ex := Exchange{
				Label:  "delivery #" + strconv.Itoa(res.Seq+1) + ": " + res.Target,
				Method: http.MethodPost, ContentType: "application/json", Signed: signed,
				Bytes: int(res.BytesSent), Start: res.Start.Sub(r.started), Latency: res.Total,
				Status: res.Status, Outcome: res.Outcome, Cause: res.Cause, Connected: res.Connected || res.Status != 0,
			}
			c.ack(&ex)
			c.res.Exchanges = append(c.res.Exchanges, ex)
		}
	}()
	_ = replay.Run(c.ctx, cfg, targets, results)
	close(results)
	<-done
	sum.Finish(r.now(), c.ctx.Err() != nil)
	st := &LoadStats{Rate: cfg.Rate, Duration: cfg.Duration, Sends: sum.Sends, Counts: sum.Counts, Latency: sum.Latency}
	c.res.Load = st
	c.res.Latency = sum.Latency.P99 // what the case is judged on
	if sum.Attempts == 0 {
		c.problems = append(c.problems, "nothing was sent")
		return
	}
	notOK := sum.Counts[replay.HTTPError] + sum.Counts[replay.NetworkError] + sum.Counts[replay.Timeout]
	if notOK > 0 {
		c.problems = append(c.problems, strconv.Itoa(notOK)+" of "+strconv.Itoa(sum.Attempts)+" deliveries not answered 2xx")
	}
	if sum.Latency.P99 > r.opts.Deadline {
		c.problems = append(c.problems, "p99 over the deadline")
	}
	if len(c.problems) == 0 {
		// A few slow answers under a p99 within the deadline pass: the
		// evidence stays, without blame.
		for i := range c.res.Exchanges {
			c.res.Exchanges[i].Problem = ""
		}
	}
}
