#!/usr/bin/env bash
# The main job: install the collection, start the Scalingo simulator on loopback,
# run examples/provision.yml twice (first "changed", then "ok"), print examples/report.yml's table, back up
# and restore a database with examples/recovery.yml,
# stop the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
python="$PWD/$venv/bin/python"
# ansible-core 2.19 imports cryptography's DSA support for its ssh agent, which cryptography 51 and newer warn
# about on every run: a warning of theirs, not the collection's, kept out of the demo's output.
export PYTHONWARNINGS="ignore:DSA is deprecated:UserWarning"

bash scripts/install-collection.sh "$venv"

# shellcheck source=scripts/simulator.sh
source scripts/simulator.sh
start_simulator "$python"
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
run_example "examples/recovery.yml: a backup, the recovery window, a restore" recovery.yml
