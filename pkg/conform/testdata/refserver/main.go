// Command refserver serves wamo's reference webhook receivers on loopback,
// for trying `wamo conform` by hand: the right one at /right and each
// faulty one at /FAULT (see package receiver).
//
//	WAMO_APP_SECRET=s3cret WAMO_VERIFY_TOKEN=t0ken \
//	  go run ./pkg/conform/testdata/refserver -profile cloud -addr 127.0.0.1:8089
//	WAMO_APP_SECRET=s3cret WAMO_VERIFY_TOKEN=t0ken \
//	  wamo conform -p cloud -u http://127.0.0.1:8089/409-on-duplicate
//
// The conversation profile's receivers check Sinch's signature with the
// secret in WAMO_SINCH_SECRET.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/conform/testdata/receiver"
	"github.com/wamo-dev/wamo/pkg/signature"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "listen address (loopback)")
	name := flag.String("profile", "cloud", "profile the receivers expect: "+strings.Join(conform.ProfileNames(), ", "))
	slow := flag.Duration("slow", 400*time.Millisecond, "how long the slow receiver takes over a delivery with media")
	flag.Parse()
	p := conform.LookupProfile(*name)
	if p == nil {
		log.Fatalf("unknown profile %q", *name)
	}
	mux := http.NewServeMux()
	for _, f := range append([]receiver.Fault{receiver.None}, receiver.Faults...) {
		cfg := receiver.Config{Format: p.Format, MaxBody: p.MaxBody, Fault: f, Slow: *slow}
		env := "WAMO_APP_SECRET"
		if p.Signer == signature.SinchScheme {
			env = "WAMO_SINCH_SECRET"
		}
		if s := os.Getenv(env); p.Signer != nil && s != "" {
			cfg.Secret = []byte(s)
		}
		if p.Handshake != nil {
			cfg.VerifyToken = os.Getenv("WAMO_VERIFY_TOKEN")
		}
		path := "/" + string(f)
		if f == receiver.None {
			path = "/right"
		}
		mux.Handle(path, receiver.New(cfg))
	}
	// The crashing receiver's panics are its fault, not news.
	srv := &http.Server{Addr: *addr, Handler: mux, ErrorLog: log.New(io.Discard, "", 0)}
	fmt.Fprintf(os.Stderr, "reference receivers (%s) on http://%s/right and /FAULT\n", p.Name, *addr)
	log.Fatal(srv.ListenAndServe())
}
