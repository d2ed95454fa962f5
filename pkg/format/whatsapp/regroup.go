package whatsapp

import (
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"strings"
)

// A Cloud API envelope groups items into entries (business accounts) and
// changes (phone numbers). Sinch and On-Premises keep no such grouping, so
// converting back regroups the items: one entry, one change per business
// number (and per kind, messages or statuses). To report what happened to
// each item rather than "entry[1] was dropped", the round-tripped envelope
// is first regrouped like the input, item by item; the grouping itself is
// reported once.

type cloudItem struct {
	val    jsontree.Value
	change int
	used   bool
}

type cloudChange struct {
	val jsontree.Value // the change value
}

// Regrouper puts the items of a Cloud API envelope converted back from
// another format into the entries and changes of the original. It keeps
// its buffers from one payload to the next.
type Regrouper struct {
	w                           jsontree.Writer
	changes                     []cloudChange
	msgs, stats, contacts, errs []cloudItem
	backEntries                 []jsontree.Value
}

// Regroup returns back (a Cloud envelope) with its items moved into the
// entries and changes of in, and whether the grouping differed. The bytes
// returned are valid until the next call.
func (rg *Regrouper) Regroup(in, back jsontree.Value) ([]byte, bool) {
	changes, backEntries := rg.changes[:0], rg.backEntries[:0]
	msgs, stats, contacts, errs := rg.msgs[:0], rg.stats[:0], rg.contacts[:0], rg.errs[:0]
	defer func() {
		rg.changes, rg.backEntries = changes[:0], backEntries[:0]
		rg.msgs, rg.stats, rg.contacts, rg.errs = msgs[:0], stats[:0], contacts[:0], errs[:0]
	}()
	backShape := [][]string{}
	back.Get("entry").ForEach(func(_, e jsontree.Value) bool {
		backEntries = append(backEntries, e)
		var shape []string
		e.Get("changes").ForEach(func(_, ch jsontree.Value) bool {
			v := ch.Get("value")
			ci := len(changes)
			changes = append(changes, cloudChange{val: v})
			shape = append(shape, changeSignature(v))
			add := func(list *[]cloudItem, name string) {
				v.Get(name).ForEach(func(_, it jsontree.Value) bool {
					*list = append(*list, cloudItem{val: it, change: ci})
					return true
				})
			}
			add(&msgs, "messages")
			add(&stats, "statuses")
			add(&contacts, "contacts")
			add(&errs, "errors")
			return true
		})
		backShape = append(backShape, shape)
		return true
	})

	ix := [4]*itemIndex{newIndex(msgs, "id"), newIndex(stats, "id"), newIndex(contacts, "wa_id"), {}}
	w := &rg.w
	w.Reset(false, 0)
	w.Obj()
	back.ForEach(func(k, v jsontree.Value) bool {
		if k.Str() != "entry" {
			w.RawKey(k.Raw())
			w.Value(v)
		}
		return true
	})
	w.Key("entry")
	w.Arr()
	var outShape [][]string
	lastChange := -1 // where leftovers go: writer position of the last change
	entries := in.Get("entry")
	nEntries := 0
	entries.ForEach(func(_, e jsontree.Value) bool {
		nEntries++
		w.Elem()
		if !e.IsObject() {
			w.Value(e)
			return true
		}
		w.Obj()
		if len(backEntries) > 0 {
			backEntries[0].ForEach(func(k, v jsontree.Value) bool {
				if k.Str() != "changes" {
					w.RawKey(k.Raw())
					w.Value(v)
				}
				return true
			})
		}
		var shape []string
		chs := e.Get("changes")
		if chs.Exists() {
			w.Key("changes")
			w.Arr()
			chs.ForEach(func(_, ch jsontree.Value) bool {
				w.Elem()
				if !ch.IsObject() || ch.Get("field").Str() != "messages" || !ch.Get("value").IsObject() {
					w.Obj() // not converted: everything in it is reported
					w.EndObj()
					shape = append(shape, "")
					return true
				}
				sig := writeRegroupedChange(w, ch.Get("value"), changes, msgs, stats, contacts, errs, &ix)
				shape = append(shape, sig)
				lastChange++
				return true
			})
			w.EndArr()
		}
		outShape = append(outShape, shape)
		w.EndObj()
		return true
	})
	w.EndArr()
	w.EndObj()
	out := w.Bytes()

	// Items converting back writes that match nothing of the input.
	var left []string
	for _, list := range [][]cloudItem{msgs, stats, contacts, errs} {
		for _, it := range list {
			if !it.used {
				left = append(left, it.val.Raw())
			}
		}
	}
	differs := !sameShape(backShape, outShape) || len(left) > 0
	if len(left) > 0 {
		// Report them as additions: append an extra change holding them.
		out = []byte(appendLeftovers(string(out), msgs, stats, contacts, errs))
	}
	return out, differs
}

func sameShape(a, b [][]string) bool {
	var fa, fb []string
	for _, e := range a {
		fa = append(fa, "|entry")
		fa = append(fa, e...)
	}
	for _, e := range b {
		fb = append(fb, "|entry")
		fb = append(fb, e...) // a change that does not convert moves the ones after it
	}
	return strings.Join(fa, "\n") == strings.Join(fb, "\n")
}

// changeSignature lists the ids of a change value's items.
func changeSignature(v jsontree.Value) string {
	var b strings.Builder
	for _, name := range [...]string{"messages", "statuses", "contacts", "errors"} {
		b.WriteString(name)
		b.WriteByte(':')
		key := "id"
		if name == "contacts" {
			key = "wa_id"
		}
		v.Get(name).ForEach(func(_, it jsontree.Value) bool {
			b.WriteString(it.Get(key).Raw())
			b.WriteByte(',')
			return true
		})
		b.WriteByte(';')
	}
	return b.String()
}

// itemIndex finds the items of a list by their identifying member, and
// the next unused item, in constant time: regrouping stays linear however
// many items a payload holds.
type itemIndex struct {
	byKey map[string][]int
	next  int
}

func newIndex(list []cloudItem, key string) *itemIndex {
	ix := &itemIndex{byKey: make(map[string][]int, len(list))}
	for i := range list {
		if v := list[i].val.Get(key); v.Exists() {
			id := v.Identity()
			ix.byKey[id] = append(ix.byKey[id], i)
		}
	}
	return ix
}

// take marks and returns the first unused item whose key equals want.
func (ix *itemIndex) take(list []cloudItem, want jsontree.Value) int {
	if !want.Exists() {
		return -1
	}
	id := want.Identity()
	for xs := ix.byKey[id]; len(xs) > 0; xs = xs[1:] {
		if i := xs[0]; !list[i].used {
			list[i].used = true
			ix.byKey[id] = xs[1:]
			return i
		}
	}
	return -1
}

// nextUnused marks and returns the first unused item (of change source,
// when source ≥ 0), or -1.
func (ix *itemIndex) nextUnused(list []cloudItem, source int) int {
	for ix.next < len(list) && list[ix.next].used {
		ix.next++
	}
	for x := ix.next; x < len(list); x++ {
		if !list[x].used && (source < 0 || list[x].change == source) {
			list[x].used = true
			return x
		}
		if source >= 0 && list[x].change > source {
			break // items are in change order
		}
	}
	return -1
}

// writeRegroupedChange writes one change of the input with the matching
// items of the round-tripped envelope; it returns the change's signature.
func writeRegroupedChange(w *jsontree.Writer, in jsontree.Value, changes []cloudChange, msgs, stats, contacts, errs []cloudItem, ix *[4]*itemIndex) string {
	rc := regroupedChange{w: w, in: in, changes: changes, source: -1}
	mi := rc.takeByID("messages", msgs, ix[0])
	si := rc.takeByID("statuses", stats, ix[1])
	ci := rc.takeContacts(contacts, ix[2])
	ei := rc.takeErrors(errs, ix[3])
	if rc.source < 0 && len(changes) > 0 {
		rc.source = 0
	}
	w.Obj()
	w.Key("value")
	w.Obj()
	rc.writeMembers()
	rc.list("messages", msgs, mi, "id")
	rc.list("statuses", stats, si, "id")
	rc.list("contacts", contacts, ci, "wa_id")
	rc.list("errors", errs, ei, "id")
	w.EndObj()
	w.KStr("field", "messages")
	w.EndObj()
	return rc.sig.String()
}

// regroupedChange is one change of the input being written again: the
// round-tripped change its items come from (source, -1 until known) and
// its signature so far.
type regroupedChange struct {
	w       *jsontree.Writer
	in      jsontree.Value
	changes []cloudChange
	source  int
	sig     strings.Builder
}

// found notes the change an item came from, the first one deciding.
func (rc *regroupedChange) found(change int) {
	if rc.source < 0 {
		rc.source = change
	}
}

// takeByID takes the items of array name of the input, by id.
func (rc *regroupedChange) takeByID(name string, items []cloudItem, ix *itemIndex) []int {
	var idx []int
	rc.in.Get(name).ForEach(func(_, el jsontree.Value) bool {
		if j := ix.take(items, el.Get("id")); j >= 0 {
			idx = append(idx, j)
			rc.found(items[j].change)
		}
		return true
	})
	return idx
}

// takeContacts takes the contacts of the input by wa_id; a username-only
// contact takes the next contact of the same change.
func (rc *regroupedChange) takeContacts(contacts []cloudItem, ix *itemIndex) []int {
	var idx []int
	rc.in.Get("contacts").ForEach(func(_, ct jsontree.Value) bool {
		j := ix.take(contacts, ct.Get("wa_id"))
		if j < 0 && !ct.Get("wa_id").Exists() {
			j = ix.nextUnused(contacts, rc.source)
		}
		if j >= 0 {
			idx = append(idx, j)
		}
		return true
	})
	return idx
}

// takeErrors takes as many errors, in order, as the input has.
func (rc *regroupedChange) takeErrors(errs []cloudItem, ix *itemIndex) []int {
	var idx []int
	for n := rc.in.Get("errors").Len(); n > 0; n-- {
		x := ix.nextUnused(errs, -1)
		if x < 0 {
			break
		}
		idx = append(idx, x)
		rc.found(errs[x].change)
	}
	return idx
}

// writeMembers copies the source change's members other than the item
// arrays.
func (rc *regroupedChange) writeMembers() {
	if rc.source < 0 {
		return
	}
	rc.changes[rc.source].val.ForEach(func(k, v jsontree.Value) bool {
		switch k.Str() {
		case "messages", "statuses", "contacts", "errors":
		default:
			rc.w.RawKey(k.Raw())
			rc.w.Value(v)
		}
		return true
	})
}

// list writes an item array, when it has items or both the input and the
// source change have it (empty), and adds it to the signature.
func (rc *regroupedChange) list(name string, items []cloudItem, idx []int, key string) {
	w, sig := rc.w, &rc.sig
	sig.WriteString(name)
	sig.WriteByte(':')
	has := rc.in.Get(name).Exists()
	if len(idx) == 0 && !(has && rc.source >= 0 && rc.changes[rc.source].val.Get(name).Exists()) {
		sig.WriteByte(';')
		return
	}
	w.Key(name)
	w.Arr()
	for _, j := range idx {
		w.Elem()
		w.Value(items[j].val)
		sig.WriteString(items[j].val.Get(key).Raw())
		sig.WriteByte(',')
	}
	w.EndArr()
	sig.WriteByte(';')
}

// appendLeftovers adds one change, in a new entry, holding the items that
// matched nothing in the input.
func appendLeftovers(doc string, msgs, stats, contacts, errs []cloudItem) string {
	var w jsontree.Writer
	w.Reset(false, 0)
	w.Obj()
	w.Key("value")
	w.Obj()
	for _, l := range []struct {
		name  string
		items []cloudItem
	}{{"messages", msgs}, {"statuses", stats}, {"contacts", contacts}, {"errors", errs}} {
		n := 0
		for _, it := range l.items {
			if it.used {
				continue
			}
			if n == 0 {
				w.Key(l.name)
				w.Arr()
			}
			w.Elem()
			w.Value(it.val)
			n++
		}
		if n > 0 {
			w.EndArr()
		}
	}
	w.EndObj()
	w.EndObj()
	extra := `{"changes":[` + string(w.Bytes()) + `]}`
	// doc ends with "]}" (entry array, document)
	i := strings.LastIndex(doc, "]")
	if i < 0 {
		return doc
	}
	sep := ","
	if strings.HasSuffix(strings.TrimSpace(doc[:i]), "[") {
		sep = ""
	}
	return doc[:i] + sep + extra + doc[i:]
}
