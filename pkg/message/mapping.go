package message

import (
	"github.com/wamo-dev/wamo/pkg/enum"
	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// What each format package declares so that conversions between formats
// can be explained and documented without any other package knowing a
// wire format.

// Change says how a field fails to survive a conversion.
type Change uint8

// Kinds of change.
const (
	// Dropped: the field has no counterpart in the target.
	Dropped Change = iota
	// Changed: the target carries the field, but converting back gives
	// another value (milliseconds, spelling, a default).
	Changed
	// Added: the field is absent from the input but converting back writes
	// it (a canonical value of the target).
	Added
)

var changeNames = []string{Dropped: "dropped", Changed: "changed", Added: "added"}

func (k Change) String() string { return enum.Name(changeNames, k, "dropped") }

// MarshalText renders the change as a word.
func (k Change) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Note explains why a field of a format does not survive a conversion to
// another format.
type Note struct {
	// To names the target format the note is about ("" = any).
	To string
	// Path is a pattern of the field in the source format: indices erased
	// ([]), paths inside a batch relative to it, media bodies spelled
	// <media> (see Layout).
	Path string
	Kind Change
	Text string
}

// Spellings say how a format writes the concepts of the mapping tables:
// the path of each concept (a key such as "message.id"; pkg/format lists
// them) in the format.
type Spellings map[string]string

// ItemArray is an array that holds items (messages, statuses, contacts,
// errors), named by a path pattern ("data", "messages",
// "entry[].changes[].value.statuses").
type ItemArray struct {
	Path string
	// Key is the member that identifies an element ("id", "wa_id"): a
	// comparison pairs elements by it rather than by position.
	Key string
}

// Layout says where a format keeps its items.
type Layout struct {
	Items []ItemArray
	// Batch is the pattern of the object that holds a batch's arrays (""
	// for the root): note paths are relative to it.
	Batch string
	// Media lists the members of a message object that hold a media file
	// (spelled <media> in note paths), and Messages the pattern of the
	// message objects.
	Media    []string
	Messages string
}

// ExplainFunc says why a value of a payload does not survive a conversion
// to format to when the reason depends on the value: a dropped item of a
// type the target lacks, a type written differently. pattern is the
// value's note path; a is the value in the input, b what converting back
// gave. It returns "" when it has nothing to say.
type ExplainFunc func(kind Change, pattern string, a, b jsontree.Value, to string) string
