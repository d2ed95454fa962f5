package jsontree

// Recorder builds a tape from the tokens of a reader that lexes the text
// itself — the validator's walk — so that a payload validated and then
// converted is read once: the converter takes the recorded tape instead of
// parsing the text again. The reader calls Open, Close, Next and the
// scalar methods as it meets each token, in document order; the tape is
// the one Parse would give, or empty when anything went wrong (the reader
// met a syntax error, or the text nests deeper than Parse accepts).
type Recorder struct {
	t      *Tape
	open   []openNode // containers not yet closed, outermost first
	failed bool
}

// NewRecorder returns a recorder that records into t.
func NewRecorder(t *Tape) *Recorder { return &Recorder{t: t} }

type openNode struct {
	idx int32 // its node
	obj bool
	key bool // an object's next string is a member name
}

// Reset empties the tape (its Root is then absent).
func (r *Recorder) Reset() {
	r.t.src, r.t.nodes, r.t.dups = "", r.t.nodes[:0], 0
}

// Start empties the tape and records into it the value of s (the whole
// text the offsets of the tokens refer to).
func (r *Recorder) Start(s string) {
	r.Reset()
	r.t.src, r.open, r.failed = s, r.open[:0], len(s) > 1<<31-1
}

// Finish ends the recording: the tape holds the value when it was read
// whole, and is empty otherwise.
func (r *Recorder) Finish() {
	if r.failed || len(r.open) > 0 || len(r.t.nodes) == 0 || int(r.t.nodes[0].next) != len(r.t.nodes) {
		r.Reset()
	}
}

// Fail abandons the recording.
func (r *Recorder) Fail() { r.failed = true }

// add appends the node of a value or member name: its text s[start:end]
// (end is set on Close for containers) and kind. The fields are set one
// by one: a node composed whole is copied with a load that stalls.
func (r *Recorder) add(start, end int, kind Kind, esc bool) int32 {
	t := r.t
	idx := int32(len(t.nodes))
	t.nodes = append(t.nodes, node{})
	n := &t.nodes[idx]
	n.start, n.end, n.next, n.kind, n.esc = int32(start), int32(end), idx+1, kind, esc
	if k := len(r.open) - 1; k >= 0 && r.open[k].key {
		r.open[k].key = false
		t.member(int(r.open[k].idx), k, idx)
	}
	return idx
}

// Open records the opening brace (obj) or bracket at offset at.
func (r *Recorder) Open(at int, obj bool) {
	if r.failed {
		return
	}
	depth := len(r.open)
	if depth >= MaxDepth {
		r.failed = true
		return
	}
	idx := r.add(at, 0, Absent, false)
	if obj {
		r.t.openObject(depth)
	}
	r.open = append(r.open, openNode{idx: idx, obj: obj, key: obj})
}

// Close records the end of the innermost open container; end is the
// offset just past its closing byte.
func (r *Recorder) Close(end int) {
	if r.failed {
		return
	}
	k := len(r.open) - 1
	o := r.open[k]
	r.open = r.open[:k]
	n := &r.t.nodes[o.idx]
	n.kind, n.end, n.next = Array, int32(end), int32(len(r.t.nodes))
	if o.obj {
		n.kind = Object
	}
}

// Next records the comma after a member or element.
func (r *Recorder) Next() {
	if r.failed {
		return
	}
	k := len(r.open) - 1
	r.open[k].key = r.open[k].obj
}

// String records a string (a value or a member name) at s[start:end],
// quotes included; esc says whether it holds escapes.
func (r *Recorder) String(start, end int, esc bool) {
	if r.failed {
		return
	}
	r.add(start, end, String, esc)
}

// Scalar records a number or literal (kind Number, True, False or Null)
// at s[start:end].
func (r *Recorder) Scalar(kind Kind, start, end int) {
	if r.failed {
		return
	}
	r.add(start, end, kind, false)
}
