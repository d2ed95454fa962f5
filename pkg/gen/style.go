package gen

import (
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// style is how one provider shapes the values the model leaves open: what
// its message ids look like and where its media live. These are values,
// not wire names — the writers spell the fields — but they differ per
// provider, and realistic payloads need them. A format without a style of
// its own gets UUIDs and example.com media.
type style struct {
	// id returns a message id for a message from (or, outbound, to) u.
	id func(g *Generator, u *user, outbound bool) string
	// mediaID returns a media id ("" when the provider has none).
	mediaID func(g *Generator) string
	// mediaURL returns where a media file is downloaded from ("" when
	// the payload carries no URL).
	mediaURL func(g *Generator, r mediaRef) string
}

// mediaRef is what a media URL may be built from.
type mediaRef struct {
	id, message, ext string
	at               time.Time
}

var styles = map[payload.Format]*style{
	// Sinch: UUIDs; media on a Sinch host, named after the message.
	payload.Sinch: {
		id:      func(g *Generator, _ *user, _ bool) string { return g.uuid() },
		mediaID: func(*Generator) string { return "" },
		mediaURL: func(_ *Generator, r mediaRef) string {
			return "https://media.example.com/whatsapp/mo/" + r.message + "." + r.ext
		},
	},
	// On-Premises: "ABGG…" ids; media downloaded by UUID from the Coreapp.
	payload.WhatsApp: {
		id:       func(g *Generator, _ *user, outbound bool) string { return g.onPremID(outbound) },
		mediaID:  func(g *Generator) string { return g.uuid() },
		mediaURL: func(*Generator, mediaRef) string { return "" },
	},
	// Cloud API: wamid. ids; numeric media ids with a lookaside URL
	// (from November 2025).
	payload.Cloud: {
		id:      func(g *Generator, u *user, outbound bool) string { return g.wamid(g.idDigits(u), outbound) },
		mediaID: func(g *Generator) string { return g.digits(16) },
		mediaURL: func(g *Generator, r mediaRef) string {
			return "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=" + r.id +
				"&ext=" + strconv.FormatInt(r.at.Unix(), 10) + "&hash=AT" + g.token(28)
		},
	},
}

var defaultStyle = &style{
	id:      func(g *Generator, _ *user, _ bool) string { return g.uuid() },
	mediaID: func(g *Generator) string { return g.uuid() },
	mediaURL: func(_ *Generator, r mediaRef) string {
		return "https://media.example.com/" + r.message + "." + r.ext
	},
}

func styleOf(f payload.Format) *style {
	if s := styles[f]; s != nil {
		return s
	}
	return defaultStyle
}

// idDigits is what a wamid encodes of the user: the phone number, or for
// a username-only user (whose number the business must not learn) the
// digits of the user id.
func (g *Generator) idDigits(u *user) string {
	if g.identity != IdentityBSUID {
		return u.phone
	}
	_, d, _ := strings.Cut(u.userID, ".")
	return d
}
