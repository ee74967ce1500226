#!/usr/bin/env bash
# The collections the tests need from outside ansible-core and this repository: ansible.posix, whose json
# callback the secrets test runs. Galaxy is out of reach, so they come from the `ansible` package on PyPI, which
# bundles them; only the collections named here are unpacked, and nothing is installed into a virtual environment.
# Usage: scripts/third-party-collections.sh PYTHON DEST
set -euo pipefail
cd "$(dirname "$0")/.."
python=$1 dest=$2
version=12.3.0
collections=(ansible/posix)

[ -f "$dest/.from-ansible-$version" ] && exit 0
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
"$python" -m pip download -qq --no-deps --dest "$download" "ansible==$version"
rm -rf "$dest"
"$python" - "$download"/ansible-"$version"-*.whl "$dest" "${collections[@]}" <<'PY'
import sys
import zipfile

wheel, dest, *names = sys.argv[1:]
prefixes = tuple("ansible_collections/%s/" % name for name in names)
with zipfile.ZipFile(wheel) as archive:
    archive.extractall(dest, [member for member in archive.namelist() if member.startswith(prefixes)])
PY
touch "$dest/.from-ansible-$version"
