#!/usr/bin/env bash
# Creates the Python environment the Python-backed tests use, once:
# target/py (a venv) with the packages pinned in tests/py/requirements.txt.
# Prints the interpreter's path on stdout. Idempotent and quick when the
# environment is already there (a stamp file records what was installed).
#
#   scripts/py-env.sh            # create or reuse, print target/py/bin/python
#
# Needs python3 with the venv module (Debian: python3-venv) and PyPI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${BQCODEC_PY_VENV:-$root/target/py}
req=$root/tests/py/requirements.txt
stamp=$venv/.bqcodec-requirements
py=$venv/bin/python
if [ -x "$py" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "$py"
  exit 0
fi
python3 -m venv "$venv" >&2
"$py" -m pip install --quiet --disable-pip-version-check --no-input -r "$req" >&2
cp "$req" "$stamp"
echo "$py"
