package replay

import (
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// convertFor returns the conversion `--as FORMAT` applies to every payload
// before it is sent (replay.Config.Transform): each body is converted once,
// then sent (and refreshed under --fresh) like any other.
//
// TODO(convert): connect pkg/convert here once it lands, e.g.
//
//	return func(b []byte) ([]byte, error) { return convert.To(format, b) }, nil
func convertFor(format payload.Format) (func([]byte) ([]byte, error), error) {
	_ = format
	return nil, cmdutil.Usagef("--as: conversion not available yet")
}
