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
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// Documented defaults for values a target needs and a source may lack.
const (
	// DefaultBusinessNumber stands for the business phone number (Sinch
	// origin, Cloud metadata.display_phone_number) when the source has none
	// (On-Premises payloads) and neither --origin nor --display-phone-number is given.
	DefaultBusinessNumber = "00000000000"
	// DefaultPhoneNumberID is the Cloud metadata.phone_number_id used without --phone-number-id.
	DefaultPhoneNumberID = "0"
	// DefaultWABAID is the Cloud entry[].id used without --waba-id.
	DefaultWABAID = "0"
	// DefaultWaID stands for the phone number of a Cloud API username-only
	// sender (who has a BSUID but no wa_id) in formats that require one.
	DefaultWaID = "00000000000"
	// DefaultMediaBaseURL prefixes the media id to make a Sinch mediaUrl
	// when the source has no URL for the media (On-Premises media are
	// downloaded by id). The .invalid domain never resolves.
	DefaultMediaBaseURL = "https://media.invalid/whatsapp/"
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

// LossKind says how a field fails to survive.
type LossKind uint8

// Kinds of loss.
const (
	// Dropped: the field has no counterpart in the target.
	Dropped LossKind = iota
	// Changed: the target carries the field, but converting back gives
	// another value (milliseconds, spelling, a default).
	Changed
	// Added: the field is absent from the input but converting back writes
	// it (a canonical value of the target).
	Added
)

func (k LossKind) String() string {
	switch k {
	case Changed:
		return "changed"
	case Added:
		return "added"
	}
	return "dropped"
}

// MarshalText renders the kind as a word.
func (k LossKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

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
	// Flag is the option that sets the value instead ("" = none).
	Flag string `json:"flag,omitempty"`
	// Offset locates, in the input, the object that lacked the value.
	Offset int `json:"offset"`
	// FromFlag is set when the value came from an option, not a default.
	FromFlag bool `json:"from_flag,omitempty"`
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

	w     writer
	d     doc
	fills []fill
	out   outPos

	rev     *Converter // converts outputs back, to find losses
	ta      tape       // the input
	tc      tape       // scratch
	td      tape       // scratch
	sk      string
	tmp     []byte
	pbuf    []byte
	noFast  bool // tests: always convert back to find losses
	defs    []Default
	diffs   differ
	res     []byte // result buffer
	applied []string
	rg      regrouper
}

// New returns a Converter.
func New(opts Options) *Converter {
	c := &Converter{opts: opts}
	c.w.rec = true
	return c
}

// fill records a value written that the input did not hold.
type fill struct {
	Default
	isDefault bool
}

// outPos is where the writer is, to name the paths of Defaults.
type outPos struct {
	change int
	list   string
	item   int
}

func (c *Converter) fill(path, value, reason, flag string, off int, isDefault bool) {
	c.fills = append(c.fills, fill{Default: Default{Path: path, Value: value, Reason: reason, Flag: flag,
		Offset: off, FromFlag: !isDefault}, isDefault: isDefault})
}

// outPath names a member of the item being written.
func (c *Converter) outPath(rest string) string {
	b := c.pbuf[:0]
	if c.opts.To == payload.Cloud {
		b = append(b, "entry[0].changes["...)
		b = strconv.AppendInt(b, int64(c.out.change), 10)
		b = append(b, "].value."...)
	}
	if c.out.list != "" {
		b = append(b, c.out.list...)
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(c.out.item), 10)
		b = append(b, ']')
	}
	if rest != "" {
		if len(b) > 0 && rest[0] != '[' {
			b = append(b, '.')
		}
		b = append(b, rest...)
	}
	c.pbuf = b
	return string(b)
}

func (c *Converter) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// Convert converts one payload (one JSON document). The Result's Output is
// valid until the next call.
func (c *Converter) Convert(data []byte) (Result, error) {
	res := Result{To: c.opts.To}
	if c.opts.To == payload.Unknown {
		return res, ErrNoTarget
	}
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	if !c.ta.parse(p.String()) || !utf8.Valid(data) {
		// describe it as the validator does
		if se := payload.CheckSyntax(&p); se != nil {
			return res, &InputError{Offset: se.Offset, Syntax: true, Msg: se.Msg}
		}
		return res, &InputError{Syntax: true, Msg: "invalid JSON"}
	}
	root := c.ta.root()
	if !root.IsObject() {
		return res, &InputError{Msg: "the top-level value is not an object"}
	}
	from := c.opts.From
	if from == payload.Unknown {
		f, reason := detect(root)
		if f == payload.Unknown {
			return res, &InputError{Msg: "format not recognised: " + reason}
		}
		from = f
	}
	res.From = from
	if from == c.opts.To {
		c.w.reset(!c.opts.Compact)
		c.w.value(root)
		c.res = append(append(c.res[:0], c.w.b...), '\n')
		res.Output = c.res
		return res, nil
	}

	extras := root.Get(ExtrasKey)
	// The fast path (fast.go) needs no tape of the output.
	c.w.rec = c.noFast || c.opts.KeepExtras || extras.Exists() || from != payload.WhatsApp || c.opts.To != payload.Sinch
	ok := c.run(root, from)
	applied, partial := false, false
	if extras.IsObject() && extras.Get("format").Str() == c.opts.To.String() {
		if !ok {
			// Nothing converts (a Sinch ORDER…): the extras hold it all.
			c.w.reset(!c.opts.Compact)
			c.w.obj()
			c.w.endObj()
			ok = true
		}
		applied, res.Restored = true, true
		partial = c.applyExtras(extras) != nil
	}
	out := c.w.b
	c.defs = c.defs[:0]
	for _, f := range c.fills {
		if f.isDefault || f.FromFlag {
			if applied && c.patched(f.Path) {
				continue
			}
			c.defs = append(c.defs, f.Default)
		}
	}
	if len(c.defs) > 0 {
		res.Defaults = c.defs
	}

	// Losses: convert the output back and compare with the input.
	res.Losses = c.findLosses(root, from, out, ok, applied)
	if partial {
		res.Losses = append(res.Losses, Loss{Path: ExtrasKey, Offset: extras.Index(), Kind: Changed,
			Reason: "some of the extras do not apply to this payload (edited since?)"})
	}

	if !ok {
		return res, nil
	}
	c.res = append(c.res[:0], out...)
	if c.opts.KeepExtras && len(c.diffs.ops) > 0 {
		c.res = c.appendExtras(c.res, from)
	}
	c.res = append(c.res, '\n')
	res.Output = c.res
	return res, nil
}

// findLosses converts out (the conversion of root) back and compares the
// result with root; with KeepExtras it also prepares the extras.
func (c *Converter) findLosses(root val, from payload.Format, out []byte, ok, applied bool) []Loss {
	if !applied && !c.opts.KeepExtras && !c.noFast && from == payload.WhatsApp {
		switch {
		case !ok && c.predictNothing(root, c.opts.To):
			return c.diffs.losses
		case ok && c.opts.To == payload.Sinch && c.predictOnPremToSinch(root):
			return c.diffs.losses
		}
	}
	if c.rev == nil {
		c.rev = New(Options{})
	}
	back := c.rev
	back.opts = c.opts
	back.opts.To, back.opts.From = from, c.opts.To
	back.opts.KeepExtras, back.opts.Compact = false, true
	outTape := c.w.tape()
	if ok && !c.w.rec {
		c.td.parse(bytesToString(out))
		outTape = &c.td
	}
	var backRoot val
	var forced []fill
	if ok && back.run(outTape.root(), c.opts.To) {
		backRoot = back.w.tape().root()
		forced = back.fills
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
			c.tc.parse("{}")
			d.diff(root, c.tc.root())
			ops = d.ops
			d.ops = nil
		}
		c.sk = skeleton(root)
		c.tc.parse(c.sk)
		d.reset(from, c.opts.To)
		d.ops = ops
		d.nothing = true
		d.skipExtras = applied
		d.diff(root, c.tc.root())
		return d.losses
	}
	d.reset(from, c.opts.To)
	d.skipExtras = applied
	d.forced = forced
	if from != payload.Cloud || !backRoot.Get("entry").IsArray() {
		d.patching = patching
		d.diff(root, backRoot)
		d.forcedLosses(root)
		return d.losses
	}
	// Cloud: compare item by item in the input's grouping, then note the
	// grouping itself; the extras restore the grouping too.
	regrouped, moved := c.rg.regroupCloud(root, backRoot)
	if patching {
		d.patching = true
		d.diff(root, backRoot)
		d.forcedLosses(root)
		ops := d.ops
		d.ops = nil
		d.reset(from, c.opts.To)
		d.ops = ops
		d.skipExtras = applied
		d.forced = forced
	}
	c.td.parse(bytesToString(regrouped))
	d.diff(root, c.td.root())
	d.forcedLosses(root)
	if moved {
		d.losses = append(d.losses, Loss{Path: "entry", Offset: root.Get("entry").Index(), Kind: Changed,
			Reason: explain(from, c.opts.To, Changed, []seg{{key: "entry", index: -1}}, root.Get("entry"), val{})})
	}
	return d.losses
}

// detect tells the format from the first decisive top-level member, as
// payload.Detect does.
func detect(root val) (payload.Format, string) {
	f := payload.Unknown
	root.ForEach(func(k, _ val) bool {
		switch k.Str() {
		case "object", "entry":
			f = payload.Cloud
		case "data", "total":
			f = payload.Sinch
		case "messages", "statuses", "contacts", "errors":
			f = payload.WhatsApp
		default:
			return true
		}
		return false
	})
	if f == payload.Unknown {
		return f, "no top-level data/total (sinch), messages/statuses/contacts/errors (whatsapp) or object/entry (cloud) member"
	}
	return f, ""
}

// run converts root (in format from) into c.w; it reports false when
// nothing of root has a counterpart in the target.
func (c *Converter) run(root val, from payload.Format) bool {
	c.fills = c.fills[:0]
	c.d.groups = c.d.groups[:0]
	switch from {
	case payload.Sinch:
		c.readSinch(root, &c.d)
	case payload.WhatsApp:
		c.readOnPrem(root, &c.d)
	case payload.Cloud:
		c.readCloud(root, &c.d)
	}
	c.w.reset(!c.opts.Compact)
	switch c.opts.To {
	case payload.Sinch:
		return c.writeSinch(&c.d)
	case payload.WhatsApp:
		return c.writeOnPrem(&c.d)
	case payload.Cloud:
		return c.writeCloud(&c.d)
	}
	return false
}

// skeleton is what converting back gives when nothing converts: the
// structure that holds the input's items, with no item and no other
// member, so that every item and every envelope field is reported.
func skeleton(root val) string {
	var w writer
	w.reset(false)
	items := func(v val) {
		v.ForEach(func(k, x val) bool {
			switch k.Str() {
			case "data", "messages", "statuses", "contacts", "errors":
				if x.IsArray() {
					w.rawKey(k.Raw())
					w.arr()
					w.endArr()
				}
			}
			return true
		})
	}
	w.obj()
	items(root)
	if e := root.Get("entry"); e.IsArray() {
		w.key("entry")
		w.arr()
		e.ForEach(func(_, en val) bool {
			w.elem()
			w.obj()
			if ch := en.Get("changes"); ch.IsArray() {
				w.key("changes")
				w.arr()
				ch.ForEach(func(_, c val) bool {
					w.elem()
					w.obj()
					if v := c.Get("value"); v.IsObject() {
						w.key("value")
						w.obj()
						items(v)
						w.endObj()
					}
					w.endObj()
					return true
				})
				w.endArr()
			}
			w.endObj()
			return true
		})
		w.endArr()
	}
	w.endObj()
	return string(w.b)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
func bytesToString(b []byte) string {
	p := payload.Payload{Data: b}
	return p.String()
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// unq decodes a raw JSON string ("" for anything else).
func unq(raw string) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1]
	}
	return unescape(raw[1 : len(raw)-1])
}
