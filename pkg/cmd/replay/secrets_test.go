package replay

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestCredentialsNeverShown replays to URLs that carry credentials — a
// password, query tokens, a redirect whose Location carries one, a refused
// address — and checks that no output format (text, verbose text, JSON,
// JUnit) and no error message shows them.
func TestCredentialsNeverShown(t *testing.T) {
	secrets := []string{"pa55word", "TOKEN1", "KEY2", "SIG3", "LOCTOKEN"}
	ok := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("redirect") != "" {
			http.Redirect(w, r, "https://elsewhere.example/hook?access_token=LOCTOKEN", http.StatusFound)
			return
		}
		okHandler(w, r)
	})
	ok = strings.Replace(ok, "http://", "http://alice:pa55word@", 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://bob:pa55word@" + ln.Addr().String() + "/hook?token=TOKEN1"
	ln.Close()

	urls := map[string]string{
		"ok":       ok + "?token=TOKEN1&key=KEY2&page=2",
		"redirect": ok + "?redirect=1&sig=SIG3",
		"refused":  refused,
		"bad URL":  "http://carol:pa55word@127.0.0.1:0/%zz?token=TOKEN1",
	}
	for name, u := range urls {
		for _, out := range [][]string{{"-o", "text"}, {"-o", "text", "-v"}, {"-o", "json"}, {"-o", "junit"}} {
			args := append([]string{"--url", u, "--fixtures", "cloud/text"}, out...)
			code, stdout, stderr := run(env{}, args...)
			all := stdout + stderr
			for _, s := range secrets {
				if strings.Contains(all, s) {
					t.Errorf("%s %v (exit %d) shows %q:\n%s", name, out, code, s, all)
				}
			}
			if name != "bad URL" && !strings.Contains(all, "127.0.0.1") {
				t.Errorf("%s %v: the URL is not shown at all:\n%s", name, out, all)
			}
			if name == "ok" && !strings.Contains(all, "token=xxxxx") {
				t.Errorf("%s %v: the masked token is not shown:\n%s", name, out, all)
			}
		}
	}
}
