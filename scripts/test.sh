#!/usr/bin/env bash
# Runs every test of the project. Needs only the Rust toolchain and Python 3;
# anything else a test needs is installed by that test's script.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-features
# The core must also build without its optional dependencies.
cargo check --no-default-features --lib
# The examples run to completion (all features, to reuse the test build);
# load_emulator skips unless BQCODEC_EMULATOR_REST names an emulator.
for example in proto arrow insert_all bigtable_sql load_emulator; do
    echo "== cargo run --example $example"
    cargo run --quiet --all-features --example "$example" > /dev/null
done
# bqcodec::build used from a package's own build.rs (its own workspace; the
# main target dir so dependencies are built once).
CARGO_TARGET_DIR="$PWD/target" cargo test --manifest-path tests/build-script/Cargo.toml
