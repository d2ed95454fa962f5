package secret

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
)

// redactCase is a text and what a redaction makes of it.
type redactCase struct{ in, want string }

// checkRedact checks that redact turns each in into its want.
func checkRedact(t *testing.T, name string, redact func(string) string, tests []redactCase) {
	t.Helper()
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("%s(%q)\n got %q\nwant %q", name, tt.in, got, tt.want)
		}
	}
}

func TestRedactURLString(t *testing.T) {
	checkRedact(t, "RedactURLString", RedactURLString, []redactCase{
		// Nothing to hide: shown exactly as given.
		{"http://localhost:8080/hook", "http://localhost:8080/hook"},
		{"https://example.com/hook?page=2&format=cloud", "https://example.com/hook?page=2&format=cloud"},
		{"HTTP://Example.COM/a%20b", "HTTP://Example.COM/a%20b"},

		// User info.
		{"https://alice:s3cret@example.com/hook", "https://alice:xxxxx@example.com/hook"},
		{"https://ghp_abcdef@example.com/hook", "https://xxxxx@example.com/hook"},
		{"https://alice:@example.com/", "https://alice:xxxxx@example.com/"},

		// Query parameters, in order, whatever their case or separators.
		{"https://example.com/hook?token=abc", "https://example.com/hook?token=xxxxx"},
		{"https://example.com/hook?page=2&key=abc&x=1", "https://example.com/hook?page=2&key=xxxxx&x=1"},
		{"https://example.com/?access_token=a&API-KEY=b&apikey=c&client_secret=d", "https://example.com/?access_token=xxxxx&API-KEY=xxxxx&apikey=xxxxx&client_secret=xxxxx"},
		{"https://example.com/?sig=a&signature=b&Password=c&pwd=d&auth=e", "https://example.com/?sig=xxxxx&signature=xxxxx&Password=xxxxx&pwd=xxxxx&auth=xxxxx"},
		{"https://b.s3.amazonaws.com/o?X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&X-Amz-Date=2026", "https://b.s3.amazonaws.com/o?X-Amz-Credential=xxxxx&X-Amz-Signature=xxxxx&X-Amz-Date=2026"},
		{"http://127.0.0.1/hook?hub.verify_token=t&hub.challenge=42", "http://127.0.0.1/hook?hub.verify_token=xxxxx&hub.challenge=42"},
		{"https://example.com/?subscription-key=k&code=c", "https://example.com/?subscription-key=xxxxx&code=xxxxx"},
		{"https://example.com/?tok%65n=a", "https://example.com/?tok%65n=xxxxx"},
		{"https://example.com/?token=&token", "https://example.com/?token=&token"},

		// Both, and the fragment of an implicit OAuth redirect.
		{"https://u:p@example.com:8443/h?token=t#access_token=a&state=s", "https://u:xxxxx@example.com:8443/h?token=xxxxx#access_token=xxxxx&state=s"},

		// Text that does not parse: the query goes whole.
		{"https://example.com/%zz?token=abc", "https://example.com/%zz?xxxxx"},
		{"http://u:p@[::1/%zz", "http://xxxxx@[::1/%zz"},
		{"https://user:p@https://h/%zz?x", "https://xxxxx@https://h/%zz?xxxxx"},
	})
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://alice:s3cret@example.com/hook?token=abc")
	if got := RedactURL(u); got != "https://alice:xxxxx@example.com/hook?token=xxxxx" {
		t.Errorf("got %q", got)
	}
	if u.String() != "https://alice:s3cret@example.com/hook?token=abc" {
		t.Errorf("RedactURL changed its argument: %s", u)
	}
	if RedactURL(nil) != "" {
		t.Error("nil URL")
	}
}

func TestRedactText(t *testing.T) {
	checkRedact(t, "RedactText", RedactText, []redactCase{
		{`Post "https://u:p@example.com/hook?key=abc": dial tcp: connection refused`,
			`Post "https://u:xxxxx@example.com/hook?key=xxxxx": dial tcp: connection refused`},
		{"redirected to http://a/?token=1 then https://b/?sig=2 and stopped", "redirected to http://a/?token=xxxxx then https://b/?sig=xxxxx and stopped"},
		{"no URL here: token=abc", "no URL here: token=abc"},
		{"<https://example.com/?secret=s>", "<https://example.com/?secret=xxxxx>"},
		{"", ""},
	})
}

func TestSensitiveParam(t *testing.T) {
	for _, n := range []string{"token", "TOKEN", "key", "api_key", "apiKey", "access_token", "secret", "sig", "signature",
		"password", "passwd", "pwd", "auth", "Authorization", "X-Amz-Security-Token", "id_token", "refresh-token", "session"} {
		if !SensitiveParam(n) {
			t.Errorf("%q should be masked", n)
		}
	}
	for _, n := range []string{"page", "format", "hub.challenge", "hub.mode", "limit", "signed", "id", "keys", "status"} {
		if SensitiveParam(n) {
			t.Errorf("%q should be shown", n)
		}
	}
}

// FuzzRedactURLString checks that a planted secret never survives, and that
// the function is linear enough for long inputs.
func FuzzRedactURLString(f *testing.F) {
	for _, s := range []string{"https://example.com/?a=1", "http://u:p@h/", "https://h/%zz?x", "http://[::1]:80/#a=b"} {
		f.Add(s)
	}
	const planted = "PLANTEDSECRET"
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, planted) {
			return
		}
		// Where s cannot change what the secret is part of: the password
		// of the user info; a parameter of its own in the query.
		plain := strings.Map(func(r rune) rune {
			if strings.ContainsRune("?#&=", r) {
				return -1
			}
			return r
		}, s)
		for _, u := range []string{
			"https://user:" + planted + "@" + s,
			"https://example.com/" + plain + "?token=" + planted,
			"http://h/?" + plain + "&access_token=" + planted,
		} {
			got := RedactURLString(u)
			if strings.Contains(got, planted) {
				t.Fatalf("RedactURLString(%q) = %q keeps the secret", u, got)
			}
		}
	})
}

// TestRedactTextLinear keeps RedactText linear in its input: 20,000 URLs in
// 400 KB. A quadratic scan would read some 8 GB here.
func TestRedactTextLinear(t *testing.T) {
	in := strings.Repeat("see http://a/?token=1 or httpx ", 20000)
	var out string
	costcheck.Within(t, "RedactText", []byte(in), func([]byte) { out = RedactText(in) })
	if strings.Contains(out, "token=1") || strings.Count(out, "token=xxxxx") != 20000 {
		t.Error("not every URL was redacted")
	}
}
