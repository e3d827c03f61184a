#!/usr/bin/env bash
# Runs every test of the project. Needs only the Rust toolchain and Python 3;
# anything else a test needs is installed by that test's script.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-features
# The core must also build without its optional dependencies.
cargo check --no-default-features --lib
