// Package integrations has no code of its own: its tests run what wamo ships
// for other tools the way those tools run it. The GitHub Action's steps
// (action.yml) run as GitHub's runner runs a composite action's bash steps,
// and the pre-commit hooks (.pre-commit-hooks.yaml) as pre-commit runs them.
// .ci/run adds the checks that need the real tools: actionlint, pre-commit
// itself, and the release archives served to the Action.
package integrations
