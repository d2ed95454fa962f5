package replay

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// inputProblem is an input that cannot be replayed (missing, unreadable,
// not JSON at all, a document over --max-size).
type inputProblem struct {
	name string
	err  error
}

func (p inputProblem) String() string { return p.name + ": " + p.err.Error() }

// loadTargets reads every payload to send: the embedded fixtures named by
// --fixtures, then the files, directories and stdin given as arguments.
// Each JSON document is one target, named after its file ("file:LINE"
// when the file holds several). Documents that are not valid JSON are
// kept — replay tests receivers — and reported in warnings.
func loadTargets(opts *Options) (targets []replay.Target, warnings []string, problems []inputProblem) {
	if len(opts.Fixtures) > 0 {
		fs, err := fixtures.Select(opts.Fixtures)
		if err != nil {
			problems = append(problems, inputProblem{"--fixtures", err})
		}
		for _, f := range fs {
			data, err := fixtures.Read(f)
			if err != nil {
				problems = append(problems, inputProblem{f.Name, err})
				continue
			}
			p := payload.Payload{Source: f.Name, Data: data, Line: 1, Col: 1}
			targets = append(targets, newTarget(f.Name, &p, &warnings))
		}
	}
	for _, in := range cmdutil.ExpandInputs(opts.Paths) {
		if in.Err != nil {
			problems = append(problems, inputProblem{in.Name, in.Err})
			continue
		}
		ts, err := readInput(opts, in, &warnings)
		if err != nil {
			problems = append(problems, inputProblem{in.Name, err})
		}
		targets = append(targets, ts...)
	}
	return targets, warnings, problems
}

// readInput reads the documents of one input.
func readInput(opts *Options, in cmdutil.Input, warnings *[]string) ([]replay.Target, error) {
	r, err := in.Open(opts.IO.In)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rd := payload.NewReader(r, in.Name, opts.MaxSize)
	rd.SetLineMode(payload.IsLineFormat(in.Name))
	type doc struct {
		p    payload.Payload
		data []byte
	}
	var docs []doc
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *payload.SourceError
			if errors.As(err, &se) {
				if se.Line > 0 {
					return nil, fmt.Errorf("line %d: %w", se.Line, se.Err)
				}
				return nil, se.Err
			}
			return nil, err
		}
		// p.Data is only valid until the next call: keep a copy.
		docs = append(docs, doc{p: p, data: append([]byte(nil), p.Data...)})
	}
	if len(docs) == 0 {
		return nil, errors.New("no JSON document")
	}
	out := make([]replay.Target, 0, len(docs))
	for _, d := range docs {
		name := in.Name
		if len(docs) > 1 {
			name += ":" + strconv.Itoa(d.p.Line)
		}
		d.p.Data = d.data
		out = append(out, newTarget(name, &d.p, warnings))
	}
	return out, nil
}

// newTarget makes a target of a payload, warning about invalid JSON.
func newTarget(name string, p *payload.Payload, warnings *[]string) replay.Target {
	t := replay.Target{Name: name, Body: p.Data}
	if se := payload.CheckSyntax(p); se != nil {
		line, col := p.Position(se.Offset)
		*warnings = append(*warnings, fmt.Sprintf("%s:%d:%d: not valid JSON (%s); sent as is", p.Source, line, col, se.Msg))
		return t
	}
	t.Format = payload.Detect(p.Data).Format
	return t
}
