package payload_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// prettyInput is about n bytes of the valid fixtures as they are: pretty
// documents one after another.
func prettyInput(b *testing.B, n int) []byte {
	docs := payloadtest.Fixtures(b, payloadtest.Valid)
	var buf bytes.Buffer
	for i := 0; buf.Len() < n; i++ {
		buf.Write(docs[i%len(docs)].Data)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// longLine is one valid Sinch batch of about n bytes on one line.
func longLine(n int) []byte {
	item := []byte(`{"id":"a","source":"5519900000000","origin":"5519900000000","message":{"type":"TEXT","messageText":"Olá"},"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}`)
	var buf bytes.Buffer
	buf.WriteString(`{"total":0,"data":[`)
	for buf.Len() < n {
		buf.Write(item)
		buf.WriteByte(',')
	}
	buf.Write(item)
	buf.WriteString("]}\n")
	return buf.Bytes()
}

// benchRead reads every payload of data per iteration with one Reader, as
// the input pipeline does; b.SetBytes makes -bench report MB/s.
func benchRead(b *testing.B, data []byte, maxSize int, lines, hint bool, wantErr error) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	r := bytes.NewReader(data)
	rd := payload.NewReader(r, "bench", maxSize)
	for b.Loop() {
		r.Reset(data)
		rd.Reset(r, "bench")
		rd.SetLineMode(lines)
		if hint {
			rd.SetSizeHint(int64(len(data)))
		}
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if wantErr == nil || !errors.Is(err, wantErr) {
					b.Fatal(err)
				}
				break
			}
		}
	}
}

func BenchmarkReaderNDJSON(b *testing.B) {
	benchRead(b, payloadtest.NDJSON(b, 16<<20, payloadtest.Valid), 0, false, false, nil)
}

func BenchmarkReaderNDJSONLineMode(b *testing.B) {
	benchRead(b, payloadtest.NDJSON(b, 16<<20, payloadtest.Valid), 0, true, false, nil)
}

func BenchmarkReaderPretty(b *testing.B) {
	benchRead(b, prettyInput(b, 16<<20), 0, false, false, nil)
}

// BenchmarkReaderLongLine: one 16 MB single-line document, from a file
// (size known) and from a pipe (unknown).
func BenchmarkReaderLongLine(b *testing.B) {
	data := longLine(16 << 20)
	b.Run("file", func(b *testing.B) { benchRead(b, data, 0, false, true, nil) })
	b.Run("pipe", func(b *testing.B) { benchRead(b, data, 0, false, false, nil) })
}

// BenchmarkReaderRefuseOversized: a 32 MB line under an 8 MB limit is
// refused after 8 MB+1 bytes; MB/s counts the whole input.
func BenchmarkReaderRefuseOversized(b *testing.B) {
	data := longLine(32 << 20)
	b.Run("file", func(b *testing.B) { benchRead(b, data, 8<<20, false, true, payload.ErrTooLarge) })
	b.Run("pipe", func(b *testing.B) { benchRead(b, data, 8<<20, false, false, payload.ErrTooLarge) })
}

// BenchmarkExcerptLongLine: the excerpt of a syntax error at the end of a
// 16 MB line.
func BenchmarkExcerptLongLine(b *testing.B) {
	p := payload.Payload{Data: longLine(16 << 20)}
	b.SetBytes(int64(len(p.Data)))
	b.ReportAllocs()
	for b.Loop() {
		p.Excerpt(len(p.Data)-3, 72)
	}
}

// BenchmarkCheckSyntaxLongLine: CheckSyntax, Position and Excerpt of a
// 16 MB line with a trailing comma at its end, as validate reports it.
func BenchmarkCheckSyntaxLongLine(b *testing.B) {
	data := longLine(16 << 20)
	data = append(data[:len(data)-3:len(data)-3], ",]}"...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p := payload.Payload{Data: data, Line: 1, Col: 1}
		se := payload.CheckSyntax(&p)
		if se == nil {
			b.Fatal("no syntax error")
		}
		p.Position(se.Offset)
		p.Excerpt(se.Offset, 72)
	}
}

func BenchmarkSniffFormat(b *testing.B) {
	data := []byte("{\n  // a comment\n  \"compilerOptions\": {\"strict\": true,},\n  \"include\": [\"src\"],\n  \"total\": 1,\n}")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if payload.SniffFormat(data) != payload.Sinch {
			b.Fatal("not sinch")
		}
	}
}
