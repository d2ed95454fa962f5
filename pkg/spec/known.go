package spec

import (
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// Known copies v to w keeping only the members obj documents, recursively,
// and leaving out strings outside a closed enum whose violation is an error.
// A nil or open obj copies everything. Writers use it for sub-objects that
// several formats share (orders, pricing, contact cards), so that an output
// carries only what its format documents; what is left out shows up as a
// loss when convert compares the round trip.
func Known(w *jsontree.Writer, v jsontree.Value, obj *Object) {
	switch {
	case v.IsObject():
		if obj == nil || obj.Open {
			w.Value(v)
			return
		}
		w.Obj()
		v.ForEach(func(k, x jsontree.Value) bool {
			fd := obj.Field(k.Str())
			if fd == nil || !EnumAllows(fd, x) {
				return true
			}
			w.RawKey(k.Raw())
			Known(w, x, fd.Object)
			return true
		})
		w.EndObj()
	case v.IsArray():
		w.Elems(v, func(x jsontree.Value) { Known(w, x, obj) })
	default:
		w.Value(v)
	}
}

// EnumAllows reports whether v is acceptable for a field with an enum: any
// non-string, a documented value, or any value of an open set (whose
// violation is only a warning).
func EnumAllows(fd *Field, v jsontree.Value) bool {
	if len(fd.Enum) == 0 || !v.IsString() {
		return true
	}
	if fd.EnumRule != nil && fd.EnumRule.Severity != diag.Error {
		return true
	}
	s := v.Str()
	for _, e := range fd.Enum {
		if e == s {
			return true
		}
	}
	return false
}
