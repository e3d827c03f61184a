#!/usr/bin/env bash
# Installs the official Node client that tests/proto_diff.rs compares against,
# once: target/node/node_modules, from tests/node/package.json and its lock
# file (exact versions). Prints the NODE_PATH to use on stdout. Idempotent and
# quick when already installed (a stamp file records what was installed).
#
# Needs node and npm, and the npm registry.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${BQCODEC_NODE_DIR:-$root/target/node}
src=$root/tests/node
stamp=$dest/.bqcodec-lock
mkdir -p "$dest"
if [ -d "$dest/node_modules" ] && [ -f "$stamp" ] && cmp -s "$src/package-lock.json" "$stamp"; then
  echo "$dest/node_modules"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
# No install scripts: the packages are only read (no native builds needed).
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
cp "$src/package-lock.json" "$stamp"
echo "$dest/node_modules"
