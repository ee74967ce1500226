# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which path runs a task on the controller, and what it shares with a module process: environment, async, timeout."""

from __future__ import annotations

import re
from typing import Iterator

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook, sends_a_module
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
    # Ansible's own words: ansible-core 2.19 and later, then 2.17 and 2.18.
    words = ("Timed out after 2 second", "failed to execute in the expected time frame (2) and was terminated")
    assert any(said in run.output for said in words), run.output


IN_WORKER_LINE = "runs in Ansible's worker on the controller, without a module process"
AS_MODULE_LINE = "runs as a module on its target: scalingo_run_on_controller is false."


def task_outputs(output: str) -> dict[str, str]:
    """The -vvv output of each task of a run, by the task's name."""
    parts = re.split(r"^TASK \[(.+?)\] \**$", output, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def ran_as_module(task_output: str) -> bool:
    """Whether a task's -vvv output shows its module sent and run as a module, rather than run in the worker."""
    as_module = sends_a_module(task_output) and AS_MODULE_LINE in task_output and IN_WORKER_LINE not in task_output
    in_worker = not sends_a_module(task_output) and IN_WORKER_LINE in task_output and AS_MODULE_LINE not in task_output
    assert as_module != in_worker, task_output
    return as_module


@pytest.mark.parametrize("play_switch, play_task_as_module", [("true", False), ("false", True)])
def test_the_switch_chooses_the_path_for_a_task_or_a_play(
    simulator: RunningSimulator, run_playbook: RunPlaybook, play_switch: str, play_task_as_module: bool
) -> None:
    simulator.app.add_database("orders-production")

    run = run_playbook("switch.yml", sends_modules=True, db_name="orders-production", play_switch=play_switch)

    assert run.succeeded, run.output
    tasks = task_outputs(run.output)
    assert ran_as_module(tasks["Look up with the switch off on the task"])
    assert ran_as_module(tasks["Look up with the switch of the play"]) == play_task_as_module


def test_the_switch_as_an_extra_variable_runs_the_module_as_a_module(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook(
        "database.yml", sends_modules=True, scalingo_run_on_controller="false", db_name="orders-production",
        db_plan="postgresql-dr-starter-4096", expect_changed="true",
    )

    assert run.succeeded, run.output
    assert AS_MODULE_LINE in run.output and IN_WORKER_LINE not in run.output
    assert [database["name"] for database in simulator.app.databases()] == ["orders-production"]


def test_a_switch_that_is_not_a_boolean_fails_before_any_request(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook(
        "database.yml", scalingo_run_on_controller="sometimes", db_name="orders-production",
        db_plan="postgresql-dr-starter-4096", expect_changed="true",
    )

    assert not run.succeeded
    assert "scalingo_run_on_controller must be true or false, not 'sometimes'." in run.output
    assert simulator.app.state.requests == []
