package common

import "testing"

func TestLooksLikePlaceholderCases(t *testing.T) {
	for s, want := range map[string]bool{
		"<WA_ID>": true, "...": true, "PHONE_NUMBER": true, "TIMESTAMP": true, "HASH": true, "ID": true,
		"sender_wa_id": true, "message-ID": true, "catalog-ID": true, "number-of-items": true, "customer-whatsapp-ID": true,
		"ABGGAYLJsfppIMUnQYjfjDAY__id": false, "SKU-TSHIRT-RED-M": false, "ABGGFlA5FpafAgo6tHcNmNjXmuSf": false,
		"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=": false, "order-42": false, "btn-yes": false,
		"external_id": true, "": false, "…": true, " ..…. ": true, "...a": false, "a…": false, "\xe2\x80": false, ". . .": false,
	} {
		if got := LooksLikePlaceholder(s); got != want {
			t.Errorf("LooksLikePlaceholder(%q) = %v, want %v", s, got, want)
		}
	}
}
