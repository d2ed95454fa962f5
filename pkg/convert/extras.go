package convert

import (
	"bytes"
	"errors"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// With KeepExtras the output gains one top-level member:
//
//	"x_wamo_extras": {
//	  "format": "sinch",                       // the format these extras restore
//	  "set":   {"/data/0/campaignId": 100, …},  // JSON pointer → original value
//	  "unset": ["/data/0/…"]                    // members converting back adds
//	}
//
// Converting the output to that format applies them to the result, which
// then equals the original payload (as JSON values: member order may differ).

// appendExtras adds the extras member to a written document (which ends
// with its closing brace).
func (c *Converter) appendExtras(out []byte, from payload.Format) []byte {
	pretty := !c.opts.Compact
	out = bytes.TrimRight(out[:len(out)-1], " \n")
	if len(out) > 0 && out[len(out)-1] != '{' {
		out = append(out, ',')
	}
	if pretty {
		out = append(out, "\n  "...)
	}
	out = append(out, `"`+ExtrasKey+`":`...)
	if pretty {
		out = append(out, ' ')
	}
	var w jsontree.Writer
	w.Reset(pretty, 1)
	w.Obj()
	w.KStr("format", from.String())
	sets := c.diffs.sets()
	unsets := len(c.diffs.ops) - sets
	if sets > 0 {
		w.Key("set")
		w.Obj()
		for _, o := range c.diffs.ops {
			if o.raw != "" {
				w.RawKey(jsontree.Quote(o.ptr))
				w.Raw(o.raw)
			}
		}
		w.EndObj()
	}
	if len(c.fills) > 0 {
		// Values this conversion filled in (defaults, option values): on
		// the way back they are not data to keep.
		w.Key("filled")
		w.Arr()
		var segs []seg
		for _, f := range c.fills {
			segs = appendSegs(segs[:0], f.Path)
			w.Elem()
			w.Str(pointer(segs))
		}
		w.EndArr()
	}
	if unsets > 0 {
		w.Key("unset")
		w.Arr()
		for _, o := range c.diffs.ops {
			if o.raw == "" {
				w.Elem()
				w.Str(o.ptr)
			}
		}
		w.EndArr()
	}
	w.EndObj()
	out = append(out, w.Bytes()...)
	if pretty {
		out = append(out, '\n')
	}
	return append(out, '}')
}

// carried returns the losses the extras do not restore: with KeepExtras
// only those are lost.
func (c *Converter) carried(losses []Loss) []Loss {
	patched := make(map[string]bool, len(c.diffs.ops))
	for _, o := range c.diffs.ops {
		patched[o.ptr] = true
	}
	out := losses[:0]
	var segs []seg
	for _, l := range losses {
		segs = appendSegs(segs[:0], l.Path)
		if l.Path == ExtrasKey || !underAny(pointer(segs), patched, pointerParent) {
			out = append(out, l)
		}
	}
	return out
}

// node is a JSON value as an ordered tree, used only to apply extras.
type node struct {
	obj, arr bool
	raw      string   // scalar text
	keys     []string // decoded member names
	kids     []*node
}

func toNode(v jsontree.Value) *node {
	switch {
	case v.IsObject():
		n := &node{obj: true}
		v.ForEach(func(k, x jsontree.Value) bool {
			n.keys = append(n.keys, k.Str())
			n.kids = append(n.kids, toNode(x))
			return true
		})
		return n
	case v.IsArray():
		n := &node{arr: true}
		v.ForEach(func(_, x jsontree.Value) bool {
			n.kids = append(n.kids, toNode(x))
			return true
		})
		return n
	}
	return &node{raw: v.Raw()}
}

func (n *node) write(w *jsontree.Writer) {
	switch {
	case n.obj:
		w.Obj()
		for i, k := range n.keys {
			w.RawKey(jsontree.Quote(k))
			n.kids[i].write(w)
		}
		w.EndObj()
	case n.arr:
		w.Arr()
		for _, k := range n.kids {
			w.Elem()
			k.write(w)
		}
		w.EndArr()
	default:
		w.Raw(n.raw)
	}
}

func (n *node) member(k string) int {
	for i, key := range n.keys {
		if key == k {
			return i
		}
	}
	return -1
}

var errPointer = errors.New("extras: path does not apply")

func splitPointer(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, errPointer
	}
	parts := strings.Split(ptr[1:], "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// apply sets (raw != "") or removes the value at ptr, and returns the
// rendered path it touched.
func (n *node) apply(ptr string, raw string) (string, error) {
	parts, err := splitPointer(ptr)
	if err != nil || len(parts) == 0 {
		return "", errPointer
	}
	var path []seg
	cur := n
	for i, p := range parts {
		last := i == len(parts)-1
		switch {
		case cur.obj:
			path = append(path, seg{key: p, index: -1})
			cur = cur.stepMember(p, raw, last)
		case cur.arr:
			idx, err := strconv.Atoi(p)
			if err != nil || idx < 0 || idx > len(cur.kids) || idx == len(cur.kids) && !last {
				return "", errPointer
			}
			path = append(path, seg{index: idx})
			cur = cur.stepElement(idx, raw, last)
		default:
			return "", errPointer
		}
		if cur == nil {
			return renderPath(path), nil
		}
	}
	return "", errPointer
}

// stepMember applies the operation to member key when it is the last
// step (and returns nil), or returns the member to go on into, created if
// a value is to be set under it (nil when there is nothing to remove).
func (n *node) stepMember(key, raw string, last bool) *node {
	j := n.member(key)
	switch {
	case !last && j >= 0:
		return n.kids[j]
	case !last && raw == "":
		return nil
	case !last:
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, &node{obj: true})
		return n.kids[len(n.kids)-1]
	case raw == "" && j >= 0:
		n.keys = append(n.keys[:j], n.keys[j+1:]...)
		n.kids = append(n.kids[:j], n.kids[j+1:]...)
	case raw == "":
	case j >= 0:
		n.kids[j] = toNode(jsontree.Parse(raw))
	default:
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, toNode(jsontree.Parse(raw)))
	}
	return nil
}

// stepElement is stepMember for the element at idx (≤ len(kids), equal
// only on the last step: an append).
func (n *node) stepElement(idx int, raw string, last bool) *node {
	switch {
	case !last:
		return n.kids[idx]
	case raw == "" && idx < len(n.kids):
		n.kids = append(n.kids[:idx], n.kids[idx+1:]...)
	case raw == "":
	case idx < len(n.kids):
		n.kids[idx] = toNode(jsontree.Parse(raw))
	default:
		n.kids = append(n.kids, toNode(jsontree.Parse(raw)))
	}
	return nil
}

// applyExtras applies extras read from the input to out, the document
// just written, and returns the result.
func (c *Converter) applyExtras(out []byte, extras jsontree.Value, pretty bool) ([]byte, error) {
	c.tmp = append(c.tmp[:0], out...)
	root := toNode(jsontree.Parse(bytesToString(c.tmp)))
	c.applied = c.applied[:0]
	var firstErr error
	extras.Get("unset").ForEach(func(_, v jsontree.Value) bool {
		if p, err := root.apply(v.Str(), ""); err == nil {
			c.applied = append(c.applied, p)
		} else if firstErr == nil {
			firstErr = err
		}
		return true
	})
	extras.Get("set").ForEach(func(k, v jsontree.Value) bool {
		if p, err := root.apply(k.Str(), v.Raw()); err == nil {
			c.applied = append(c.applied, p)
		} else if firstErr == nil {
			firstErr = err
		}
		return true
	})
	var w jsontree.Writer
	w.Reset(pretty, 0)
	root.write(&w)
	return w.Bytes(), firstErr
}

// patched reports whether applied extras set the value at path (or around it).
func (c *Converter) patched(path string) bool {
	for _, p := range c.applied {
		if p == path || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// sets counts the operations that set a value (the others remove one).
func (d *differ) sets() int {
	n := 0
	for _, o := range d.ops {
		if o.raw != "" {
			n++
		}
	}
	return n
}
