// Package spec is the vocabulary in which the format packages describe a
// documented JSON format — objects, fields, kinds, enums, value formats and
// discriminated message types — and the walker that checks raw JSON bytes
// against such a description in one pass, reporting diag.Findings located by
// JSON path and byte offset.
//
// The same tables drive validation and the JSON Schema export, so the two
// cannot drift apart.
package spec

import (
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
)

// Kind is the JSON type a field must have.
type Kind uint8

// Kinds of JSON values.
const (
	KindAny Kind = iota
	KindString
	KindNumber  // any JSON number
	KindInteger // a JSON number without fraction or exponent
	KindBool
	KindObject
	KindArray
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindInteger:
		return "integer"
	case KindBool:
		return "boolean"
	case KindObject:
		return "object"
	case KindArray:
		return "array"
	}
	return "any"
}

// Req says whether a field must be present.
type Req uint8

// Presence requirements.
const (
	Optional    Req = iota
	Required        // absent → error (schema.required)
	Recommended     // absent → warning (schema.recommended)
)

// Value is a check on a scalar value beyond its kind: digits-only phone
// numbers, epoch timestamps, URLs, MIME types… Check returns "" when the
// value is fine, else a short description of what is wrong with it.
type Value struct {
	Name    string     // short name, e.g. "wa-id" (used in messages and schema export)
	Rule    *diag.Rule // rule reported when Check fails
	Pattern string     // ECMA-262 regexp equivalent for the JSON Schema export ("" = none)
	Doc     string     // description for the schema export
	Check   func(v gjson.Result) string
	// Raw checks work on a string's text as written: escapes are not
	// decoded for them (decoding allocates; free text often has escapes).
	Raw bool
}

// ItemKind marks arrays whose elements are the notifications a payload
// carries, so that the validator can count messages and statuses.
type ItemKind uint8

// Item kinds.
const (
	NotItem ItemKind = iota
	MessageItem
	StatusItem
)

// Field describes one member of an object.
type Field struct {
	Name     string
	Kind     Kind
	Req      Req
	Nullable bool     // null is accepted (Sinch documents nullable referral fields)
	Enum     []string // for strings: allowed values
	EnumRule *diag.Rule
	// Checks are extra checks of a scalar value (or of each scalar array
	// element), applied in order; the first that fails is reported.
	Checks   []*Value
	Object   *Object // schema of an object value, or of each array element
	Items    Kind    // kind of array elements (Object when Object is set)
	MinItems int
	Item     ItemKind // array elements are messages/statuses (counted)
	// Shapes make an object value (or array element) polymorphic, as Sinch
	// data items are (MO or status): the first member whose key belongs to
	// a shape decides; Object is used when none does.
	Shapes []Shape
	// JSONString: the value is a string that must itself contain JSON; when it
	// parses, Embedded (if set) checks it (Sinch extraInfo, nfm_reply.response_json).
	JSONString bool
	Embedded   *Object
	EmbedRule  *diag.Rule // rule when the string does not parse (default: warning)
	// When, if set, decides after the object was read whether this member
	// applies; when it returns false the member's findings are taken back
	// (a Cloud change value is a messages notification only when field is
	// "messages").
	When func(f *Frame) bool
	Doc  string
}

// Shape is one form of a polymorphic member, recognised by its keys.
type Shape struct {
	Keys   []string
	Object *Object
}

// Discriminator declares that an object's shape depends on one of its
// string fields (a message's "type"): each case names the member that
// carries the content, and no other case's member may be present.
type Discriminator struct {
	Field string
	Cases []Case
	// Missing is reported when the selected case's body member is absent;
	// Mismatch when the body of another case is present.
	Missing, Mismatch *diag.Rule
	// Infer, when set, allows the discriminating field to be absent if
	// exactly one case body is present: the case is inferred and Infer is
	// reported (Sinch location/contacts messages carry no type).
	Infer *diag.Rule
	// Unknown is reported when the value names no case (default schema.enum).
	Unknown *diag.Rule
	// Hints add advice to the Unknown finding for known mistakes, keyed by
	// value (e.g. "voice" in the Cloud API, which sends audio with voice:true).
	Hints map[string]string
}

// Case is one value of a discriminator.
type Case struct {
	Value        string
	Body         string   // member carrying the content ("" = none, e.g. unknown/unsupported)
	BodyOptional bool     // the body member may be absent
	Requires     []string // further members required in this case
	Doc          string
}

// Object describes a JSON object.
type Object struct {
	Name   string // for messages and schema titles, e.g. "image" or "sinch data item"
	Doc    string
	Fields []Field
	// Open objects accept members not listed in Fields without a warning.
	Open bool
	// Unknown is the rule for unlisted members (default schema.unknown-field).
	Unknown *diag.Rule
	Disc    *Discriminator
	// Item, when set, counts an array element of this shape as a message or
	// a status (it overrides the array field's Item).
	Item ItemKind
	// Check runs after the members were checked, for cross-field rules.
	Check func(c *Ctx, f *Frame)

	once sync.Once
	comp *compiled
}

// compiled holds lookup tables derived from an Object on first use: the
// walker finds members by key length first and tracks presence in bit sets.
type compiled struct {
	byLen        [32][]int8 // field indexes by name length (longer names in byLen[31])
	required     uint64
	recommended  uint64
	when         uint64
	bodies       uint64 // discriminator body members
	caseBody     []int  // per case: index of its body member, -1 if none
	caseOfBody   [MaxFields]int
	caseRequires []uint64 // per case: members it requires
}

func (o *Object) compiled() *compiled {
	o.once.Do(func() {
		if len(o.Fields) > MaxFields {
			panic("spec: " + o.Name + " declares more than 64 fields")
		}
		cp := &compiled{}
		for i := range o.Fields {
			fd := &o.Fields[i]
			n := len(fd.Name)
			if n > 31 {
				n = 31
			}
			cp.byLen[n] = append(cp.byLen[n], int8(i))
			bit := uint64(1) << uint(i)
			switch fd.Req {
			case Required:
				cp.required |= bit
			case Recommended:
				cp.recommended |= bit
			}
			if fd.When != nil {
				cp.when |= bit
			}
		}
		if d := o.Disc; d != nil {
			cp.caseBody = make([]int, len(d.Cases))
			cp.caseRequires = make([]uint64, len(d.Cases))
			for ci, cs := range d.Cases {
				cp.caseBody[ci] = o.index(cs.Body)
				if b := cp.caseBody[ci]; b >= 0 {
					cp.bodies |= 1 << uint(b)
					cp.caseOfBody[b] = ci
				}
				for _, r := range cs.Requires {
					if i := o.index(r); i >= 0 {
						cp.caseRequires[ci] |= 1 << uint(i)
					}
				}
			}
		}
		o.comp = cp
	})
	return o.comp
}

// lookup finds the index of the member named key.
func (cp *compiled) lookup(o *Object, key string) int {
	n := len(key)
	if n == 0 {
		return -1
	}
	if n > 31 {
		n = 31
	}
	for _, i := range cp.byLen[n] {
		if name := o.Fields[i].Name; name[0] == key[0] && name == key {
			return int(i)
		}
	}
	return -1
}

// MaxFields is the most members an Object may declare (presence is a bitmask).
const MaxFields = 64

// Field returns the declaration of the named member, or nil.
func (o *Object) Field(name string) *Field {
	if i := o.index(name); i >= 0 {
		return &o.Fields[i]
	}
	return nil
}

func (o *Object) index(name string) int {
	if o.comp != nil {
		return o.comp.lookup(o, name)
	}
	for i := range o.Fields {
		if o.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

// Case returns the discriminator case for value, or nil.
func (d *Discriminator) Case(value string) *Case {
	if i := d.caseIndex(value); i >= 0 {
		return &d.Cases[i]
	}
	return nil
}

func (d *Discriminator) caseIndex(value string) int {
	for i := range d.Cases {
		if d.Cases[i].Value == value {
			return i
		}
	}
	return -1
}

// Generic structural rules reported by the walker.
var (
	RuleType = &diag.Rule{ID: "schema.type", Severity: diag.Error, Formats: "all",
		Summary: "a field has the wrong JSON type (string, number, integer, boolean, object, array)"}
	RuleRequired = &diag.Rule{ID: "schema.required", Severity: diag.Error, Formats: "all",
		Summary: "a documented required field is missing"}
	RuleRecommended = &diag.Rule{ID: "schema.recommended", Severity: diag.Warning, Formats: "all",
		Summary: "a field present in every documented example is missing"}
	RuleUnknownField = &diag.Rule{ID: "schema.unknown-field", Severity: diag.Warning, Formats: "all",
		Summary: "a field the documentation does not define (providers add fields; typos surface here)"}
	RuleEnum = &diag.Rule{ID: "schema.enum", Severity: diag.Error, Formats: "all",
		Summary: "a value outside the documented set of values"}
	RuleNull = &diag.Rule{ID: "schema.null", Severity: diag.Error, Formats: "all",
		Summary: "null where the documentation requires a value"}
	RuleEmpty = &diag.Rule{ID: "schema.empty-array", Severity: diag.Error, Formats: "all",
		Summary: "an array that must hold at least one element is empty"}
	RuleDuplicateKey = &diag.Rule{ID: "schema.duplicate-key", Severity: diag.Warning, Formats: "all",
		Summary: "the same key appears twice in one object (receivers keep only one of them)"}
	RuleEmbeddedJSON = &diag.Rule{ID: "schema.embedded-json", Severity: diag.Warning, Formats: "all",
		Summary: "a string documented to contain JSON does not parse as JSON"}
	RuleTypeObject = &diag.Rule{ID: "schema.type-object", Severity: diag.Error, Formats: "all",
		Summary: "the object named by `type` is missing, or another type's object is present"}
	RuleTooDeep = &diag.Rule{ID: "schema.too-deep", Severity: diag.Error, Formats: "all",
		Summary: "objects nested deeper than any documented payload"}
)

// Rules lists the generic rules the format tables can trigger.
// RuleRecommended (no table declares a Recommended field yet) and
// RuleTooDeep (documented objects nest far less than MaxDepth; it guards
// the walker, not a format rule) are left out of the catalogue.
func Rules() []*diag.Rule {
	return []*diag.Rule{RuleType, RuleRequired, RuleUnknownField, RuleEnum,
		RuleNull, RuleEmpty, RuleDuplicateKey, RuleEmbeddedJSON, RuleTypeObject}
}
