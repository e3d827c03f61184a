#!/usr/bin/env bash
# Runs the fuzz targets: every target, or the ones named, for SECONDS each
# (default 60), one after the other, then prints executions per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      e.g. fuzz/run.sh 600, fuzz/run.sh 120 structured
#
# FUZZ_RUNS=N stops a target after N executions if that comes first: the
# campaign rule "10 million executions or 30 minutes" is
#   FUZZ_RUNS=10000000 fuzz/run.sh 1800
#
# Seeds (committed) are in fuzz/seeds/<target>/; they are copied into the
# working corpus fuzz/corpus/<target>/ (not committed) before each run, so
# the corpus grows across runs. Crashes go to fuzz/artifacts/<target>/, each
# run's libFuzzer log to fuzz/logs/<target>.log.
#
# Environment: FUZZ_SANITIZER (default none: the crate has no unsafe code;
# `address` to check the dependencies' unsafe code too), NICE (default 10),
# FUZZ_JOBS (libFuzzer -fork; default off). cargo-fuzz needs nightly
# features; RUSTC_BOOTSTRAP lets the stable toolchain provide them. Builds
# are release builds with debug assertions and overflow checks (-O -a).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
sanitizer=${FUZZ_SANITIZER:-none}
nice_level=${NICE:-10}
build_flags=(-O -a -s "$sanitizer")

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

if [ $# -gt 0 ]; then
  for t in "${targets[@]}"; do nice -n "$nice_level" cargo fuzz build "${build_flags[@]}" "$t"; done
else
  nice -n "$nice_level" cargo fuzz build "${build_flags[@]}"
fi

mkdir -p logs
declare -A execs status took
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  if [ -d "seeds/$t" ]; then cp -n "seeds/$t"/* "corpus/$t"/ 2>/dev/null || true; fi
  max_len=4096
  [ "$t" = arrow_ipc ] && max_len=16384
  extra=()
  [ -n "${FUZZ_JOBS:-}" ] && extra+=(-fork="$FUZZ_JOBS")
  [ -n "${FUZZ_RUNS:-}" ] && extra+=(-runs="$FUZZ_RUNS")
  echo "== $t ($secs s)"
  log="logs/$t.log"
  start=$(date +%s)
  if nice -n "$nice_level" cargo fuzz run "${build_flags[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$secs" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 "${extra[@]}" >"$log" 2>&1; then
    status[$t]=ok
  else
    status[$t]=CRASH
    failed=1
    grep -E "panicked at|^thread|Test unit written|SUMMARY|ERROR" "$log" | head -8 || true
  fi
  took[$t]=$(( $(date +%s) - start ))
  execs[$t]=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" | tail -1 || true)
  grep -E "^#[0-9]+ +DONE|^Done [0-9]+ runs" "$log" | tail -1 || true
done

echo
printf '%-18s %8s %14s %10s  %s\n' target seconds executions exec/s result
for t in "${targets[@]}"; do
  n=${execs[$t]:-0}
  s=${took[$t]}
  printf '%-18s %8s %14s %10s  %s\n' "$t" "$s" "$n" "$(( n / (s > 0 ? s : 1) ))" "${status[$t]}"
done
exit "$failed"
