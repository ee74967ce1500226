#!/usr/bin/env bash
# Sourced by the scripts that run playbooks against the local Scalingo simulator.
# start_simulator PYTHON: starts it on loopback, stops it when the script exits, and exports the SCALINGO_*
# variables (its URLs and the API token it accepts) that the modules and the role read.
start_simulator() {
  local python=$1 url_file=build/simulator.url
  mkdir -p build
  rm -f "$url_file"
  "$python" -m tests.simulator --url-file "$url_file" >build/simulator.log 2>&1 &
  simulator_pid=$!
  trap 'kill "$simulator_pid" 2>/dev/null || true; wait "$simulator_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    [ -f "$url_file" ] && [ "$(wc -l <"$url_file")" -ge 2 ] && break
    kill -0 "$simulator_pid" 2>/dev/null || { cat build/simulator.log >&2; return 1; }
    sleep 0.1
  done
  [ -s "$url_file" ] || { echo "The simulator did not start; see build/simulator.log" >&2; return 1; }
  SCALINGO_API_URL=$(sed -n 1p "$url_file")
  SCALINGO_DATABASE_API_URL=$(sed -n 2p "$url_file")
  SCALINGO_AUTH_URL=$SCALINGO_API_URL
  SCALINGO_API_TOKEN=tk-us-simulator-0000000000000000
  export SCALINGO_API_URL SCALINGO_AUTH_URL SCALINGO_DATABASE_API_URL SCALINGO_API_TOKEN
  echo "Scalingo simulator listening on $SCALINGO_API_URL (Database API: $SCALINGO_DATABASE_API_URL)"
}
