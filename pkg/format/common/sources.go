package common

// Public documents the rules come from, cited in each rule's Source (and
// shown by `wamo validate --list-rules --output json` and in SARIF): the
// page title and its address, so that anyone can check a rule against its
// origin. Several pages exist in more than one language; the one read is
// named.
const (
	// SinchMO is Sinch's Spanish MO page, with the field tables.
	SinchMO = `Sinch, "Mensajes (MO)", https://docs-es.sinch.com/documentaciontecnicawhatsapp/sinch-messaging-whatsapp-api/mensajes-mo`
	// SinchMOPT is the Portuguese MO page of the Wavy era.
	SinchMOPT = `Sinch, "MO (mensagens enviadas pelo usuário final para a conta do WhatsApp)", https://docs-pt.sinch.com/documentacao-tecnica-whatsapp/documentacao-tecnica-whatsapp/mo-mensagens-enviadas-pelo-usuario-final-para-a-conta-do-whatsapp`
	// SinchMOPT2 is the later Portuguese MO page (BUTTON, session, clientInfo).
	SinchMOPT2 = `Sinch, "Mensagens (MO)", https://docs-pt.sinch.com/documentacao-tecnica-whatsapp/documentacao-tecnica-whatsapp/mensagens-mo`
	// SinchAPI is the English page with the status-callback and code tables.
	SinchAPI = `Sinch, "WhatsApp API", https://docs.sinch.com/technical-documentation/api-and-integrations/whatsapp-api`
	// SinchInteractive documents interactive replies and STICKER, BUTTON, ORDER.
	SinchInteractive = `Sinch, "WhatsApp Interactive API" (Interactive Message Callback), https://docs-en.sinch.com/technical-documentation/api-and-integrations/whatsapp-interactive-api`
	// SinchWebhooks documents the status (DLR) callback.
	SinchWebhooks = `Sinch, "Webhooks", https://docs-es.sinch.com/documentaciontecnicawhatsapp/sinch-messaging-whatsapp-api/webhooks`

	// OnPremInbound is Meta's On-Premises inbound notifications page (read
	// in its Chinese translation).
	OnPremInbound = `Meta, WhatsApp On-Premises API "Inbound Notifications", https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound`
	// OnPremOutbound documents statuses, conversation and pricing.
	OnPremOutbound = `Meta, WhatsApp On-Premises API "Status and Pricing Notifications", https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/outbound`
	// OnPremBSP is a provider's page of On-Premises examples (statuses,
	// Flows replies, orders).
	OnPremBSP = `Concepto Móvil, "Ejemplos" (WhatsApp notifications), https://developers.conceptomovil.com/es/whatsapp/receive_notifications/examples`

	// CloudMessages is Meta's Cloud API messages webhook reference; the
	// pages of each message type sit under it (…/messages/text, /image…).
	CloudMessages = `Meta, WhatsApp Cloud API "messages webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages`
	// CloudStatus is its page of status webhooks (conversation, pricing).
	CloudStatus = `Meta, WhatsApp Cloud API "Status messages webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status`
	// CloudErrors is its page of error objects.
	CloudErrors = `Meta, WhatsApp Cloud API "Errors webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/errors`
	// CloudEdit is its page of edited messages (2026).
	CloudEdit = `Meta, WhatsApp Cloud API "Edit messages webhook reference", https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/edit`
	// BSUIDDoc documents business-scoped user ids and usernames (2026).
	BSUIDDoc = `Meta, "Business-scoped user IDs", https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids`
	// Pricing dates the billing values (conversation-based pricing until
	// 1 June 2023, per-message pricing from 1 July 2025).
	Pricing = `Meta, "Pricing on the WhatsApp Business Platform", https://developers.facebook.com/docs/whatsapp/pricing; 360dialog, "Conversations", https://docs.360dialog.com/docs/waba-messaging/conversations`

	// E164 is the numbering plan phone-like ids follow (without the +).
	E164 = `ITU-T Recommendation E.164, https://www.itu.int/rec/T-REC-E.164`
	// MediaTypes is the MIME type syntax and registry.
	MediaTypes = `RFC 6838 "Media Type Specifications and Registration Procedures", https://www.rfc-editor.org/rfc/rfc6838; IANA "Media Types", https://www.iana.org/assignments/media-types/media-types.xhtml`
	// ISO4217 is the currency code list.
	ISO4217 = `ISO 4217 currency codes, https://www.iso.org/iso-4217-currency-codes.html`
)
