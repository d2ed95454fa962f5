package gen

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/message"
)

// country describes how phone numbers, names and prices look in one
// market. Numbers are built as WhatsApp writes them: country code and
// national number, digits only.
type country struct {
	cc       string   // calling code
	iso      string   // ISO 3166 code (BSUID prefix, addresses)
	prefixes []string // national number prefixes (area code, mobile digit)
	digits   int      // national digits after the prefix
	name     string   // in its own language, for addresses
	lang     language
	scale    float64 // typical unit price, in currency
	currency string
	names    []string
	cities   []string
	lat, lon float64 // a point in the country, for locations
}

var countries = []country{
	{cc: "55", iso: "BR", prefixes: []string{"119", "219", "319", "419", "519", "619", "719", "819", "199"}, digits: 8, name: "Brasil", lang: pt, scale: 80, currency: "BRL",
		names:  []string{"João Silva", "Maria da Conceição", "Ana Souza", "Luís Gonçalves", "Mariana Costa", "Thiago Araújo", "Beatriz Fernandes", "Rafael Lima", "Letícia Brandão"},
		cities: []string{"São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Campinas", "Salvador"}, lat: -23.55, lon: -46.63},
	{cc: "1", iso: "US", prefixes: []string{"650", "415", "212", "631", "305", "512", "206"}, digits: 7, name: "United States", lang: en, scale: 40, currency: "USD",
		names:  []string{"Daniel Okafor", "Emily Carter", "Kerry Fisher", "Olivia Brown", "Marcus O'Neill", "Chloé Dubois"},
		cities: []string{"Menlo Park", "New York", "Austin", "Seattle", "Miami"}, lat: 37.45, lon: -122.18},
	{cc: "52", iso: "MX", prefixes: []string{"155", "133", "181", "122"}, digits: 8, name: "México", lang: es, scale: 600, currency: "MXN",
		names:  []string{"María José Pérez", "José Ángel Muñoz", "Lucía Ramírez", "Sofía Núñez", "Héctor Hernández", "Ximena Cárdenas"},
		cities: []string{"Ciudad de México", "Guadalajara", "Monterrey", "Puebla"}, lat: 19.43, lon: -99.13},
	{cc: "91", iso: "IN", prefixes: []string{"98", "97", "88", "70"}, digits: 8, name: "India", lang: en, scale: 2500, currency: "INR",
		names:  []string{"Priya Sharma", "Rahul Verma", "Aarav Patel", "Ananya Iyer"},
		cities: []string{"Mumbai", "Bengaluru", "Delhi", "Pune"}, lat: 19.08, lon: 72.88},
	{cc: "34", iso: "ES", prefixes: []string{"6", "7"}, digits: 8, name: "España", lang: es, scale: 40, currency: "EUR",
		names:  []string{"Íñigo Larrañaga", "Nuria Puig", "Álvaro Domínguez", "Begoña Ruiz"},
		cities: []string{"Madrid", "Barcelona", "Valencia", "Bilbao"}, lat: 40.42, lon: -3.70},
	{cc: "351", iso: "PT", prefixes: []string{"91", "93", "96"}, digits: 7, name: "Portugal", lang: pt, scale: 40, currency: "EUR",
		names:  []string{"Inês Gonçalves", "Tiago Simões", "Conceição Antunes"},
		cities: []string{"Lisboa", "Porto", "Coimbra"}, lat: 38.72, lon: -9.14},
	{cc: "57", iso: "CO", prefixes: []string{"300", "310", "315", "320"}, digits: 7, name: "Colombia", lang: es, scale: 90000, currency: "COP",
		names:  []string{"Camila Rodríguez", "Andrés Gómez", "Valentina Peña"},
		cities: []string{"Bogotá", "Medellín", "Cali"}, lat: 4.71, lon: -74.07},
	{cc: "54", iso: "AR", prefixes: []string{"911", "9351", "9261"}, digits: 7, name: "Argentina", lang: es, scale: 30000, currency: "ARS",
		names:  []string{"Martín Fernández", "Agustina López", "Ramiro Díaz"},
		cities: []string{"Buenos Aires", "Córdoba", "Mendoza"}, lat: -34.60, lon: -58.38},
}

// language of the texts a user writes.
type language uint8

const (
	en language = iota
	pt
	es
)

// Message texts, with accents, emoji, quotes, backslashes, control
// characters, <, > and & — what real users type and JSON must escape.
var texts = [...][]string{
	en: {
		"Hi! Is the store open on Sunday?",
		"Can I change my delivery address to \"42 Baker St, Apt 3\"?",
		"Thanks 🙏 got it",
		"My order #48213 hasn't arrived yet 😕",
		"Price for 2 × 500 g? <urgent>",
		"See you at 5pm & bring the receipt",
		"The file is in C:\\Users\\ana\\Downloads\\invoice.pdf",
		"Line one\nLine two\tindented",
		"👍👍",
		"STOP",
		"Do you ship to Canada? 🇨🇦",
	},
	pt: {
		"Olá! Vocês entregam em São Paulo?",
		"Quero trocar o tênis, ficou pequeno 😅",
		"Pode me mandar o boleto de novo? Não chegou",
		"Obrigada!! ❤️",
		"Qual o horário de funcionamento amanhã?",
		"Meu pedido nº 1234 veio com defeito\nO que faço?",
		"Ele disse: \"chega amanhã\" 🤔",
		"Bom dia! Vocês entregam em Campinas?",
		"Pão de queijo & café — quanto fica? ☕",
	},
	es: {
		"Hola, ¿tienen envío a Guadalajara?",
		"¡Gracias! Todo llegó bien 🎉",
		"¿Cuánto cuesta la reparación de pantalla?",
		"Necesito factura con RFC, ¿me ayudan?",
		"Mañana paso por la tienda 👋",
		"El código es «ABC-123» — ¿es correcto?",
		"Texto con separador\u2028de línea y <etiquetas>",
		"Quiero cancelar mi suscripción\r\nGracias",
	},
}

var captions = [...][]string{
	en: {"Here's the receipt", "Is this the right model?", "Damaged box 😞", "Front and back"},
	pt: {"Foto da fachada da loja", "Este modelo tem em azul?", "Chegou assim 😢", "Comprovante do Pix"},
	es: {"Así llegó el paquete", "¿Tienen este en talla M?", "Comprobante de pago", "La pantalla rota 📱"},
}

var emoji = []string{"👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "🔥", "👏🏽", "🇧🇷"}

func (g *Generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *Generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *Generator) country() *country { return &countries[g.rng.IntN(len(countries))] }

// phone returns a digits-only number of country c (8 to 15 digits).
func (g *Generator) phone(c *country) string {
	var b strings.Builder
	b.WriteString(c.cc)
	b.WriteString(g.pick(c.prefixes))
	for range c.digits {
		b.WriteByte(byte('0' + g.rng.IntN(10)))
	}
	return b.String()
}

// digits returns n random digits, the first not zero.
func (g *Generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	b[0] = byte('1' + g.rng.IntN(9))
	return string(b)
}

func (g *Generator) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return b
}

// uuid returns a random (version 4) UUID.
func (g *Generator) uuid() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// wamid returns a Cloud API message id as Meta builds them: base64 of a
// small structure holding the user's number and a hex message key.
func (g *Generator) wamid(phone string, outbound bool) string {
	marker, klen := byte(0x12), 20
	if outbound {
		marker, klen = 0x11, 18
	}
	raw := append(g.idbuf[:0], 0x1c, 0x18, byte(len(phone)))
	raw = append(raw, phone...)
	raw = append(raw, 0x15, 0x02, 0x00, marker, 0x18, byte(klen))
	for range klen / 2 {
		b := byte(g.rng.Uint32())
		raw = append(raw, upperHex[b>>4], upperHex[b&15])
	}
	raw = append(raw, 0x00)
	n := len(raw)
	out := append(raw, "wamid."...)
	out = base64.StdEncoding.AppendEncode(out, raw[:n])
	g.idbuf = out
	return string(out[n:])
}

const upperHex = "0123456789ABCDEF"

const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// onPremID returns an On-Premises message id: "ABGG" (inbound) or "gBGG"
// (outbound) and 24 base64url characters.
func (g *Generator) onPremID(outbound bool) string {
	b := []byte("ABGG")
	if outbound {
		b[0] = 'g'
	}
	for range 24 {
		b = append(b, b64chars[g.rng.IntN(62)]) // ids seen are alphanumeric
	}
	return string(b)
}

func (g *Generator) text(l language) string { return g.pick(texts[l]) }

func (g *Generator) caption(l language) string { return g.pick(captions[l]) }

// coords returns a point near c, rounded as phones report it.
func (g *Generator) coords(c *country) (lat, lon float64) {
	lat = c.lat + (g.rng.Float64()-0.5)*0.6
	lon = c.lon + (g.rng.Float64()-0.5)*0.6
	round := func(x float64) float64 {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 6, 64), 64)
		return v
	}
	return round(lat), round(lon)
}

// price returns a plausible unit price in the currency of c, as a JSON
// number (cents, or a whole amount now and then).
func (g *Generator) price(c *country) []byte {
	cents := int(c.scale*100*(0.1+g.rng.Float64())) + 1
	if g.chance(0.3) {
		cents = max(cents/100*100, 100) // whole amounts appear too
	}
	b := strconv.AppendInt(nil, int64(cents/100), 10)
	if cents%100 != 0 {
		b = append(b, '.', byte('0'+cents%100/10))
		if cents%10 != 0 {
			b = append(b, byte('0'+cents%10))
		}
	}
	return b
}

// business is one WhatsApp Business number the generated traffic goes to.
type business struct {
	country     *country
	phone       string // display phone number, Sinch origin
	phoneID     string // Cloud API phone number id
	waba        string // WhatsApp Business Account id
	catalog     string
	websiteHost string
	// parentIDs: the business has parent BSUIDs enabled (linked
	// portfolios), so users carry a parent user id too.
	parentIDs bool
}

var hosts = []string{"loja-exemplo.com.br", "tienda-ejemplo.mx", "shop.example.com", "store.example.in"}

func (g *Generator) newBusiness() business {
	c := g.country()
	return business{
		country:     c,
		phone:       g.phone(c),
		phoneID:     g.digits(15),
		waba:        g.digits(15),
		catalog:     g.digits(16),
		websiteHost: g.pick(hosts),
		parentIDs:   g.chance(0.25),
	}
}

func (g *Generator) business() *business { return &g.biz[g.rng.IntN(len(g.biz))] }

// appID is the business's Sinch Conversation API app id, a ULID: made
// from its account id rather than drawn, so that adding it changed no
// other generated value.
func (b *business) appID() string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	sum := sha256.Sum256([]byte("app:" + b.waba))
	id := make([]byte, 26)
	for i := range id {
		id[i] = crockford[sum[i]%32]
	}
	id[0] = '0' + sum[26]%8 // a ULID's first character is 0–7
	return string(id)
}

// projectID is the business's Conversation API project id, a UUID made
// from its phone number id.
func (b *business) projectID() string {
	sum := sha256.Sum256([]byte("project:" + b.phoneID))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// user is the end user a payload comes from (or a receipt goes to), with
// every way of naming them; the identity option picks which appear.
type user struct {
	country  *country
	phone    string
	name     string
	userID   string // business-scoped user id
	parentID string // parent BSUID, when the business has them
	username string // "" for users without one
}

// user returns an end user of biz, most of the time from its country (a
// business's customers are mostly local).
func (g *Generator) user(biz *business) user {
	c := biz.country
	if c == nil || g.chance(0.2) {
		c = g.country()
	}
	return g.userIn(biz, c)
}

// userIn is a user of biz from country c.
func (g *Generator) userIn(biz *business, c *country) user {
	u := user{country: c, phone: g.phone(c), name: g.pick(c.names), userID: g.bsuid(c)}
	if biz.parentIDs {
		u.parentID = g.parentBSUID(c)
	}
	// Username-only users always have a username; others now and then.
	if g.identity == IdentityBSUID || g.chance(0.25) {
		u.username = g.username(u.name)
	}
	return u
}

// bsuid returns a business-scoped user id: the user's ISO country code, a
// dot and (up to 128) alphanumerics, digits in every published example.
func (g *Generator) bsuid(c *country) string { return c.iso + "." + g.digits(20) }

// parentBSUID returns a parent BSUID (linked business portfolios).
func (g *Generator) parentBSUID(c *country) string { return c.iso + ".ENT." + g.digits(20) }

// username returns a username for a person called name: letters, digits,
// dots and underscores, 3 to 35 characters.
func (g *Generator) username(name string) string {
	base := emailLocal(name)
	sep := g.pick([]string{".", "_", ""})
	base = strings.ReplaceAll(base, ".", sep)
	if g.chance(0.4) {
		base += g.digits(2)
	}
	return base[:min(len(base), 35)]
}

// mime picks a MIME type for media of kind k and its file extension.
func (g *Generator) mime(k message.Kind) (mime, ext string) {
	var mimes, exts []string
	switch k {
	case message.Image:
		mimes, exts = []string{"image/jpeg", "image/png"}, []string{"jpg", "png"}
	case message.Audio:
		mimes, exts = []string{"audio/ogg; codecs=opus", "audio/mpeg", "audio/aac", "audio/mp4"}, []string{"ogg", "mp3", "aac", "m4a"}
	case message.Voice:
		mimes, exts = []string{"audio/ogg; codecs=opus"}, []string{"ogg"}
	case message.Video:
		mimes, exts = []string{"video/mp4", "video/3gpp"}, []string{"mp4", "3gp"}
	case message.Sticker:
		mimes, exts = []string{"image/webp"}, []string{"webp"}
	default: // document
		mimes = []string{"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain"}
		exts = []string{"pdf", "xlsx", "txt"}
	}
	i := g.rng.IntN(len(mimes))
	return mimes[i], exts[i]
}

var docNames = [...][]string{
	en: {"invoice-48213", "Contract (signed)", "receipt_march"},
	pt: {"Nota Fiscal 3312", "comprovante-pagamento", "Orçamento reforma"},
	es: {"Factura 2024-118", "comprobante_pago", "Cotización año 2026"},
}

// products of an order: retailer id and names are per catalogue.
var skus = []string{"SKU-CAFE-500G", "SKU-FILTRO-103", "SKU-TSHIRT-RED-M", "SKU-CAP-BLK", "SKU-TENIS-42", "SKU-MUG-350ML", "SKU-FUNDA-IP15"}

var listRows = []struct{ id, title, desc string }{
	{"store-0042", "Av. Paulista", "Av. Paulista 1578 · 9h–21h"},
	{"slot-tue-1000", "Terça-feira 10h", "Entrega agendada"},
	{"plan-basic", "Plan básico", "$199 MXN/mes"},
	{"size-m", "Size M", "Chest 96–101 cm"},
	{"support-billing", "Billing & payments", "Invoices, refunds, <card> changes"},
}

var buttonReplies = []struct{ id, title string }{
	{"confirm-yes", "Sim, confirmar"},
	{"confirm-no", "No, gracias"},
	{"talk-agent", "Talk to an agent"},
	{"reschedule", "Reagendar 📅"},
}

var quickReplies = []struct{ text, payload string }{
	{"Sim", "sim"},
	{"Stop promotions", "STOP_PROMOTIONS"},
	{"Quiero más info", "MORE_INFO"},
	{"Track my order", "track-order-48213"},
}

var streets = [...][]string{
	pt: {"Av. Cel. Silva Telles, 977", "Rua Augusta, 1508 - Consolação", "Rua das Flores, 12, 3º andar"},
	es: {"Av. Insurgentes Sur 1602", "Calle de Alcalá, 48", "Carrera 7 # 71-21"},
	en: {"1 Hacker Way", "200 Jefferson Dr", "350 5th Ave, Suite 21"},
}

func (g *Generator) street(c *country) string { return g.pick(streets[c.lang]) }

// Indian addresses, for address replies (Meta's address messages reach
// users in India; Singapore's form differs): a city with its state, the
// first digits of its PIN codes and streets of it.
var indianPlaces = []struct {
	city, state, pin string
	streets          []string
}{
	{"Mumbai", "Maharashtra", "400", []string{"Link Road, Andheri West", "Hill Road, Bandra West", "LBS Marg, Ghatkopar West"}},
	{"Bengaluru", "Karnataka", "560", []string{"100 Feet Road, Indiranagar", "80 Feet Road, Koramangala 4th Block", "Bannerghatta Road, JP Nagar"}},
	{"Delhi", "Delhi", "110", []string{"Ring Road, Lajpat Nagar II", "Aurobindo Marg, Hauz Khas", "Netaji Subhash Place, Pitampura"}},
	{"Pune", "Maharashtra", "411", []string{"FC Road, Shivajinagar", "Baner Road, Baner", "North Main Road, Koregaon Park"}},
}

var (
	indianBuildings = []string{"Sai Krupa Apartments", "Green Park Residency", "Shanti Niketan CHS", "Lakeview Towers", "Sunrise Enclave"}
	indianLandmarks = []string{"Near City Hospital", "Opposite the metro station", "Behind Ganesh Temple", "Next to the post office"}
)

// india is the country of address replies.
func india() *country {
	for i := range countries {
		if countries[i].iso == "IN" {
			return &countries[i]
		}
	}
	return &countries[0]
}

// token returns n base64url characters.
func (g *Generator) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = b64chars[g.rng.IntN(64)]
	}
	return string(b)
}

// formatPhone writes u's number as people type it in a contact card.
func formatPhone(u *user) string {
	n := u.phone[len(u.country.cc):]
	switch len(n) {
	case 11: // +55 11 98765-4321
		n = n[:2] + " " + n[2:7] + "-" + n[7:]
	case 10: // +1 650 555-1234
		n = n[:3] + " " + n[3:6] + "-" + n[6:]
	case 9: // +34 612 345 678
		n = n[:3] + " " + n[3:6] + " " + n[6:]
	}
	return "+" + u.country.cc + " " + n
}

// emailLocal turns a name into the local part of an e-mail address (or a
// username): lower case, accents dropped, words joined by dots.
func emailLocal(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch r {
		case 'á', 'à', 'â', 'ã', 'Á':
			r = 'a'
		case 'é', 'ê', 'É':
			r = 'e'
		case 'í', 'Í':
			r = 'i'
		case 'ó', 'ô', 'õ', 'Ó':
			r = 'o'
		case 'ú', 'Ú':
			r = 'u'
		case 'ç', 'Ç':
			r = 'c'
		case 'ñ', 'Ñ':
			r = 'n'
		case ' ':
			r = '.'
		case '\'':
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// errorCodesURL is the page WhatsApp error objects link to.
const errorCodesURL = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

// failures are why an outbound message fails, with the Cloud API's error
// codes (On-Premises had older ones, such as 470, which 2026 traffic no
// longer shows); formats with codes of their own translate them (Sinch).
var failures = []struct{ code, title, details string }{
	{"131047", "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	{"131026", "Message undeliverable", "Message failed to send because the recipient's phone number is not a WhatsApp number or cannot receive messages."},
	{"131049", "This message was not delivered to maintain healthy ecosystem engagement.", "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
	{"131050", "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.", "The user has stopped marketing messages."},
}
