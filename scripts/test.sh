#!/usr/bin/env bash
# Every test: unit tests and integration tests (real ansible-playbook against the simulator).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}

echo "== unit and integration tests ($("$venv/bin/ansible" --version | head -n1), $("$venv/bin/python" --version))"
"$venv/bin/python" -m pytest tests/unit tests/integration
