package gen

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// The sub-objects the model keeps as parsed values because every format
// that has them shares their schema (message package doc): contact cards,
// orders, reactions, Flow and call-permission replies, unsupported
// markers, pricing and conversations, sticker packs — and the values of
// system changes. This file is the one place in gen that spells member
// names: those of these shared documents, built small and parsed with
// jsontree. The writers copy them against each format's own tables, so a
// member a format lacks is dropped there, not here.

// System change types (the system message's type values).
const (
	systemNumberChanged   = "user_changed_number"
	systemIdentityChanged = "user_identity_changed"
	systemUserIDChanged   = "user_changed_user_id" // 2026: the new BSUID after a number change
)

// doc starts a small document in g.jw; parsed returns it as a value.
func (g *Generator) doc() *jsontree.Writer {
	g.jw.Reset(false, 0)
	return &g.jw
}

func (g *Generator) parsed() jsontree.Value { return jsontree.Parse(string(g.jw.Bytes())) }

// cards returns one or two contact cards, as a user shares them.
func (g *Generator) cards(home *country) jsontree.Value {
	n := 1
	if g.chance(0.2) {
		n = 2
	}
	w := g.doc()
	w.Arr()
	for range n {
		p := g.user(&business{country: home})
		first, last, _ := strings.Cut(p.name, " ")
		w.Elem()
		w.Obj()
		if g.chance(0.4) {
			w.Key("addresses")
			w.Arr()
			w.Elem()
			w.Obj()
			w.KStr("street", g.street(p.country))
			w.KStr("city", g.pick(p.country.cities))
			w.KStr("zip", g.digits(5))
			w.KStr("country", p.country.name)
			w.KStr("country_code", strings.ToLower(p.country.iso))
			w.KStr("type", "HOME")
			w.EndObj()
			w.EndArr()
		}
		if g.chance(0.3) {
			d := time.Date(1950+g.rng.IntN(55), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
			w.KStr("birthday", d.Format("2006-01-02"))
		}
		if g.chance(0.5) {
			w.Key("emails")
			w.Arr()
			w.Elem()
			w.Obj()
			w.KStr("email", emailLocal(p.name)+"@example.com")
			w.KStr("type", "HOME")
			w.EndObj()
			w.EndArr()
		}
		w.Key("name")
		w.Obj()
		w.KStr("formatted_name", p.name)
		w.KStr("first_name", first)
		if last != "" {
			w.KStr("last_name", last)
		}
		w.EndObj()
		if g.chance(0.3) {
			w.Key("org")
			w.Obj()
			w.KStr("company", g.pick([]string{"Padaria Pão Quente", "Taller Núñez", "Acme & Sons"}))
			w.KStr("title", g.pick([]string{"Gerente", "Owner", "Diseñadora"}))
			w.EndObj()
		}
		w.Key("phones")
		w.Arr()
		w.Elem()
		w.Obj()
		w.KStr("phone", formatPhone(&p))
		w.KStr("type", g.pick([]string{"CELL", "HOME", "WORK", "MAIN", "IPHONE"}))
		if g.chance(0.8) {
			w.KStr("wa_id", p.phone)
		}
		w.EndObj()
		w.EndArr()
		if g.chance(0.2) {
			w.Key("urls")
			w.Arr()
			w.Elem()
			w.Obj()
			w.KStr("url", "https://www."+g.pick(hosts))
			w.KStr("type", "WORK")
			w.EndObj()
			w.EndArr()
		}
		w.EndObj()
	}
	w.EndArr()
	return g.parsed()
}

// flowReply is a WhatsApp Flow's answer: the Flow's fields as JSON text.
func (g *Generator) flowReply(it *item) jsontree.Value {
	u := g.user(it.biz)
	first, _, _ := strings.Cut(u.name, " ")
	in := &g.in
	in.Reset(false, 0)
	in.Obj()
	in.KStr("flow_token", g.uuid())
	in.KStr("first_name", first)
	in.KStr("email", emailLocal(first)+"@example.com")
	in.Key("products")
	in.Arr()
	in.Elem()
	in.Str(g.pick([]string{"mobile", "fibra", "tv"}))
	in.Elem()
	in.Str("data")
	in.EndArr()
	in.KStr("comment", g.text(it.u.country.lang))
	in.EndObj()
	w := g.doc()
	w.Obj()
	w.KStr("response_json", string(in.Bytes()))
	w.KStr("body", "Sent")
	w.KStr("name", "flow")
	w.EndObj()
	return g.parsed()
}

func (g *Generator) callPermission() jsontree.Value {
	w := g.doc()
	w.Obj()
	w.KStr("response", g.pick([]string{"accept", "reject"}))
	w.KBool("is_permanent", g.chance(0.3))
	w.KInt("expiration_timestamp", g.clock.Add(7*24*time.Hour).Unix())
	w.KStr("response_source", "user_action")
	w.EndObj()
	return g.parsed()
}

// order is a cart sent from the business's catalogue, in its currency.
func (g *Generator) order(it *item) jsontree.Value {
	w := g.doc()
	w.Obj()
	w.KStr("catalog_id", it.biz.catalog)
	if g.chance(0.5) {
		w.KStr("text", g.text(it.u.country.lang))
	}
	c := it.biz.country
	w.Key("product_items")
	w.Arr()
	start := g.rng.IntN(len(skus))
	for i := range 1 + g.rng.IntN(3) {
		w.Elem()
		w.Obj()
		w.KStr("product_retailer_id", skus[(start+i)%len(skus)])
		w.KInt("quantity", int64(1+g.rng.IntN(4)))
		w.Key("item_price")
		w.Append(g.price(c)...)
		w.KStr("currency", c.currency)
		w.EndObj()
	}
	w.EndArr()
	w.EndObj()
	return g.parsed()
}

// reaction reacts to a message the business sent; a removed reaction
// carries no emoji.
func (g *Generator) reaction(it *item) jsontree.Value {
	w := g.doc()
	w.Obj()
	w.KStr("message_id", g.style.id(g, it.u, true))
	if !g.chance(0.1) {
		w.KStr("emoji", g.pick(emoji))
	}
	w.EndObj()
	return g.parsed()
}

// unsupported names what the user sent that the API cannot deliver.
func (g *Generator) unsupported() jsontree.Value {
	w := g.doc()
	w.Obj()
	w.KStr("type", g.pick([]string{"poll", "event", "view_once"}))
	w.EndObj()
	return g.parsed()
}

func (g *Generator) stickerPack() jsontree.Value {
	w := g.doc()
	w.Obj()
	w.KStr("sticker-pack-id", g.uuid())
	w.KStr("sticker-pack-name", g.pick([]string{"Happy New Year", "Gatinhos 🐱", "Memes del día"}))
	w.KStr("sticker-pack-publisher", g.pick(countries[0].names))
	w.Key("emojis")
	w.Arr()
	w.Elem()
	w.Str(g.pick(emoji))
	w.Elem()
	w.Str(g.pick(emoji))
	w.EndArr()
	w.KStr("ios-app-store-link", "https://apps.apple.com/app/id"+g.digits(9))
	w.KStr("android-app-store-link", "https://play.google.com/store/apps/details?id=com.example.stickers")
	w.KInt("is-first-party-sticker", 0)
	w.EndObj()
	return g.parsed()
}

// pricing is how a receipt is billed (per-message pricing, 2026): service
// replies are free; a sent receipt now and then opens a free entry-point
// window, the one case that still carries a conversation.
func (g *Generator) pricing(sent bool, t time.Time) (pricing, conversation jsontree.Value) {
	category := g.pick([]string{"utility", "marketing", "service", "authentication"})
	typ := g.pick([]string{"regular", "free_customer_service"})
	if typ == "free_customer_service" || category == "service" {
		category, typ = "service", "free_customer_service"
	}
	entry := sent && g.chance(0.3)
	if entry {
		category, typ = "referral_conversion", "free_entry_point"
		w := g.doc()
		w.Obj()
		w.KStr("id", hex.EncodeToString(g.bytes(16)))
		w.KStr("expiration_timestamp", strconv.FormatInt(t.Add(72*time.Hour).Unix(), 10))
		w.Key("origin")
		w.Obj()
		w.KStr("type", "referral_conversion")
		w.EndObj()
		w.EndObj()
		conversation = g.parsed()
	}
	w := g.doc()
	w.Obj()
	w.KBool("billable", typ == "regular")
	w.KStr("pricing_model", "PMP")
	w.KStr("category", category)
	w.KStr("type", typ)
	w.EndObj()
	return g.parsed(), conversation
}

// referral is the click-to-WhatsApp ad or post a conversation started from.
func (g *Generator) referral() message.Referral {
	r := message.Referral{Present: true,
		SourceURL: g.q("https://fb.me/" + g.token(9)), SourceID: g.q(g.digits(15)), SourceType: g.q(g.pick([]string{"ad", "post"})),
		Body: g.q("Frete grátis em todo o site 🚚 & 10% no Pix"), Headline: g.q("Promoção de verão"),
		CtwaClid: g.q("ARA" + g.token(40)),
	}
	if g.chance(0.5) {
		r.MediaType, r.ImageURL = g.q("image"), g.q("https://scontent.xx.fbcdn.net/v/t45.1600-4/"+g.digits(9)+"_n.jpg")
	} else {
		r.MediaType = g.q("video")
		r.VideoURL = g.q("https://video.xx.fbcdn.net/v/t42.1790-2/" + g.digits(9) + "_n.mp4")
		r.ThumbnailURL = g.q("https://scontent.xx.fbcdn.net/v/t15.5256-10/" + g.digits(9) + "_n.jpg")
	}
	return r
}
