package diag

import "slices"

// Catalogue declares the rules of one package. Declaring a rule through it
// also lists it, so a package's Rules cannot forget one, and the formats
// its rules apply to are written once rather than on every rule.
type Catalogue struct {
	formats string
	list    *[]*Rule
}

// NewCatalogue starts a catalogue of rules that apply to formats (see
// Rule.Formats).
func NewCatalogue(formats string) Catalogue { return Catalogue{formats, new([]*Rule)} }

// For is the same catalogue declaring rules that apply to other formats.
func (c Catalogue) For(formats string) Catalogue { return Catalogue{formats, c.list} }

// Add declares a rule: its id, default severity, one-line summary and the
// public documents it comes from.
func (c Catalogue) Add(id string, sev Severity, summary, source string) *Rule {
	r := &Rule{ID: id, Severity: sev, Formats: c.formats, Summary: summary, Source: source}
	*c.list = append(*c.list, r)
	return r
}

// Rules lists the rules declared, in the order they were initialised.
// Appending to the list never writes into the catalogue.
func (c Catalogue) Rules() []*Rule { return slices.Clip(*c.list) }
