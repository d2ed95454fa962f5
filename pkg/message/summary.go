package message

import (
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// Content in brief, for people reading a delivery (wamo show, listen):
// "Hi, this is…", "Nota fiscal (image/jpeg)", "3 items, total 52.48 USD".

// TypeName is the message's kind as the model names it, or — for kinds the
// model does not know — the type the source names, lowercased ("unknown"
// when it names none).
func (m *Message) TypeName() string {
	if m.Kind != KindOther {
		return m.Kind.String()
	}
	if t := lower(m.Type); t != "" {
		return t
	}
	return "unknown"
}

// Summary is the message's content in brief, in full (renderers
// truncate), and the error title of a message the provider could not
// deliver.
func (m *Message) Summary() (summary, errTitle string) {
	return m.summary(0)
}

func (m *Message) summary(depth int) (string, string) {
	k := m.Kind
	if k >= numKinds {
		k = KindOther
	}
	return kinds[k].summary(m, depth)
}

// otherSummary is the text of a message of a type the model does not know,
// if it has any.
func otherSummary(m *Message, _ int) (string, string) {
	summary := Scalar(m.Text)
	for _, k := range [...]string{"body", "text", "caption", "title", "name"} {
		if summary != "" {
			break
		}
		summary = Scalar(m.Body.Get(k).Raw())
	}
	if summary == "" {
		summary = fileSummary(Scalar(m.Media.Caption), "", Scalar(m.Media.MIME))
	}
	return summary, ""
}

func mediaSummary(m *Message, _ int) (string, string) {
	return fileSummary(Scalar(m.Media.Caption), Scalar(m.Media.Filename), Scalar(m.Media.MIME)), ""
}

func replySummary(m *Message, _ int) (string, string) {
	title := Scalar(m.Reply.Title)
	if title == "" {
		title = Scalar(m.Text) // Sinch repeats it in messageText
	}
	return Detail(Join(" · ", title, Scalar(m.Reply.Description)), Scalar(m.Reply.ID)), ""
}

func buttonSummary(m *Message, _ int) (string, string) {
	return Detail(Scalar(m.Button.Text), Scalar(m.Button.Payload)), ""
}

func flowSummary(m *Message, _ int) (string, string) {
	b := m.Body
	return Detail(Join(" · ", b.Get("name").Str(), b.Get("body").Str()), b.Get("response_json").Str()), ""
}

func callPermissionSummary(m *Message, _ int) (string, string) {
	s := m.Body.Get("response").Str()
	if m.Body.Get("is_permanent").Truthy() {
		s = Join(" · ", s, "permanent")
	}
	return s, ""
}

func systemSummary(m *Message, _ int) (string, string) {
	return Detail(Scalar(m.System.Body), Scalar(m.System.Type)), ""
}

func reactionSummary(m *Message, _ int) (string, string) {
	emoji := m.Body.Get("emoji").Str()
	if emoji == "" {
		emoji = "removed"
	}
	if target := m.Body.Get("message_id").Str(); target != "" {
		emoji += " on " + target
	}
	return emoji, ""
}

func unsupportedSummary(m *Message, _ int) (string, string) {
	var s, title string
	if len(m.Errors) > 0 {
		s, title = m.Errors[0].Summary(false)
	}
	return Join(" · ", m.Body.Get("type").Str(), s), title
}

// editSummary is the new content of an edit, described once (an edit of
// an edit is not followed).
func editSummary(m *Message, depth int) (string, string) {
	if in := m.Edited; in != nil && depth == 0 {
		is, _ := in.summary(depth + 1)
		if in.Kind != Text {
			is = Join(": ", in.TypeName(), is)
		}
		if is != "" {
			return is, ""
		}
	}
	return "edits " + Scalar(m.Original), ""
}

// placeSummary is "name · address (lat,long)", the coordinates as written.
func placeSummary(m *Message, _ int) (string, string) {
	l := &m.Location
	coords := ""
	if l.Lat != "" || l.Long != "" {
		coords = Scalar(l.Lat) + "," + Scalar(l.Long)
	}
	return Detail(Join(" · ", Scalar(l.Name), Scalar(l.Address)), coords), ""
}

// fileSummary is "caption · filename (mime)", the file name only when it
// is not the caption.
func fileSummary(caption, filename, mime string) string {
	if filename == caption {
		filename = ""
	}
	return Detail(Join(" · ", caption, filename), mime)
}

// contactsSummary lists the cards' names (or, failing that, the first
// phone number).
func contactsSummary(m *Message, _ int) (string, string) {
	var names []string
	m.Cards.ForEach(func(_, c jsontree.Value) bool {
		name := c.Get("name")
		n := name.Get("formatted_name").Str()
		if n == "" {
			n = Join(" ", name.Get("first_name").Str(), name.Get("last_name").Str())
		}
		if n == "" {
			n = c.Get("phones").Index(0).Get("phone").Str()
		}
		if n == "" {
			n = "(no name)"
		}
		names = append(names, n)
		return len(names) < 50
	})
	return strings.Join(names, ", "), ""
}

// stickerSummary is "pack name emojis (mime, animated)".
func stickerSummary(m *Message, _ int) (string, string) {
	md := &m.Media
	meta := md.Metadata
	var emojis []string
	meta.Get("emojis").ForEach(func(_, e jsontree.Value) bool {
		emojis = append(emojis, e.Str())
		return len(emojis) < 20
	})
	d := Scalar(md.MIME)
	if md.Animated == "true" {
		d = Join(", ", d, "animated")
	}
	return Detail(Join(" ", meta.Get("sticker-pack-name").Str(), strings.Join(emojis, "")), d), ""
}

// orderSummary is "N items, total T CUR · text": N counts units (Σ
// quantity), T is Σ quantity × item_price.
func orderSummary(m *Message, _ int) (string, string) {
	obj := m.Body
	var units int64
	var total float64
	currency := ""
	mixed := false
	lines := 0
	obj.Get("product_items").ForEach(func(_, p jsontree.Value) bool {
		lines++
		n := int64(1)
		if q := p.Get("quantity"); q.Exists() {
			n = int64(q.Num())
		}
		units += n
		total += float64(n) * p.Get("item_price").Num()
		c := p.Get("currency").Str()
		switch {
		case currency == "":
			currency = c
		case c != "" && c != currency:
			mixed = true
		}
		return true
	})
	var s string
	if lines > 0 {
		word := " items"
		if units == 1 {
			word = " item"
		}
		s = strconv.FormatInt(units, 10) + word
		switch {
		case mixed:
			s += ", mixed currencies"
		default:
			s += ", total " + strconv.FormatFloat(total, 'f', 2, 64)
			if currency != "" {
				s += " " + currency
			}
		}
	}
	return Join(" · ", s, obj.Get("text").Str()), ""
}

// Summary is "title (code N)" for an error object; with details,
// "title (code N): details". title is the error's title (or message).
func (e *Error) Summary(withDetails bool) (summary, title string) {
	title = Scalar(e.Title)
	if title == "" {
		title = Scalar(e.Message)
	}
	s := title
	if code := Scalar(e.Code); code != "" {
		s = Detail(title, "code "+code)
	}
	if withDetails {
		d := Scalar(e.DataDetails)
		if d == "" {
			d = Scalar(e.Details)
		}
		if d != "" && d != title {
			s = Join(": ", s, d)
		}
	}
	return s, title
}

// Scalar returns a scalar's text from its JSON text: a string's value, a
// number's or boolean's text; "" for null, absent, objects and arrays.
func Scalar(raw string) string {
	if raw == "" {
		return ""
	}
	switch raw[0] {
	case '"':
		return Str(raw)
	case '{', '[', 'n':
		return ""
	}
	return raw
}

// lower lowercases s without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Join joins the non-empty parts with sep.
func Join(sep string, parts ...string) string {
	n, k := 0, 0
	for _, p := range parts {
		if p != "" {
			n += len(p)
			k++
		}
	}
	if k == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n + (k-1)*len(sep))
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

// Detail appends " (d)" to s when d is not empty ("d" alone when s is).
func Detail(s, d string) string {
	switch {
	case d == "":
		return s
	case s == "":
		return d
	}
	return s + " (" + d + ")"
}
