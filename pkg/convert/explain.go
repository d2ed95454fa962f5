package convert

import (
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"strings"
	"sync"

	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// explain says in a few words why a field does not survive a conversion:
// a documented note (Notes), a description of the item dropped, or what
// converting back gives.
func explain(from, to payload.Format, kind LossKind, segs []seg, a, b jsontree.Value) string {
	pat := pattern(from, segs)
	if t := dynamicNote(from, to, kind, pat, a, b); t != "" {
		return t
	}
	if t := lookupNote(from, to, pat, kind); t != "" {
		return t
	}
	if kind != Added && len(segs) > 0 && !documented(from, segs) {
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

// dynamicNote explains the losses whose reason depends on the value lost.
func dynamicNote(from, to payload.Format, kind LossKind, pat string, a, b jsontree.Value) string {
	if kind == Dropped {
		switch pat {
		case ExtrasKey:
			if f := a.Get("format").Str(); f != "" {
				return "extras from an earlier --keep-extras conversion; they apply when converting to " + f
			}
		case "data[]":
			if a.Get("message").Exists() || a.Get("source").Exists() {
				t := a.Get("message").Get("type").Str()
				if mt := a.Get("message").Get("messageText"); t == "TEXT" && mt.IsString() && strings.TrimSpace(mt.Str()) == "" {
					return "an empty TEXT: native text bodies must not be empty"
				}
				switch t {
				case "ORDER":
					return "a Sinch ORDER carries no documented fields; a native order needs catalog_id and product_items"
				case "":
					return "a Sinch message without a type or content native formats can carry"
				}
				return "a Sinch " + t + " message has no native counterpart"
			}
			return "a status callback without a state (sent, delivered, read or a failure code)"
		case "messages[]":
			t := a.Get("type").Str()
			switch {
			case t == "order" && to == payload.Sinch:
				return "a Sinch ORDER carries no documented fields: converting back cannot rebuild the order"
			case t == "text":
				return "an empty text: native text bodies must not be empty, so converting back cannot carry it"
			case t == "interactive":
				return "interactive " + a.Get("interactive").Get("type").Str() + " replies have no " + to.String() + " counterpart"
			case t != "":
				return t + " messages have no " + to.String() + " counterpart"
			}
		case "statuses[]":
			if s := a.Get("status").Str(); s != "" {
				return s + " statuses have no " + to.String() + " counterpart"
			}
		case "entry[]", "entry[].changes[]":
			return "its items are regrouped (see entry)"
		case "entry[].changes[].field", "entry[].changes[].value":
			return "only messages changes carry messages and statuses"
		}
	}
	if kind == Changed && pat == "messages[].type" {
		switch {
		case a.Str() == "voice" || b.Str() == "voice" && to == payload.Sinch:
			return "Sinch documents no voice-note type: voice notes are AUDIO"
		case a.Str() == "unknown" && b.Str() == "unsupported", a.Str() == "unsupported" && b.Str() == "unknown":
			return "the Cloud API calls it unsupported, On-Premises unknown"
		}
	}
	return ""
}

func matchFormat(name string, f payload.Format) bool {
	switch name {
	case "":
		return true
	case "native":
		return f == payload.WhatsApp || f == payload.Cloud
	}
	return name == f.String()
}

// notesByPath indexes Notes by path pattern.
var notesByPath = sync.OnceValue(func() map[string][]int {
	m := map[string][]int{}
	for i, n := range Notes {
		m[n.Path] = append(m[n.Path], i)
	}
	return m
})

func lookupNote(from, to payload.Format, pat string, kind LossKind) string {
	for _, i := range notesByPath()[pat] {
		n := &Notes[i]
		if n.Kind == kind && n.From != "" && matchFormat(n.From, from) && matchFormat(n.To, to) {
			return n.Text
		}
	}
	return ""
}

// documented reports whether the input format's tables define the field.
func documented(f payload.Format, segs []seg) bool {
	var cur []*spec.Object
	switch f {
	case payload.Sinch:
		cur = []*spec.Object{sinch.Batch}
	case payload.WhatsApp:
		cur = []*spec.Object{whatsapp.OnPremSchemas().Notification}
	case payload.Cloud:
		cur = []*spec.Object{whatsapp.Envelope()}
	default:
		return true
	}
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
