package payload_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

func TestReaderLineMode(t *testing.T) {
	in := "{\"a\":\"}\"}\n\n  {\"b\":1}{\"c\":2}  \r\n{\"d\":\n{\"e\":3} \t\r\r\n{\"f\":4}\t \n"
	rd := payload.NewReader(strings.NewReader(in), "x.ndjson", 0)
	rd.SetLineMode(true)
	var got []string
	var lines []int
	payloadtest.Each(t, rd, func(p *payload.Payload) {
		got = append(got, string(p.Data))
		lines = append(lines, p.Line)
	})
	want := []string{`{"a":"}"}`, `{"b":1}{"c":2}`, `{"d":`, "{\"e\":3} \t\r", `{"f":4}`} // one CR ends a line, spaces and tabs are trimmed
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if lines[0] != 1 || lines[1] != 3 || lines[2] != 4 {
		t.Errorf("lines %v", lines)
	}
}

func TestReaderLineModeMaxSize(t *testing.T) {
	rd := payload.NewReader(strings.NewReader(`{"a":"`+strings.Repeat("x", 2000)+`"}`+"\n"), "x.ndjson", 1024)
	rd.SetLineMode(true)
	if _, err := rd.Next(); !errors.Is(err, payload.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestIsLineFormat(t *testing.T) {
	for name, want := range map[string]bool{"a.ndjson": true, "b.jsonl": true, "c.json": false, "-": false, ".ndjson": false} {
		if payload.IsLineFormat(name) != want {
			t.Errorf("IsLineFormat(%q) != %v", name, want)
		}
	}
}
