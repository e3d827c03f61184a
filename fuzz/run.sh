#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each. cargo-fuzz needs
# nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1
for t in $(cargo fuzz list); do
  echo "== $t ($secs s)"
  cargo fuzz run -O "$t" -- -max_total_time="$secs" -max_len=4096 2>&1 | grep -E "^(#[0-9]+ +DONE|Done|==[0-9]+==|SUMMARY|thread)" || true
done
