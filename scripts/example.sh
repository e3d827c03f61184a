#!/usr/bin/env bash
# The main job on the bundled example: check the example schemas, encode
# schemas/orders.ndjson as Storage Write API proto rows, show the .proto the
# rows follow, and decode the rows back to canonical JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --features cli
bq=target/release/bqcodec
out=${TMPDIR:-/tmp}/bqcodec-orders.rows
echo "== bqcodec schema check schemas/*.schema.json"
$bq schema check schemas/*.schema.json && echo "all valid"
echo "== bqcodec schema proto schemas/orders.schema.json"
$bq schema proto schemas/orders.schema.json
echo "== bqcodec encode --schema schemas/orders.schema.json --format proto --input schemas/orders.ndjson --output $out"
$bq encode --schema schemas/orders.schema.json --format proto --input schemas/orders.ndjson --output "$out"
echo "wrote $(wc -c < "$out") bytes"
echo "== bqcodec decode --schema schemas/orders.schema.json --format proto --input $out"
$bq decode --schema schemas/orders.schema.json --format proto --input "$out"
echo "== bqcodec value NUMERIC 1.5 --as bytes"
$bq value NUMERIC 1.5 --as bytes
