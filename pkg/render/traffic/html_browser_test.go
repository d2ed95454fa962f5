package traffic

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/conform/testdata/receiver"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// The HTML reports are checked in a real browser: Debian's Chromium,
// headless, loads each report from a file; the test reads the rendered page
// (the table, both charts drawn and not empty, evidence that expands), fails
// on any console error (a fetch the page's policy blocks shows as one) and
// keeps a screenshot under the test's temporary directory.

// chromium returns the browser's path, or skips the test saying why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("Chromium is not installed (Debian package chromium; .ci/run installs it): the HTML report is not checked in a browser")
	return ""
}

// pageFacts is what the test reads off the rendered page.
type pageFacts struct {
	Rows          int     `json:"rows"`
	Points        int     `json:"points"`
	Bars          int     `json:"bars"`
	TallBars      int     `json:"tallBars"`
	Deadlines     int     `json:"deadlines"`
	TimelineW     float64 `json:"timelineW"`
	TimelineH     float64 `json:"timelineH"`
	HistogramW    float64 `json:"histogramW"`
	HistogramH    float64 `json:"histogramH"`
	Verdict       string  `json:"verdict"`
	EvidenceShown bool    `json:"evidenceShown"`
}

const pageScript = `(() => {
  const box = (sel) => { const e = document.querySelector(sel); if (!e) return {width: 0, height: 0}; return e.getBoundingClientRect(); };
  const d = document.querySelector('details');
  let shown = false;
  if (d) { d.querySelector('summary').click(); const ev = d.querySelector('.ev'); shown = d.open && !!ev && ev.getBoundingClientRect().height > 0; }
  return {
    rows: document.querySelectorAll('#cases tbody tr').length,
    points: document.querySelectorAll('#latency-chart circle').length,
    bars: document.querySelectorAll('#histogram rect').length,
    tallBars: [...document.querySelectorAll('#histogram rect')].filter(r => r.getBoundingClientRect().height > 0).length,
    deadlines: document.querySelectorAll('svg .deadline').length,
    timelineW: box('#latency-chart').width, timelineH: box('#latency-chart').height,
    histogramW: box('#histogram').width, histogramH: box('#histogram').height,
    verdict: document.querySelector('#verdict .word').textContent,
    evidenceShown: shown,
  };
})()`

// loadInBrowser renders the file in headless Chromium and returns what it
// shows, the console errors, and the screenshot's path.
func loadInBrowser(t *testing.T, exe, file string) (pageFacts, []string, string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	// The browser starts with the first action; the console is read from
	// then on, in a context of its own so that reading can end.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("Chromium did not start: %v", err)
	}
	cctx, ccancel := context.WithCancel(bctx)
	messages := chromedp.Console(cctx)
	var problems []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				problems = append(problems, m.String()+" "+m.URL)
			}
		}
	}()
	u := (&url.URL{Scheme: "file", Path: file}).String()
	err := chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#cases")))
	if err != nil {
		t.Fatalf("Chromium: %v", err)
	}
	facts, err := chromedp.Run(bctx, chromedp.Evaluate[pageFacts](pageScript))
	if err != nil {
		t.Fatalf("Chromium: %v", err)
	}
	time.Sleep(200 * time.Millisecond) // late console messages
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatalf("Chromium: %v", err)
	}
	ccancel()
	<-done
	png := strings.TrimSuffix(file, ".html") + ".png"
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	return facts, problems, png
}

func checkPage(t *testing.T, facts pageFacts, problems []string, rows int, verdict string) {
	t.Helper()
	if facts.Rows != rows {
		t.Errorf("the table shows %d rows, want %d", facts.Rows, rows)
	}
	if facts.Points == 0 || facts.TimelineW < 100 || facts.TimelineH < 50 {
		t.Errorf("latency over time: %d points in %.0f×%.0f", facts.Points, facts.TimelineW, facts.TimelineH)
	}
	if facts.Bars == 0 || facts.TallBars == 0 || facts.HistogramW < 100 || facts.HistogramH < 50 {
		t.Errorf("histogram: %d bars (%d drawn) in %.0f×%.0f", facts.Bars, facts.TallBars, facts.HistogramW, facts.HistogramH)
	}
	if facts.Deadlines < 2 {
		t.Errorf("the deadline is drawn %d times, want it on both charts", facts.Deadlines)
	}
	if facts.Verdict != verdict {
		t.Errorf("verdict %q, want %q", facts.Verdict, verdict)
	}
	if !facts.EvidenceShown {
		t.Error("the first evidence did not expand when clicked")
	}
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
}

// TestConformHTMLInBrowser runs the Cloud API catalogue against a
// reference receiver that answers duplicates 409, writes the HTML report
// and checks it in Chromium.
func TestConformHTMLInBrowser(t *testing.T) {
	exe := chromium(t)
	p := conform.LookupProfile("cloud")
	srv := httptest.NewUnstartedServer(receiver.New(receiver.Config{Format: p.Format, MaxBody: p.MaxBody, Fault: receiver.Duplicate409}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	defer srv.Close()
	cat, err := conform.Build(p)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := cat.Select(nil, []string{"ack.largest-batch", "wire.max-size"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conform.Run(context.Background(), cat, cases,
		conform.Options{URL: srv.URL, Deadline: 5 * time.Second, Rate: 40, Duration: 300 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "conform.html")
	writeReportFile(t, file, func(ios *iostreams.IOStreams) {
		r, err := NewConformReporter(ios, ConformOptions{Output: "html", Version: "test", Catalogue: cat, Cases: cases, URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(rep, 1); err != nil {
			t.Fatal(err)
		}
	})
	facts, problems, png := loadInBrowser(t, exe, file)
	checkPage(t, facts, problems, len(cases), "FAIL")
	t.Logf("screenshot: %s", png)
}

// TestReplayHTMLInBrowser replays fixtures against a server that is slow
// on some and fails others, writes `wamo replay --output html` and checks
// it in Chromium.
func TestReplayHTMLInBrowser(t *testing.T) {
	exe := chromium(t)
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k%7 == 0 {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	cfg := replay.Config{URL: srv.URL, Repeat: 5}
	targets := []replay.Target{{Name: "sinch/text", Body: []byte(`{"total":1,"data":[]}`)}, {Name: "cloud/image", Body: []byte(`{"object":"whatsapp_business_account"}`)}}
	started := time.Now()
	file := filepath.Join(t.TempDir(), "replay.html")
	writeReportFile(t, file, func(ios *iostreams.IOStreams) {
		rep, err := NewReplayReporter(ios, ReplayOptions{Output: "html", Version: "test", Started: started})
		if err != nil {
			t.Fatal(err)
		}
		sum := replay.NewSummary(cfg, targets, started)
		results := make(chan replay.Result, 64)
		go func() {
			_ = replay.Run(context.Background(), cfg, targets, results)
			close(results)
		}()
		for r := range results {
			sum.Add(&r)
			rep.Request(&r)
		}
		sum.Finish(time.Now(), false)
		if err := rep.Finish(sum, sum.Verdict(replay.Thresholds{}), 1); err != nil {
			t.Fatal(err)
		}
	})
	facts, problems, png := loadInBrowser(t, exe, file)
	checkPage(t, facts, problems, len(targets), "FAIL")
	t.Logf("screenshot: %s", png)
}

func writeReportFile(t *testing.T, file string, write func(*iostreams.IOStreams)) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	write(ios)
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
