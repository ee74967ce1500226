#!/usr/bin/env bash
# Build the collection tarball and install it into build/collections, as a user would.
# Usage: scripts/install-collection.sh VENV
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}

rm -rf build/dist build/collections
"$venv/bin/ansible-galaxy" collection build --force --output-path build/dist . >/dev/null
ANSIBLE_COLLECTIONS_PATH="$PWD/build/collections" "$venv/bin/ansible-galaxy" collection install --force -p build/collections build/dist/scalingo-cloud-*.tar.gz >/dev/null
echo "Installed $(basename build/dist/scalingo-cloud-*.tar.gz) into build/collections"
