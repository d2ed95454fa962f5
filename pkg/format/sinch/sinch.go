// Package sinch describes the Sinch (ex-Wavy) WhatsApp MO callback.
package sinch

import (
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Check walks a Sinch payload.
func Check(c *spec.Ctx, root gjson.Result) {}

// Rules lists the rules of this package.
func Rules() []*diag.Rule { return nil }
