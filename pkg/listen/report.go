package listen

import (
	"context"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// job is an answered request waiting to be reported: its event and, for a
// webhook, the body to validate.
type job struct {
	ev   Event
	data []byte // validated; nil: nothing to validate
	// withhold: data is a body that is not JSON under Redact; say where
	// the syntax error is, show nothing of it.
	withhold bool
	taken    int64 // bytes of h.backlog held by data
}

// report counts an answered request and queues its event (and for a
// webhook its validation) for the workers. It never blocks: when the
// queue is full or its memory is spent, the event is dropped and counted.
func (h *Handler) report(ev *Event, data []byte, withhold bool) {
	h.stats.answered(ev)
	j := &job{ev: *ev, data: data, withhold: withhold}
	if data != nil {
		if h.backlog.take(int64(len(data))) {
			j.taken = int64(len(data))
		} else {
			h.skip(j) // reported without its body and without a verdict
		}
	}
	h.jobsMu.RLock()
	defer h.jobsMu.RUnlock()
	if h.closing {
		h.abandon(j)
		return
	}
	select {
	case h.jobs <- j:
	default:
		h.abandon(j)
	}
}

// skip marks a webhook that will not be validated.
func (h *Handler) skip(j *job) {
	if j.data == nil {
		return
	}
	j.ev.Cut, j.ev.Result, j.ev.Body = CutBusy, nil, nil
	h.stats.validated(&j.ev)
	h.backlog.give(j.taken)
	j.data, j.taken = nil, 0
}

// abandon counts a job that will not be reported.
func (h *Handler) abandon(j *job) {
	h.skip(j)
	h.stats.drop()
}

// work validates and reports queued requests until the queue is closed.
func (h *Handler) work() {
	defer h.workers.Done()
	for j := range h.jobs {
		select {
		case <-h.stop:
			h.abandon(j)
			continue
		default:
		}
		if j.data == nil {
			h.deliver(&j.ev)
			continue
		}
		h.check(j)
	}
}

// check validates a webhook within the time budget and reports it.
//
// Validations run on goroutines of their own, at most Config.Validators at
// once (h.running). One over budget is reported as cut short and left to
// end on its own — it cannot be interrupted — still holding its place:
// while every place is held so, the bodies that come are reported without
// a verdict (CutBusy) rather than wait, so that the events keep flowing
// and validation never takes more than its share of the CPU.
func (h *Handler) check(j *job) {
	select {
	case h.running <- struct{}{}:
	default:
		h.skip(j)
		h.deliver(&j.ev)
		return
	}
	done := make(chan validate.Result, 1)
	go func() {
		v := h.validator.Get().(*validate.Validator)
		res := h.validate(v, &payload.Payload{Data: j.data, Line: 1, Col: 1})
		h.validator.Put(v)
		h.backlog.give(j.taken) // the body is free once its validation ends
		<-h.running
		done <- res
	}()
	timer := time.NewTimer(h.cfg.ValidateBudget)
	select {
	case res := <-done:
		timer.Stop()
		h.verdict(j, &res)
	case <-timer.C:
		j.ev.Cut = CutTime
	case <-h.stop:
		timer.Stop()
		j.ev.Cut = CutBusy // stopping: no verdict, and no event either
	}
	h.stats.validated(&j.ev)
	h.deliver(&j.ev)
}

// verdict puts a validation's result in the event, within the findings
// budget and without showing anything of a withheld body.
func (h *Handler) verdict(j *job, res *validate.Result) {
	if j.withhold {
		for i := range res.Findings {
			f := &res.Findings[i]
			f.Excerpt, f.Caret = "", 0
			if q := strings.IndexByte(f.Message, '"'); q >= 0 {
				f.Message = f.Message[:q] + "(quoted text withheld by --redact)"
			}
		}
	}
	if len(res.Findings) > h.cfg.MaxFindings {
		res.Findings = res.Findings[:h.cfg.MaxFindings:h.cfg.MaxFindings]
		j.ev.Cut = CutFindings
	}
	j.ev.Result = res
}

// deliver sends an event to the reader, waiting for it until Shutdown
// gives up.
func (h *Handler) deliver(ev *Event) {
	if h.events == nil {
		return
	}
	h.eventsMu.RLock()
	defer h.eventsMu.RUnlock()
	if h.closed {
		h.stats.drop()
		return
	}
	select {
	case h.events <- *ev:
	case <-h.stop:
		h.stats.drop()
	}
}

// Shutdown stops the Handler once the server no longer calls it: the
// requests already answered are validated and their events delivered, as
// long as ctx allows; what is left then is counted (Stats.Dropped,
// Stats.NotValidated) and never sent, and the counts are final. After Shutdown returns the Handler
// sends no more events, so the caller may close the channel. It returns
// ctx's error when it had to give up. Requests that arrive after it
// started are still answered (and saved) but not reported.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.jobsMu.Lock()
	if h.closing {
		h.jobsMu.Unlock()
		return nil
	}
	h.closing = true
	close(h.jobs)
	h.jobsMu.Unlock()

	drained := make(chan struct{})
	go func() {
		h.workers.Wait()
		close(drained)
	}()
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = ctx.Err()
	}
	close(h.stop)
	for j := range h.jobs {
		h.abandon(j)
	}
	// The workers see stop wherever they wait (a validation goes on on its
	// own goroutine, and counts nothing): once they are gone the counts are
	// final.
	<-drained
	// Deliveries in progress saw stop; once they let go, no more events.
	h.eventsMu.Lock()
	h.closed = true
	h.eventsMu.Unlock()
	return err
}

// Close is Shutdown without a deadline: it returns once every answered
// request has been reported, which needs a reader on the events.
func (h *Handler) Close() { h.Shutdown(context.Background()) }
