package schema

import (
	"bytes"
	"encoding/json"
)

// obj is a JSON object that keeps its members in the order they were
// added, so that exported schemas read in a sensible order and are
// byte-for-byte deterministic.
type obj []member

type member struct {
	k string
	v any
}

// get returns the value of member k, or nil.
func (o obj) get(k string) any {
	for _, m := range o {
		if m.k == k {
			return m.v
		}
	}
	return nil
}

// with sets member k, replacing it in place or appending it.
func (o obj) with(k string, v any) obj {
	for i := range o {
		if o[i].k == k {
			out := append(obj(nil), o...)
			out[i].v = v
			return out
		}
	}
	return append(o, member{k, v})
}

// appendDescription adds text to the description, putting a description
// first when there was none.
func (o obj) appendDescription(text string) obj {
	if text == "" {
		return o
	}
	if d, ok := o.get("description").(string); ok && d != "" {
		return o.with("description", d+" "+text)
	}
	return append(obj{{"description", text}}, o...)
}

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.k)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
