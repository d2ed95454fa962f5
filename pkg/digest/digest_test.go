package digest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// want is what the digest must say of one item. For a status, party is the
// recipient (To); for a message, the sender (From).
type want struct {
	kind                      Kind
	typ, party, name, summary string
}

// contentless are the types whose messages carry nothing to summarise.
var contentless = map[string]bool{"request_welcome": true}

// TestDigestFixtures digests every valid fixture; what it says of each
// item (kind, type, party, name, summary) is in testdata/fixtures.golden
// (go test -update rewrites it: a fixture added shows up there).
func TestDigestFixtures(t *testing.T) {
	var all strings.Builder
	for _, fx := range payloadtest.Fixtures(t, payloadtest.Valid) {
		data, f := fx.Data, fx.Format
		got := Items(data, f)
		fmt.Fprintf(&all, "== %s\n", fx.Name)
		for i, it := range got {
			party := it.From
			if it.Kind == KindStatus {
				party = it.To
			}
			fmt.Fprintf(&all, "%s\t%s\t%s\t%s\t%q\n", it.Kind, it.Type, party, it.Name, it.Summary)
			if it.Format != f || it.Index != i {
				t.Errorf("%s item %d: format %v index %d", fx.Name, i, it.Format, it.Index)
			}
			if it.Summary == "" && !contentless[it.Type] {
				t.Errorf("%s item %d (%s): empty summary", fx.Name, i, it.Type)
			}
			if it.Kind != KindError && it.Time.IsZero() {
				t.Errorf("%s item %d: no time", fx.Name, i)
			}
			if it.Time.Location() != time.UTC {
				t.Errorf("%s item %d: time not in UTC", fx.Name, i)
			}
			checkPath(t, data, &it)
		}
		if len(got) == 0 {
			t.Errorf("%s: no items", fx.Name)
		}
		// Detection gives the same digest as the folder's format.
		if auto := Items(data, payload.Unknown); len(auto) != len(got) {
			t.Errorf("%s: auto-detected format: %d items, want %d", fx.Name, len(auto), len(got))
		}
	}
	golden.Assert(t, filepath.Join("testdata", "fixtures.golden"), []byte(all.String()))
}

// checkPath verifies that Offset locates the item: its id (messages,
// statuses) or title (errors) is there.
func checkPath(t *testing.T, data []byte, it *Item) {
	t.Helper()
	r := gjson.ParseBytes(data[it.Offset:])
	if !r.IsObject() {
		t.Errorf("offset %d does not locate an object", it.Offset)
		return
	}
	if it.Kind == KindError {
		if r.Get("title").String() != it.ErrorTitle {
			t.Errorf("offset %d: title %q, want %q", it.Offset, r.Get("title").String(), it.ErrorTitle)
		}
		return
	}
	id := r.Get("id").String()
	if !r.Get("id").Exists() {
		id = r.Get("message_id").String() // a Conversation API delivery report
	}
	if id != it.ID {
		t.Errorf("offset %d: id %q, want %q", it.Offset, id, it.ID)
	}
}

func TestDigestDetails(t *testing.T) {
	read := func(name string) []Item {
		return Items(payloadtest.Read(t, name), payload.Unknown)
	}
	cases := []struct {
		fixture string
		index   int
		check   func(it Item) bool
		what    string
	}{
		{"sinch/text", 0, func(it Item) bool {
			return it.Time.Equal(time.UnixMilli(1513616971473)) && it.To == "5519900000000" && it.ID == "ce425ffe-bc62-421f-9261-e6819a5eab43"
		}, "Sinch time from receivedAt (ms), To from origin, the Sinch id"},
		{"sinch/batch-mixed", 2, func(it Item) bool { return it.Type == "location" }, "the third item"},
		{"sinch/status", 0, func(it Item) bool {
			return it.Status == "delivered" && it.From == "5511900000000" && it.To == "5511987650001" && it.Time.Equal(time.UnixMilli(1718813002286))
		}, "Sinch status: delivered at deliveredAt"},
		{"sinch/status-read", 0, func(it Item) bool { return it.Status == "read" && it.Time.Equal(time.UnixMilli(1718813065497)) }, "read at readAt"},
		{"whatsapp/text", 0, func(it Item) bool { return it.Time.Equal(time.Unix(1518694235, 0)) && it.To == "" }, "native time; no business number"},
		{"whatsapp/text-forwarded", 0, func(it Item) bool { return it.Name == "" }, "no name when no contact has the sender's wa_id"},
		{"whatsapp/status-failed", 0, func(it Item) bool {
			return it.Status == "failed" && strings.HasPrefix(it.ErrorTitle, "Failed to send message") && strings.HasSuffix(it.Summary, "(code 470)")
		}, "failed status with its error"},
		{"cloud/text-username-only", 0, func(it Item) bool {
			return it.From == "" && it.UserID == "MX.8842019375561209437" && it.Name == "Lucía Ramírez"
		}, "username-only user: BSUID and name matched by user_id"},
		{"cloud/batch-multi", 3, func(it Item) bool {
			return it.Kind == KindStatus && it.From == "15550100333"
		}, "second entry's status with its own business number"},
		{"cloud/errors", 0, func(it Item) bool { return it.ErrorTitle == "Something went wrong" && it.Time.IsZero() }, "value-level error"},
		{"cloud/unsupported", 0, func(it Item) bool { return it.ErrorTitle == "Message type unknown" }, "unsupported error title"},
		{"cloud/audio-voice", 0, func(it Item) bool { return it.Type == "voice" }, "Cloud voice note is voice"},
	}
	for _, c := range cases {
		items := read(c.fixture)
		if c.index >= len(items) {
			t.Errorf("%s: no item %d", c.fixture, c.index)
			continue
		}
		if !c.check(items[c.index]) {
			t.Errorf("%s item %d: %s: got %+v", c.fixture, c.index, c.what, items[c.index])
		}
	}
}

func TestDigestSynthetic(t *testing.T) {
	cases := []struct {
		name, json string
		f          payload.Format
		want       []want
	}{
		{"sinch not delivered", `{"total":1,"data":[{"destination":"5511987650001","sent":true,"sentStatusCode":2,"delivered":false,"deliveredStatusCode":104}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "failed · NOT_DELIVERED (code 104)"}}},
		{"sinch rejected with text", `{"total":1,"data":[{"destination":"5511987650001","sent":false,"sentStatusCode":202,"sentStatus":"INVALID_DESTINATION_NUMBER"}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "failed · INVALID_DESTINATION_NUMBER (code 202)"}}},
		{"sinch sent, code 1 of the doc examples", `{"total":1,"data":[{"destination":"5511987650001","sent":true,"sentStatusCode":1}]}`,
			payload.Sinch, []want{{KindStatus, "status", "5511987650001", "", "sent"}}},
		{"sinch type absent, interactive", `{"data":[{"source":"1","message":{"interactive":{"type":"LIST_REPLY","listReply":{"rowTitle":"A","rowIdentifier":"a"}}}}]}`,
			payload.Sinch, []want{{KindMessage, "list_reply", "1", "", "A (a)"}}},
		{"sinch receivedDate only", `{"data":[{"source":"1","message":{"type":"TEXT","messageText":"x"},"receivedDate":"2020-07-22T14:24:41Z"}]}`,
			payload.Sinch, []want{{KindMessage, "text", "1", "", "x"}}},
		{"edit of an image", `{"messages":[{"from":"1","type":"edit","edit":{"original_message_id":"w","message":{"type":"image","image":{"caption":"c","mime_type":"image/png"}}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "edit", "1", "", "image: c (image/png)"}}},
		{"edit of an edit is not followed", `{"messages":[{"from":"1","type":"edit","edit":{"original_message_id":"w","message":{"type":"edit","edit":{"original_message_id":"v","message":{"type":"text","text":{"body":"deep"}}}}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "edit", "1", "", "edit: edits v"}}},
		{"order with mixed currencies", `{"messages":[{"from":"1","type":"order","order":{"product_items":[{"quantity":1,"item_price":1,"currency":"USD"},{"quantity":2,"item_price":1,"currency":"EUR"}]}}]}`,
			payload.WhatsApp, []want{{KindMessage, "order", "1", "", "3 items, mixed currencies"}}},
		{"call permission", `{"messages":[{"from":"1","type":"interactive","interactive":{"type":"call_permission_reply","call_permission_reply":{"response":"accept","is_permanent":true}}}]}`,
			payload.WhatsApp, []want{{KindMessage, "call_permission_reply", "1", "", "accept · permanent"}}},
		{"reaction with empty emoji", `{"messages":[{"from":"1","type":"reaction","reaction":{"message_id":"w","emoji":""}}]}`,
			payload.WhatsApp, []want{{KindMessage, "reaction", "1", "", "removed on w"}}},
		{"type absent", `{"messages":[{"from":"1"}]}`, payload.WhatsApp, []want{{KindMessage, "unknown", "1", "", ""}}},
		{"unknown type with a body", `{"messages":[{"from":"1","type":"poll","poll":{"name":"Lunch?"}}]}`,
			payload.WhatsApp, []want{{KindMessage, "poll", "1", "", "Lunch?"}}},
		{"null members", `{"contacts":null,"messages":[{"from":null,"type":"text","text":null,"timestamp":null}]}`,
			payload.WhatsApp, []want{{KindMessage, "text", "", "", ""}}},
		{"cloud field not messages", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"messages":[{"from":"1","type":"text","text":{"body":"x"}}]}}]}]}`,
			payload.Cloud, nil},
		{"statuses then errors after messages", `{"errors":[{"code":1,"title":"E"}],"statuses":[{"id":"s","status":"read","recipient_id":"2"}],"messages":[{"from":"1","type":"text","text":{"body":"m"}}]}`,
			payload.WhatsApp, []want{{KindMessage, "text", "1", "", "m"}, {KindStatus, "status", "2", "", "read"}, {KindError, "error", "", "", "E (code 1)"}}},
		{"not an object", `[1,2]`, payload.Unknown, nil},
		{"unknown format", `{"hello":"world"}`, payload.Unknown, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []want
			for _, it := range Items([]byte(c.json), c.f) {
				party := it.From
				if it.Kind == KindStatus {
					party = it.To
				}
				got = append(got, want{it.Kind, it.Type, party, it.Name, it.Summary})
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("item %d: got %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestEachStops(t *testing.T) {
	data := payloadtest.Read(t, "cloud/batch-multi")
	n := 0
	Each(data, payload.Cloud, func(*Item) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Each went on after false: %d calls", n)
	}
}

func TestItemsOwnTheirStrings(t *testing.T) {
	data := []byte(`{"messages":[{"from":"1","type":"text","text":{"body":"hello"}}]}`)
	items := Items(data, payload.WhatsApp)
	for i := range data {
		data[i] = 'x'
	}
	if items[0].Summary != "hello" || items[0].From != "1" {
		t.Errorf("items changed with the bytes: %+v", items[0])
	}
}

// FuzzDigest checks that no input makes the digest panic, whatever the
// format it is read as, and that Each and Items agree.
func FuzzDigest(f *testing.F) {
	for _, data := range fixtures.All() {
		f.Add(data)
	}
	f.Add([]byte(`{"data":[{"message":{"type":"INTERACTIVE"}}]}`))
	f.Add([]byte(`{"entry":[{"changes":[{"value":{"messages":[{"type":"edit","edit":{"message":{"type":"order","order":{"product_items":[{}]}}}}]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []payload.Format{payload.Unknown, payload.Sinch, payload.WhatsApp, payload.Cloud} {
			n := 0
			Each(data, format, func(it *Item) bool {
				n++
				if it.Index != n-1 {
					t.Fatalf("index %d for item %d", it.Index, n-1)
				}
				return true
			})
			if got := len(Items(data, format)); got != n {
				t.Fatalf("Items gave %d items, Each %d", got, n)
			}
		}
	})
}

func BenchmarkEach(b *testing.B) {
	var docs [][]byte
	size := 0
	for _, fx := range payloadtest.Fixtures(b, payloadtest.Valid) {
		docs = append(docs, fx.Data)
		size += len(fx.Data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			Each(d, payload.Unknown, func(*Item) bool { return true })
		}
	}
}
