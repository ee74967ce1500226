#!/usr/bin/env bash
# Every test and quality gate. Each gate runs even when an earlier one failed;
# the summary at the end gives each gate's result and time.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
venv=${VENV:-.venv}
venv312=${VENV312:-.venv-3.12}
venv313=${VENV313:-.venv-3.13}
venv_oldest=${VENV_OLDEST:-.venv-2.17}

names=() results=() seconds=()
gate() {
  local name=$1 start result
  shift
  echo
  echo "===== $name"
  start=$(date +%s)
  if "$@"; then result=passed; else result=failed; fi
  names+=("$name") results+=("$result") seconds+=($(($(date +%s) - start)))
}

core_version() { "$1/bin/python" -c 'import ansible.release as r; print(r.__version__)'; }
py_version() { "$1/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
lint_env() { NO_COLOR=1 ANSIBLE_COLLECTIONS_PATH=$PWD/build/collections PATH=$PWD/$venv312/bin:$PATH "$@"; }

bash scripts/install-collection.sh "$venv312" || exit 1
bash scripts/ensure-shellcheck.sh

gate "unit + integration tests, ansible-core $(core_version "$venv") on Python $(py_version "$venv")" \
  "$venv/bin/python" -m pytest --numprocesses auto
gate "unit + integration tests, ansible-core $(core_version "$venv312") on Python $(py_version "$venv312")" \
  "$venv312/bin/python" -m pytest --numprocesses auto
gate "unit + integration tests, ansible-core $(core_version "$venv313") on Python $(py_version "$venv313")" \
  "$venv313/bin/python" -m pytest --numprocesses auto
gate "unit + integration tests, ansible-core $(core_version "$venv_oldest") on Python $(py_version "$venv_oldest") (oldest claimed)" \
  "$venv_oldest/bin/python" -m pytest --numprocesses auto
gate "ansible-test sanity, ansible-core $(core_version "$venv312")" bash scripts/sanity.sh "$venv312"
gate "mypy, the modules and their helpers" \
  bash -c "cd build/pytest-collections && '$PWD/$venv312/bin/python' -m mypy --config-file '$PWD/mypy.ini' -p ansible_collections.scalingo.cloud.plugins"
gate "ansible-lint, production profile" lint_env ansible-lint --offline --profile production
gate "antsibull-docs lint-collection-docs" \
  lint_env bash -c 'cd build/collections/ansible_collections/scalingo/cloud && antsibull-docs lint-collection-docs --plugin-docs .'
gate "docs/modules matches the code" bash scripts/docs.sh "$venv312" --check
gate "antsibull-changelog lint" lint_env antsibull-changelog lint
gate "galaxy-importer, Automation Hub's settings" bash scripts/galaxy-importer.sh "$venv312"
gate "molecule, the databases role against the simulator" bash scripts/molecule.sh "$venv312"

echo
echo "===== summary"
failed=0
for i in "${!names[@]}"; do
  printf '%-8s %4ss  %s\n' "${results[$i]}" "${seconds[$i]}" "${names[$i]}"
  [ "${results[$i]}" = passed ] || failed=$((failed + 1))
done
echo "gates: $((${#names[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
