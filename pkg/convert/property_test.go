package convert_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// onode is a JSON value that keeps member order, for mutating payloads.
type onode struct {
	obj, arr bool
	keys     []string
	kids     []*onode
	raw      string
}

func parseO(t testing.TB, b []byte) *onode {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	n, err := readO(d)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readO(d *json.Decoder) (*onode, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		n := &onode{obj: v == '{', arr: v == '['}
		for d.More() {
			if n.obj {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			c, err := readO(d)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, c)
		}
		_, err := d.Token()
		return n, err
	case string:
		b, _ := json.Marshal(v)
		return &onode{raw: string(b)}, nil
	case json.Number:
		return &onode{raw: v.String()}, nil
	case bool:
		return &onode{raw: strconv.FormatBool(v)}, nil
	}
	return &onode{raw: "null"}, nil
}

func (n *onode) write(b *bytes.Buffer, indent string, depth int) {
	nl := func(d int) {
		if indent != "" {
			b.WriteByte('\n')
			for range d {
				b.WriteString(indent)
			}
		}
	}
	switch {
	case n.obj, n.arr:
		open, close := byte('{'), byte('}')
		if n.arr {
			open, close = '[', ']'
		}
		b.WriteByte(open)
		for i, k := range n.kids {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(depth + 1)
			if n.obj {
				kb, _ := json.Marshal(n.keys[i])
				b.Write(kb)
				b.WriteByte(':')
				if indent != "" {
					b.WriteByte(' ')
				}
			}
			k.write(b, indent, depth+1)
		}
		if len(n.kids) > 0 {
			nl(depth)
		}
		b.WriteByte(close)
	default:
		b.WriteString(n.raw)
	}
}

func (n *onode) bytes(indent string) []byte {
	var b bytes.Buffer
	n.write(&b, indent, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (n *onode) clone() *onode {
	c := &onode{obj: n.obj, arr: n.arr, raw: n.raw, keys: append([]string(nil), n.keys...)}
	for _, k := range n.kids {
		c.kids = append(c.kids, k.clone())
	}
	return c
}

func (n *onode) get(k string) *onode {
	for i, key := range n.keys {
		if key == k {
			return n.kids[i]
		}
	}
	return nil
}

// all lists every node with its parent, for picking mutation sites.
func (n *onode) all(out *[][2]*onode, parent *onode) {
	*out = append(*out, [2]*onode{n, parent})
	for _, k := range n.kids {
		k.all(out, n)
	}
}

var stringPool = []string{`""`, `" "`, `"x"`, `"Ünïcødé ✓"`, `"a\"b\\c"`, `"16315551234"`, `"1767225601"`, `"image/png"`,
	`"https://example.com/a b"`, `"ad"`, `"voice"`, `"LIST_REPLY"`, `"\u00e9t\u00e9"`, `"5511987650001"`}

// knownMembers are members of the three formats, to put anywhere.
var knownMembers = [][2]string{
	{"link", `"https://x.example/a"`}, {"url", `"https://x.example/b"`}, {"caption", `"c"`}, {"voice", "true"},
	{"name_prefix", `"Dr."`}, {"prefix", `"Dr."`}, {"suffix", `"Jr."`}, {"description", `"d"`}, {"group_id", `"g-1"`},
	{"forwarded", "true"}, {"mentions", `["16315551000"]`}, {"context", `{"id":"x","from":"00000000000"}`},
	{"context", `{"from":"1"}`}, {"type", `"voice"`}, {"type", `"audio"`}, {"type", `"text"`}, {"errors", "[]"},
	{"identity", `{"acknowledged":true,"hash":"h"}`}, {"referral", `{"headline":"h","image":{"link":"https://x.example/i","id":"9"},"source_type":"post"}`},
	{"referral", `{"headline":null,"video":{"id":"9"}}`}, {"sha256", `"29ed500fa64eb55fc19dc4124acb300e5dcc54a0f822a301ae99944db6b7f131"`},
	{"sha256", `"DSrhaHTjJM5UpOcu83/4sFu70e2BNiJ3c4va4fVAyYU="`}, {"recipient_id", `"16315551234"`}, {"status", `"played"`},
	{"status", `"read"`}, {"body", `"hi"`}, {"id", `"dup"`}, {"timestamp", `"0100000000"`}, {"wa_id", `"16505551234"`},
	{"profile", `{"name":"N"}`}, {"profile", `{}`}, {"messageId", `"m-1"`}, {"waGroupId", `"g"`}, {"mediaType", `"video"`},
	{"whatsAppId", `"5511900000001"`}, {"interactive", `{"type":"list_reply","list_reply":{"id":"r","title":"t","description":"d"}}`},
}

var numberPool = []string{"0", "1", "-1.5", "1513616971000", "1513616971999", "1e3", "38.98062634951234", "12.50", "100"}

// generate builds a payload of format f from random fixtures, mutated.
func generate(rng *rand.Rand, byFormat map[payload.Format][][]byte, f payload.Format, t testing.TB) []byte {
	pool := byFormat[f]
	base := parseO(t, pool[rng.IntN(len(pool))])
	for range rng.IntN(3) {
		other := parseO(t, pool[rng.IntN(len(pool))])
		merge(base, other, f)
	}
	var sites [][2]*onode
	for range rng.IntN(4) {
		sites = sites[:0]
		base.all(&sites, nil)
		s := sites[rng.IntN(len(sites))]
		node, parent := s[0], s[1]
		switch rng.IntN(9) {
		case 0: // delete a member or element
			if parent != nil && len(parent.kids) > 1 {
				for i, k := range parent.kids {
					if k == node {
						parent.kids = append(parent.kids[:i], parent.kids[i+1:]...)
						if parent.obj {
							parent.keys = append(parent.keys[:i], parent.keys[i+1:]...)
						}
						break
					}
				}
			}
		case 1: // another string
			if len(node.raw) > 0 && node.raw[0] == '"' {
				node.raw = stringPool[rng.IntN(len(stringPool))]
			}
		case 2: // another number
			if len(node.raw) > 0 && (node.raw[0] == '-' || node.raw[0] >= '0' && node.raw[0] <= '9') {
				node.raw = numberPool[rng.IntN(len(numberPool))]
			}
		case 3: // an unknown member
			if node.obj {
				node.keys = append(node.keys, "zz_extra")
				node.kids = append(node.kids, &onode{raw: `{"a":[1,"b"]}`})
			}
		case 4: // reorder members
			if node.obj && len(node.kids) > 1 {
				rng.Shuffle(len(node.kids), func(i, j int) {
					node.kids[i], node.kids[j] = node.kids[j], node.kids[i]
					node.keys[i], node.keys[j] = node.keys[j], node.keys[i]
				})
			}
		case 5: // duplicate an element
			if node.arr && len(node.kids) > 0 {
				node.kids = append(node.kids, node.kids[rng.IntN(len(node.kids))].clone())
			}
		case 6: // a null
			if node.raw != "" {
				node.raw = "null"
			}
		case 7, 8: // a documented member, somewhere
			if node.obj {
				kv := knownMembers[rng.IntN(len(knownMembers))]
				node.keys = append(node.keys, kv[0])
				node.kids = append(node.kids, &onode{raw: kv[1]})
				if v := kv[1]; v[0] == '{' || v[0] == '[' {
					node.kids[len(node.kids)-1] = parseO(t, []byte(v))
				}
			}
		}
	}
	if f == payload.Sinch {
		if total := base.get("total"); total != nil && rng.IntN(4) > 0 {
			if data := base.get("data"); data != nil {
				total.raw = strconv.Itoa(len(data.kids))
			}
		}
	}
	indent := ""
	if rng.IntN(2) == 0 {
		indent = "  "
	}
	return base.bytes(indent)
}

func merge(a, b *onode, f payload.Format) {
	keys := map[payload.Format][]string{
		payload.Sinch:    {"data"},
		payload.WhatsApp: {"contacts", "messages", "statuses", "errors"},
		payload.Cloud:    {"entry"},
	}[f]
	for _, k := range keys {
		bv := b.get(k)
		if bv == nil {
			continue
		}
		if av := a.get(k); av != nil {
			av.kids = append(av.kids, bv.kids...)
		} else {
			a.keys = append(a.keys, k)
			a.kids = append(a.kids, bv)
		}
	}
	if f == payload.Sinch {
		if t := a.get("total"); t != nil {
			t.raw = strconv.Itoa(len(a.get("data").kids))
		}
	}
}

func fixturePool(t testing.TB) map[payload.Format][][]byte {
	out := map[payload.Format][][]byte{}
	for _, fx := range fixtures.List() {
		if fx.Invalid {
			continue
		}
		b, _ := fixtures.Read(fx)
		f, _ := payload.ParseFormat(fx.Folder)
		out[f] = append(out[f], b)
	}
	return out
}

func isValid(data []byte, f payload.Format) bool {
	v := validate.New(validate.Options{Format: f})
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	res := v.Validate(&p)
	return res.Valid()
}

func errorsOf(data []byte, f payload.Format) []diag.Finding {
	var out []diag.Finding
	rd := payload.NewReader(bytes.NewReader(data), "output", 1<<30)
	for {
		p, err := rd.Next()
		if err != nil {
			break
		}
		v := validate.New(validate.Options{Format: f})
		res := v.Validate(&p)
		for _, x := range res.Findings {
			if x.Severity == diag.Error {
				out = append(out, x)
			}
		}
	}
	return out
}

// checkProperties holds one payload to every property of a conversion.
func checkProperties(t *testing.T, name string, data []byte, from payload.Format) {
	t.Helper()
	valid := isValid(data, from)
	for _, to := range payload.Formats {
		label := fmt.Sprintf("%s → %s", name, to)
		res, err := convert.Convert(data, opts(to))
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if !valid {
			continue
		}
		if res.Output != nil {
			if errs := errorsOf(res.Output, to); len(errs) > 0 {
				t.Errorf("%s: output invalid: %s %s (%s)\ninput:\n%s\noutput:\n%s", label, errs[0].RuleID(), errs[0].Message, errs[0].Path, data, res.Output)
			}
		}
		if to == from {
			continue
		}
		if res.Output == nil || multi(t, res.Output) {
			continue
		}
		back, err := convert.Convert(res.Output, opts(from))
		if err != nil {
			t.Errorf("%s: converting back: %v", label, err)
			continue
		}
		if back.Output == nil {
			back.Output = []byte("{}")
		}
		lost := lostPaths(res.Losses)
		var diffs []string
		alignedDiff(decode(t, data), decode(t, back.Output), "", &diffs)
		for _, d := range diffs {
			if !covered(d, lost) {
				t.Errorf("%s: %s changed in the round trip, no loss reported\ninput:\n%s\nback:\n%s\nlosses: %v", label, d, data, back.Output, lost)
				break
			}
		}
		keep, err := convert.Convert(data, keepExtras(to))
		if err != nil || keep.Output == nil {
			t.Errorf("%s: keep-extras: %v", label, err)
			continue
		}
		restored, err := convert.Convert(keep.Output, opts(from))
		if err != nil || restored.Output == nil {
			t.Errorf("%s: restoring: %v", label, err)
			continue
		}
		if got, want := decode(t, restored.Output), decode(t, data); !reflect.DeepEqual(got, want) {
			var d []string
			leafDiff(want, got, "", &d)
			t.Errorf("%s: --keep-extras round trip differs at %v\ninput:\n%s\nrestored:\n%s", label, d, data, restored.Output)
		}
	}
}

// alignedDiff is leafDiff with the item arrays paired by id (messages,
// statuses, data) or wa_id (contacts), as Convert reports them.
func alignedDiff(a, b any, path string, out *[]string) {
	x, okx := a.(map[string]any)
	y, oky := b.(map[string]any)
	itemLevel := path == "" || strings.HasSuffix(path, ".value")
	if !okx || !oky || !itemLevel && !strings.HasPrefix(path, "entry") {
		leafDiff(a, b, path, out)
		return
	}
	for k, v := range x {
		p := join(path, k)
		xa, isArr := v.([]any)
		ya, isArrB := y[k].([]any)
		key := map[string]string{"data": "id", "messages": "id", "statuses": "id", "contacts": "wa_id"}[k]
		if !itemLevel {
			key = ""
		}
		if !isArr || !isArrB || key == "" {
			if k == "entry" || k == "changes" || k == "value" {
				alignedDiffAny(v, y[k], p, out)
			} else {
				leafDiff(v, y[k], p, out)
			}
			continue
		}
		used := make([]bool, len(ya))
		for i, el := range xa {
			id := idOf(el, key)
			j := -1
			for c := range ya {
				if !used[c] && id != nil && reflect.DeepEqual(idOf(ya[c], key), id) {
					j = c
					break
				}
			}
			if j < 0 && id == nil { // no id (a username-only contact): the next unused
				for c := range ya {
					if !used[c] {
						j = c
						break
					}
				}
			}
			ep := fmt.Sprintf("%s[%d]", p, i)
			if j < 0 {
				leafDiff(el, nil, ep, out)
				continue
			}
			used[j] = true
			alignedDiff(el, ya[j], ep, out)
		}
		for c, el := range ya {
			if !used[c] {
				leafDiff(nil, el, fmt.Sprintf("%s[%d]", p, c), out)
			}
		}
	}
	for k, v := range y {
		if _, ok := x[k]; !ok {
			leafDiff(nil, v, join(path, k), out)
		}
	}
}

func alignedDiffAny(a, b any, path string, out *[]string) {
	xa, ok1 := a.([]any)
	ya, ok2 := b.([]any)
	if ok1 && ok2 {
		zipDiff(xa, ya, path, out, alignedDiff)
		return
	}
	alignedDiff(a, b, path, out)
}

func idOf(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		return m[key]
	}
	return nil
}

// TestGeneratedPayloads runs the properties over mutated batches of
// fixtures (WAMO_GEN=n for more than the default 600).
func TestGeneratedPayloads(t *testing.T) {
	n := 600
	if s := os.Getenv("WAMO_GEN"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		n = 60
	}
	pool := fixturePool(t)
	seed := uint64(1)
	if s := os.Getenv("WAMO_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	valid := 0
	for i := range n {
		f := payload.Formats[i%3]
		data := generate(rng, pool, f, t)
		if isValid(data, f) {
			valid++
		}
		checkProperties(t, fmt.Sprintf("generated #%d (%s)", i, f), data, f)
		if t.Failed() {
			break
		}
	}
	t.Logf("%d payloads, %d valid", n, valid)
}

// FuzzConvert: converting never panics, and a valid payload converts to a
// valid one, round-trips within its reported losses and, with
// --keep-extras, exactly. The seed corpus is every fixture, broken ones
// included.
func FuzzConvert(f *testing.F) {
	for _, fx := range fixtures.List() {
		b, _ := fixtures.Read(fx)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		from := payload.Unknown
		if p := (payload.Payload{Data: data}); payload.CheckSyntax(&p) == nil {
			from = payload.Detect(data).Format
		}
		if from == payload.Unknown {
			for _, to := range payload.Formats {
				if _, err := convert.Convert(data, opts(to)); err == nil && !json.Valid(data) {
					t.Errorf("invalid JSON accepted")
				}
			}
			return
		}
		checkProperties(t, "fuzz", data, from)
	})
}
