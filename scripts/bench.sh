#!/usr/bin/env bash
# Runs the criterion benches and prints one Markdown table: each bench's median
# time per iteration, its throughput, and its speed relative to the baseline of
# its own group (measured in the same run): baseline time / bench time, so
# 2.00× is twice as fast as the baseline and 0.50× half as fast.
#
#   scripts/bench.sh                     # every bench below
#   scripts/bench.sh codecs decode       # named benches only
#   scripts/bench.sh --report            # no run: every result in target/criterion, old ones too
#
# BENCH_ARGS are passed to criterion (default: a short warm-up and measurement,
# for a shared machine); e.g. BENCH_ARGS="--quick" or BENCH_ARGS="" for criterion's defaults.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
all=(codecs schema insert_all decode proto_encode arrow_encode)
bench_args=${BENCH_ARGS---warm-up-time 1 --measurement-time 3}
criterion_dir="${CARGO_TARGET_DIR:-$root/target}/criterion"

report_only=0
benches=()
for a in "$@"; do
    case "$a" in
        --report) report_only=1 ;;
        -h | --help)
            sed -n '2,12p' "$0"
            exit 0
            ;;
        *) benches+=("$a") ;;
    esac
done
[ ${#benches[@]} -gt 0 ] || benches=("${all[@]}")

since=0
if [ "$report_only" = 0 ]; then
    since=$(date +%s)
    for b in "${benches[@]}"; do
        # shellcheck disable=SC2086 # BENCH_ARGS is a list of words
        cargo bench --all-features --bench "$b" -- $bench_args >&2
    done
fi

python3 - "$criterion_dir" "$since" <<'PY'
import json, os, sys

root, since = sys.argv[1], float(sys.argv[2])
BASELINES = ("serde_json IgnoredAny", "arrow-json Decoder")  # the older benches' names


def is_baseline(fid):
    return fid.startswith("baseline") or fid in BASELINES


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def fmt_rate(tp, ns):
    if not tp:
        return ""
    (kind, n), = tp.items()
    per_s = n / (ns / 1e9)
    if kind == "Bytes":
        return "%.0f MiB/s" % (per_s / 1048576)
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_s >= scale:
            return "%.3g %s/s" % (per_s / scale, unit + "elem")
    return "%.3g elem/s" % per_s


groups = {}
if os.path.isdir(root):
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        bench_file = os.path.join(dirpath, "benchmark.json")
        if os.path.getmtime(bench_file) < since:
            continue
        with open(bench_file) as f:
            b = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            e = json.load(f)
        ns = e["median"]["point_estimate"]
        groups.setdefault(b["group_id"], []).append((b.get("function_id") or "", ns, b.get("throughput")))

if not groups:
    sys.exit("no criterion results (run the benches first)")
print("| group | bench | median time / iter | throughput | vs baseline |")
print("| --- | --- | --- | --- | --- |")
for g in sorted(groups):
    rows = sorted(groups[g], key=lambda r: (not is_baseline(r[0]), r[0]))
    base = next((ns for fid, ns, _ in rows if is_baseline(fid)), None)
    for fid, ns, tp in rows:
        ratio = "baseline" if is_baseline(fid) else ("%.2f×" % (base / ns) if base else "")
        print("| %s | %s | %s | %s | %s |" % (g, fid, fmt_time(ns), fmt_rate(tp, ns), ratio))
PY
