// Package enum spells the values of small integer enumerations from a
// table of names, so that a type's String is one line over its table
// rather than a switch.
package enum

// Name is names[v], or fallback when v is past the end of names.
func Name[T ~uint8](names []string, v T, fallback string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fallback
}
