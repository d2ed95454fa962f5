package common

import "github.com/wamo-dev/wamo/pkg/message"

// Coordinates spells a place's coordinates, given as JSON text, as
// "latitude,longitude" (a title for a place that has no name).
func Coordinates(lat, long string) string {
	return scalarText(lat) + "," + scalarText(long)
}

// scalarText is a number's text, or a string's decoded value.
func scalarText(raw string) string {
	if s := message.Str(raw); s != "" {
		return s
	}
	return raw
}
