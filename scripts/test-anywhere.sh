#!/usr/bin/env bash
# Runs the unit tests from a copy of the tracked files in a fresh temporary
# directory, with nothing beside it: a test that reads a file outside the
# repository (such as a facts folder beside the clone) fails here. node_modules
# is linked, not copied.
set -euo pipefail
cd "$(dirname "$0")/.."
copy=$(mktemp -d /tmp/postfix-lsp-anywhere.XXXXXX)
trap 'rm -rf "$copy"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$copy"
ln -s "$PWD/node_modules" "$copy/node_modules"
cd "$copy"
echo "Unit tests from a copy at $copy (no shared/ beside it)"
npx vitest run test/unit
