#!/usr/bin/env bash
# Print the path of a working Python interpreter of the given version (e.g. 3.12).
# A pyenv shim may name a version that is installed but not selected: look past it.
set -uo pipefail
version=$1
candidates=("python$version")
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
for dir in "$pyenv_root"/versions/"$version"*/bin; do
  candidates+=("$dir/python$version")
done
candidates+=("/usr/bin/python$version" "/usr/local/bin/python$version")
for candidate in "${candidates[@]}"; do
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import sys, venv' >/dev/null 2>&1; then
    echo "$path"
    exit 0
  fi
done
echo "No working Python $version found (tried: ${candidates[*]})" >&2
exit 1
