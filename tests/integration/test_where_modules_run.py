# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a task on the controller shares with a module process: the task's environment, async, and timeout."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import Fault, RunningSimulator


@pytest.fixture
def other_simulator() -> Iterator[RunningSimulator]:
    """A second Scalingo API, which only the task's environment names."""
    with RunningSimulator() as running:
        yield running


def assert_created_only_in(chosen: RunningSimulator, other: RunningSimulator, output: str) -> None:
    assert [database["name"] for database in chosen.app.databases()] == ["orders-production"]
    assert other.app.databases() == []
    assert not any(secret in output for secret in chosen.app.secrets())


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_the_task_environment_overrides_the_process_environment(
    simulator: RunningSimulator, other_simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook("environment.yml", other_api_url=other_simulator.url, db_name="orders-production", task_async=0)

    assert run.succeeded, run.output
    assert_created_only_in(other_simulator, simulator, run.output)


def test_an_async_task_on_the_controller_runs_its_module_in_a_process_of_its_own(
    simulator: RunningSimulator, other_simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook(
        "environment.yml", other_api_url=other_simulator.url, db_name="orders-production", task_async=60,
        sends_modules=True,
    )

    assert run.succeeded, run.output
    assert_created_only_in(other_simulator, simulator, run.output)


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_the_task_timeout_stops_a_task_held_up_by_the_api(
    simulator: RunningSimulator, other_simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    other_simulator.app.inject(Fault("GET", "/v1/databases/*", status=None, delay=10))

    run = run_playbook(
        "environment.yml", other_api_url=other_simulator.url, db_name="orders-production", task_async=0, task_timeout=2
    )

    assert not run.succeeded
    assert "Timed out after 2 second" in run.output, run.output
