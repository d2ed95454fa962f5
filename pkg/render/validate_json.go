package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sort"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// ValidateJSONSchema identifies the layout of `wamo validate --output json`:
// one JSON document, streamed so that memory stays flat however many
// findings there are. Each finding, source and rule sits on a line of its
// own, so the output is also easy to grep; keys always come in the order
// below. Severities already reflect --strict (warnings become errors).
//
// Schema "wamo.validate/v1":
//
//	{
//	  "schema": "wamo.validate/v1",
//	  "version": "1.2.3",                  // wamo's version
//	  "findings": [                        // in input order
//	    {
//	      "file": "in/a.json",             // as given on the command line; "-" is stdin
//	      "line": 3, "col": 17,            // 1-based; col counts characters
//	      "payload": 1,                    // 1-based ordinal of the payload in its file; 0 = the file as a whole
//	      "format": "sinch",               // sinch | whatsapp | cloud | unknown
//	      "severity": "error",             // error | warning | info
//	      "rule": "sinch.total-mismatch",  // rule id; "input" for a file that could not be read
//	      "message": "…",
//	      "path": "data[0].message.type",  // JSON path in the payload; "" = the whole payload
//	      "excerpt": "{\"total\": 1,,",    // only for syntax errors: the source line…
//	      "caret": 13                      // …and the 1-based character column to mark in it
//	    }
//	  ],
//	  "sources": [                         // one per input, in input order
//	    {
//	      "file": "in/a.json",
//	      "ok": false,                     // every payload valid and the file read to the end
//	      "error": "…",                    // only when the file could not be read to the end
//	      "interrupted": true,             // only when Ctrl-C stopped the reading of the file
//	      "payloads": 1, "valid": 0, "invalid": 1, "unusable": 0,
//	      "messages": 1, "statuses": 0,
//	      "invalid_items": 1,              // messages/statuses with at least one error
//	      "errors": 2, "warnings": 1,      // every finding, listed or not
//	      "findings_omitted": 0,           // findings past the cap per payload (1,000), counted but not listed
//	      "formats": {"sinch": 1}          // payloads per detected format
//	    }
//	  ],
//	  "summary": {
//	    "files": 3, "files_ok": 1, "files_invalid": 1, "files_unusable": 1,
//	    "files_interrupted": 1,            // only when Ctrl-C stopped a file
//	    "payloads": 5, "valid": 4, "invalid": 1, "unusable": 0,
//	    "messages": 7, "statuses": 0, "invalid_items": 1,
//	    "errors": 2, "warnings": 1,        // findings in payloads ("input" findings not counted)
//	    "findings_omitted": 0,
//	    "formats": {"sinch": 3, "whatsapp": 2},
//	    "exit_code": 1                     // the exit status of this run
//	  },
//	  "rules": [                           // the rules that produced a finding, by id
//	    {"id": "sinch.total-mismatch", "severity": "error", "formats": "sinch", "summary": "…"}
//	  ]
//	}
//
// A file that cannot be read to the end (missing, unreadable, not JSON, a
// document over --max-size) gives a finding with rule "input" and payload 0
// as well as its sources[].error. Payloads read before the failure keep their
// findings and counts.
const ValidateJSONSchema = "wamo.validate/v1"

type jsonFinding struct {
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Col      int           `json:"col"`
	Payload  int           `json:"payload"`
	Format   string        `json:"format"`
	Severity diag.Severity `json:"severity"`
	Rule     string        `json:"rule"`
	Message  string        `json:"message"`
	Path     string        `json:"path"`
	Excerpt  string        `json:"excerpt,omitempty"`
	Caret    int           `json:"caret,omitempty"`
}

// jsonCounts are validate.Counts as the JSON output writes them: formats
// is always an object, never left out.
type jsonCounts struct {
	validate.Counts
	Formats map[string]int `json:"formats"` // hides Counts.ByFormat
}

func newJSONCounts(c *validate.Counts) jsonCounts {
	f := c.ByFormat
	if f == nil {
		f = map[string]int{}
	}
	return jsonCounts{Counts: *c, Formats: f}
}

type jsonSource struct {
	File        string `json:"file"`
	OK          bool   `json:"ok"`
	Error       string `json:"error,omitempty"`
	Interrupted bool   `json:"interrupted,omitempty"`
	jsonCounts
}

type jsonSummary struct {
	Files         int `json:"files"`
	FilesOK       int `json:"files_ok"`
	FilesInvalid  int `json:"files_invalid"`
	FilesUnusable int `json:"files_unusable"`
	// FilesInterrupted is only written when Ctrl-C stopped a file.
	FilesInterrupted int `json:"files_interrupted,omitempty"`
	jsonCounts
	ExitCode int `json:"exit_code"`
}

type jsonRule struct {
	ID       string        `json:"id"`
	Severity diag.Severity `json:"severity"`
	Formats  string        `json:"formats"`
	Summary  string        `json:"summary"`
}

// validateJSON is the reporter for --output json (see ValidateJSONSchema).
type validateJSON struct {
	w    *bufio.Writer
	opts ValidateOptions

	lineEncoder

	started    bool
	findings   jsonList
	sources    spool // written after the findings
	sourceList jsonList
	cur        string
	rules      map[string]*diag.Rule // rules that fired
}

// lineEncoder encodes the values of the streamed JSON outputs one at a
// time, each on one line, and keeps the first error for Finish to return.
type lineEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

// encode returns v as one line of JSON, valid until the next call.
func (l *lineEncoder) encode(v any) []byte {
	if l.enc == nil {
		l.enc = json.NewEncoder(&l.buf)
		l.enc.SetEscapeHTML(false) // "<" in a message stays readable
	}
	l.buf.Reset()
	if err := l.enc.Encode(v); err != nil && l.err == nil {
		l.err = err
	}
	return JSONSafe(bytes.TrimSuffix(l.buf.Bytes(), []byte("\n")))
}

// jsonList writes the elements of a JSON array one per line.
type jsonList struct{ n int }

type stringWriter interface {
	Write([]byte) (int, error)
	WriteString(string) (int, error)
}

func (l *jsonList) add(w stringWriter, elem []byte) {
	if l.n > 0 {
		w.WriteString(",")
	}
	l.n++
	w.WriteString("\n")
	w.Write(elem)
}

// end ends the last line before the array's closing bracket.
func (l *jsonList) end(w stringWriter) {
	if l.n > 0 {
		w.WriteString("\n")
	}
}

func newValidateJSON(w *bufio.Writer, opts ValidateOptions) *validateJSON {
	return &validateJSON{w: w, opts: opts, sources: spool{limit: spoolLimit}, rules: map[string]*diag.Rule{}}
}

func (j *validateJSON) start() {
	if j.started {
		return
	}
	j.started = true
	j.w.WriteString(`{"schema":`)
	j.w.Write(j.encode(ValidateJSONSchema))
	j.w.WriteString(`,"version":`)
	j.w.Write(j.encode(j.opts.Version))
	j.w.WriteString(`,"findings":[`)
}

func (j *validateJSON) WriteFinding(f *jsonFinding) {
	j.start()
	j.findings.add(j.w, j.encode(f))
}

func (j *validateJSON) BeginSource(name string) {
	j.start()
	j.cur = name
}

func (j *validateJSON) Payload(r *validate.Result) {
	eachFinding(r, j.cur, func(f *diag.Finding, file string, line, col int) {
		if f.Rule != nil {
			j.rules[f.Rule.ID] = f.Rule
		}
		j.WriteFinding(&jsonFinding{
			File: file, Line: line, Col: col, Payload: r.Index + 1,
			Format: r.Format.String(), Severity: f.Severity, Rule: FindingRule(f),
			Message: f.Message, Path: f.Path, Excerpt: f.Excerpt, Caret: caretIf(f),
		})
	})
}

// caretIf returns the caret column only when there is an excerpt to mark.
func caretIf(f *diag.Finding) int {
	if f.Excerpt == "" {
		return 0
	}
	return f.Caret
}

func (j *validateJSON) EndSource(s *validate.Source) {
	name := sourceName(s, j.cur)
	src := jsonSource{File: name, OK: s.OK(), jsonCounts: newJSONCounts(&s.Counts)}
	if sourceProblem(s) {
		msg, line, col := sourceError(s)
		src.Error = msg
		src.Interrupted = s.Interrupted
		j.WriteFinding(&jsonFinding{
			File: name, Line: line, Col: col, Payload: 0, Format: payload.Unknown.String(),
			Severity: diag.Error, Rule: InputRuleID, Message: msg,
		})
	}
	j.sourceList.add(&j.sources, j.encode(&src))
}

func (j *validateJSON) Finish(sum *validate.Summary, exitCode int) error {
	defer j.sources.close()
	j.start()
	j.findings.end(j.w)
	j.w.WriteString(`],"sources":[`)
	if err := j.sources.copyTo(j.w); err != nil && j.err == nil {
		j.err = err
	}
	j.sourceList.end(j.w)
	j.w.WriteString(`],"summary":`)
	j.w.Write(j.encode(&jsonSummary{
		Files: sum.Files, FilesOK: sum.FilesOK, FilesInvalid: sum.FilesInvalid, FilesUnusable: sum.FilesUnusable,
		FilesInterrupted: sum.FilesInterrupted,
		jsonCounts:       newJSONCounts(&sum.Counts), ExitCode: exitCode,
	}))
	j.w.WriteString(`,"rules":[`)
	ids := make([]string, 0, len(j.rules))
	for id := range j.rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		r := j.rules[id]
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteByte('\n')
		j.w.Write(j.encode(&jsonRule{ID: r.ID, Severity: r.Severity, Formats: r.Formats, Summary: r.Summary}))
	}
	if len(ids) > 0 {
		j.w.WriteByte('\n')
	}
	j.w.WriteString("]}\n")
	err := j.w.Flush()
	if j.err != nil {
		return j.err
	}
	return err
}
