package convert

import (
	"errors"
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
	out = out[:len(out)-1]
	if pretty && len(out) > 0 && out[len(out)-1] == '\n' {
		out = out[:len(out)-1]
	}
	var w writer
	w.reset(pretty)
	w.b = out
	w.open = append(w.open, true) // inside the document, after its members
	w.key(ExtrasKey)
	w.obj()
	w.kstr("format", from.String())
	sets, unsets := 0, 0
	for _, o := range c.diffs.ops {
		if o.raw != "" {
			sets++
		} else {
			unsets++
		}
	}
	if sets > 0 {
		w.key("set")
		w.obj()
		for _, o := range c.diffs.ops {
			if o.raw != "" {
				w.rawKey(quote(o.ptr))
				w.raw(o.raw)
			}
		}
		w.endObj()
	}
	if unsets > 0 {
		w.key("unset")
		w.arr()
		for _, o := range c.diffs.ops {
			if o.raw == "" {
				w.elem()
				w.str(o.ptr)
			}
		}
		w.endArr()
	}
	w.endObj()
	w.end('}')
	return w.b
}

// node is a JSON value as an ordered tree, used only to apply extras.
type node struct {
	obj, arr bool
	raw      string   // scalar text
	keys     []string // decoded member names
	kids     []*node
}

func toNode(v val) *node {
	switch {
	case v.IsObject():
		n := &node{obj: true}
		v.ForEach(func(k, x val) bool {
			n.keys = append(n.keys, k.Str())
			n.kids = append(n.kids, toNode(x))
			return true
		})
		return n
	case v.IsArray():
		n := &node{arr: true}
		v.ForEach(func(_, x val) bool {
			n.kids = append(n.kids, toNode(x))
			return true
		})
		return n
	}
	return &node{raw: v.Raw()}
}

func (n *node) write(w *writer) {
	switch {
	case n.obj:
		w.obj()
		for i, k := range n.keys {
			w.rawKey(quote(k))
			n.kids[i].write(w)
		}
		w.endObj()
	case n.arr:
		w.arr()
		for _, k := range n.kids {
			w.elem()
			k.write(w)
		}
		w.endArr()
	default:
		w.raw(n.raw)
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
			j := cur.member(p)
			if last {
				switch {
				case raw == "" && j >= 0:
					cur.keys = append(cur.keys[:j], cur.keys[j+1:]...)
					cur.kids = append(cur.kids[:j], cur.kids[j+1:]...)
				case raw == "":
				case j >= 0:
					cur.kids[j] = toNode(parseVal(raw))
				default:
					cur.keys = append(cur.keys, p)
					cur.kids = append(cur.kids, toNode(parseVal(raw)))
				}
				return renderPath(path), nil
			}
			if j < 0 {
				if raw == "" {
					return renderPath(path), nil
				}
				cur.keys = append(cur.keys, p)
				cur.kids = append(cur.kids, &node{obj: true})
				j = len(cur.kids) - 1
			}
			cur = cur.kids[j]
		case cur.arr:
			idx, err := strconv.Atoi(p)
			if err != nil || idx < 0 || idx > len(cur.kids) || idx == len(cur.kids) && !last {
				return "", errPointer
			}
			path = append(path, seg{index: idx})
			if last {
				switch {
				case raw == "" && idx < len(cur.kids):
					cur.kids = append(cur.kids[:idx], cur.kids[idx+1:]...)
				case raw == "":
				case idx < len(cur.kids):
					cur.kids[idx] = toNode(parseVal(raw))
				default:
					cur.kids = append(cur.kids, toNode(parseVal(raw)))
				}
				return renderPath(path), nil
			}
			cur = cur.kids[idx]
		default:
			return "", errPointer
		}
	}
	return "", errPointer
}

// applyExtras applies extras read from the input to the document just
// written, rewriting it.
func (c *Converter) applyExtras(extras val) error {
	c.tmp = append(c.tmp[:0], c.w.b...)
	root := toNode(parseVal(bytesToString(c.tmp)))
	c.applied = c.applied[:0]
	var firstErr error
	extras.Get("unset").ForEach(func(_, v val) bool {
		if p, err := root.apply(v.Str(), ""); err == nil {
			c.applied = append(c.applied, p)
		} else if firstErr == nil {
			firstErr = err
		}
		return true
	})
	extras.Get("set").ForEach(func(k, v val) bool {
		if p, err := root.apply(k.Str(), v.Raw()); err == nil {
			c.applied = append(c.applied, p)
		} else if firstErr == nil {
			firstErr = err
		}
		return true
	})
	c.w.reset(!c.opts.Compact)
	root.write(&c.w)
	return firstErr
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
