package common

import (
	"testing"

	"github.com/tidwall/gjson"
)

// TestMemberAsGjson holds Member to what gjson.Get finds, offsets included
// (gjson gives a member it does not find the object's offset: Member
// gives 0, which no rule reads).
func TestMemberAsGjson(t *testing.T) {
	docs := []string{
		`{"id":"x","mime_type":"image/jpeg","sha256":"ab"}`,
		`{ "mime_type" : "image\/png" , "id" : 1 }`,
		`{"mime_type":"a/b","mime_type":"c/d"}`,
		`{"mime\u005ftype":"esc/key"}`,
		`{"file":"C:\\dir\\\"x\"","mime_type":"video/mp4"}`,
		`{"nested":{"mime_type":"no/no"},"list":[1,{"mime_type":"no/no"}],"mime_type":12.5e1}`,
		`{"mime_type":{"a":[1,2]},"x":null}`,
		`{"mime_type":null}`, `{"mime_type":true}`, `{}`, `{"other":"x"}`,
		`[{"mime_type":"x/y"}]`, `"mime_type"`, ``,
	}
	for _, doc := range docs {
		for _, base := range []int{0, 17} {
			obj := gjson.Parse(doc)
			obj.Index = base
			got, want := Member(obj, "mime_type"), obj.Get("mime_type")
			if got.Type != want.Type || got.Raw != want.Raw || got.Str != want.Str || got.Num != want.Num ||
				want.Exists() && got.Index != want.Index {
				t.Errorf("Member(%s) = %+v, gjson finds %+v", doc, got, want)
			}
		}
	}
}
