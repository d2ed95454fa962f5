package common

import (
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// WhatsApp "nfm" replies: a Flow's response and the answer to an address
// message share one object {name, body, response_json}, which the native
// formats carry as interactive.nfm_reply and the Conversation API as a
// WhatsApp channel-specific message. Meta, "Address messages"
// (AddressDoc): the person fills in a shipping address form and the
// webhook brings its fields in response_json {saved_address_id?,
// values{…}}.

// AddressDoc is Meta's page on address messages.
const AddressDoc = "https://developers.facebook.com/docs/whatsapp/cloud-api/messages/address-messages"

// Names of nfm replies (nfm_reply.name).
const (
	NfmFlow    = "flow"
	NfmAddress = "address_message"
)

// addressFields are the documented fields of an address (India: name to
// state; Singapore: sg_post_code, unit_number), with what each means.
var addressFields = []spec.Field{
	{Name: message.PartName, Kind: spec.KindString, Role: spec.RoleName},
	{Name: message.PartPhone, Kind: spec.KindString, Role: spec.RolePhone},
	{Name: message.PartINPinCode, Kind: spec.KindString, Role: spec.RoleAddress, Doc: "India, 6 digits"},
	{Name: message.PartSGPostCode, Kind: spec.KindAny, Role: spec.RoleAddress, Doc: "Singapore, 6 digits"},
	{Name: message.PartHouse, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartFloor, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartTower, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartBuilding, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartStreet, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartLandmark, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartUnit, Kind: spec.KindString, Role: spec.RoleAddress, Doc: "Singapore"},
	{Name: message.PartCity, Kind: spec.KindString, Role: spec.RoleAddress},
	{Name: message.PartState, Kind: spec.KindString, Role: spec.RoleAddress},
}

// addressValues is the table of an address's fields.
var addressValues = &spec.Object{Name: "address", Fields: addressFields}

// addressResponse is what the response_json of an address reply holds:
// checked as a table when the reply names itself address_message.
var addressResponse = &spec.Object{Name: "address response", Fields: []spec.Field{
	{Name: "values", Kind: spec.KindObject, Req: spec.Required, Object: addressValues, Doc: "the address's fields"},
	{Name: "saved_address_id", Kind: spec.KindString, Role: spec.RoleID, Doc: "the saved address the person picked"},
}}

// nfmResponse is what response_json holds: a Flow's answers (open: the
// Flow decides) or an address. values is declared for any shape, so that
// a Flow's own "values" is no finding, and so that an address's fields
// carry their roles (redaction scrubs them); checkNfmReply checks an
// address against addressResponse.
var nfmResponse = &spec.Object{Name: "response_json", Open: true, Fields: []spec.Field{
	{Name: "values", Kind: spec.KindAny, Object: addressValues, Doc: "address_message: the address's fields"},
	{Name: "saved_address_id", Kind: spec.KindAny, Role: spec.RoleID, Doc: "address_message: the saved address picked"},
}}

// NfmReply is the table of an nfm reply object; embedRule is reported
// when response_json is not JSON (nil: the walker's default).
func NfmReply(embedRule *diag.Rule) *spec.Object {
	return &spec.Object{Name: "nfm_reply", Doc: "a WhatsApp Flow response or an address reply", Fields: []spec.Field{
		{Name: "name", Kind: spec.KindString, Doc: "flow, address_message, …"},
		{Name: "body", Kind: spec.KindString},
		{Name: "response_json", Kind: spec.KindString, Req: spec.Required, JSONString: true, EmbedRule: embedRule, Role: spec.RoleText,
			Embedded: nfmResponse, Doc: "JSON object as a string"},
	}, Check: checkNfmReply}
}

// checkNfmReply checks the response of an address reply against its
// table; what it finds is located at response_json, as the walker locates
// what it finds in embedded JSON.
func checkNfmReply(c *spec.Ctx, f *spec.Frame) {
	rj, ok := f.Get("response_json")
	if f.Str("name") != NfmAddress || !ok || rj.Type != gjson.String || !gjson.Valid(rj.Str) {
		return
	}
	inner := gjson.Parse(rj.Str)
	if !inner.IsObject() {
		return // the format's own rule on response_json says so
	}
	from := len(c.Findings)
	c.Push("response_json")
	c.Walk(inner, addressResponse)
	c.Pop()
	for i := from; i < len(c.Findings); i++ {
		c.Findings[i].Offset = rj.Index
	}
}

// IsAddressReply reports whether an nfm reply object answers an address
// message.
func IsAddressReply(nfm jsontree.Value) bool {
	return nfm.Get("name").Str() == NfmAddress
}

// ReadAddress reads an address reply object into the model: its fields in
// the order written, and the response as written for exact copies.
func ReadAddress(nfm jsontree.Value) message.Address {
	rj := nfm.Get("response_json")
	a := message.Address{Body: nfm.Get("body").Raw(), JSON: rj.Raw()}
	if !rj.IsString() {
		return a
	}
	inner := jsontree.Parse(rj.Str())
	a.SavedID = inner.Get("saved_address_id").Raw()
	inner.Get("values").ForEach(func(k, v jsontree.Value) bool {
		a.Parts = append(a.Parts, message.Part{Key: k.Str(), Value: v.Raw()})
		return true
	})
	return a
}

// WriteAddress writes an address as an nfm reply object: the response as
// the source wrote it, or built from the fields.
func WriteAddress(s *jsontree.Writer, a *message.Address) {
	s.Obj()
	s.KStr("name", NfmAddress)
	s.KV("body", a.Body)
	if a.JSON != "" {
		s.KV("response_json", a.JSON)
	} else {
		var in jsontree.Writer
		in.Reset(false, 0)
		in.Obj()
		in.KV("saved_address_id", a.SavedID)
		in.Key("values")
		in.Obj()
		for _, p := range a.Parts {
			in.KV(p.Key, p.Value)
		}
		in.EndObj()
		in.EndObj()
		s.KStr("response_json", string(in.Bytes()))
	}
	s.EndObj()
}
