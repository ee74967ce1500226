#!/usr/bin/env bash
# Create a virtual environment and install requirement files into it.
# Usage: scripts/venv.sh PYTHON_VERSION DIR REQUIREMENTS_FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 dir=$2
shift 2
python=$(bash scripts/find-python.sh "$version")
rm -rf "$dir"
"$python" -m venv "$dir"
"$dir/bin/python" -m pip install -qq --upgrade pip
for requirements in "$@"; do
  "$dir/bin/python" -m pip install -qq -r "$requirements"
done
touch "$dir/.installed"
