#!/usr/bin/env bash
# The role's molecule scenario (roles/databases/molecule/default) against the local Scalingo simulator.
# Usage: scripts/molecule.sh VENV   (the collection installed in build/collections: scripts/install-collection.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(cd "${1:-.venv}" && pwd)

# shellcheck source=scripts/simulator.sh
source scripts/simulator.sh
start_simulator "$venv/bin/python"
export MOLECULE_SCALINGO_PYTHON=$venv/bin/python MOLECULE_SCALINGO_COLLECTIONS=$PWD/build/collections
# The bearer token cache and molecule's own files stay in build/.
export XDG_CACHE_HOME=$PWD/build/molecule-cache MOLECULE_EPHEMERAL_DIRECTORY=$PWD/build/molecule
export PATH=$venv/bin:$PATH ANSIBLE_FORCE_COLOR=0 NO_COLOR=1
cd roles/databases
molecule test
