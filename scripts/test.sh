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

# ansible-test sanity spends most of its time making virtual environments (pip, the disk): it runs in the
# background from the start, beside the tests, and its output is printed at the end.
mkdir -p build/gates
gate_in_background() {
  local name=$1 log
  shift
  log=build/gates/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log
  ( start=$(date +%s); if "$@" >"$log" 2>&1; then r=passed; else r=failed; fi
    echo "$r $(($(date +%s) - start))" >"$log.result" ) &
  background_names+=("$name") background_logs+=("$log")
}
background_names=() background_logs=()
gate_in_background "ansible-test sanity, ansible-core $(core_version "$venv312")" bash scripts/sanity.sh "$venv312"

# The newest line runs every test; the other lines the tier that depends on ansible-core (tests/conftest.py,
# CONTRIBUTING.md): what depends only on the client, the simulator or requests gives the same answer on each.
# Twice as many test processes as cores: the integration tests also wait (on the simulator's provisioning, on
# ansible-playbook's forks), and another test's work fills those waits.
workers=$(($(nproc) * 2))
gate "every test, ansible-core $(core_version "$venv312") on Python $(py_version "$venv312") (newest)" \
  "$venv312/bin/python" -m pytest --numprocesses "$workers"
for line in "$venv313" "$venv" "$venv_oldest"; do
  gate "the ansible-core tier, ansible-core $(core_version "$line") on Python $(py_version "$line")" \
    env SCALINGO_PROPERTY_EXAMPLES=60 "$line/bin/python" -m pytest --numprocesses "$workers" -m every_line
done

gate "mypy, the modules and their helpers" \
  bash -c "cd build/pytest-collections && '$PWD/$venv312/bin/python' -m mypy --config-file '$PWD/mypy.ini' -p ansible_collections.scalingo.cloud.plugins"
gate "ansible-lint, production profile" lint_env ansible-lint --offline --profile production
gate "antsibull-docs lint-collection-docs" \
  lint_env bash -c 'cd build/collections/ansible_collections/scalingo/cloud && antsibull-docs lint-collection-docs --plugin-docs .'
gate "docs/modules matches the code" bash scripts/docs.sh "$venv312" --check
gate "antsibull-changelog lint" lint_env antsibull-changelog lint
gate "galaxy-importer, Automation Hub's settings" bash scripts/galaxy-importer.sh "$venv312"
gate "molecule, the databases role against the simulator" bash scripts/molecule.sh "$venv312"
wait
for i in "${!background_names[@]}"; do
  echo
  echo "===== ${background_names[$i]}"
  cat "${background_logs[$i]}"
  read -r result took <"${background_logs[$i]}.result"
  names+=("${background_names[$i]}") results+=("$result") seconds+=("$took")
done

echo
echo "===== summary"
failed=0
for i in "${!names[@]}"; do
  printf '%-8s %4ss  %s\n' "${results[$i]}" "${seconds[$i]}" "${names[$i]}"
  [ "${results[$i]}" = passed ] || failed=$((failed + 1))
done
echo "gates: $((${#names[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
