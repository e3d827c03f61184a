#!/usr/bin/env bash
# A local BigQuery emulator (PyPI `bqemulator`) for the REST transport tests.
#
#   scripts/emulator.sh install        # once: venv + HOME under target/emu (idempotent)
#   scripts/emulator.sh start [PROJECT] # install if needed, start on free loopback ports,
#                                      # wait for /healthz; prints "REST_PORT=… GRPC_PORT=… PID=…"
#   scripts/emulator.sh stop PID       # stops exactly that process
#
# Needs python3 (3.11 works) with the venv module and the PyPI registry at install time; the
# DuckDB spatial extension comes from the `duckdb-extension-spatial` wheel, so nothing is
# downloaded when the emulator runs. Exit 3 when python3/venv is missing (callers skip).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
emu=${BQCODEC_EMU_DIR:-$root/target/emu}
venv=$emu/venv
home=$emu/home
py=$venv/bin/python

install() {
  if [ -x "$venv/bin/bqemulator" ] && [ -f "$emu/installed" ]; then return 0; fi
  command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 3; }
  python3 -c 'import venv, ensurepip' 2>/dev/null || { echo "python3 has no venv/ensurepip module" >&2; exit 3; }
  mkdir -p "$emu" "$home"
  [ -x "$py" ] || python3 -m venv "$venv"
  "$py" -m pip install -q --disable-pip-version-check \
    bqemulator==1.4.* numpy duckdb==1.5.5 duckdb-extension-spatial==1.5.5 duckdb-extensions >&2
  # DuckDB cannot download extensions here: install spatial from the PyPI wheel into
  # the extension folder under the HOME the emulator runs with.
  HOME=$home "$py" -c "import duckdb; from duckdb_extensions import import_extension as i; i('spatial', con=duckdb.connect())" >&2
  touch "$emu/installed"
}

free_port() {
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  install
  local project=${1:-bqcodec-test}
  local rest grpc pid log
  rest=$(free_port); grpc=$(free_port)
  while [ "$grpc" = "$rest" ]; do grpc=$(free_port); done
  log=$emu/emulator-$rest.log
  HOME=$home nohup "$venv/bin/bqemulator" start --rest-host 127.0.0.1 --rest-port "$rest" \
    --grpc-host 127.0.0.1 --grpc-port "$grpc" --ephemeral --project "$project" \
    --log-format console >"$log" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 120); do
    if "$py" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$rest/healthz', timeout=1)" 2>/dev/null; then
      echo "REST_PORT=$rest GRPC_PORT=$grpc PID=$pid LOG=$log"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "bqemulator did not become healthy; log: $log" >&2
  tail -n 20 "$log" >&2 || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  local pid=${1:?usage: emulator.sh stop PID}
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install | start [PROJECT] | stop PID" >&2; exit 2 ;;
esac
