package input_test

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// transcript records, in order, every call a run makes to the work: what
// the parallel run must reproduce exactly.
type transcript struct {
	lines []string
}

func (tr *transcript) add(format string, a ...any) {
	tr.lines = append(tr.lines, fmt.Sprintf(format, a...))
}

func (tr *transcript) work() input.Work {
	return input.Work{
		Begin: func(s *input.Source) { tr.add("begin %s kind=%d", s.Name, s.Kind) },
		End: func(o *input.Outcome) {
			tr.add("end %s payloads=%d bytes=%d err=%v skipped=%q interrupted=%v", o.Name, o.Payloads, o.Bytes, o.Err, o.Skipped, o.Interrupted)
		},
		Progress: func(name string, bytes int64, payloads int) { tr.add("progress %s %d %d", name, bytes, payloads) },
	}
}

// digest is what the workers make of a payload: something of its bytes
// and of where it is, so that a payload given the wrong data or position
// shows.
type digest struct {
	sum    uint32
	size   int
	at     string
	worker *int32 // which worker made it
}

func (tr *transcript) stages(workers *atomic.Int32) input.Stages[digest] {
	return input.Stages[digest]{
		New: func() func(*payload.Payload, *digest) {
			id := new(int32)
			*id = workers.Add(1)
			return func(p *payload.Payload, d *digest) {
				*d = digest{sum: crc32.ChecksumIEEE(p.Data), size: len(p.Data), worker: id,
					at: fmt.Sprintf("%s:%d:%d #%d", p.Source, p.Line, p.Col, p.Index)}
			}
		},
		Emit: func(p *payload.Payload, d *digest) error {
			if crc32.ChecksumIEEE(p.Data) != d.sum {
				tr.add("DATA CHANGED under %s", d.at)
			}
			tr.add("payload %s size=%d sum=%08x", d.at, d.size, d.sum)
			return nil
		},
	}
}

// shapes writes inputs of every shape the pipeline knows into dir and
// returns the arguments naming them.
func shapes(t *testing.T, dir string) []string {
	t.Helper()
	sinch := string(payloadtest.Read(t, "sinch/text"))
	line := string(pretty.Ugly([]byte(sinch)))
	cloud := string(pretty.Ugly(payloadtest.Read(t, "cloud/text")))
	var nd strings.Builder
	for i := range 300 {
		switch {
		case i%97 == 13:
			nd.WriteString(`{"total":1,"data":[` + "\n") // a syntax error
		case i%31 == 5:
			nd.WriteString("\n\r\n") // blank lines
		case i%2 == 0:
			nd.WriteString(cloud + "\n")
		default:
			nd.WriteString(line + "\r\n")
		}
	}
	var concat strings.Builder
	for range 40 {
		concat.WriteString(sinch) // pretty documents one after another
		concat.WriteString(" " + line + " " + line + "\n")
	}
	huge := `{"total":1,"data":[],"clientInfo":"` + strings.Repeat("é", 3000) + `"}` // larger than a chunk
	tree := map[string]string{
		"big.ndjson":           nd.String(),
		"concat.json":          concat.String(),
		"huge.json":            line + "\n" + huge + "\n" + line + "\n",
		"dir/a.json":           sinch,
		"dir/b.ndjson":         line + "\n" + line + "\n",
		"dir/c/package.json":   `{"name":"x","version":"1.0.0"}`,
		"dir/c/notes.json":     "# not JSON\n",
		"dir/c/empty.json":     "",
		"dir/c/d/cloud.json":   cloud,
		"dir/c/d/broken.json":  `{"object":"whatsapp_business_account","entry":[` + "\n",
		"dir/e/big.ndjson":     nd.String(),
		"empty/x.txt":          "not read",
		"others/package.json":  `{"name":"y"}`,
		"others/tsconfig.json": `{"compilerOptions":{}}`,
		"toolarge.ndjson":      line + "\n" + strings.Repeat(line+"\n", 3) + `{"total":1,"data":[],"x":"` + strings.Repeat("x", 20000) + `"}` + "\n" + line + "\n",
	}
	write(t, dir, tree)
	args := []string{
		filepath.Join(dir, "big.ndjson"), filepath.Join(dir, "concat.json"), filepath.Join(dir, "huge.json"),
		filepath.Join(dir, "dir"), filepath.Join(dir, "missing.json"), filepath.Join(dir, "empty"),
		filepath.Join(dir, "others"), filepath.Join(dir, "dir", "c", "package.json"), "-",
		filepath.Join(dir, "d*", "c", "*.json"), filepath.Join(dir, "nomatch*.json"),
		filepath.Join(dir, "toolarge.ndjson"),
	}
	if ok, err := mkfifo(filepath.Join(dir, "dir", "pipe.json")); ok && err != nil {
		t.Fatal(err)
	}
	return args
}

// TestStagesAsSequential: RunStages with any number of workers and any
// chunk size makes exactly the calls the sequential run makes, in the same
// order, with the same payloads, positions, outcomes, progress and totals.
func TestStagesAsSequential(t *testing.T) {
	dir := t.TempDir()
	args := shapes(t, dir)
	stdin := string(pretty.Ugly(payloadtest.Read(t, "whatsapp/text"))) + "\n" + string(payloadtest.Read(t, "sinch/text"))
	opts := input.Options{MaxSize: 16 << 10}

	var seq transcript
	var workers atomic.Int32
	seqOpts := opts
	seqOpts.Stdin = strings.NewReader(stdin)
	st := seq.stages(&workers)
	do := st.New()
	w := seq.work()
	var d digest
	w.Payload = func(p *payload.Payload) error { do(p, &d); return st.Emit(p, &d) }
	seqTot, err := input.Run(context.Background(), args, seqOpts, w)
	if err != nil {
		t.Fatal(err)
	}
	if seqTot.Payloads < 300 || seqTot.Skipped < 3 || seqTot.Failed < 4 {
		t.Fatalf("the shapes are not what the test needs: %+v\n%s", seqTot, strings.Join(seq.lines, "\n"))
	}

	for _, jobs := range []int{1, 2, 3, 8} {
		for _, chunk := range []int{0, 1, 300, 4096} {
			t.Run(fmt.Sprintf("jobs=%d,chunk=%d", jobs, chunk), func(t *testing.T) {
				var par transcript
				var workers atomic.Int32
				o := opts
				o.Jobs = jobs
				o.Stdin = strings.NewReader(stdin)
				if chunk > 0 {
					input.SetChunkSize(&o, chunk)
				}
				tot, err := input.RunStages(context.Background(), args, o, par.work(), par.stages(&workers))
				if err != nil {
					t.Fatal(err)
				}
				if tot != seqTot {
					t.Errorf("totals %+v, sequential %+v", tot, seqTot)
				}
				if got := int(workers.Load()); got != max(jobs, 1) {
					t.Errorf("%d workers made, want %d", got, jobs)
				}
				if !slices.Equal(par.lines, seq.lines) {
					t.Errorf("the calls differ from the sequential run's:\n%s", diffLines(seq.lines, par.lines))
				}
			})
		}
	}
}

// diffLines shows the first difference of two transcripts.
func diffLines(want, got []string) string {
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return fmt.Sprintf("call %d:\nsequential: %s\nparallel:   %s", i, w, g)
		}
	}
	return ""
}

// TestStagesSpreadWork: the work really runs on several workers, each
// with its own state.
func TestStagesSpreadWork(t *testing.T) {
	dir := t.TempDir()
	line := string(pretty.Ugly(payloadtest.Read(t, "sinch/text")))
	write(t, dir, map[string]string{"a.ndjson": strings.Repeat(line+"\n", 2000)})
	o := input.Options{Jobs: 4}
	input.SetChunkSize(&o, 1000)
	used := map[*int32]int{}
	var made atomic.Int32
	_, err := input.RunStages(context.Background(), []string{filepath.Join(dir, "a.ndjson")}, o, input.Work{}, input.Stages[digest]{
		New: func() func(*payload.Payload, *digest) {
			id := new(int32)
			made.Add(1)
			busy := false // a worker's own state: never entered twice at once
			return func(p *payload.Payload, d *digest) {
				if busy {
					t.Error("a worker's function ran concurrently with itself")
				}
				busy = true
				for range 200 { // enough work that every worker gets some
					d.sum = crc32.Update(d.sum, crc32.IEEETable, p.Data)
				}
				d.worker = id
				busy = false
			}
		},
		Emit: func(_ *payload.Payload, d *digest) error { used[d.worker]++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if made.Load() != 4 || len(used) < 2 {
		t.Errorf("%d workers made, %d did work", made.Load(), len(used))
	}
}

// TestStagesInterrupted: Ctrl-C during a parallel run ends it as the
// sequential run ends: what was emitted is a prefix of the full run, the
// source in progress is reported interrupted with the payloads emitted
// from it, and nothing follows.
func TestStagesInterrupted(t *testing.T) {
	dir := t.TempDir()
	line := string(pretty.Ugly(payloadtest.Read(t, "sinch/text")))
	var args []string
	for i := range 30 {
		name := filepath.Join(dir, fmt.Sprintf("%02d.ndjson", i))
		if err := os.WriteFile(name, []byte(strings.Repeat(line+"\n", 1+i%3*40)), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, name)
	}
	var full transcript
	var workers atomic.Int32
	if _, err := input.RunStages(context.Background(), args, input.Options{Jobs: 3}, full.work(), full.stages(&workers)); err != nil {
		t.Fatal(err)
	}
	for _, after := range []int{1, 50, 200, 700} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var tr transcript
			o := input.Options{Jobs: 3}
			input.SetChunkSize(&o, 700)
			st := tr.stages(&workers)
			emit, n := st.Emit, 0
			st.Emit = func(p *payload.Payload, d *digest) error {
				if n++; n == after {
					cancel()
				}
				return emit(p, d)
			}
			tot, err := input.RunStages(ctx, args, o, tr.work(), st)
			if err != nil || !tot.Interrupted {
				t.Fatalf("err %v, totals %+v", err, tot)
			}
			last := tr.lines[len(tr.lines)-1]
			if !strings.HasPrefix(last, "end ") || len(tr.lines) >= len(full.lines) {
				t.Errorf("the run ends with %q after %d calls (of %d)", last, len(tr.lines), len(full.lines))
			}
			if strings.Count(strings.Join(tr.lines, "\n"), "interrupted=true") > 1 {
				t.Error("more than one source reported interrupted")
			}
			// Everything before the last source's end is what the full run
			// did (the source may have been read to its end before the
			// interruption: the reading is ahead of what is emitted).
			if !slices.Equal(tr.lines[:len(tr.lines)-1], full.lines[:len(tr.lines)-1]) {
				t.Errorf("not a prefix of the full run:\n%s", diffLines(full.lines, tr.lines))
			}
			if !strings.HasSuffix(last, "interrupted=true") {
				return
			}
			// An interrupted source reports the payloads emitted from it.
			var payloads int
			fmt.Sscanf(last[strings.Index(last, "payloads="):], "payloads=%d", &payloads)
			emitted := 0
			for i := len(tr.lines) - 2; i >= 0 && strings.HasPrefix(tr.lines[i], "payload "); i-- {
				emitted++
			}
			if emitted != payloads {
				t.Errorf("%d payloads emitted, the outcome says %d", emitted, payloads)
			}
		})
	}
}

// TestStagesEmitError: an error of Emit (an output that cannot be
// written) stops a parallel run at once and is returned; nothing is
// emitted after it.
func TestStagesEmitError(t *testing.T) {
	boom := errors.New("broken pipe")
	stdin := strings.Repeat("{}\n", 10000)
	n := 0
	_, err := input.RunStages(context.Background(), []string{"-", "-"}, input.Options{Jobs: 2, Stdin: strings.NewReader(stdin)}, input.Work{
		End: func(*input.Outcome) { t.Error("a source ended after the error") },
	}, input.Stages[int]{
		New:  func() func(*payload.Payload, *int) { return func(*payload.Payload, *int) {} },
		Emit: func(*payload.Payload, *int) error { n++; return boom },
	})
	if !errors.Is(err, boom) || n != 1 {
		t.Errorf("err %v after %d payloads", err, n)
	}
}
