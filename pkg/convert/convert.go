// Package convert converts WhatsApp inbound webhook payloads between the
// Sinch (ex-Wavy) MO callback, the On-Premises notification ("whatsapp") and
// the Cloud API envelope ("cloud").
//
// A conversion never drops anything silently. Convert finds what the target
// cannot carry by converting its output back to the source format and
// comparing the result with the input, field by field: every difference is
// returned as a Loss with its path in the input. With KeepExtras the
// differences are also written into the output, under the member
// "x_wamo_extras", so that converting back restores the input exactly.
// Values the target requires but the source lacks (the business number of
// an On-Premises payload, a Cloud API phone number id…) come from Options or
// from documented defaults, and are returned as Defaults.
//
// The mapping is documented in mapping.md, generated from the tables in
// mapping.go.
package convert

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// Documented defaults for values a target needs and a source may lack
// (see the message package).
const (
	DefaultBusinessNumber = message.DefaultBusinessNumber
	DefaultPhoneNumberID  = message.DefaultPhoneNumberID
	DefaultWABAID         = message.DefaultAccountID
	DefaultWaID           = message.DefaultPhone
	DefaultMediaBaseURL   = message.DefaultMediaBaseURL
)

// ExtrasKey is the member that carries, with KeepExtras, what the target
// format cannot say, so that converting back restores the input exactly.
const ExtrasKey = "x_wamo_extras"

// Options configure a conversion.
type Options struct {
	// To is the target format (required).
	To payload.Format
	// From forces the source format; payload.Unknown detects it.
	From payload.Format
	// KeepExtras writes what the target cannot carry into ExtrasKey.
	KeepExtras bool
	// Compact writes one line (NDJSON) instead of indented JSON.
	Compact bool

	// Origin is the business phone number written as Sinch origin when the
	// source has none (On-Premises). It also serves as display phone number.
	Origin string
	// DisplayPhoneNumber is the Cloud metadata.display_phone_number when the
	// source has no business number; Origin is used when it is empty.
	DisplayPhoneNumber string
	// PhoneNumberID is the Cloud metadata.phone_number_id.
	PhoneNumberID string
	// WABAID is the Cloud entry[].id (WhatsApp Business Account id).
	WABAID string
	// AppID and ProjectID are the Conversation API app_id and project_id.
	AppID, ProjectID string
	// MediaBaseURL prefixes a media id to make a Sinch mediaUrl when the
	// source has no media URL; DefaultMediaBaseURL when empty.
	MediaBaseURL string
	// Now is the clock used for times a source lacks (only invalid payloads
	// lack them); time.Now when nil.
	Now func() time.Time
}

// Result is one converted payload.
type Result struct {
	// Output is the converted document, ending with a newline; nil when no
	// item of the input has a counterpart in the target (see Losses).
	// Output, Losses and Defaults are only valid until the next conversion
	// by the same Converter (Convert, the function, returns copies).
	Output []byte
	From   payload.Format
	To     payload.Format
	// Losses are what the output does not carry, in input order.
	Losses []Loss
	// Defaults are values the output holds that do not come from the input:
	// documented defaults, or option values standing in for missing data.
	Defaults []Default
	// Restored is set when the input carried extras for the target format
	// (from an earlier KeepExtras conversion) and they were applied.
	Restored bool
}

// Lossy reports whether the conversion lost anything.
func (r *Result) Lossy() bool { return len(r.Losses) > 0 }

// LossKind says how a field fails to survive (see message.Change).
type LossKind = message.Change

// Kinds of loss.
const (
	Dropped = message.Dropped
	Changed = message.Changed
	Added   = message.Added
)

// Loss is one field of the input that the output does not carry.
type Loss struct {
	// Path is the field's path in the input, e.g. data[0].campaignId.
	Path string `json:"path"`
	// Offset is the byte offset of the field's value in the input (of its
	// object for Added losses).
	Offset int      `json:"offset"`
	Kind   LossKind `json:"kind"`
	// Reason says why, in a few words.
	Reason string `json:"reason"`
	// Renamed is where converting back puts the value when it moves it
	// (messages[0].voice becomes messages[0].audio).
	Renamed string `json:"renamed,omitempty"`
}

// Default is a value written to the output that the input did not hold.
type Default struct {
	// Path is where the value is in the output.
	Path string `json:"path"`
	// Value is the value written (decoded).
	Value string `json:"value"`
	// Reason says what was missing.
	Reason string `json:"reason"`
	// Option is the converter option that sets the value instead
	// (message.NoOption = none); the CLI names its flag.
	Option message.Option `json:"-"`
	// Offset locates, in the input, the object that lacked the value.
	Offset int `json:"offset"`
	// FromOption is set when the value came from an option, not a default.
	FromOption bool `json:"from_option,omitempty"`
}

// InputError is returned for input that cannot be converted at all: not
// JSON, not an object, or of no recognised format. It maps to exit code 3.
type InputError struct {
	// Offset locates the problem in the input (bytes).
	Offset int
	// Syntax is set for JSON syntax errors.
	Syntax bool
	Msg    string
}

func (e *InputError) Error() string { return e.Msg }

// ErrNoTarget is returned when Options.To is not set.
var ErrNoTarget = errors.New("convert: no target format")

// Convert converts one payload. It is a shorthand for New(opts).Convert
// that returns an Output the caller owns.
func Convert(data []byte, opts Options) (Result, error) {
	c := New(opts)
	res, err := c.Convert(data)
	if res.Output != nil {
		res.Output = append([]byte(nil), res.Output...)
	}
	res.Losses = slices.Clone(res.Losses)
	res.Defaults = slices.Clone(res.Defaults)
	return res, err
}

// Converter converts payloads one at a time, reusing its buffers. It is not
// safe for concurrent use.
type Converter struct {
	opts Options

	in, out, back, tmpTape jsontree.Tape
	fills, forced          []message.Fill
	defs                   []Default
	diffs                  differ
	res, tmp               []byte
	applied                []string
	regroupers             []format.Regrouper // by format, as readers and writers
	sk                     string
	outDocs                int // documents in the output
	// readers and writers by format, made on first use: slices, not
	// maps, for the four lookups of every conversion.
	readers         []message.Reader
	writers         []message.Writer
	roots, outRoots []jsontree.Value
	// fillTo is where the writer of the current run reports its fills,
	// through addFill, made once rather than a closure per run.
	fillTo  *[]message.Fill
	addFill func(message.Fill)
}

// New returns a Converter.
func New(opts Options) *Converter { return &Converter{opts: opts} }

// writeOptions are the options of the writer of format to.
func (c *Converter) writeOptions(pretty bool, fills *[]message.Fill) message.WriteOptions {
	c.fillTo = fills
	if c.addFill == nil {
		c.addFill = func(f message.Fill) { *c.fillTo = append(*c.fillTo, f) }
	}
	return message.WriteOptions{
		Pretty:             pretty,
		Origin:             c.opts.Origin,
		DisplayPhoneNumber: c.opts.DisplayPhoneNumber,
		PhoneNumberID:      c.opts.PhoneNumberID,
		AccountID:          c.opts.WABAID,
		AppID:              c.opts.AppID,
		ProjectID:          c.opts.ProjectID,
		MediaBaseURL:       c.opts.MediaBaseURL,
		Now:                c.opts.Now,
		Fill:               c.addFill,
	}
}

// run converts root (in format from) to format to; it reports false when
// nothing of root has a counterpart in to. The output is valid until the
// next run with the same fills.
func (c *Converter) run(root jsontree.Value, from, to payload.Format, pretty bool, fills *[]message.Fill) ([]byte, bool) {
	c.roots = append(c.roots[:0], root)
	return c.runAll(c.roots, from, to, pretty, fills)
}

// runAll is run for the documents of a sequence, written as one.
func (c *Converter) runAll(roots []jsontree.Value, from, to payload.Format, pretty bool, fills *[]message.Fill) ([]byte, bool) {
	*fills = (*fills)[:0]
	r := made(&c.readers, from, func() message.Reader { return format.Of(from).NewReader() })
	w := made(&c.writers, to, func() message.Writer { return format.Of(to).NewWriter() })
	w.Reset(c.writeOptions(pretty, fills))
	for _, root := range roots {
		r.Read(root, w, message.ReadOptions{MediaBaseURL: c.opts.MediaBaseURL})
	}
	return w.End()
}

// Convert converts one payload (one JSON document). The Result's Output is
// valid until the next call.
func (c *Converter) Convert(data []byte) (Result, error) {
	return c.ConvertAs(data, c.opts.From)
}

// ConvertAs is Convert for a payload whose format the caller already knows
// (a validator found it): from, or — payload.Unknown — detected as Convert
// does. It saves detecting the format a second time.
func (c *Converter) ConvertAs(data []byte, from payload.Format) (Result, error) {
	return c.ConvertTape(data, nil, from)
}

// ConvertTape is ConvertAs for a payload a validator may already have
// read into t (see validate.Validator.Record): when t holds data — a
// valid, UTF-8 JSON object — it is taken instead of parsing data again;
// otherwise (t nil or empty) data is parsed.
func (c *Converter) ConvertTape(data []byte, t *jsontree.Tape, from payload.Format) (Result, error) {
	res := Result{To: c.opts.To}
	if c.opts.To == payload.Unknown {
		return res, ErrNoTarget
	}
	var root jsontree.Value
	if t != nil && holds(t, data) {
		root = t.Root()
	} else {
		var err error
		if root, err = c.parse(data); err != nil {
			return res, err
		}
	}
	if from == payload.Unknown {
		d := payload.Detect(data)
		if d.Format == payload.Unknown {
			return res, &InputError{Msg: "format not recognised: " + d.Reason}
		}
		from = d.Format
	}
	res.From = from
	pretty := !c.opts.Compact
	if from == c.opts.To {
		var w jsontree.Writer
		w.Reset(pretty, 0)
		w.Value(root)
		c.res = append(append(c.res[:0], w.Bytes()...), '\n')
		res.Output = c.res
		return res, nil
	}
	c.convert(root, from, pretty, &res)
	return res, nil
}

// holds reports whether t is the tape of data, an object: recorded from
// this very text (not a copy, not a part of it).
func holds(t *jsontree.Tape, data []byte) bool {
	src := t.Src()
	return len(data) > 0 && len(src) == len(data) && unsafe.StringData(src) == &data[0] && t.Root().IsObject()
}

// parse reads the input into c.in; its error describes the input as the
// validator would.
func (c *Converter) parse(data []byte) (jsontree.Value, error) {
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	if ok, valid := c.in.ParseUTF8(p.String()); !ok || !valid {
		if se := payload.CheckSyntax(&p); se != nil {
			return jsontree.Value{}, &InputError{Offset: se.Offset, Syntax: true, Msg: se.Msg}
		}
		return jsontree.Value{}, &InputError{Syntax: true, Msg: "invalid JSON"}
	}
	root := c.in.Root()
	if !root.IsObject() {
		return jsontree.Value{}, &InputError{Msg: "the top-level value is not an object"}
	}
	return root, nil
}

// convert converts root, of format from, to the target, and finds what
// the output does not carry.
func (c *Converter) convert(root jsontree.Value, from payload.Format, pretty bool, res *Result) {
	extras := root.Get(ExtrasKey)
	out, ok := c.run(root, from, c.opts.To, pretty, &c.fills)
	applied, partial := false, false
	if extras.IsObject() && extras.Get("format").Str() == c.opts.To.String() {
		if !ok {
			// Nothing converts (a Sinch ORDER…): the extras hold it all.
			out, ok = []byte("{}"), true
		}
		applied, res.Restored = true, true
		var err error
		out, err = c.applyExtras(out, extras, pretty)
		partial = err != nil
	}
	res.Defaults = c.defaults(applied)

	// Losses: convert the output back and compare with the input. Values
	// an earlier conversion filled in (listed in the extras it wrote) are
	// not data of the input.
	c.noteFilled(applied, extras)
	res.Losses = c.findLosses(root, from, out, ok, applied)
	if partial {
		res.Losses = append(res.Losses, Loss{Path: ExtrasKey, Offset: extras.Offset(), Kind: Changed,
			Reason: "some of the extras do not apply to this payload (edited since?)"})
	}
	if ok {
		c.output(out, from, res)
	}
}

// defaults turns the fills of the conversion into Defaults, but for those
// that applied extras put the original value back; nil when none.
func (c *Converter) defaults(applied bool) []Default {
	c.defs = c.defs[:0]
	kept := c.fills[:0]
	for _, f := range c.fills {
		if applied && c.patched(f.Path) {
			continue // the extras put the original value back
		}
		kept = append(kept, f)
		c.defs = append(c.defs, Default{Path: f.Path, Value: f.Value, Reason: f.Reason,
			Option: f.Option, Offset: f.Offset, FromOption: !f.Default})
	}
	c.fills = kept
	if len(c.defs) == 0 {
		return nil
	}
	return c.defs
}

// noteFilled records the values that applied extras list as filled in by
// an earlier conversion.
func (c *Converter) noteFilled(applied bool, extras jsontree.Value) {
	clear(c.diffs.filled)
	if !applied {
		return
	}
	extras.Get("filled").ForEach(func(_, p jsontree.Value) bool {
		if c.diffs.filled == nil {
			c.diffs.filled = map[string]bool{}
		}
		c.diffs.filled[p.Str()] = true
		return true
	})
}

// output sets the result's output: out, with KeepExtras the extras.
func (c *Converter) output(out []byte, from payload.Format, res *Result) {
	c.res = append(c.res[:0], out...)
	if c.opts.KeepExtras && c.outDocs > 1 {
		// Extras restore one payload; they cannot be split over several.
		res.Losses = append(res.Losses, Loss{Path: ExtrasKey, Kind: Dropped,
			Reason: "the target carries one item per document: --keep-extras restores single-item payloads only"})
	} else if c.opts.KeepExtras && (len(c.diffs.ops) > 0 || len(c.fills) > 0) {
		c.res = c.appendExtras(c.res, from)
		// What the extras carry is not lost.
		res.Losses = c.carried(res.Losses)
	}
	c.res = append(c.res, '\n')
	res.Output = c.res
}

// findLosses converts out (the conversion of root) back and compares the
// result with root; with KeepExtras it also prepares the extras.
func (c *Converter) findLosses(root jsontree.Value, from payload.Format, out []byte, ok, applied bool) []Loss {
	var backRoot jsontree.Value
	c.forced = c.forced[:0]
	if ok {
		// A target that carries one item per document (Conversation API
		// callbacks) writes several: all are read back into one payload.
		roots, pok := c.parseOut(out)
		c.outDocs = len(roots)
		if pok {
			backRoot = c.readBack(root, roots, from)
		}
	}
	d := &c.diffs
	patching := ok && c.opts.KeepExtras
	if !backRoot.Exists() {
		// Nothing converts back: the extras must hold the whole input,
		// while the losses name each item.
		var ops []patchOp
		if patching {
			d.reset(from, c.opts.To)
			d.patching = true
			c.tmpTape.Parse("{}")
			d.diff(root, c.tmpTape.Root())
			ops = d.ops
			d.ops = nil
		}
		c.sk = skeleton(root, &format.Of(from).Layout)
		c.tmpTape.Parse(c.sk)
		d.reset(from, c.opts.To)
		d.ops = ops
		d.nothing = true
		d.skipExtras = applied
		d.diff(root, c.tmpTape.Root())
		return d.losses
	}
	d.reset(from, c.opts.To)
	d.skipExtras = applied
	d.forced = c.forced
	if format.Of(from).Regroup == nil {
		d.patching = patching
		d.diff(root, backRoot)
		d.forcedLosses(root)
		return d.losses
	}
	// Formats that group items (Cloud API entries and changes): compare
	// item by item in the input's grouping, then note the grouping itself;
	// the extras restore the grouping too.
	regrouped, moved := c.regrouper(from).Regroup(root, backRoot)
	if patching {
		d.patching = true
		d.diff(root, backRoot)
		d.forcedLosses(root)
		ops := d.ops
		d.ops = nil
		d.reset(from, c.opts.To)
		d.ops = ops
		d.skipExtras = applied
		d.forced = c.forced
	}
	c.tmpTape.Parse(bytesToString(regrouped))
	d.diff(root, c.tmpTape.Root())
	d.forcedLosses(root)
	if moved {
		// the grouping is the first level of the batches' path
		top := strings.SplitN(format.Of(from).Layout.Batch, "[", 2)[0]
		d.losses = append(d.losses, Loss{Path: top, Offset: root.Get(top).Offset(), Kind: Changed,
			Reason: explain(from, c.opts.To, Changed, []seg{{key: top, index: -1}}, root.Get(top), jsontree.Value{})})
	}
	return d.losses
}

// parseOut parses the output's documents. Most targets write one, which
// Parse reads without the slice of roots ParseSeq makes.
func (c *Converter) parseOut(out []byte) ([]jsontree.Value, bool) {
	s := bytesToString(out)
	if c.out.Parse(s) {
		c.outRoots = append(c.outRoots[:0], c.out.Root())
		return c.outRoots, true
	}
	return c.out.ParseSeq(s)
}

// readBack converts the output's documents back to format from and returns
// the result's root (the zero Value when nothing converts back). A result
// that spells the input exactly is the input's own root: parsing it again
// would give the same tree, which compares equal at once.
func (c *Converter) readBack(root jsontree.Value, roots []jsontree.Value, from payload.Format) jsontree.Value {
	back, ok := c.runAll(roots, c.opts.To, from, false, &c.forced)
	switch {
	case !ok:
		return jsontree.Value{}
	case bytesToString(back) == root.Raw():
		return root
	case !c.back.Parse(bytesToString(back)):
		return jsontree.Value{}
	}
	return c.back.Root()
}

func (c *Converter) regrouper(f payload.Format) format.Regrouper {
	return made(&c.regroupers, f, func() format.Regrouper { return format.Of(f).Regroup() })
}

// made returns the value of format f in *byFormat, made by mk the first
// time.
func made[T comparable](byFormat *[]T, f payload.Format, mk func() T) T {
	var none T
	for len(*byFormat) <= int(f) {
		*byFormat = append(*byFormat, none)
	}
	if (*byFormat)[f] == none {
		(*byFormat)[f] = mk()
	}
	return (*byFormat)[f]
}

// skeleton is what converting back gives when nothing converts: the
// structure that holds the input's items (the item arrays of the format's
// layout, and the containers on the way to them), with no item and no
// other member, so that every item and every envelope field is reported.
func skeleton(root jsontree.Value, l *message.Layout) string {
	var w jsontree.Writer
	w.Reset(false, 0)
	var walk func(v jsontree.Value, path string)
	walk = func(v jsontree.Value, path string) {
		switch {
		case v.IsObject():
			w.Obj()
			v.ForEach(func(k, x jsontree.Value) bool {
				p := k.Str()
				if path != "" {
					p = path + "." + p
				}
				for _, it := range l.Items {
					if it.Path == p && x.IsArray() {
						w.RawKey(k.Raw())
						w.Arr()
						w.EndArr()
						return true
					}
				}
				for _, it := range l.Items {
					if (x.IsObject() || x.IsArray()) && (strings.HasPrefix(it.Path, p+".") || strings.HasPrefix(it.Path, p+"[]")) {
						w.RawKey(k.Raw())
						walk(x, p)
						return true
					}
				}
				return true
			})
			w.EndObj()
		case v.IsArray():
			w.Elems(v, func(x jsontree.Value) { walk(x, path+"[]") })
		default: // an odd element of an array on the way
			w.Null()
		}
	}
	walk(root, "")
	return string(w.Bytes())
}

func bytesToString(b []byte) string {
	p := payload.Payload{Data: b}
	return p.String()
}
