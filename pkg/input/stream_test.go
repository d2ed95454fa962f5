package input_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// silentDoc is what the writers of TestSilentWriter write before they
// fall silent.
const silentDoc = `{"total":1,"data":[]}` + "\n"

// silentStdin is stdin from a pipe whose writer wrote silentDoc and stays
// silent until the test ends.
func silentStdin(t *testing.T) ([]string, io.Reader) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); r.Close() })
	if _, err := w.WriteString(silentDoc); err != nil {
		t.Fatal(err)
	}
	return []string{"-"}, r
}

// silentFIFO is a named pipe whose writer, when there is one, writes
// silentDoc once the pipe is opened for reading and stays silent until the
// test ends.
func silentFIFO(writer bool) func(t *testing.T) ([]string, io.Reader) {
	return func(t *testing.T) ([]string, io.Reader) {
		fifo := filepath.Join(t.TempDir(), "live.json")
		if ok, err := mkfifo(fifo); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Skip("no named pipes here")
		}
		end := make(chan struct{})
		t.Cleanup(func() { close(end) })
		go func() {
			// Without a writer, one comes at the end only, to release an
			// open that waits for it.
			if !writer {
				<-end
			}
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			if writer {
				f.WriteString(silentDoc)
				<-end
			}
		}()
		return []string{fifo}, nil
	}
}

// TestSilentWriter: Ctrl-C while the writer of a pipe stays silent ends
// the run at once — the read (or the open of a named pipe) waiting for it
// is given up —, with the source reported interrupted and what was read
// before counted.
func TestSilentWriter(t *testing.T) {
	tests := []struct {
		name     string
		source   func(t *testing.T) ([]string, io.Reader)
		payloads int
	}{
		{"stdin from a pipe", silentStdin, 1},
		{"named pipe", silentFIFO(true), 1},
		{"named pipe without a writer", silentFIFO(false), 0},
	}
	for _, tt := range tests {
		for _, jobs := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/j%d", tt.name, jobs), func(t *testing.T) {
				args, stdin := tt.source(t)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				emitted := make(chan struct{}, 1)
				type result struct {
					tot  input.Totals
					outs []input.Outcome
				}
				done := make(chan result, 1)
				go func() {
					var r result
					r.tot, _ = input.RunStages(ctx, args, input.Options{Stdin: stdin, Jobs: jobs},
						input.Work{End: func(o *input.Outcome) { r.outs = append(r.outs, *o) }},
						input.Stages[struct{}]{
							New:  func() func(*payload.Payload, *struct{}) { return func(*payload.Payload, *struct{}) {} },
							Emit: func(*payload.Payload, *struct{}) error { emitted <- struct{}{}; return nil },
						})
					done <- r
				}()
				if tt.payloads > 0 {
					select {
					case <-emitted:
					case <-time.After(10 * time.Second):
						t.Fatal("the payload written was not handed over")
					}
				} else {
					time.Sleep(200 * time.Millisecond) // the run is waiting to open the pipe
				}
				cancel()
				select {
				case r := <-done:
					if !r.tot.Interrupted || len(r.outs) != 1 {
						t.Fatalf("totals %+v, outcomes %+v", r.tot, r.outs)
					}
					o := r.outs[0]
					wantBytes := int64(tt.payloads * len(silentDoc))
					if !o.Interrupted || o.Err != nil || o.Payloads != tt.payloads || o.Bytes != wantBytes {
						t.Errorf("outcome %+v, want interrupted after %d payloads, %d bytes", o, tt.payloads, wantBytes)
					}
				case <-time.After(2 * time.Second):
					t.Fatal("still reading 2 s after the interruption, the writer silent")
				}
			})
		}
	}
}
