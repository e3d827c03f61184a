#!/usr/bin/env bash
# Peak memory (max RSS) of `bqcodec encode` on bench10 NDJSON of two sizes, for
# each output format, with and without --skip-invalid (without it the CLI writes
# nothing unless every row is good: rows stream into a staged temporary file,
# moved or copied to the output at the end, so memory stays bounded too).
#
#   scripts/bench-memory.sh [SIZE_MB]    # default 1024; also measures SIZE_MB/4
#
# Needs Python 3 (the row generator, scripts/gen_rows.py, and the RSS
# measurement: getrusage(RUSAGE_CHILDREN) of the child, in KiB on Linux).
# The input goes to a temporary directory ($TMPDIR or /tmp) and is deleted
# at the end; output goes to /dev/null.
set -euo pipefail

size_mb=${1:-1024}
small_mb=$((size_mb / 4))
root=$(cd "$(dirname "$0")/.." && pwd)
schema="$root/schemas/bench10.schema.json"
bin="$root/target/release/bqcodec"

(cd "$root" && cargo build --release --quiet --features cli --bin bqcodec)

work=$(mktemp -d "${TMPDIR:-/tmp}/bqcodec-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Runs a command with stdout to /dev/null; prints "max_rss_kib wall_seconds exit_code".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.monotonic() - t
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "%.2f" % wall, rc)
PY
}

echo "generating ${size_mb} MB of bench10 rows in $work ..." >&2
big="$work/rows-${size_mb}.ndjson"
rows=$(python3 "$root/scripts/gen_rows.py" "$size_mb" "$big")
small="$work/rows-${small_mb}.ndjson"
head -n $((rows / 4)) "$big" >"$small"

printf '| format | mode | input | rows | max RSS | wall | MB/s |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for format in proto arrow insert-all; do
    for mode in default --skip-invalid; do
        for input in "$small" "$big"; do
            args=(encode --schema "$schema" --format "$format" --input "$input" --output -)
            [ "$mode" = default ] || args+=("$mode")
            read -r rss wall rc < <(measure "$bin" "${args[@]}")
            if [ "$rc" != 0 ]; then
                echo "bqcodec ${args[*]} exited with $rc" >&2
                exit 1
            fi
            bytes=$(stat -c %s "$input")
            n=$(( $(wc -l <"$input") ))
            mbps=$(python3 -c "print('%.0f' % ($bytes / 1048576 / max($wall, 0.001)))")
            printf '| %s | %s | %d MB | %d | %d MiB | %s s | %s |\n' \
                "$format" "$mode" $((bytes >> 20)) "$n" $((rss / 1024)) "$wall" "$mbps"
        done
    done
done
