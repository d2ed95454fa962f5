package input

import (
	"github.com/wamo-dev/wamo/pkg/payload"
)

// notAPayload decides from the first document of a file found in a
// directory whether the file is a webhook payload at all. It returns why
// not, or "" for a payload — including one with a syntax error, which is
// still a payload (its error is the work's to report) when the names of its
// top-level members say which format it is.
//
// The decision is the format detection's (payload.Detect): a JSON document
// whose top level names no format is package.json, tsconfig.json, a JSON
// Schema or some other file that merely ends in .json.
func notAPayload(p *payload.Payload) string {
	d := payload.Detect(p.Data) // the first member nearly always decides, for a few bytes
	if d.Format != payload.Unknown {
		return ""
	}
	if payload.CheckSyntax(p) == nil {
		return "not a webhook payload (" + d.Reason + ")"
	}
	if payload.SniffFormat(p.Data) != payload.Unknown {
		return ""
	}
	return "not a webhook payload (not valid JSON, and no top-level member names a format)"
}
