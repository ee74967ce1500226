# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The examples users copy run as written against the simulator."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database, scalingo_database_info
from tests.conftest import REPO_ROOT
from tests.integration.conftest import RunPlaybook
from tests.simulator import RunningSimulator


def test_the_modules_examples_run(simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path) -> None:
    tasks = yaml.safe_load(scalingo_database.EXAMPLES) + yaml.safe_load(scalingo_database_info.EXAMPLES)
    playbook = tmp_path / "examples.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Module examples", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))

    run = run_playbook(playbook)

    assert run.succeeded, run.output
    assert sorted(database["name"] for database in simulator.app.databases()) == ["orders-production", "orders-staging"]


def test_the_provision_example_converges_then_changes_nothing(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    playbook = REPO_ROOT / "examples" / "provision.yml"

    first = run_playbook(playbook)
    second = run_playbook(playbook)

    assert first.succeeded, first.output
    assert "changed=1" in first.output
    assert second.succeeded, second.output
    assert "changed=0" in second.output
    assert len(simulator.app.requests_to("POST", "/v1/databases")) == 2
