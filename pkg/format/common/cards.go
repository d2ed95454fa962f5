package common

import (
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// CardStyle says how a format spells contact cards.
type CardStyle struct {
	// Card is the format's card schema (ContactCard).
	Card *spec.Object
	// SinchNames spells the name parts name_prefix/name_suffix (Sinch)
	// instead of prefix/suffix (native).
	SinchNames bool
	// NeedsName: a card must have name.formatted_name (the Cloud API); one
	// is built from the card when missing.
	NeedsName bool
}

// CardFill reports a formatted_name built for a card (path relative to
// the cards array, e.g. [0].name.formatted_name).
type CardFill func(path, value string, offset int)

// WriteCards writes the cards of a contacts message in a format's style:
// members the card schema documents, the name's prefix and suffix renamed
// for the format, and a formatted_name built where the format requires one.
func WriteCards(w *jsontree.Writer, cards jsontree.Value, st CardStyle, fill CardFill) {
	if !cards.IsArray() {
		w.Arr()
		w.EndArr()
		return
	}
	var nameObj *spec.Object
	if fd := st.Card.Field("name"); fd != nil {
		nameObj = fd.Object
	}
	w.Arr()
	i := 0
	cards.ForEach(func(_, cv jsontree.Value) bool {
		w.Elem()
		if !cv.IsObject() {
			w.Value(cv)
			i++
			return true
		}
		w.Obj()
		hasName := false
		cv.ForEach(func(k, x jsontree.Value) bool {
			fd := st.Card.Field(k.Str())
			if fd == nil {
				return true
			}
			if k.Str() == "name" && x.IsObject() {
				hasName = true
				w.Key("name")
				writeCardName(w, cv, x, nameObj, st, i, fill)
				return true
			}
			w.RawKey(k.Raw())
			spec.Known(w, x, fd.Object)
			return true
		})
		if !hasName && st.NeedsName {
			fn := FormattedName(cv)
			w.Key("name")
			w.Obj()
			w.KStr("formatted_name", fn)
			w.EndObj()
			fill("["+strconv.Itoa(i)+"].name.formatted_name", fn, cv.Offset())
		}
		w.EndObj()
		i++
		return true
	})
	w.EndArr()
}

// writeCardName writes a card's name, renaming name_prefix/name_suffix
// (Sinch) to prefix/suffix (native) or back, and building the formatted
// name a format may require.
func writeCardName(w *jsontree.Writer, card, v jsontree.Value, obj *spec.Object, st CardStyle, i int, fill CardFill) {
	w.Obj()
	hasFN := false
	v.ForEach(func(k, x jsontree.Value) bool {
		name := cardNameMember(v, k.Str(), st.SinchNames)
		var fd *spec.Field
		if obj != nil {
			fd = obj.Field(name)
		}
		if fd == nil || !spec.EnumAllows(fd, x) {
			return true
		}
		hasFN = hasFN || name == "formatted_name"
		if name == k.Str() {
			w.RawKey(k.Raw())
		} else {
			w.Key(name)
		}
		spec.Known(w, x, fd.Object)
		return true
	})
	if !hasFN && st.NeedsName {
		fn := FormattedName(card)
		w.KStr("formatted_name", fn)
		fill("["+strconv.Itoa(i)+"].name.formatted_name", fn, v.Offset())
	}
	w.EndObj()
}

// cardNameRenames are the name members Sinch and the native formats spell
// differently: native, Sinch.
var cardNameRenames = [][2]string{{"prefix", "name_prefix"}, {"suffix", "name_suffix"}}

// cardNameMember is the name under which member key of name v is written:
// renamed for the target (toSinch) unless v also has the target's spelling.
func cardNameMember(v jsontree.Value, key string, toSinch bool) string {
	for _, r := range cardNameRenames {
		from, to := r[1], r[0]
		if toSinch {
			from, to = to, from
		}
		if key == from && !v.Get(to).Exists() {
			return to
		}
	}
	return key
}

// FormattedName builds a display name for a card that has none: its name
// parts, else its company, first phone or first e-mail.
func FormattedName(card jsontree.Value) string {
	name := card.Get("name")
	var parts []string
	for _, k := range [...][2]string{{"prefix", "name_prefix"}, {"first_name", ""}, {"middle_name", ""}, {"last_name", ""}, {"suffix", "name_suffix"}} {
		v := name.Get(k[0])
		if !v.Exists() && k[1] != "" {
			v = name.Get(k[1])
		}
		if s := strings.TrimSpace(v.Str()); v.IsString() && s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	for _, v := range []jsontree.Value{card.Get("org").Get("company"), card.Get("phones").Index(0).Get("phone"), card.Get("emails").Index(0).Get("email")} {
		if v.IsString() && strings.TrimSpace(v.Str()) != "" {
			return v.Str()
		}
	}
	return ""
}

// CardName is the name a card shows: its formatted name, or one built
// from its parts.
func CardName(card jsontree.Value) string {
	if fn := card.Get("name").Get("formatted_name").Str(); strings.TrimSpace(fn) != "" {
		return fn
	}
	return FormattedName(card)
}
