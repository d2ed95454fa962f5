package gen

import (
	"encoding/json"
	"strings"
	"time"
)

// Sinch callback types, with the members in the order of the documented
// examples.

type sinchBatch struct {
	Total      int         `json:"total"`
	Data       []any       `json:"data"`
	ClientInfo *clientInfo `json:"clientInfo,omitempty"`
}

type clientInfo struct {
	CustomerID   int `json:"customerId"`
	SubAccountID int `json:"subAccountId"`
	UserID       int `json:"userId"`
}

type sinchMO struct {
	ID            string         `json:"id"`
	Source        string         `json:"source"`
	Origin        string         `json:"origin"`
	UserProfile   *userProfile   `json:"userProfile,omitempty"`
	CampaignID    int            `json:"campaignId,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
	CampaignAlias string         `json:"campaignAlias,omitempty"`
	FlowID        string         `json:"flowId,omitempty"`
	ExtraInfo     *string        `json:"extraInfo,omitempty"`
	MessageID     string         `json:"messageId,omitempty"`
	Message       sinchMessage   `json:"message"`
	ReceivedAt    int64          `json:"receivedAt"`
	ReceivedDate  string         `json:"receivedDate"`
	Referral      *sinchReferral `json:"referral,omitempty"`
	MtSentAt      int64          `json:"mtSentAt,omitempty"`
	Session       *sinchSession  `json:"session,omitempty"`
}

type userProfile struct {
	Name       string `json:"name,omitempty"`
	WhatsAppID string `json:"whatsAppId,omitempty"`
}

type sinchMessage struct {
	Type        string            `json:"type,omitempty"`
	MessageText string            `json:"messageText,omitempty"`
	Payload     string            `json:"payload,omitempty"`
	MediaURL    string            `json:"mediaUrl,omitempty"`
	MimeType    string            `json:"mimeType,omitempty"`
	Caption     string            `json:"caption,omitempty"`
	Location    *sinchLocation    `json:"location,omitempty"`
	Contacts    []contactCard     `json:"contacts,omitempty"`
	Interactive *sinchInteractive `json:"interactive,omitempty"`
}

type sinchLocation struct {
	GeoPoint string `json:"geoPoint"`
	Name     string `json:"name,omitempty"`
	Address  string `json:"address,omitempty"`
}

type sinchInteractive struct {
	Type        string            `json:"type"`
	ListReply   *sinchListReply   `json:"listReply,omitempty"`
	ButtonReply *sinchButtonReply `json:"buttonReply,omitempty"`
}

type sinchListReply struct {
	RowIdentifier string `json:"rowIdentifier"`
	RowTitle      string `json:"rowTitle"`
}

type sinchButtonReply struct {
	Payload string `json:"payload"`
	Title   string `json:"title"`
}

type sinchReferral struct {
	HeadLine   string `json:"headLine"`
	Body       string `json:"body"`
	SourceType string `json:"sourceType"`
	SourceID   string `json:"sourceId"`
	SourceURL  string `json:"sourceUrl"`
	MediaType  string `json:"mediaType"`
	MediaURL   string `json:"mediaUrl"`
}

type sinchSession struct {
	ID        string `json:"id"`
	CreatedAt int64  `json:"createdAt"`
}

type sinchStatus struct {
	ID                  string `json:"id"`
	CorrelationID       string `json:"correlationId,omitempty"`
	Destination         string `json:"destination"`
	Origin              string `json:"origin"`
	CampaignID          int    `json:"campaignId,omitempty"`
	CampaignAlias       string `json:"campaignAlias,omitempty"`
	FlowID              string `json:"flowId,omitempty"`
	Sent                bool   `json:"sent"`
	SentStatusCode      int    `json:"sentStatusCode"`
	SentStatus          string `json:"sentStatus"`
	SentDate            string `json:"sentDate,omitempty"`
	SentAt              int64  `json:"sentAt,omitempty"`
	Delivered           bool   `json:"delivered"`
	DeliveredStatusCode int    `json:"deliveredStatusCode,omitempty"`
	DeliveredStatus     string `json:"deliveredStatus,omitempty"`
	DeliveredDate       string `json:"deliveredDate,omitempty"`
	DeliveredAt         int64  `json:"deliveredAt,omitempty"`
	Read                bool   `json:"read"`
	ReadDate            string `json:"readDate,omitempty"`
	ReadAt              int64  `json:"readAt,omitempty"`
	UpdatedDate         string `json:"updatedDate"`
	UpdatedAt           int64  `json:"updatedAt"`
	Type                string `json:"type"`
}

type segmentation struct {
	SegmentationList []segmentationList `json:"segmentation_list"`
}

type segmentationList struct {
	ID           int    `json:"id"`
	CustomerID   int    `json:"customerId"`
	SubAccountID int    `json:"subAccountId"`
	Name         string `json:"name"`
	Active       bool   `json:"active"`
}

// sinchBatch builds a callback of g.batch items. A callback carries
// either MOs or statuses, as Sinch sends them: the first type drawn
// decides, later items draw among the types of the same kind.
func (g *Generator) sinchBatch(first string) *sinchBatch {
	biz := g.business()
	b := &sinchBatch{}
	status := first == "status"
	for i := range g.batch {
		typ := first
		if i > 0 {
			typ = g.sameKind(status)
		}
		if status {
			b.Data = append(b.Data, g.sinchStatus(biz))
		} else {
			b.Data = append(b.Data, g.sinchMO(biz, typ))
		}
	}
	b.Total = len(b.Data)
	if status || g.chance(0.5) {
		b.ClientInfo = &clientInfo{CustomerID: biz.customerID, SubAccountID: biz.subAccount, UserID: biz.userID}
	}
	return b
}

// sameKind draws a type that is a status when status is set and an MO type
// otherwise, among the generator's types (falling back to the first kind).
func (g *Generator) sameKind(status bool) string {
	var pool []string
	for _, t := range g.types {
		if (t == "status") == status {
			pool = append(pool, t)
		}
	}
	if len(pool) == 0 {
		return g.types[0]
	}
	return g.pick(pool)
}

// sinchType returns the Sinch message.type of typ: upper case; location
// and contacts carry none, as in the documented examples.
func sinchType(typ string) string {
	switch typ {
	case "location", "contacts", "status":
		return ""
	}
	return strings.ToUpper(typ)
}

func (g *Generator) sinchMO(biz *business, typ string) *sinchMO {
	u := g.user(biz.country)
	at := g.tick()
	mo := &sinchMO{
		ID:           g.uuid(),
		Source:       u.phone,
		Origin:       biz.phone,
		UserProfile:  &userProfile{Name: u.name},
		ReceivedAt:   at.UnixMilli(),
		ReceivedDate: isoMillis(at),
	}
	if g.chance(0.4) {
		mo.UserProfile.WhatsAppID = u.phone
	}
	if g.chance(0.7) {
		mo.CampaignID, mo.CampaignAlias, mo.FlowID = biz.campaign, biz.alias, biz.flow
		mo.CorrelationID = "order-" + g.digits(5) + "-confirmation"
		mo.ExtraInfo = g.extraInfo(biz)
	}
	if g.chance(0.3) {
		mo.MtSentAt = at.Add(-time.Duration(1+g.rng.IntN(3600)) * time.Second).UnixMilli()
	}
	if g.chance(0.2) {
		mo.Session = &sinchSession{ID: g.uuid(), CreatedAt: at.Add(-time.Duration(g.rng.IntN(86400)) * time.Second).UnixMilli()}
	}
	if typ == "text" && g.chance(0.1) {
		mo.Referral = &sinchReferral{
			HeadLine: "Frete grátis esta semana", Body: "Aproveite 20% off em toda a loja", SourceType: "ad",
			SourceID: g.digits(15), SourceURL: "https://fb.me/" + g.digits(9),
			MediaType: "image", MediaURL: "https://scontent.xx.fbcdn.net/v/t45.1600-4/" + g.digits(9) + "_n.jpg",
		}
	}
	lang := u.country.lang
	m := &mo.Message
	m.Type = sinchType(typ)
	switch typ {
	case "text":
		m.MessageText = g.text(lang)
	case "image", "audio", "document", "sticker", "video":
		mime, ext := g.mime(typ)
		m.MimeType = mime
		m.MediaURL = "https://media.example.com/whatsapp/mo/" + mo.ID + "." + ext
		if (typ == "image" || typ == "video" || typ == "document") && g.chance(0.6) {
			m.Caption = g.caption(lang)
		}
	case "location":
		lat, lon := g.coords(u.country)
		m.Location = &sinchLocation{GeoPoint: formatGeo(lat, lon)}
		if g.chance(0.6) {
			m.Location.Name = g.pick(u.country.cities)
			m.Location.Address = g.street(u.country)
		}
	case "contacts":
		m.Contacts = g.cards(u.country)
	case "button":
		q := quickReplies[g.rng.IntN(len(quickReplies))]
		m.MessageText, m.Payload = q.text, q.payload
		mo.MessageID = g.uuid()
	case "interactive":
		if g.chance(0.5) {
			r := listRows[g.rng.IntN(len(listRows))]
			m.MessageText = r.title
			m.Interactive = &sinchInteractive{Type: "LIST_REPLY", ListReply: &sinchListReply{RowIdentifier: r.id, RowTitle: r.title}}
		} else {
			r := buttonReplies[g.rng.IntN(len(buttonReplies))]
			m.MessageText = r.title
			m.Interactive = &sinchInteractive{Type: "BUTTON_REPLY", ButtonReply: &sinchButtonReply{Payload: r.id, Title: r.title}}
		}
	}
	return mo
}

func formatGeo(lat, lon float64) string {
	return formatFloat(lat) + "," + formatFloat(lon)
}

// extraInfo is empty most of the time; sometimes it carries segmentation
// lists as JSON text.
func (g *Generator) extraInfo(biz *business) *string {
	s := ""
	if g.chance(0.3) {
		seg := segmentation{SegmentationList: []segmentationList{{
			ID: 1000 + g.rng.IntN(9000), CustomerID: biz.customerID, SubAccountID: biz.subAccount,
			Name: g.pick([]string{"clientes VIP", "leads março", "recompra 30 dias"}), Active: g.chance(0.8),
		}}}
		b, _ := json.Marshal(seg)
		s = string(b)
	}
	return &s
}

// Sinch status scenarios with codes from the documented table.
var sinchOutcomes = []struct {
	sent                bool
	sentCode            int
	sentStatus          string
	delivered, read     bool
	deliveredCode       int
	deliveredStatusText string
}{
	{true, 2, "SENT_SUCCESS", false, false, 0, ""},
	{true, 2, "SENT_SUCCESS", true, false, 4, "DELIVERED_SUCCESS"},
	{true, 2, "SENT_SUCCESS", true, true, 5, "READ_SUCCESS"},
	{true, 2, "SENT_SUCCESS", true, true, 5, "READ_SUCCESS"},
	{true, 2, "SENT_SUCCESS", false, false, 101, "EXPIRED"},
	{true, 2, "SENT_SUCCESS", false, false, 104, "NOT_DELIVERED"},
	{false, 202, "INVALID_DESTINATION_NUMBER", false, false, 0, ""},
	{false, 204, "DESTINATION_BLOCKED_BY_OPTOUT", false, false, 0, ""},
}

func (g *Generator) sinchStatus(biz *business) *sinchStatus {
	u := g.user(biz.country)
	o := sinchOutcomes[g.rng.IntN(len(sinchOutcomes))]
	at := g.tick()
	st := &sinchStatus{
		ID: g.uuid(), CorrelationID: "order-" + g.digits(5) + "-confirmation",
		Destination: u.phone, Origin: biz.phone,
		CampaignID: biz.campaign, CampaignAlias: biz.alias, FlowID: biz.flow,
		Sent: o.sent, SentStatusCode: o.sentCode, SentStatus: o.sentStatus,
		Delivered: o.delivered, Read: o.read, Type: "MESSAGE",
	}
	if !g.chance(0.7) {
		st.CampaignID, st.CampaignAlias, st.FlowID = 0, "", ""
	}
	sent := at
	last := sent
	if o.sent {
		st.SentDate, st.SentAt = isoMillis(sent), sent.UnixMilli()
	}
	if o.deliveredCode != 0 {
		st.DeliveredStatusCode, st.DeliveredStatus = o.deliveredCode, o.deliveredStatusText
	}
	if o.delivered {
		d := sent.Add(time.Duration(300+g.rng.IntN(5000)) * time.Millisecond)
		st.DeliveredDate, st.DeliveredAt = isoMillis(d), d.UnixMilli()
		last = d
	}
	if o.read {
		r := last.Add(time.Duration(1+g.rng.IntN(600)) * time.Second)
		st.ReadDate, st.ReadAt = isoMillis(r), r.UnixMilli()
		last = r
	}
	if last.After(g.clock) {
		g.clock = last
	}
	st.UpdatedDate, st.UpdatedAt = isoMillis(last), last.UnixMilli()
	return st
}
