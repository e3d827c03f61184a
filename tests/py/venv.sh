#!/usr/bin/env bash
# Makes the Python environment the differential tests need, under target/py
# (or $BQCODEC_PY_DIR): a venv with python-bigquery (pinned to the version the
# peers were read against), and the bigframes 2.51.0 wheel downloaded next to
# it — not installed: tests/py/bigframes_export_sql.py reads bigframes' own
# functions out of the wheel. Idempotent; concurrent runs wait for each other.
# Prints the venv's python on stdout. Needs python3 and PyPI.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${BQCODEC_PY_DIR:-$root/target/py}
mkdir -p "$dir"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/.lock"
  flock 9
fi
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv" >&2
fi
py=$dir/venv/bin/python
if ! "$py" -c "import google.cloud.bigquery, requests" >/dev/null 2>&1; then
  "$py" -m pip install -q --disable-pip-version-check "google-cloud-bigquery==3.47.0" requests >&2
fi
if ! ls "$dir"/wheels/bigframes-2.51.0-*.whl >/dev/null 2>&1; then
  "$py" -m pip download -q --disable-pip-version-check --no-deps -d "$dir/wheels" "bigframes==2.51.0" >&2
fi
echo "$py"
