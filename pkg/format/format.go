// Package format is the registry of wamo's wire formats: for each format
// name, the reader that turns its payloads into the canonical model
// (pkg/message) and the writer that turns the model into its payloads.
// Each format is described once, in its own package below this one;
// commands and libraries that work on several formats look them up here.
package format

import (
	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// Format is what wamo knows of one wire format.
type Format struct {
	ID payload.Format
	// NewReader returns a reader of the format's payloads.
	NewReader func() message.Reader
	// NewWriter returns a writer of the format.
	NewWriter func() message.Writer
}

var formats = [...]Format{
	payload.Sinch:    {ID: payload.Sinch, NewReader: sinch.NewReader, NewWriter: sinch.NewWriter},
	payload.WhatsApp: {ID: payload.WhatsApp, NewReader: whatsapp.NewOnPremReader, NewWriter: whatsapp.NewOnPremWriter},
	payload.Cloud:    {ID: payload.Cloud, NewReader: whatsapp.NewCloudReader, NewWriter: whatsapp.NewCloudWriter},
}

// Of returns the format with id f, or nil for payload.Unknown.
func Of(f payload.Format) *Format {
	if int(f) >= len(formats) || formats[f].NewReader == nil {
		return nil
	}
	return &formats[f]
}

// Read reads a parsed payload of format f into h (a new reader each time:
// keep a reader for many payloads).
func Read(f payload.Format, root jsontree.Value, h message.Handler) {
	if ft := Of(f); ft != nil {
		ft.NewReader().Read(root, h, message.ReadOptions{})
	}
}
