// Package interop has no code of its own: its tests run what wamo sends
// and receives against the real third-party tools on the other side, on
// loopback — Sinch's own Node SDK (@sinch/sdk-core, from npm) for the
// Conversation API's signatures and callbacks, and the load engines that
// `wamo replay --export` writes for (vegeta, from the Go module proxy, and
// Artillery, from npm). They run the wamo binary built from this tree.
//
// .ci/run installs the tools into temporary directories and names them in
// the environment (WAMO_INTEROP_SINCH_DIR, WAMO_INTEROP_ARTILLERY_DIR,
// WAMO_VEGETA); without those, a test installs what it needs into the
// user's cache directory. A test skips only where the tool's runtime is
// absent (node for the npm packages), and says so.
package interop
