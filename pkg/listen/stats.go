package listen

import (
	"maps"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latency summarises a set of durations.
type Latency struct {
	Count              int64
	P50, P90, P99, Max time.Duration
}

// Stats counts what a Handler did. Every request is counted, whether or
// not its event could be delivered. Requests are counted when answered,
// verdicts when validated (after the answer): they are final once the
// Handler is shut down.
type Stats struct {
	Requests int64 // every request
	Webhooks int64 // POSTs accepted (answered, not refused)
	// Verdicts on the webhooks: valid, invalid (rule errors), unusable
	// (JSON of no known format), not JSON.
	Valid, Invalid, Unusable, NotJSON int64
	Messages, Statuses                int64 // items carried by the webhooks
	// Validation cut short: NotValidated webhooks have no verdict (over
	// the time budget, or not validated because wamo was busy, stopping,
	// or their event was dropped); FindingsCut webhooks have one, with
	// their findings cut at Config.MaxFindings. Valid, Invalid, Unusable,
	// NotJSON and NotValidated add up to Webhooks once the Handler is shut
	// down.
	NotValidated, FindingsCut int64

	Handshakes        int64 // verification handshakes answered
	HandshakesRefused int64 // of which refused (wrong token…)
	Info              int64 // GETs without handshake parameters
	// Rejected counts refused requests by reason.
	Rejected map[Reason]int64

	Saved, SaveFailed int64

	// Forwarded counts requests sent on to the app; ForwardFailed those it
	// did not answer; OverDeadline those answered later than Deadline or
	// not at all. Forward is the latency of the app's answers.
	Forwarded, ForwardFailed, OverDeadline int64
	Forward                                Latency
	Deadline                               time.Duration

	// Ack is the latency of wamo's own answers: from a request's arrival
	// (before its body is read) to its answer being flushed.
	Ack Latency

	// Dropped counts events not delivered: the queue of events was full
	// (the reader is slow) or the Handler stopped first.
	Dropped int64
}

// CutShort is the number of webhooks whose validation was cut short.
func (s *Stats) CutShort() int64 { return s.NotValidated + s.FindingsCut }

// RejectedTotal is the number of refused requests.
func (s *Stats) RejectedTotal() int64 {
	var n int64
	for _, c := range s.Rejected {
		n += c
	}
	return n
}

// histMax is the longest latency tracked; longer ones count as this.
const histMax = time.Hour

type statsCollector struct {
	mu       sync.Mutex
	s        Stats
	fwd, ack *hdrhistogram.Histogram
}

func (c *statsCollector) init() {
	c.s.Rejected = map[Reason]int64{}
	// Microseconds from 1 µs to an hour at 3 significant digits.
	c.fwd = hdrhistogram.New(1, int64(histMax/time.Microsecond), 3)
	c.ack = hdrhistogram.New(1, int64(histMax/time.Microsecond), 3)
}

func record(h *hdrhistogram.Histogram, l *Latency, d time.Duration) {
	us := max(int64(d/time.Microsecond), 1)
	h.RecordValue(min(us, int64(histMax/time.Microsecond)))
	l.Count++
	l.Max = max(l.Max, d)
}

func (c *statsCollector) drop() {
	c.mu.Lock()
	c.s.Dropped++
	c.mu.Unlock()
}

// validated counts the verdict on a webhook (or why it has none).
func (c *statsCollector) validated(ev *Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.s
	switch ev.Cut {
	case CutFindings:
		s.FindingsCut++
	case CutTime, CutBusy:
		s.NotValidated++
	}
	r := ev.Result
	if r == nil {
		return
	}
	switch {
	case r.Unusable && r.Reason == "not JSON":
		s.NotJSON++
	case r.Unusable:
		s.Unusable++
	case r.Errors > 0:
		s.Invalid++
	default:
		s.Valid++
	}
	s.Messages += int64(r.Messages)
	s.Statuses += int64(r.Statuses)
}

// answered counts a request once it was answered.
func (c *statsCollector) answered(ev *Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.s
	s.Requests++
	switch ev.Kind {
	case KindWebhook:
		s.Webhooks++
	case KindHandshake:
		s.Handshakes++
		if ev.Status != 200 {
			s.HandshakesRefused++
		}
	case KindInfo:
		s.Info++
	case KindRejected:
		s.Rejected[ev.Rejected]++
	}
	if ev.SavedAs != "" {
		s.Saved++
	}
	if ev.SaveErr != nil {
		s.SaveFailed++
	}
	if f := ev.Forward; f != nil {
		s.Forwarded++
		s.Deadline = f.Deadline
		if f.Err != nil {
			s.ForwardFailed++
		} else {
			record(c.fwd, &s.Forward, f.Latency)
		}
		if f.OverDeadline {
			s.OverDeadline++
		}
	}
	record(c.ack, &s.Ack, ev.Ack)
}

// Stats returns the counts so far. Once the server has shut down (Serve
// returned) they are final.
func (h *Handler) Stats() Stats {
	c := &h.stats
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Rejected = maps.Clone(c.s.Rejected)
	if s.Deadline == 0 {
		s.Deadline = h.cfg.Deadline
	}
	q := func(h *hdrhistogram.Histogram, p float64) time.Duration {
		return time.Duration(h.ValueAtQuantile(p)) * time.Microsecond
	}
	if s.Forward.Count > 0 {
		s.Forward.P50, s.Forward.P90, s.Forward.P99 = q(c.fwd, 50), q(c.fwd, 90), q(c.fwd, 99)
	}
	if s.Ack.Count > 0 {
		s.Ack.P50, s.Ack.P90, s.Ack.P99 = q(c.ack, 50), q(c.ack, 90), q(c.ack, 99)
	}
	return s
}
