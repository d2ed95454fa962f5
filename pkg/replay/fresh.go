package replay

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// editKind says what a refreshed member receives.
type editKind uint8

const (
	editUUID    editKind = iota // a random UUID v4 (Sinch ids)
	editWAID                    // a random id keeping the original prefix ("wamid.") and length
	editUnixSec                 // the current Unix time in seconds
	editUnixMS                  // the current Unix time in milliseconds
	editISODate                 // the current time as 2006-01-02T15:04:05.000Z
	numEditKinds
)

// freshEdit replaces body[start:end] (a JSON string or number).
type freshEdit struct {
	start, end int
	kind       editKind
	quoted     bool   // the value is a JSON string
	prefix     string // editWAID: kept prefix
	n          int    // editWAID: length of the random part
	path       string
}

// freshPlan lists where a body holds message ids and timestamps, in order.
type freshPlan struct{ edits []freshEdit }

// Sinch members that hold the time of an event, in milliseconds (…At) or
// ISO 8601 (…Date).
var sinchTimes = []string{"received", "sent", "delivered", "read", "updated"}

// planFresh finds the ids and timestamps of body by format:
//
//   - sinch: data[].id (UUID), data[].receivedAt/sentAt/deliveredAt/readAt/
//     updatedAt (ms) and the matching …Date members (ISO 8601);
//   - whatsapp: messages[] and statuses[] id and timestamp (Unix seconds);
//   - cloud: the same inside entry[].changes[].value.
//
// A body that is not valid JSON, or not recognised, gets no edits.
func planFresh(body []byte) freshPlan {
	var p freshPlan
	if !gjson.ValidBytes(body) {
		return p
	}
	s := string(body)
	switch payload.Detect(body).Format {
	case payload.Sinch:
		n := int(gjson.Get(s, "data.#").Int())
		for i := range n {
			base := "data." + strconv.Itoa(i) + "."
			p.add(s, base+"id", editUUID)
			for _, ev := range sinchTimes {
				p.add(s, base+ev+"At", editUnixMS)
				p.add(s, base+ev+"Date", editISODate)
			}
		}
	case payload.WhatsApp:
		p.addNative(s, "")
	case payload.Cloud:
		ne := int(gjson.Get(s, "entry.#").Int())
		for i := range ne {
			base := "entry." + strconv.Itoa(i) + ".changes"
			nc := int(gjson.Get(s, base+".#").Int())
			for j := range nc {
				p.addNative(s, base+"."+strconv.Itoa(j)+".value.")
			}
		}
	}
	sort.Slice(p.edits, func(i, j int) bool { return p.edits[i].start < p.edits[j].start })
	return p
}

func (p *freshPlan) addNative(s, base string) {
	for _, list := range []string{"messages", "statuses"} {
		n := int(gjson.Get(s, base+list+".#").Int())
		for i := range n {
			item := base + list + "." + strconv.Itoa(i) + "."
			p.add(s, item+"id", editWAID)
			p.add(s, item+"timestamp", editUnixSec)
		}
	}
}

// add plans an edit of the member at path when it is a string, or a number
// for timestamps.
func (p *freshPlan) add(s, path string, kind editKind) {
	r := gjson.Get(s, path)
	if r.Index <= 0 || r.Raw == "" {
		return
	}
	e := freshEdit{start: r.Index, end: r.Index + len(r.Raw), kind: kind, path: path}
	switch r.Type {
	case gjson.String:
		e.quoted = true
	case gjson.Number:
		if kind == editUUID || kind == editWAID || kind == editISODate {
			return
		}
	default:
		return
	}
	switch kind {
	case editWAID:
		id := r.Str
		if i := strings.LastIndexByte(id, '.'); i >= 0 && i < 16 {
			e.prefix = id[:i+1]
			id = id[i+1:]
		}
		e.n = min(max(len(id), 16), 128)
	case editUUID:
		if len(r.Str) != 36 {
			// Not a UUID: keep its shape loosely with an id of its own kind.
			e.kind, e.n = editWAID, min(max(len(r.Str), 16), 128)
		}
	}
	p.edits = append(p.edits, e)
}

// apply returns a copy of body with every planned member renewed: ids new
// and unique, times now.
func (p *freshPlan) apply(body []byte, now time.Time) []byte {
	out := make([]byte, 0, len(body)+16*len(p.edits))
	var cache [numEditKinds][]byte // the time renders once per send
	at := 0
	for i := range p.edits {
		e := &p.edits[i]
		out = append(out, body[at:e.start]...)
		if e.quoted {
			out = append(out, '"')
		}
		switch e.kind {
		case editUUID:
			out = appendUUID(out)
		case editWAID:
			out = append(out, e.prefix...)
			out = appendRandomID(out, e.n)
		default:
			if cache[e.kind] == nil {
				cache[e.kind] = appendTime(nil, e.kind, now)
			}
			out = append(out, cache[e.kind]...)
		}
		if e.quoted {
			out = append(out, '"')
		}
		at = e.end
	}
	return append(out, body[at:]...)
}

func appendTime(b []byte, kind editKind, now time.Time) []byte {
	switch kind {
	case editUnixSec:
		return strconv.AppendInt(b, now.Unix(), 10)
	case editUnixMS:
		return strconv.AppendInt(b, now.UnixMilli(), 10)
	}
	return now.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

const hexDigits = "0123456789abcdef"

// appendUUID appends a random (version 4) UUID.
func appendUUID(b []byte) []byte {
	var u [16]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		u[i] = byte(hi >> (8 * i))
		u[8+i] = byte(lo >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return b
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// appendRandomID appends n random letters and digits (16 of them carry 95
// bits: unique enough for any run).
func appendRandomID(b []byte, n int) []byte {
	for n > 0 {
		x := rand.Uint64()
		for k := 0; k < 10 && n > 0; k++ { // 10 × 6 bits out of 64
			if v := x & 63; v < uint64(len(idAlphabet)) { // 62 and 63 rejected: no bias
				b = append(b, idAlphabet[v])
				n--
			}
			x >>= 6
		}
	}
	return b
}

// Refresh returns a copy of body with new message ids and current
// timestamps — what Config.Fresh does to each send — and the JSON paths it
// rewrote. A body with nothing to refresh (invalid JSON, format not
// recognised, no ids) comes back unchanged with no paths.
func Refresh(body []byte, now time.Time) ([]byte, []string) {
	p := planFresh(body)
	if len(p.edits) == 0 {
		return body, nil
	}
	paths := make([]string, len(p.edits))
	for i, e := range p.edits {
		paths[i] = e.path
	}
	return p.apply(body, now), paths
}
