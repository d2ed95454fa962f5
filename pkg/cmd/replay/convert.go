package replay

import (
	"fmt"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// convertFor returns the conversion `--as FORMAT` applies to every payload
// before it is sent (replay.Config.Transform): each body is converted once,
// then sent (and refreshed under --fresh) like any other. What the target
// format cannot carry is dropped, as `wamo convert` would report; fields the
// target needs and the source lacks take convert's documented defaults.
func convertFor(format payload.Format) (func([]byte) ([]byte, error), error) {
	return func(b []byte) ([]byte, error) {
		res, err := convert.Convert(b, convert.Options{To: format, Compact: true})
		if err != nil {
			return nil, err
		}
		if res.Output == nil {
			return nil, fmt.Errorf("nothing in it can be expressed as %s", format)
		}
		return res.Output, nil
	}, nil
}
