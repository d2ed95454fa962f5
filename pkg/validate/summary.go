package validate

import "github.com/wamo-dev/wamo/pkg/payload"

// Counts accumulates verdicts over payloads.
type Counts struct {
	Payloads        int `json:"payloads"`
	Valid           int `json:"valid"`
	Invalid         int `json:"invalid"`
	Unusable        int `json:"unusable"`
	Messages        int `json:"messages"`
	Statuses        int `json:"statuses"`
	InvalidMessages int `json:"invalid_items"`
	Errors          int `json:"errors"`
	Warnings        int `json:"warnings"`
	// Omitted counts findings counted but not listed (over the cap).
	Omitted int `json:"findings_omitted"`
	// ByFormat counts payloads per detected format.
	ByFormat map[string]int `json:"formats,omitempty"`
}

// Add counts one result.
func (c *Counts) Add(r *Result) {
	one := Counts{Payloads: 1, Messages: r.Messages, Statuses: r.Statuses, InvalidMessages: r.InvalidItems,
		Errors: r.Errors, Warnings: r.Warnings, Omitted: r.Omitted}
	switch {
	case r.Unusable:
		one.Unusable = 1
	case r.Errors > 0:
		one.Invalid = 1
	default:
		one.Valid = 1
	}
	c.Merge(one)
	if r.Format != payload.Unknown {
		c.addFormat(r.Format.String(), 1)
	}
}

// Merge adds other's counts to c.
func (c *Counts) Merge(o Counts) {
	c.Payloads += o.Payloads
	c.Valid += o.Valid
	c.Invalid += o.Invalid
	c.Unusable += o.Unusable
	c.Messages += o.Messages
	c.Statuses += o.Statuses
	c.InvalidMessages += o.InvalidMessages
	c.Errors += o.Errors
	c.Warnings += o.Warnings
	c.Omitted += o.Omitted
	for k, v := range o.ByFormat {
		c.addFormat(k, v)
	}
}

func (c *Counts) addFormat(name string, n int) {
	if c.ByFormat == nil {
		c.ByFormat = map[string]int{}
	}
	c.ByFormat[name] += n
}

// Source is the verdict on one input (file, stdin, fixture).
type Source struct {
	Name string
	// Err is set when the source could not be read to the end (missing,
	// unreadable, binary, a document over --max-size); its payloads read so
	// far are still counted.
	Err error
	// ErrLine and ErrCol locate Err when known.
	ErrLine, ErrCol int
	// Interrupted is set when Ctrl-C stopped the reading of the source: it
	// was not read to the end, so it is not ok.
	Interrupted bool
	Counts
}

// OK reports whether every payload of the source was valid and the source
// was read to the end.
func (s *Source) OK() bool {
	return s.Err == nil && !s.Interrupted && s.Invalid == 0 && s.Unusable == 0
}

// Summary is the verdict over all inputs.
type Summary struct {
	Files         int `json:"files"`
	FilesOK       int `json:"files_ok"`
	FilesInvalid  int `json:"files_invalid"`
	FilesUnusable int `json:"files_unusable"`
	// FilesInterrupted counts the sources Ctrl-C stopped (at most one).
	FilesInterrupted int `json:"files_interrupted,omitempty"`
	Counts
}

// AddSource counts one source.
func (s *Summary) AddSource(src *Source) {
	s.Files++
	switch {
	case src.Err != nil || src.Unusable > 0:
		s.FilesUnusable++
	case src.Invalid > 0:
		s.FilesInvalid++
	case src.Interrupted:
		s.FilesInterrupted++
	default:
		s.FilesOK++
	}
	s.Merge(src.Counts)
}
