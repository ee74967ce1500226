#!/usr/bin/env bash
# Import the built tarball with galaxy-importer, as Galaxy and Automation Hub do (tests/galaxy-importer.cfg).
# Passes only when the import succeeds with no warning and no error.
# Usage: scripts/galaxy-importer.sh VENV
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(cd "${1:-.venv}" && pwd)
tarball=$(ls build/dist/scalingo-cloud-*.tar.gz)
work=build/galaxy-importer
rm -rf "$work"
mkdir -p "$work"
# The importer runs flake8, ansible-doc and ansible-lint from PATH, and writes its result to the current folder.
log=$PWD/$work/import.log
(cd "$work" && PATH=$venv/bin:$PATH GALAXY_IMPORTER_CONFIG=$OLDPWD/tests/galaxy-importer.cfg \
  ANSIBLE_LOCAL_TEMP=$PWD/tmp "$venv/bin/python" -m galaxy_importer.main "$OLDPWD/$tarball") >"$log" 2>&1 || true
grep -v -E '^(Loading|Linting|Running|Getting|Finding) |^\.\.\.|^ *$' "$log" || true
if grep -q -E '^(WARNING|ERROR)' "$log" || ! grep -q '^Importer processing completed successfully' "$log"; then
  echo "galaxy-importer: the import is not clean (full log: $work/import.log)"
  exit 1
fi
echo "galaxy-importer: clean import of $(basename "$tarball")"
