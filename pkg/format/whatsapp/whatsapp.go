// Package whatsapp describes native WhatsApp notifications.
package whatsapp

import (
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// CheckOnPrem walks an On-Premises payload.
func CheckOnPrem(c *spec.Ctx, root gjson.Result) {}

// CheckCloud walks a Cloud API payload.
func CheckCloud(c *spec.Ctx, root gjson.Result) {}

// Rules lists the rules of this package.
func Rules() []*diag.Rule { return nil }
