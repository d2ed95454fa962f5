package traffic

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/listen"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// ListenOutputs lists the values accepted by `wamo listen --output`.
var ListenOutputs = []string{"text", "json"}

// ListenOptions configure a ListenPrinter.
type ListenOptions struct {
	// Output is "text" (default) or "json".
	Output string
	// Quiet prints only the requests with a problem: invalid bodies,
	// refused requests and handshakes, apps that failed or missed the
	// deadline, bodies that could not be saved.
	Quiet bool
	// Location is the zone of the times shown; nil means time.Local.
	Location *time.Location
}

// ListenBanner describes a listener for the line printed when it starts.
type ListenBanner struct {
	URL       string // http://127.0.0.1:8080/hook
	EveryPath bool   // every path is served, not only URL's
	Exposed   bool   // the address is not loopback
	SaveDir   string
	ForwardTo string
	Deadline  time.Duration
	Signature bool // X-Hub-Signature-256 is checked
	// SinchSignature is set when Sinch's signature is checked, within
	// SignatureWindow.
	SinchSignature  bool
	SignatureWindow time.Duration
	VerifyToken     bool   // handshakes are answered
	Redact          string // "", "ids" or "text"
	Status          int    // answered to webhooks
	Delay           time.Duration
}

// ListenPrinter writes what `wamo listen` reports: the banner on stderr,
// then per request on stdout either text — the request line, the
// payload's messages as `wamo show` prints them, what happened to it, and
// validate's diagnostics when it is invalid — or one JSON object per line;
// and a summary when the listener stops. It is used from one goroutine.
//
// Text, one block per request:
//
//	10:15:00.123 #1 POST /hook 200 1.1 KiB  cloud  1 message
//	  2026-04-12 16:30:00  +16505550147      Daniel Okafor     text          Hello
//	  ↳ valid · app 202 in 183ms · saved captures/20261122T101500.123Z-000001.json
//	10:15:02.500 #3 POST /hook 400 12 B  not JSON
//	body#3:1:8: error json.syntax: trailing comma before "}"
//	10:15:03.000 #4 GET /hook 200  handshake accepted
//	10:15:04.000 #5 POST /hook 403 7.2 KiB  refused: bad signature (…)
//
// Diagnostics name the saved file when there is one (FILE:LINE:COL, as
// `wamo validate` prints them, so that editors can open it there), else
// body#SEQ. Colour only when stdout allows it: verdicts and statuses in the
// tone of their outcome, the app's latency green within the deadline and
// red over it.
type ListenPrinter struct {
	opts  ListenOptions
	ios   *iostreams.IOStreams
	w     *bufio.Writer
	st    *render.Styles
	est   *render.Styles
	show  *render.ShowPrinter
	loc   *time.Location
	err   error
	shown int
}

// NewListenPrinter returns a printer writing to ios.
func NewListenPrinter(ios *iostreams.IOStreams, opts ListenOptions) (*ListenPrinter, error) {
	switch opts.Output {
	case "", "text", "json":
	default:
		return nil, fmt.Errorf("unknown output %q: want %s", opts.Output, strings.Join(ListenOutputs, " or "))
	}
	p := &ListenPrinter{
		opts: opts,
		ios:  ios,
		w:    bufio.NewWriterSize(ios.Out, 16<<10),
		st:   render.NewStyles(ios.ColorEnabled()),
		est:  render.NewStyles(ios.ColorEnabledErr()),
		loc:  opts.Location,
	}
	if p.loc == nil {
		p.loc = time.Local
	}
	if opts.Output != "json" {
		p.show = render.NewShowPrinter(ios, render.ShowOptions{View: render.ShowDefault, Location: p.loc})
	}
	return p, nil
}

// Banner says on stderr where wamo listens and what it does with requests.
func (p *ListenPrinter) Banner(b ListenBanner) {
	st := p.est
	where := "only this path"
	if b.EveryPath {
		where = "every path"
	}
	line := "wamo listen: listening on " + st.Location(b.URL) + " (" + where + ") — Ctrl-C to stop\n"
	var does []string
	if b.SaveDir != "" {
		does = append(does, "saving to "+b.SaveDir)
	}
	if b.ForwardTo != "" {
		does = append(does, "forwarding to "+b.ForwardTo+" (deadline "+listenDuration(b.Deadline)+")")
	} else {
		ans := "answering " + strconv.Itoa(b.Status)
		if b.Delay > 0 {
			ans += " after " + listenDuration(b.Delay)
		}
		does = append(does, ans)
	}
	if b.Signature {
		does = append(does, "checking "+listen.SignatureHeader)
	}
	if b.SinchSignature {
		w := "any time"
		if b.SignatureWindow > 0 {
			w = "±" + listenDuration(b.SignatureWindow)
		}
		does = append(does, "checking "+listen.SinchSignatureHeader+" ("+w+")")
	}
	if b.VerifyToken {
		does = append(does, "answering the verification handshake")
	}
	switch b.Redact {
	case "ids":
		does = append(does, "redacting people's identifiers")
	case "text":
		does = append(does, "redacting people's identifiers and free text")
	}
	line += "  " + st.Path(strings.Join(does, " · ")) + "\n"
	if b.Exposed {
		line += st.Tone(render.ToneWarning, "wamo listen: warning: not a loopback address: other machines can post to this endpoint") + "\n"
	}
	io.WriteString(p.ios.ErrOut, line)
}

// Event prints one request. It returns the first error writing the output.
func (p *ListenPrinter) Event(ev *listen.Event) error {
	if p.opts.Quiet && !listenProblem(ev) {
		return p.err
	}
	p.shown++
	if p.opts.Output == "json" {
		p.write(listenEventJSON(ev))
		p.flush()
		return p.err
	}
	if ev.Kind == listen.KindWebhook && ev.Body != nil && ev.Result != nil && ev.Result.Reason != "not JSON" {
		p.webhook(ev)
	} else {
		p.other(ev)
	}
	p.flush()
	return p.err
}

// listenProblem reports whether a request is worth printing under --quiet.
func listenProblem(ev *listen.Event) bool {
	switch {
	case ev.Kind == listen.KindRejected, ev.Rejected != "", ev.SaveErr != nil:
		return true
	case ev.Forward != nil && (ev.Forward.Err != nil || ev.Forward.OverDeadline):
		return true
	case ev.Kind == listen.KindWebhook && ev.Result != nil && !ev.Result.Valid():
		return true
	case ev.Cut == listen.CutTime || ev.Cut == listen.CutBusy:
		return true
	}
	return false
}

func (p *ListenPrinter) write(b []byte) {
	if p.err != nil {
		return
	}
	if _, err := p.w.Write(b); err != nil {
		p.err = err
	}
}

func (p *ListenPrinter) writeString(s string) {
	if p.err != nil {
		return
	}
	if _, err := p.w.WriteString(s); err != nil {
		p.err = err
	}
}

func (p *ListenPrinter) flush() {
	if err := p.w.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

// requestLine is "10:15:00.123 #1 POST /hook 200 1.1 KiB".
func (p *ListenPrinter) requestLine(ev *listen.Event) string {
	var b strings.Builder
	b.WriteString(ev.Time.In(p.loc).Format("15:04:05.000"))
	b.WriteString(" #" + strconv.FormatUint(ev.Seq, 10) + " ")
	b.WriteString(render.Sanitize(ev.Method) + " " + render.Sanitize(ev.Path) + " " + strconv.Itoa(ev.Status))
	if ev.Bytes > 0 || ev.Kind == listen.KindWebhook {
		b.WriteString(" " + listenSize(ev.Bytes))
	}
	return b.String()
}

// webhook prints a JSON body: the request line and messages through the
// show printer, then what happened and the diagnostics.
func (p *ListenPrinter) webhook(ev *listen.Event) {
	r := ev.Result
	f := r.Format
	if r.Unusable {
		f = payload.Unknown
	}
	pl := payload.Payload{Source: p.requestLine(ev), Data: ev.Body}
	if err := p.show.Payload(&pl, f); err != nil && p.err == nil {
		p.err = err
	}
	if err := p.show.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	p.writeString("  ↳ " + strings.Join(p.outcome(ev), p.st.Path(" · ")) + "\n")
	p.diagnostics(ev)
}

// outcome lists what happened to a webhook: verdict, answer when it is not
// the usual one, app, saved file.
func (p *ListenPrinter) outcome(ev *listen.Event) []string {
	st := p.st
	var parts []string
	r := ev.Result
	switch {
	case r == nil && ev.Cut == listen.CutTime:
		parts = append(parts, st.Tone(render.ToneWarning, "not validated: over the time budget"))
	case r == nil && ev.Cut == listen.CutBusy:
		parts = append(parts, st.Tone(render.ToneWarning, "not validated: too much waiting to be validated"))
	case r == nil:
	case r.Unusable:
		parts = append(parts, st.Unusable(listenUnusable(r)))
	case r.Errors > 0:
		parts = append(parts, st.Fail("invalid")+": "+listenProblems(r))
	case r.Warnings > 0:
		parts = append(parts, st.Tone(render.ToneWarning, "valid")+": "+listenProblems(r))
	default:
		parts = append(parts, st.OK("valid"))
	}
	if f := ev.Forward; f != nil {
		parts = append(parts, p.forward(f))
	}
	if ev.SavedAs != "" {
		parts = append(parts, st.Path("saved "+render.Sanitize(ev.SavedAs)))
	}
	if ev.SaveErr != nil {
		parts = append(parts, st.Tone(render.ToneError, "not saved: "+render.Sanitize(ev.SaveErr.Error())))
	}
	if ev.ClientGone {
		parts = append(parts, st.Tone(render.ToneWarning, "the sender hung up before the answer"))
	}
	return parts
}

// forward renders the app's answer: "app 202 in 183ms" in green, "app 202
// in 312ms > 200ms" in red, "app unreachable: …" in red.
func (p *ListenPrinter) forward(f *listen.ForwardResult) string {
	if f.Err != nil {
		return p.st.Tone(render.ToneError, "app did not answer: "+render.Sanitize(f.Err.Error()))
	}
	s := "app " + strconv.Itoa(f.Status) + " in " + listenDuration(f.Latency)
	tone := render.ToneOK
	if f.OverDeadline {
		s += " > " + listenDuration(f.Deadline)
		tone = render.ToneError
	} else if f.Status >= 300 {
		tone = render.ToneWarning
	}
	return p.st.Tone(tone, s)
}

func listenUnusable(r *validate.Result) string {
	if r.Reason == "not JSON" {
		return "not JSON"
	}
	return "unusable"
}

// listenProblems is "2 errors, 1 warning".
func listenProblems(r *validate.Result) string {
	var parts []string
	if r.Errors > 0 {
		parts = append(parts, render.Plural(r.Errors, "error"))
	}
	if r.Warnings > 0 {
		parts = append(parts, render.Plural(r.Warnings, "warning"))
	}
	return strings.Join(parts, ", ")
}

// other prints a request that has no JSON body to show: a body that is not
// JSON, a handshake, a refusal.
func (p *ListenPrinter) other(ev *listen.Event) {
	st := p.st
	line := st.Location(p.requestLine(ev)) + "  "
	switch ev.Kind {
	case listen.KindWebhook:
		parts := p.outcome(ev)
		line += strings.Join(parts, st.Path(" · "))
	case listen.KindHandshake:
		switch {
		case ev.Forward != nil:
			line += "handshake forwarded · " + p.forward(ev.Forward)
		case ev.Rejected == "":
			line += st.OK("handshake accepted")
		default:
			line += st.Fail("handshake refused") + ": " + listenReason(ev)
		}
	case listen.KindInfo:
		line += st.Path("not a webhook (no hub.* parameters)")
	default:
		line += st.Fail("refused") + ": " + listenReason(ev)
	}
	p.writeString(line + "\n")
	p.diagnostics(ev)
}

func listenReason(ev *listen.Event) string {
	s := string(ev.Rejected)
	if ev.Detail != "" {
		s += " (" + render.Sanitize(ev.Detail) + ")"
	}
	return s
}

// diagnostics prints the findings of an invalid body as `wamo validate`
// does; warnings of a valid body too.
func (p *ListenPrinter) diagnostics(ev *listen.Event) {
	r := ev.Result
	if r == nil || len(r.Findings) == 0 || r.Unusable && r.Reason != "not JSON" && ev.Body != nil {
		// An unrecognised format was already said by the show line.
		return
	}
	file := ev.SavedAs
	if file == "" {
		file = "body#" + strconv.FormatUint(ev.Seq, 10)
	}
	var b strings.Builder
	for i := range r.Findings {
		render.WriteFinding(&b, p.st, file, r, &r.Findings[i])
	}
	if more := r.Errors + r.Warnings - len(r.Findings); ev.Cut == listen.CutFindings && more > 0 {
		b.WriteString(p.st.Path(file+": … and "+render.Plural(more, "more finding")+" (the first "+strconv.Itoa(len(r.Findings))+" are shown)") + "\n")
	}
	p.writeString(b.String())
}

// Summary prints what the listener did, when it stops; notPrinted is the
// number of requests whose events never reached the printer.
func (p *ListenPrinter) Summary(s listen.Stats, notPrinted int64) error {
	if p.opts.Output == "json" {
		p.write(listenSummaryJSON(&s, notPrinted))
		p.flush()
		return p.err
	}
	p.writeString(listenSummaryText(p.st, &s, notPrinted))
	p.flush()
	return p.err
}

// ListenStalled reports on stderr, when the output stopped being read, how
// many requests were not printed and the summary. It shares nothing with
// the ListenPrinter, which may still be blocked in a write.
func ListenStalled(ios *iostreams.IOStreams, s listen.Stats, notPrinted int64) error {
	st := render.NewStyles(ios.ColorEnabledErr())
	head := st.Tone(render.ToneWarning, "wamo listen: the output stopped being read: "+render.Plural(int(notPrinted), "request")+" not printed (all were answered, saved and counted)")
	_, err := io.WriteString(ios.ErrOut, head+"\n"+listenSummaryText(st, &s, 0))
	return err
}

// listenSummaryText is the text summary: a head line with the requests by
// kind, then a line for each thing that happened.
func listenSummaryText(st *render.Styles, s *listen.Stats, notPrinted int64) string {
	lines := []string{listenHead(st, s)}
	for _, l := range []string{
		listenCarrying(s), listenSaved(st, s), listenForwarded(st, s), listenAck(st, s),
		listenCutShort(st, s), listenNotPrinted(st, notPrinted),
	} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// listenHead is "12 requests: 10 webhooks (9 valid, 1 invalid), …", red
// when anything went wrong.
func listenHead(st *render.Styles, s *listen.Stats) string {
	tone := render.ToneOK
	if s.Invalid+s.Unusable+s.NotJSON+s.RejectedTotal()+s.HandshakesRefused+s.SaveFailed+s.OverDeadline > 0 {
		tone = render.ToneError
	}
	head := render.Plural(int(s.Requests), "request")
	var kinds []string
	for _, k := range []string{listenWebhooks(s), listenHandshakes(s), listenOtherGets(s), listenRefused(s)} {
		if k != "" {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) > 0 {
		head += ": " + strings.Join(kinds, ", ")
	}
	return st.Tone(tone, head)
}

// listenCounts is "9 valid, 1 invalid": the counts that are not zero.
func listenCounts(counts ...listenCount) string {
	var v []string
	for _, c := range counts {
		if c.n > 0 {
			v = append(v, strconv.FormatInt(c.n, 10)+" "+c.word)
		}
	}
	return strings.Join(v, ", ")
}

type listenCount struct {
	n    int64
	word string
}

func listenWebhooks(s *listen.Stats) string {
	if s.Webhooks == 0 {
		return ""
	}
	k := render.Plural(int(s.Webhooks), "webhook")
	if v := listenCounts(listenCount{s.Valid, "valid"}, listenCount{s.Invalid, "invalid"},
		listenCount{s.Unusable, "unusable"}, listenCount{s.NotJSON, "not JSON"}); v != "" {
		k += " (" + v + ")"
	}
	return k
}

func listenHandshakes(s *listen.Stats) string {
	if s.Handshakes == 0 {
		return ""
	}
	k := render.Plural(int(s.Handshakes), "handshake")
	if s.HandshakesRefused > 0 {
		k += " (" + strconv.FormatInt(s.HandshakesRefused, 10) + " refused)"
	}
	return k
}

func listenOtherGets(s *listen.Stats) string {
	if s.Info == 0 {
		return ""
	}
	return strconv.FormatInt(s.Info, 10) + " other GET"
}

func listenRefused(s *listen.Stats) string {
	n := s.RejectedTotal()
	if n == 0 {
		return ""
	}
	reasons := make([]string, 0, len(s.Rejected))
	for r, c := range s.Rejected {
		reasons = append(reasons, strconv.FormatInt(c, 10)+" "+string(r))
	}
	sort.Strings(reasons)
	return strconv.FormatInt(n, 10) + " refused (" + strings.Join(reasons, ", ") + ")"
}

func listenCarrying(s *listen.Stats) string {
	if s.Messages+s.Statuses == 0 {
		return ""
	}
	return "carrying " + render.CountsPhrase(int(s.Messages), int(s.Statuses), 0)
}

func listenSaved(st *render.Styles, s *listen.Stats) string {
	if s.Saved+s.SaveFailed == 0 {
		return ""
	}
	l := "saved " + strconv.FormatInt(s.Saved, 10)
	if s.SaveFailed > 0 {
		l += ", " + st.Tone(render.ToneError, strconv.FormatInt(s.SaveFailed, 10)+" could not be saved (answered 500)")
	}
	return l
}

func listenForwarded(st *render.Styles, s *listen.Stats) string {
	if s.Forwarded == 0 {
		return ""
	}
	l := "forwarded " + strconv.FormatInt(s.Forwarded, 10)
	if f := s.Forward; f.Count > 0 {
		l += ": app answered in " + listenPercentiles(f)
	}
	over := strconv.FormatInt(s.OverDeadline, 10) + " over the " + listenDuration(s.Deadline) + " deadline"
	if s.OverDeadline > 0 {
		over = st.Tone(render.ToneError, over)
	} else {
		over = st.OK(over)
	}
	l += "; " + over
	if s.ForwardFailed > 0 {
		l += ", " + st.Tone(render.ToneError, strconv.FormatInt(s.ForwardFailed, 10)+" unanswered")
	}
	return l
}

func listenAck(st *render.Styles, s *listen.Stats) string {
	if s.Ack.Count == 0 {
		return ""
	}
	return st.Path("wamo answered in " + listenPercentiles(s.Ack))
}

func listenCutShort(st *render.Styles, s *listen.Stats) string {
	n := s.CutShort()
	if n == 0 {
		return ""
	}
	why := listenCounts(listenCount{s.NotValidated, "not validated (over the time budget, too much waiting, or not printed)"},
		listenCount{s.FindingsCut, "with findings cut"})
	return st.Tone(render.ToneWarning, "validation cut short for "+render.Plural(int(n), "webhook")+": "+why)
}

func listenNotPrinted(st *render.Styles, notPrinted int64) string {
	if notPrinted == 0 {
		return ""
	}
	return st.Tone(render.ToneWarning, render.Plural(int(notPrinted), "request")+" not printed: output could not keep up (all were answered, saved and counted)")
}

// listenSize is "812 B", "1.1 KiB", "10 MiB".
func listenSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KiB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MiB"
}

// listenDuration renders a latency as replay does: three significant
// digits in the unit that suits it (0.362ms, 12.4ms, 183ms, 1.25s).
func listenDuration(d time.Duration) string { return render.Duration(max(d, 0)) }

// listenPercentiles is "p50 0.362ms, p99 12.4ms, max 183ms".
func listenPercentiles(l listen.Latency) string {
	return "p50 " + listenDuration(l.P50) + ", p99 " + listenDuration(l.P99) + ", max " + listenDuration(l.Max)
}
