package jsonlex

import "hash/maphash"

// KeySet finds repeated keys among the members of one object, in time
// linear in the number of members however many there are: the first few
// members are compared directly, and once an object has more than
// smallKeys of them an open-addressing table takes over. Reset starts the
// next object in O(1) (table slots are invalidated by a generation number,
// not cleared), so a set reused for many small objects after one huge one
// costs nothing extra. The zero value is ready for use; a KeySet allocates
// only while it grows, so reusing one keeps the hot path allocation-free.
type KeySet struct {
	keys  []keyEntry
	slots []keySlot // len is a power of two
	gen   uint32    // slots of another generation are empty
	big   bool      // the current object's keys are in slots
}

type keyEntry struct {
	key  string
	data int
	hash uint32
}

type keySlot struct {
	gen  uint32
	hash uint32 // of the key, compared before the key itself
	idx  int32  // index into keys
}

// smallKeys is how many members are compared one by one before the table
// is built: documented objects have fewer, so they never hash.
const smallKeys = 8

var keySeed = maphash.MakeSeed()

// Reset empties the set for the next object.
func (s *KeySet) Reset() {
	s.keys = s.keys[:0]
	s.big = false
}

// Len returns the number of distinct keys added since Reset.
func (s *KeySet) Len() int { return len(s.keys) }

// Add records key with data (the caller's reference to the member). When
// the key was added before, it returns the data stored with its first
// occurrence and true, and the set is unchanged; otherwise it returns 0
// and false.
func (s *KeySet) Add(key string, data int) (prev int, dup bool) {
	if !s.big {
		for i := range s.keys {
			if s.keys[i].key == key {
				return s.keys[i].data, true
			}
		}
		s.keys = append(s.keys, keyEntry{key: key, data: data})
		if len(s.keys) > smallKeys {
			s.index()
		}
		return 0, false
	}
	h := uint32(maphash.String(keySeed, key))
	mask := uint32(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.gen != s.gen {
			s.keys = append(s.keys, keyEntry{key: key, data: data, hash: h})
			*sl = keySlot{gen: s.gen, hash: h, idx: int32(len(s.keys) - 1)}
			if 2*len(s.keys) > len(s.slots) {
				s.slots = make([]keySlot, 2*len(s.slots))
				s.rehash()
			}
			return 0, false
		}
		if sl.hash == h && s.keys[sl.idx].key == key {
			return s.keys[sl.idx].data, true
		}
	}
}

// index moves the keys compared so far into the table, reusing it when it
// is large enough: a new generation makes every slot empty at once.
func (s *KeySet) index() {
	s.big = true
	size := 4 * smallKeys
	for size < 4*len(s.keys) {
		size *= 2
	}
	if len(s.slots) < size {
		s.slots = make([]keySlot, size)
	}
	s.rehash()
}

// rehash starts a generation and puts every key in the table.
func (s *KeySet) rehash() {
	s.gen++
	if s.gen == 0 { // wrapped: slots of generation 0 would look current
		clear(s.slots)
		s.gen = 1
	}
	mask := uint32(len(s.slots) - 1)
	for k := range s.keys {
		e := &s.keys[k]
		e.hash = uint32(maphash.String(keySeed, e.key))
		for i := e.hash & mask; ; i = (i + 1) & mask {
			if s.slots[i].gen != s.gen {
				s.slots[i] = keySlot{gen: s.gen, hash: e.hash, idx: int32(k)}
				break
			}
		}
	}
}
