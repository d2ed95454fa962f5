package interop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const sinchSecret = "interop-sinch-webhook-secret"

// replayStatuses runs `wamo replay -o json ARGS` and returns the exit code
// and the status of every request. The deadline is generous: these tests
// are about signatures, and Node may be slow to answer on a loaded machine.
func replayStatuses(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) (int, []int) {
	t.Helper()
	r := wamo(t, vars, stdin, append(append([]string{"replay"}, args...), "-o", "json", "--deadline", "1m", "--timeout", "2m")...)
	var rep struct {
		Requests []struct {
			Status int `json:"status"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("replay %v: exit %d, not JSON: %v\n%s\n%s", args, r.code, err, r.stdout, r.stderr)
	}
	var got []int
	for _, q := range rep.Requests {
		got = append(got, q.Status)
	}
	return r.code, got
}

// sdkStats is what testdata/sinch/receiver.mjs saw.
type sdkStats struct {
	Verified, Rejected, Parsed, Unparsed int
	Triggers                             map[string]int
	Nonces                               map[string]int
	Skew                                 []int
	Errors                               []string
}

func getStats(t *testing.T, url string) sdkStats {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s sdkStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSinchSDKAcceptsReplay sends Conversation API callbacks with `wamo
// replay --sign` to a receiver built on Sinch's own Node SDK: the
// embedded fixtures, `wamo gen --format conversation` output, `wamo
// convert --to conversation` output of the other formats' fixtures, and
// payloads `--as conversation` converts on the way. Every signature must
// verify with the SDK, every body must parse with its parseEvent as a
// message or delivery report, and every request must carry its own nonce
// and a current timestamp. Another secret fails every request.
func TestSinchSDKAcceptsReplay(t *testing.T) {
	node, dir := npmDir(t, "sinch", "WAMO_INTEROP_SINCH_DIR", "@sinch/sdk-core")
	base := "http://127.0.0.1:" + startNode(t, node, dir, "receiver.mjs", map[string]string{"WAMO_SINCH_SECRET": sinchSecret})
	url := base + "/webhook"
	vars := map[string]string{"WAMO_SINCH_SECRET": sinchSecret}
	root := filepath.Join("..", "..")

	gen := wamo(t, nil, nil, "gen", "--format", "conversation", "-n", "80", "--seed", "12")
	if gen.code != 0 {
		t.Fatalf("gen: exit %d: %s", gen.code, gen.stderr)
	}
	conv := wamo(t, nil, nil, "convert", "--to", "conversation", "--compact",
		filepath.Join(root, "fixtures", "cloud"), filepath.Join(root, "fixtures", "sinch"), filepath.Join(root, "fixtures", "whatsapp"))
	if conv.code != 0 && conv.code != 1 || strings.Count(conv.stdout, "\n") < 20 {
		t.Fatalf("convert: exit %d, %d documents: %s", conv.code, strings.Count(conv.stdout, "\n"), conv.stderr)
	}
	runs := []struct {
		name  string
		stdin string
		args  []string
		min   int
	}{
		{"fixtures", "", []string{"--fixtures", "conversation"}, 10},
		{"gen", gen.stdout, []string{"-"}, 80},
		{"convert", conv.stdout, []string{"-"}, 20},
		{"--as conversation --fresh", "", []string{"--as", "conversation", "--fresh", "--fixtures", "cloud/text,sinch/text,whatsapp/image"}, 3},
		{"repeated", "", []string{"--fixtures", "conversation/text", "-n", "20", "-c", "4"}, 20},
	}
	total := 0
	for _, r := range runs {
		var in io.Reader
		if r.stdin != "" {
			in = strings.NewReader(r.stdin)
		}
		code, got := replayStatuses(t, vars, in, append([]string{"--url", url, "--sign"}, r.args...)...)
		if code != 0 || len(got) < r.min {
			t.Errorf("%s: exit %d, %d requests (want exit 0 and at least %d)", r.name, code, len(got), r.min)
		}
		bad := 0
		for _, s := range got {
			if s != 200 {
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: the SDK refused %d of %d requests: %v", r.name, bad, len(got), got)
		}
		total += len(got)
		t.Logf("%s: %d requests, all verified and parsed by the SDK", r.name, len(got))
	}
	st := getStats(t, base+"/stats")
	if st.Verified != total || st.Parsed != total || st.Rejected != 0 || len(st.Errors) > 0 {
		t.Errorf("the SDK saw %+v; want %d verified and parsed", st, total)
	}
	if len(st.Nonces) != total {
		t.Errorf("%d distinct nonces for %d requests: each request needs its own", len(st.Nonces), total)
	}
	for _, s := range st.Skew {
		if s < -60 || s > 60 {
			t.Errorf("a timestamp %d s away from the receiver's clock", s)
			break
		}
	}
	if st.Triggers["MESSAGE_INBOUND"] == 0 || st.Triggers["MESSAGE_DELIVERY"] == 0 {
		t.Errorf("triggers %v: want messages and delivery reports", st.Triggers)
	}

	// The check is real: another secret fails every request.
	code, got := replayStatuses(t, map[string]string{"WAMO_SINCH_SECRET": "not-the-secret"}, nil, "--url", url, "--sign", "--fixtures", "conversation/text")
	if code != 1 || len(got) != 1 || got[0] != 401 {
		t.Errorf("wrong secret: exit %d, %v; want 401", code, got)
	}
}

// TestListenAcceptsSinchSDKSignatures signs Conversation API callbacks
// with the SDK's own functions (in Node) and sends them to `wamo listen`
// with the same secret: each is accepted; the same headers on a tampered
// body, an SDK signature ten minutes old, one made with another secret and
// none at all are refused.
func TestListenAcceptsSinchSDKSignatures(t *testing.T) {
	node, dir := npmDir(t, "sinch", "WAMO_INTEROP_SINCH_DIR", "@sinch/sdk-core")
	url := startListen(t, map[string]string{"WAMO_SINCH_SECRET": sinchSecret}) + "/webhook"
	root := filepath.Join("..", "..")
	// sign signs files with the SDK, in one run of node.
	sign := func(t *testing.T, secret, age string, files ...string) []map[string]string {
		t.Helper()
		args := []string{"sign.mjs", age}
		for _, f := range files {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			args = append(args, abs)
		}
		cmd := exec.Command(node, args...)
		cmd.Dir = dir
		cmd.Env = environ(map[string]string{"WAMO_SINCH_SECRET": secret})
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sign.mjs: %v: %s", err, stderr.String())
		}
		var h []map[string]string
		if err := json.Unmarshal(out, &h); err != nil || len(h) != len(files) {
			t.Fatalf("sign.mjs: %v: %s", err, out)
		}
		return h
	}
	post := func(t *testing.T, body []byte, h map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	files, _ := filepath.Glob(filepath.Join(root, "fixtures", "conversation", "*.json"))
	if len(files) < 10 {
		t.Fatalf("%d conversation fixtures", len(files))
	}
	signed := sign(t, sinchSecret, "0", files...)
	for i, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h := signed[i]
		if s := post(t, body, h); s != 200 {
			t.Errorf("%s signed by the SDK: %d, want 200", filepath.Base(f), s)
		}
		tampered := bytes.Replace(body, []byte(`"app_id"`), []byte(`"app_id" `), 1)
		if s := post(t, tampered, h); s != 403 {
			t.Errorf("%s tampered: %d, want 403", filepath.Base(f), s)
		}
	}
	f := files[0]
	body, _ := os.ReadFile(f)
	for _, c := range []struct {
		name string
		h    map[string]string
		want int
	}{
		{"signed ten minutes ago", sign(t, sinchSecret, "600", f)[0], 403},
		{"another secret", sign(t, "not-the-secret", "0", f)[0], 403},
		{"unsigned", nil, 401},
	} {
		if s := post(t, body, c.h); s != c.want {
			t.Errorf("%s: %d, want %d", c.name, s, c.want)
		}
	}
}
