package render

import (
	"bufio"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// SARIF constants of the log wamo writes.
const (
	// SARIFSchema is the $schema of wamo's SARIF logs.
	SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// SARIFVersion is the SARIF version wamo writes.
	SARIFVersion = "2.1.0"
	// InformationURI is where wamo lives; SARIF's tool.driver.informationUri.
	InformationURI = "https://github.com/wamo-dev/wamo"
)

// inputRule describes InputRuleID for SARIF's rule table.
var inputRule = &diag.Rule{ID: InputRuleID, Severity: diag.Error, Formats: "all",
	Summary: "the input could not be read to the end (unreadable, not JSON, a document over --max-size); unusable input, exit 3"}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	ShortDescription     sarifText       `json:"shortDescription"`
	DefaultConfiguration sarifConfig     `json:"defaultConfiguration"`
	Properties           *sarifRuleProps `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Formats string `json:"formats,omitempty"`
	Source  string `json:"source,omitempty"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifResultProps struct {
	Payload  int    `json:"payload,omitempty"`
	Format   string `json:"format,omitempty"`
	JSONPath string `json:"jsonPath,omitempty"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  *int              `json:"ruleIndex,omitempty"`
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Locations  []sarifLocation   `json:"locations,omitempty"`
	Properties *sarifResultProps `json:"properties,omitempty"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(sev diag.Severity) string { return levelWord(sev, "note") }

// sarifURI turns a file name into a URI reference: relative paths stay
// relative (with forward slashes and percent-escapes), absolute ones become
// file:// URIs. ok is false for stdin and fixtures, which have no location.
func sarifURI(name string) (uri string, ok bool) {
	p, ok := uriPath(name)
	if !ok {
		return "", false
	}
	if filepath.IsAbs(name) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x → /C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String(), true
	}
	return (&url.URL{Path: p}).String(), true
}

// validateSARIF writes a SARIF 2.1.0 log with one run: the rule table in
// tool.driver.rules, then the results streamed one per line, then an
// invocation carrying the exit code. Code-scanning services (GitHub, GitLab,
// Azure DevOps) and SARIF viewers read it.
type validateSARIF struct {
	w    *bufio.Writer
	opts ValidateOptions

	lineEncoder

	ruleIndex map[string]int
	started   bool
	results   jsonList
	cur       string
}

func newValidateSARIF(w *bufio.Writer, opts ValidateOptions) *validateSARIF {
	return &validateSARIF{w: w, opts: opts, ruleIndex: map[string]int{}}
}

func (s *validateSARIF) start() {
	if s.started {
		return
	}
	s.started = true
	driver := sarifDriver{Name: "wamo", InformationURI: InformationURI, Version: s.opts.Version,
		Rules: []sarifRule{}}
	rules := s.opts.Rules
	if !hasRule(rules, InputRuleID) {
		rules = append(rules[:len(rules):len(rules)], inputRule)
	}
	for _, r := range rules {
		if _, dup := s.ruleIndex[r.ID]; dup {
			continue
		}
		s.ruleIndex[r.ID] = len(driver.Rules)
		sr := sarifRule{ID: r.ID, ShortDescription: sarifText{r.Summary},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)}}
		if r.Formats != "" || r.Source != "" {
			sr.Properties = &sarifRuleProps{Formats: r.Formats, Source: r.Source}
		}
		driver.Rules = append(driver.Rules, sr)
	}
	s.w.WriteString(`{"$schema":"` + SARIFSchema + `","version":"` + SARIFVersion + `","runs":[{"tool":{"driver":`)
	s.w.Write(s.encode(&driver))
	s.w.WriteString(`},"columnKind":"unicodeCodePoints","results":[`)
}

func hasRule(rules []*diag.Rule, id string) bool {
	for _, r := range rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

func (s *validateSARIF) result(res *sarifResult, file string, line, col int) {
	s.start()
	if i, ok := s.ruleIndex[res.RuleID]; ok {
		res.RuleIndex = &i
	}
	if uri, ok := sarifURI(file); ok {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}
		if line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
		}
		res.Locations = []sarifLocation{loc}
	} else {
		res.Message.Text = Location(file, line, col) + ": " + res.Message.Text
	}
	s.results.add(s.w, s.encode(res))
}

func (s *validateSARIF) BeginSource(name string) {
	s.start()
	s.cur = name
}

func (s *validateSARIF) Payload(r *validate.Result) {
	eachFinding(r, s.cur, func(f *diag.Finding, file string, line, col int) {
		s.result(&sarifResult{
			RuleID:     FindingRule(f),
			Level:      sarifLevel(f.Severity),
			Message:    sarifText{withPath(f.Message, f.Path)},
			Properties: &sarifResultProps{Payload: r.Index + 1, Format: r.Format.String(), JSONPath: f.Path},
		}, file, line, col)
	})
}

func (s *validateSARIF) EndSource(src *validate.Source) {
	if !sourceProblem(src) {
		return
	}
	name := sourceName(src, s.cur)
	msg, line, col := sourceError(src)
	s.result(&sarifResult{RuleID: InputRuleID, Level: "error", Message: sarifText{msg}}, name, line, col)
}

func (s *validateSARIF) Finish(_ *validate.Summary, exitCode int) error {
	s.start()
	s.results.end(s.w)
	s.w.WriteString(`],"invocations":[{"executionSuccessful":true,"exitCode":`)
	s.w.Write(s.encode(exitCode))
	s.w.WriteString("}]}]}\n")
	err := s.w.Flush()
	if s.err != nil {
		return s.err
	}
	return err
}
