package convert

import (
	"sync"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Sub-objects that both native formats share (order, reaction, contact
// cards, pricing…) are copied member by member against the target format's
// own schema tables — the ones `wamo validate` checks — so that the output
// carries only members the target documents. What is left out shows up as a
// loss, like everything else a conversion cannot carry.

// schemaSet is the tables of one target format.
type schemaSet struct {
	card, identity, order, reaction, nfm, callPerm, unsupported *spec.Object
	product, stickerMeta, conversation, pricing, welcome        *spec.Object
}

func field(o *spec.Object, names ...string) *spec.Object {
	for _, n := range names {
		if o == nil {
			return nil
		}
		f := o.Field(n)
		if f == nil {
			return nil
		}
		o = f.Object
	}
	return o
}

func nativeSchemas(s *whatsapp.Schemas) *schemaSet {
	m := s.Message
	return &schemaSet{
		card:         field(m, "contacts"),
		identity:     field(m, "identity"),
		order:        field(m, "order"),
		reaction:     field(m, "reaction"),
		nfm:          field(m, "interactive", "nfm_reply"),
		callPerm:     field(m, "interactive", "call_permission_reply"),
		unsupported:  field(m, "unsupported"),
		product:      field(m, "context", "referred_product"),
		stickerMeta:  field(m, "sticker", "metadata"),
		conversation: field(s.Status, "conversation"),
		pricing:      field(s.Status, "pricing"),
		welcome:      field(m, "referral", "welcome_message"),
	}
}

// The tables are built on first use and read-only afterwards.
var (
	onPremTables = sync.OnceValue(func() *schemaSet { return nativeSchemas(whatsapp.OnPremSchemas()) })
	cloudTables  = sync.OnceValue(func() *schemaSet { return nativeSchemas(whatsapp.CloudSchemas()) })
	sinchCard    = sync.OnceValue(func() *spec.Object { return field(sinch.Message, "contacts") })
)

func tablesFor(cloud bool) *schemaSet {
	if cloud {
		return cloudTables()
	}
	return onPremTables()
}

// known copies v keeping only the members obj documents, recursively, and
// leaving out strings outside a documented enum whose violation is an error
// in the target. A nil or open obj copies everything.
func (w *writer) known(v val, obj *spec.Object) {
	switch {
	case v.IsObject():
		if obj == nil || obj.Open {
			w.value(v)
			return
		}
		w.obj()
		v.ForEach(func(k, x val) bool {
			fd := obj.Field(k.Str())
			if fd == nil || !enumOK(fd, x) {
				return true
			}
			w.rawKey(k.Raw())
			w.known(x, fd.Object)
			return true
		})
		w.endObj()
	case v.IsArray():
		w.arr()
		v.ForEach(func(_, x val) bool {
			w.elem()
			w.known(x, obj)
			return true
		})
		w.endArr()
	default:
		w.value(v)
	}
}

func enumOK(fd *spec.Field, v val) bool {
	if len(fd.Enum) == 0 || !v.IsString() {
		return true
	}
	if fd.EnumRule != nil && fd.EnumRule.Severity != diag.Error {
		return true
	}
	for _, e := range fd.Enum {
		if e == v.Str() {
			return true
		}
	}
	return false
}
