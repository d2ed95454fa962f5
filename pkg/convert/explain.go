package convert

import (
	"strings"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// explain says in a few words why a field does not survive a conversion:
// the source format's explanation of the value, its documented note, or
// what converting back gives.
func explain(from, to payload.Format, kind LossKind, segs []seg, a, b jsontree.Value) string {
	return explainAt(from, to, kind, pattern(&format.Of(from).Layout, segs), segs, a, b)
}

// explainAt is explain for a path whose pattern is pat.
func explainAt(from, to payload.Format, kind LossKind, pat string, segs []seg, a, b jsontree.Value) string {
	src := format.Of(from)
	if kind == Dropped && pat == ExtrasKey {
		if f := a.Get("format").Str(); f != "" {
			return "extras from an earlier --keep-extras conversion; they apply when converting to " + f
		}
	}
	if src.Explain != nil {
		if t := src.Explain(kind, pat, a, b, to.String()); t != "" {
			return t
		}
	}
	if t := lookupNote(src.Notes, to, pat, kind); t != "" {
		return t
	}
	if kind != Added && len(segs) > 0 && !documented(src.Schema(), segs) {
		return "not a documented " + from.String() + " field"
	}
	switch kind {
	case Changed:
		if b.Exists() {
			return "converting back gives " + clip(compact(b.Raw()))
		}
		return "converting back gives another value"
	case Added:
		return "absent here; converting back writes " + clip(compact(b.Raw()))
	}
	if a.IsObject() {
		var keys []string
		a.ForEach(func(k, _ jsontree.Value) bool {
			keys = append(keys, k.Str())
			return len(keys) < 6
		})
		if len(keys) > 0 {
			return "no counterpart for " + strings.Join(keys, ", ")
		}
	}
	return "no counterpart"
}

// lookupNote finds the note of the source format for a path, a kind of
// loss and the target (notes for any target come last).
func lookupNote(notes []message.Note, to payload.Format, pat string, kind LossKind) string {
	for _, n := range notes {
		if n.Path == pat && n.Kind == kind && (n.To == "" || n.To == to.String()) {
			return n.Text
		}
	}
	return ""
}

// documented reports whether a format's tables define the field.
func documented(top *spec.Object, segs []seg) bool {
	cur := []*spec.Object{top}
	for _, s := range segs {
		if s.index >= 0 {
			continue
		}
		var next []*spec.Object
		found := false
		for _, o := range cur {
			if o == nil || o.Open {
				return true
			}
			fd := o.Field(s.key)
			if fd == nil {
				continue
			}
			found = true
			if fd.Object != nil {
				next = append(next, fd.Object)
			}
			for _, sh := range fd.Shapes {
				next = append(next, sh.Object)
			}
		}
		if !found {
			return false
		}
		if len(next) == 0 {
			return true // inside a value the tables do not describe further
		}
		cur = next
	}
	return true
}

func compact(raw string) string {
	if strings.ContainsAny(raw, "\n\t") {
		var w jsontree.Writer
		w.Reset(false, 0)
		w.Value(jsontree.Parse(raw))
		return string(w.Bytes())
	}
	return raw
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
