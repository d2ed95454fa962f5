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
	"fmt"
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
	// Role is the role of the values this check accepts (a phone number,
	// a BSUID…), and Time the encoding of the times it accepts: Audit
	// holds the fields that use the check to that role, and
	// Field.TimeFormat reads the encoding from here.
	Role Role
	Time TimeFormat
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

// Set says what the documented values of an enumerated field are.
type Set uint8

// Sets. Every enumerated field declares one: a test keeps the tables so.
const (
	Undecided Set = iota // a table bug (treated as Closed)
	// Closed sets are complete: discriminators (a message's type, an
	// interactive reply's type) and documented closed lists (a status's
	// status). Another value is an error (schema.enum).
	Closed
	// Open sets are what the vendor documents today of values it extends
	// over time (billing categories, pricing types, conversation origins,
	// status and error codes). Another value is a warning naming the list
	// (schema.enum-open), never a rejection.
	Open
)

func (s Set) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	}
	return "undecided"
}

// Field describes one member of an object.
type Field struct {
	Name     string
	Kind     Kind
	Req      Req
	Nullable bool // null is accepted (Sinch documents nullable referral fields)
	// Enum lists the documented values: strings compared as decoded,
	// numbers as written ("2", "101"). Set says whether the list is
	// complete; EnumRule, when set, replaces the set's rule (with its
	// severity: an error for a closed set, a warning for an open one).
	Enum     []string
	Set      Set
	EnumRule *diag.Rule
	// Legacy values of an open set were documented once (the
	// conversation-based pricing categories before June 2023): they are
	// still reported with the set's rule, as legacy (LegacyDoc says when).
	Legacy    []string
	LegacyDoc string
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
	// Role is what the value means (a phone number, a name, free text, an
	// id, a time…) and Party whose it is (the person's unless said
	// otherwise): see Role and WalkRoles. Arrays give their elements'
	// role; an object's members have their own.
	Role  Role
	Party Party
}

// EnumViolation returns the rule reported for a value outside fd.Enum.
func (fd *Field) EnumViolation() *diag.Rule {
	switch {
	case fd.EnumRule != nil:
		return fd.EnumRule
	case fd.Set == Open:
		return RuleEnumOpen
	}
	return RuleEnum
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
	names        []string   // the fields' names, side by side: a Field is 240 bytes
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
		cp := &compiled{names: make([]string, len(o.Fields))}
		for i := range o.Fields {
			fd := &o.Fields[i]
			cp.names[i] = fd.Name
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
		if name := cp.names[i]; name[0] == key[0] && name == key {
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

// Audit checks a table and every object it reaches for declarations the
// walker cannot apply as meant: an enumeration without a Set, or whose
// EnumRule contradicts its set (an error for an open set, a warning for a
// closed one), objects with more than MaxFields members, and what
// AuditRoles reports. Tests of the format packages run it over every
// table.
func Audit(root *Object) []string {
	var problems []string
	EachObject(root, func(o *Object) {
		if len(o.Fields) > MaxFields {
			problems = append(problems, fmt.Sprintf("%s: %d fields (at most %d)", o.Name, len(o.Fields), MaxFields))
		}
		for i := range o.Fields {
			fd := &o.Fields[i]
			where := o.Name + "." + fd.Name
			switch {
			case len(fd.Enum) == 0 && (fd.Set != Undecided || len(fd.Legacy) > 0):
				problems = append(problems, where+": a set or legacy values without values")
			case len(fd.Enum) == 0:
			case fd.Set == Undecided:
				problems = append(problems, where+": enumeration neither Open nor Closed")
			case fd.Set == Closed && len(fd.Legacy) > 0:
				problems = append(problems, where+": legacy values in a closed set")
			case fd.EnumRule == nil:
			case fd.Set == Open && fd.EnumRule.Severity == diag.Error:
				problems = append(problems, where+": open set reported as an error ("+fd.EnumRule.ID+")")
			case fd.Set == Closed && fd.EnumRule.Severity != diag.Error:
				problems = append(problems, where+": closed set reported as a "+fd.EnumRule.Severity.String()+" ("+fd.EnumRule.ID+")")
			}
		}
	})
	return append(problems, AuditRoles(root)...)
}

// AuditRoles checks the roles of a table and every object it reaches: a
// role that contradicts the field's checks (a field checked as a phone
// number that is not one, a time without the time role) or its party
// (only phone numbers and ids are the business's).
func AuditRoles(root *Object) []string {
	var problems []string
	EachObject(root, func(o *Object) {
		for i := range o.Fields {
			problems = append(problems, roleAudit(o.Name+"."+o.Fields[i].Name, &o.Fields[i])...)
		}
	})
	return problems
}

// eachObject calls fn once for root and every object it reaches.
func EachObject(root *Object, fn func(*Object)) {
	seen := map[*Object]bool{}
	var visit func(o *Object)
	visit = func(o *Object) {
		if o == nil || seen[o] {
			return
		}
		seen[o] = true
		fn(o)
		for i := range o.Fields {
			fd := &o.Fields[i]
			visit(fd.Object)
			visit(fd.Embedded)
			for _, sh := range fd.Shapes {
				visit(sh.Object)
			}
		}
	}
	visit(root)
}

// Where the generic rules come from: the field tables and examples of each
// format's documentation (the format packages name each page), RFC 8259
// and ECMA-262 for objects that repeat a key, Meta's status reference and
// pricing pages for the billing values.
const (
	sourceTables = `the field tables of each format: Sinch, "Mensajes (MO)", https://docs-es.sinch.com/documentaciontecnicawhatsapp/sinch-messaging-whatsapp-api/mensajes-mo; ` +
		`Meta, WhatsApp On-Premises API "Inbound Notifications", https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound; ` +
		`Meta, WhatsApp Cloud API "messages webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages`
	sourceDuplicates = `RFC 8259 section 4 ("The names within an object SHOULD be unique"), https://www.rfc-editor.org/rfc/rfc8259#section-4; ` +
		`ECMA-262 JSON.parse (the last value of a name wins), https://tc39.es/ecma262/#sec-json.parse`
	sourceBilling = `Meta, WhatsApp Cloud API "Status messages webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status; ` +
		`Meta, "Pricing on the WhatsApp Business Platform", https://developers.facebook.com/docs/whatsapp/pricing`
)

// Generic structural rules reported by the walker.
var (
	rules = diag.NewCatalogue("all")

	RuleType             = rules.Add("schema.type", diag.Error, "a field has the wrong JSON type (string, number, integer, boolean, object, array)", sourceTables)
	RuleRequired         = rules.Add("schema.required", diag.Error, "a documented required field is missing", sourceTables)
	RuleUnknownField     = rules.Add("schema.unknown-field", diag.Warning, "a field the documentation does not define (providers add fields; typos surface here)", sourceTables)
	RuleEnum             = rules.Add("schema.enum", diag.Error, "a value outside a closed set: a discriminator or a documented complete list (a status's status, an interactive reply's type…)", sourceTables)
	RuleEnumOpen         = rules.For("whatsapp,cloud").Add("schema.enum-open", diag.Warning, "a value outside the documented values of an open set (pricing category, type and model, conversation origin): vendors add values, and legacy ones stay in stored webhooks", sourceBilling)
	RuleNull             = rules.Add("schema.null", diag.Error, "null where the documentation requires a value", sourceTables)
	RuleEmpty            = rules.Add("schema.empty-array", diag.Error, "an array that must hold at least one element is empty", sourceTables)
	RuleDuplicateKey     = rules.Add("schema.duplicate-key", diag.Error, "the same key appears twice in one object with different values: receivers read the last one (wamo checks that one), other parsers may read the first", sourceDuplicates)
	RuleDuplicateKeySame = rules.Add("schema.duplicate-key-same", diag.Warning, "the same key appears twice in one object with the same value (harmless to receivers, but a sign of a broken serialiser)", sourceDuplicates)
	RuleEmbeddedJSON     = rules.Add("schema.embedded-json", diag.Warning, "a string documented to contain JSON does not parse as JSON", sourceTables)
	RuleTypeObject       = rules.Add("schema.type-object", diag.Error, "the object named by `type` is missing, or another type's object is present", sourceTables)
)

// Rules lists the generic rules the format tables can trigger.
func Rules() []*diag.Rule { return rules.Rules() }

// Rules the walker reports that are left out of the catalogue:
// RuleRecommended (no table declares a Recommended field yet) and
// RuleTooDeep (documented objects nest far less than MaxDepth; it guards
// the walker, not a format rule).
var (
	RuleRecommended = &diag.Rule{ID: "schema.recommended", Severity: diag.Warning, Formats: "all",
		Summary: "a field present in every documented example is missing", Source: sourceTables}
	RuleTooDeep = &diag.Rule{ID: "schema.too-deep", Severity: diag.Error, Formats: "all",
		Summary: "objects nested deeper than any documented payload", Source: sourceTables}
)
