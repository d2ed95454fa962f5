package redact

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// TestCorpus redacts the payloads others wrote: each is redacted into
// JSON that holds none of the values the tables give an identifying role,
// or refused when it is not a payload of a known format.
func TestCorpus(t *testing.T) {
	dir := payloadtest.CorpusDir(t)
	r := New(Options{})
	redacted := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rd := payload.NewReader(f, path, 0)
		for {
			p, err := rd.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return nil // not JSON as a whole: nothing to redact
			}
			out, err := r.Redact(p.Data)
			var se *payload.SyntaxError
			var ue *UnrecognisedError
			switch fm := payload.Detect(p.Data).Format; {
			case errors.As(err, &se):
			case format.Of(fm) == nil:
				if !errors.As(err, &ue) || out != nil {
					t.Errorf("%s: not a known format, but %v", path, err)
				}
			case err != nil || !json.Valid(out):
				t.Errorf("%s: %v %s", path, err, out)
			default:
				redacted++
				ss, business := secrets(t, p.Data, fm)
				for _, s := range ss {
					switch {
					case len(s.value) < 3 || business[s.value]:
					case gjson.GetBytes(out, s.path).String() == s.value:
						t.Errorf("%s: %s (%s) %q kept", path, s.path, s.role, s.value)
					case len(s.value) >= 6 && !common.LooksLikePlaceholder(s.value) && strings.Contains(string(out), s.value):
						// Shorter values turn up inside others by chance.
						t.Errorf("%s: %s (%s) %q still appears", path, s.path, s.role, s.value)
					}
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d corpus payloads redacted", redacted)
	if redacted < 50 {
		t.Errorf("only %d corpus payloads redacted", redacted)
	}
}
