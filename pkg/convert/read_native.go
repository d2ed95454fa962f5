package convert

// readOnPrem fills d from an On-Premises body: one group, no business number.
func (c *Converter) readOnPrem(root val, d *doc) {
	g := c.newGroup(d)
	g.off = root.Index()
	c.readNotification(root, g)
}

// readCloud fills d from a Cloud API envelope: one group per messages change.
// Changes of other fields (account_update, calls…) carry no messages.
func (c *Converter) readCloud(root val, d *doc) {
	entries := root.Get("entry")
	if !entries.IsArray() {
		return
	}
	entries.ForEach(func(_, e val) bool {
		changes := e.Get("changes")
		if !changes.IsArray() {
			return true
		}
		changes.ForEach(func(_, ch val) bool {
			if !ch.IsObject() || ch.Get("field").Str() != "messages" {
				return true
			}
			v := ch.Get("value")
			if !v.IsObject() {
				return true
			}
			g := c.newGroup(d)
			g.off = v.Index()
			md := v.Get("metadata")
			if dp := md.Get("display_phone_number"); dp.IsString() {
				g.business = dp.Str()
			}
			if pn := md.Get("phone_number_id"); pn.Exists() {
				g.phoneID = pn.Raw()
			}
			c.readNotification(v, g)
			return true
		})
		return true
	})
}

func (c *Converter) newGroup(d *doc) *group {
	if len(d.groups) < cap(d.groups) {
		d.groups = d.groups[:len(d.groups)+1]
		g := &d.groups[len(d.groups)-1]
		g.reset()
		return g
	}
	d.groups = append(d.groups, group{})
	return &d.groups[len(d.groups)-1]
}

func (c *Converter) readNotification(v val, g *group) {
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "contacts":
			if !x.IsArray() {
				return true
			}
			n := 0
			x.ForEach(func(_, el val) bool {
				n++
				if el.IsObject() {
					g.contacts = append(g.contacts, readContact(el))
				}
				return true
			})
			g.noContacts = n == 0
		case "messages":
			if !x.IsArray() {
				return true
			}
			x.ForEach(func(_, el val) bool {
				if el.IsObject() {
					g.messages = append(g.messages, message{})
					readMessage(el, &g.messages[len(g.messages)-1])
				}
				return true
			})
		case "statuses":
			if !x.IsArray() {
				return true
			}
			x.ForEach(func(_, el val) bool {
				if el.IsObject() {
					g.statuses = append(g.statuses, readStatus(el))
				}
				return true
			})
		case "errors":
			g.errors = readErrors(x, g.errors)
			g.noErrors = x.IsArray() && x.Len() == 0
		}
		return true
	})
}

func readContact(v val) contact {
	ct := contact{off: v.Index()}
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "wa_id":
			ct.waID, ct.waIDS = x.Raw(), x.Str()
		case "profile":
			if x.IsObject() {
				ct.hasProfile = true
				if n := x.Get("name"); n.Exists() {
					ct.name = n.Raw()
				}
				if u := x.Get("username"); u.Exists() {
					ct.username = u.Raw()
				}
			}
		case "user_id":
			ct.userID = x.Raw()
		case "parent_user_id":
			ct.parentUserID = x.Raw()
		case "identity_key_hash":
			ct.identityKeyHash = x.Raw()
		}
		return true
	})
	return ct
}

// bodyKeys are the members that carry a message's content, by type.
var bodyKeys = [...]string{"text", "image", "audio", "video", "document", "sticker", "voice", "location",
	"contacts", "button", "interactive", "order", "system", "reaction", "unsupported"}

func bodyIndex(k string) int {
	for i, b := range bodyKeys {
		if b == k {
			return i
		}
	}
	return -1
}

func readMessage(v val, m *message) {
	*m = message{off: v.Index()}
	var bodies [len(bodyKeys)]val
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "from":
			m.from, m.fromS = x.Raw(), x.Str()
		case "from_user_id":
			m.fromUID = x.Raw()
		case "from_parent_user_id":
			m.fromPUID = x.Raw()
		case "id":
			m.id, m.idS = x.Raw(), x.Str()
		case "timestamp":
			m.ts, m.tsS = x.Raw(), x.Str()
		case "type":
			m.typ = x.Str()
		case "group_id":
			m.groupID = x.Raw()
		case "context":
			if x.IsObject() {
				m.ctx = readContext(x)
			}
		case "referral":
			if x.IsObject() {
				m.ref = readReferral(x)
			}
		case "identity":
			m.identity = x
		case "errors":
			m.errors = readErrors(x, nil)
			m.hasErrs = x.IsArray()
		default:
			if i := bodyIndex(k.Str()); i >= 0 {
				bodies[i] = x
			}
		}
		return true
	})
	body := func(name string) val { return bodies[bodyIndex(name)] }
	switch m.typ {
	case "text":
		if b := body("text"); b.IsObject() {
			m.text = b.Get("body").Raw()
		}
	case "image", "audio", "video", "document", "sticker", "voice":
		if b := body(m.typ); b.IsObject() {
			m.media = readMedia(b)
			if m.typ == "audio" && m.media.voice == "true" {
				m.typ = "voice" // Cloud voice note
			}
		}
	case "location":
		if b := body("location"); b.IsObject() {
			b.ForEach(func(k, x val) bool {
				switch k.Str() {
				case "latitude":
					m.loc.lat = x.Raw()
				case "longitude":
					m.loc.long = x.Raw()
				case "name":
					m.loc.name = x.Raw()
				case "address":
					m.loc.address = x.Raw()
				case "url":
					m.loc.url = x.Raw()
				}
				return true
			})
		}
	case "contacts":
		if b := body("contacts"); b.IsArray() {
			m.cards = b
		}
	case "button":
		if b := body("button"); b.IsObject() {
			m.button = [2]string{b.Get("text").Raw(), b.Get("payload").Raw()}
		}
	case "interactive":
		if b := body("interactive"); b.IsObject() {
			m.inter = readInteractive(b)
		}
	case "order":
		if b := body("order"); b.IsObject() {
			m.order = b
		}
	case "system":
		if b := body("system"); b.IsObject() {
			m.system = readSystem(b)
		}
	case "reaction":
		if b := body("reaction"); b.IsObject() {
			m.reaction = b
		}
	case "unsupported", "unknown":
		if b := body("unsupported"); b.IsObject() {
			m.unsupp = b
		}
	}
}

func readMedia(v val) media {
	var md media
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "id":
			md.id = x.Raw()
		case "mime_type":
			md.mime = x.Raw()
		case "sha256":
			md.sha = x.Raw()
		case "caption":
			md.caption = x.Raw()
		case "filename":
			md.filename = x.Raw()
		case "animated":
			md.animated = x.Raw()
		case "url":
			md.url = x.Raw()
		case "link":
			md.link = x.Raw()
		case "voice":
			md.voice = x.Raw()
		case "metadata":
			md.metadata = x
		}
		return true
	})
	return md
}

func readContext(v val) msgContext {
	cx := msgContext{present: true}
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "from":
			cx.from = x.Raw()
		case "id":
			cx.id = x.Raw()
		case "group_id":
			cx.groupID = x.Raw()
		case "forwarded":
			cx.forwarded = x.Raw()
		case "frequently_forwarded":
			cx.frequent = x.Raw()
		case "mentions":
			cx.mentions = x
		case "referred_product":
			cx.product = x
		}
		return true
	})
	return cx
}

func readReferral(v val) referral {
	r := referral{present: true}
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "headline":
			r.headline = x.Raw()
		case "body":
			r.body = x.Raw()
		case "source_type":
			r.sourceType = x.Raw()
		case "source_id":
			r.sourceID = x.Raw()
		case "source_url":
			r.sourceURL = x.Raw()
		case "media_type":
			r.mediaType = x.Raw()
		case "image_url":
			r.imageURL = x.Raw()
		case "video_url":
			r.videoURL = x.Raw()
		case "thumbnail_url":
			r.thumbnailURL = x.Raw()
		case "ctwa_clid":
			r.ctwaClid = x.Raw()
		case "welcome_message":
			r.welcome = x
		case "image", "video": // On-Premises: the ad's media object
			if !x.IsObject() || r.mediaType != "" {
				return true
			}
			r.mediaType = `"` + k.Str() + `"`
			if l := x.Get("link"); l.Exists() {
				if k.Str() == "image" {
					r.imageURL = l.Raw()
				} else {
					r.videoURL = l.Raw()
				}
			}
		}
		return true
	})
	return r
}

func readInteractive(v val) interactive {
	it := interactive{present: true}
	var replies [4]val
	names := [4]string{"button_reply", "list_reply", "nfm_reply", "call_permission_reply"}
	v.ForEach(func(k, x val) bool {
		if k.Str() == "type" {
			it.typ = x.Str()
			return true
		}
		for i, n := range names {
			if k.Str() == n {
				replies[i] = x
			}
		}
		return true
	})
	for i, n := range names {
		if n != it.typ || !replies[i].IsObject() {
			continue
		}
		it.body = replies[i]
		if i < 2 {
			it.hasReply = true
			it.id = replies[i].Get("id").Raw()
			it.title = replies[i].Get("title").Raw()
			it.desc = replies[i].Get("description").Raw()
		}
	}
	return it
}

func readSystem(v val) system {
	s := system{present: true}
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "body":
			s.body = x.Raw()
		case "type":
			s.typ, s.typS = x.Raw(), x.Str()
		case "new_wa_id":
			s.newWaID = x.Raw()
		case "wa_id":
			s.waID = x.Raw()
		case "identity":
			s.identity = x.Raw()
		case "user":
			s.user = x.Raw()
		case "customer":
			s.cust = x.Raw()
		case "user_id":
			s.userID = x.Raw()
		case "parent_user_id":
			s.parentUserID = x.Raw()
		}
		return true
	})
	return s
}

func readErrors(v val, out []apiErr) []apiErr {
	if !v.IsArray() {
		return out
	}
	v.ForEach(func(_, el val) bool {
		if !el.IsObject() {
			return true
		}
		e := apiErr{off: el.Index()}
		el.ForEach(func(k, x val) bool {
			switch k.Str() {
			case "code":
				e.code = x.Raw()
			case "title":
				e.title = x.Raw()
			case "details":
				e.details = x.Raw()
			case "message":
				e.message = x.Raw()
			case "href":
				e.href = x.Raw()
			case "error_data":
				if d := x.Get("details"); d.Exists() {
					e.dataDetails = d.Raw()
				}
			}
			return true
		})
		out = append(out, e)
		return true
	})
	return out
}

func readStatus(v val) status {
	s := status{off: v.Index()}
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "id":
			s.id, s.idS = x.Raw(), x.Str()
		case "status":
			s.st, s.stRaw = x.Str(), x.Raw()
		case "timestamp":
			s.ts, s.tsS = x.Raw(), x.Str()
		case "recipient_id":
			s.recipientID = x.Raw()
		case "type":
			s.typ = x.Raw()
		case "conversation":
			s.conversation = x
		case "pricing":
			s.pricing = x
		case "errors":
			s.errors = readErrors(x, nil)
			s.hasErrs = x.IsArray()
		case "recipient_type":
			s.recipientType = x.Raw()
		case "recipient_participant_id":
			s.participantID = x.Raw()
		case "recipient_user_id":
			s.recipientUserID = x.Raw()
		case "parent_recipient_user_id":
			s.parentRecipientUserID = x.Raw()
		case "recipient_identity_key_hash":
			s.identityKeyHash = x.Raw()
		case "biz_opaque_callback_data":
			s.bizOpaque = x.Raw()
		}
		return true
	})
	return s
}
