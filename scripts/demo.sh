#!/usr/bin/env bash
# The main job: install the collection, start the Scalingo simulator on loopback,
# run examples/provision.yml twice (first "changed", then "ok"), print examples/report.yml's table,
# stop the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
python="$PWD/$venv/bin/python"

bash scripts/install-collection.sh "$venv"

mkdir -p build
url_file=build/simulator.url
rm -f "$url_file"
"$python" -m tests.simulator --url-file "$url_file" >build/simulator.log 2>&1 &
simulator_pid=$!
trap 'kill "$simulator_pid" 2>/dev/null || true; wait "$simulator_pid" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  [ "$(wc -l <"$url_file" 2>/dev/null || echo 0)" -ge 2 ] && break
  kill -0 "$simulator_pid" 2>/dev/null || { cat build/simulator.log >&2; exit 1; }
  sleep 0.1
done
[ -s "$url_file" ] || { echo "The simulator did not start; see build/simulator.log" >&2; exit 1; }
url=$(sed -n 1p "$url_file")
database_api_url=$(sed -n 2p "$url_file")
echo "Scalingo simulator listening on $url (Database API: $database_api_url)"

export SCALINGO_API_URL="$url" SCALINGO_AUTH_URL="$url" SCALINGO_DATABASE_API_URL="$database_api_url"
export SCALINGO_API_TOKEN=tk-us-simulator-0000000000000000
export ANSIBLE_COLLECTIONS_PATH="$PWD/build/collections"
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-0}

run_example() {
  echo
  echo "=== $1 ==="
  "$venv/bin/ansible-playbook" -i localhost, -e ansible_python_interpreter="$python" "examples/$2"
}
run_example "first run of examples/provision.yml: creates the databases" provision.yml
run_example "second run of examples/provision.yml: nothing left to do" provision.yml
run_example "examples/report.yml: every database as a table" report.yml
