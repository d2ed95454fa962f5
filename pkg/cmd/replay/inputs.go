package replay

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// inputProblem is an input that cannot be replayed (missing, unreadable,
// not JSON at all, a document over --max-size, empty).
type inputProblem struct {
	name string
	err  error
}

func (p inputProblem) String() string { return p.name + ": " + p.err.Error() }

// inputs is what replay read: the targets to send, and what to say about
// the inputs before sending them.
type inputs struct {
	targets  []replay.Target
	warnings []string        // documents that are not valid JSON, sent as is
	skipped  []input.Outcome // files found in directories that are not payloads
	problems []inputProblem
	// interrupted is set when Ctrl-C stopped the reading.
	interrupted bool
}

// loadTargets reads every payload to send: the embedded fixtures named by
// --fixtures, then the files, directories and stdin given as arguments.
// Each JSON document is one target, named after its file ("file:LINE"
// when the file holds several). Documents that are not valid JSON are
// kept — replay tests receivers — and reported in warnings.
func loadTargets(ctx context.Context, opts *Options) inputs {
	var in inputs
	if len(opts.Fixtures) > 0 {
		fs, err := fixtures.Select(opts.Fixtures)
		if err != nil {
			in.problems = append(in.problems, inputProblem{"--fixtures", err})
		}
		for _, f := range fs {
			data, err := fixtures.Read(f)
			if err != nil {
				in.problems = append(in.problems, inputProblem{f.Name, err})
				continue
			}
			p := payload.Payload{Source: f.Name, Data: data, Line: 1, Col: 1}
			in.targets = append(in.targets, in.newTarget(f.Name, &p))
		}
	}
	if len(opts.Paths) == 0 {
		return in
	}
	// The documents of the source being read: names depend on their number.
	var docs []payload.Payload
	tot, _ := input.Run(ctx, opts.Paths, input.Options{Stdin: opts.IO.In, MaxSize: opts.MaxSize, Exclude: opts.Exclude}, input.Work{
		Begin: func(*input.Source) { docs = docs[:0] },
		Payload: func(p *payload.Payload) error {
			d := *p
			d.Data = append([]byte(nil), p.Data...) // p.Data is only valid during the call
			docs = append(docs, d)
			return nil
		},
		End: func(o *input.Outcome) {
			switch {
			case o.Skipped != "":
				in.skipped = append(in.skipped, *o)
				return
			case o.Err != nil:
				in.problems = append(in.problems, inputProblem{o.Name, sourceError(o.Err)})
			}
			for i := range docs {
				name := o.Name
				if len(docs) > 1 {
					name += ":" + strconv.Itoa(docs[i].Line)
				}
				in.targets = append(in.targets, in.newTarget(name, &docs[i]))
			}
			docs = docs[:0]
		},
	})
	in.interrupted = tot.Interrupted
	return in
}

// sourceError drops the source name a *payload.SourceError carries (the
// problem is printed after the input's name) and keeps its line.
func sourceError(err error) error {
	var se *payload.SourceError
	if !errors.As(err, &se) {
		return err
	}
	if se.Line > 0 {
		return fmt.Errorf("line %d: %w", se.Line, se.Err)
	}
	return se.Err
}

// newTarget makes a target of a payload, warning about invalid JSON.
func (in *inputs) newTarget(name string, p *payload.Payload) replay.Target {
	t := replay.Target{Name: name, Body: p.Data}
	if se := payload.CheckSyntax(p); se != nil {
		line, col := p.Position(se.Offset)
		in.warnings = append(in.warnings, fmt.Sprintf("%s:%d:%d: not valid JSON (%s); sent as is", p.Source, line, col, se.Msg))
		return t
	}
	t.Format = payload.Detect(p.Data).Format
	return t
}
