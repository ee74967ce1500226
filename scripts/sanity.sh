#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at .../ansible_collections/scalingo/cloud, its tests that depend
# on the Python version (compile, import) on every Python this ansible-core supports that the machine has.
# Usage: scripts/sanity.sh VENV
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(cd "${1:-.venv}" && pwd)
shift || true
repo=$PWD
root=build/sanity
dest=$root/ansible_collections/scalingo/cloud

rm -rf "$dest"
mkdir -p "$dest"
# ansible-test wants a real copy (not a link) of what the repository holds, nothing of the developer's tree.
files=()
while IFS= read -r -d '' file; do
  [ -e "$file" ] && files+=("$file")  # skip files deleted but not yet committed
done < <(git ls-files -z --cached --others --exclude-standard)
cp --parents -t "$dest" "${files[@]}"
# The copy lies inside this repository, whose .gitignore hides build/: give the copy a git of its own,
# or ansible-test would find this repository's and see no file.
git -C "$dest" init -q
git -C "$dest" add -A

# ansible-test runs under its own home: its cache and virtual environments stay in build/.
export HOME=$repo/$root/home
pip_version=$("$venv/bin/python" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements.get_venv_packages)).group(1))
PY
)
mkdir -p "$HOME/.ansible/test/cache"
cp tests/sanity/get_pip.py "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"

# ansible-test finds the other Pythons as pythonX.Y on PATH: give it working ones (not pyenv shims that may
# name a version not selected), the controller's own first.
pythons=$repo/$root/pythons
rm -rf "$pythons"
mkdir -p "$pythons"
ln -s "$venv/bin/python" "$pythons/python$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
supported=$("$venv/bin/python" -c 'from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS as v; print(" ".join(v))')
found=()
for version in $supported; do
  [ -e "$pythons/python$version" ] || { path=$(bash "$repo/scripts/find-python.sh" "$version" 2>/dev/null) && ln -s "$path" "$pythons/python$version"; }
  [ -e "$pythons/python$version" ] && found+=("$version")
done
echo "Sanity on ansible-core's supported Pythons found here: ${found[*]}"
cd "$dest"
PATH=$pythons:$PATH "$venv/bin/ansible-test" sanity --venv --color no "$@"
