# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Projects by name and private networking through real playbooks, against the simulator, both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.conftest import IN_WORKER, ON_TARGET
from tests.simulator import Fault, RunningSimulator

NAME = "analytics-warehouse"
PLAN = "postgresql-dr-starter-4096"


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def writes(simulator: RunningSimulator) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request in simulator.app.state.requests
            if request.method not in ("GET",) and request.path != "/v1/tokens/exchange"]


def project_and_database_playbook(tmp_path: Path) -> Path:
    """A project and a database in it on a private network, peered, all named by names only."""
    tasks = [
        {"name": "The project", "scalingo.cloud.scalingo_project": {"name": "analytics"}, "register": "project"},
        {"name": "The database", "scalingo.cloud.scalingo_database": {
            "name": NAME, "plan": PLAN, "project": "analytics", "ip_range": "10.20.0.0/24"}, "register": "database"},
        {"name": "Its peering", "scalingo.cloud.scalingo_database_net_peering": {
            "database": NAME, "peerings": ["pcx-1a2b3c4d"]}, "register": "peering"},
        {"name": "What it is", "scalingo.cloud.scalingo_database_info": {
            "project": "analytics", "include_network": True, "include_net_peerings": True}, "register": "info"},
        {"name": "Check", "ansible.builtin.assert": {"that": [
            "database.database.project_id == project.project.id",
            "info.databases | length == 1",
            "info.databases[0].network_configuration.ip_range == '10.20.0.0/24'",
            "info.databases[0].net_peerings | map(attribute='outscale_net_peering_id') | list == ['pcx-1a2b3c4d']",
            "peering.net_peerings[0].status == 'active'",
        ]}},
    ]
    path = tmp_path / "project.yml"
    path.write_text(yaml.safe_dump([{"name": "By names", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    return path


def test_a_project_and_a_database_in_it_named_by_names_converge_then_change_nothing(
    simulator: RunningSimulator, run_playbook: Any, tmp_path: Path
) -> None:
    playbook = project_and_database_playbook(tmp_path)

    first = run_playbook(playbook, "--diff")
    assert first.succeeded, first.output
    assert "changed=3" in first.output
    project = next(project for project in simulator.app.projects() if project["name"] == "analytics")
    assert simulator.app.record(NAME).project_id == project["id"]
    assert simulator.app.record(NAME).ip_range == "10.20.0.0/24"

    simulator.app.clear_requests()
    second = run_playbook(playbook)
    assert second.succeeded, second.output
    assert "changed=0" in second.output
    assert writes(simulator) == []
    # One list of projects per task that names a project: the project's, the database's, info's.
    assert len(simulator.app.requests_to("GET", "/v1/projects")) == 3


def test_check_mode_previews_a_project_and_its_database_and_sends_nothing(
    simulator: RunningSimulator, run_playbook: Any, tmp_path: Path
) -> None:
    path = tmp_path / "check.yml"
    path.write_text(yaml.safe_dump([{"name": "Preview", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "The project", "scalingo.cloud.scalingo_project": {"name": "analytics"}, "register": "project"},
        {"name": "The database", "scalingo.cloud.scalingo_database": {"name": NAME, "plan": PLAN, "project": "analytics"},
         "register": "database"},
        {"name": "Check", "ansible.builtin.assert": {"that": [
            "project is changed", "database is changed", "database.database.project_id is none"]}},
    ]}]))

    run = run_playbook(path, "--check", "--diff")

    assert run.succeeded, run.output
    assert "Project 'analytics' does not exist (yet)" in run.output
    assert writes(simulator) == []


@pytest.mark.parametrize("refusal", [409, 422])
def test_a_project_that_holds_a_database_is_kept_and_the_database_named(
    simulator: RunningSimulator, run_task: Any, refusal: int
) -> None:
    project = simulator.app.add_project("analytics")
    simulator.app.add_database(NAME, project_id=project["id"])
    simulator.app.state.project_in_use_status = refusal

    run = run_task("scalingo_project", {"name": "analytics", "state": "absent"}, checks=(
        "result is failed", "result is not changed", "'still holds databases %s' in result.msg" % NAME))

    assert run.succeeded, run.output
    assert project["id"] in [listed["id"] for listed in simulator.app.projects()]


def test_a_rename_and_a_new_default_converge_then_change_nothing(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_project("analytics")
    options = {"name": "analytics", "new_name": "data-platform", "default": True}

    first = run_task("scalingo_project", options, "--diff", checks=(
        "result is changed", "result.project.name == 'data-platform'", "result.project.default"))
    second = run_task("scalingo_project", options, checks=("result is not changed",))

    assert first.succeeded, first.output
    assert second.succeeded, second.output
    assert [project["name"] for project in simulator.app.projects() if project["default"]] == ["data-platform"]


def test_dropping_the_default_flag_is_refused_before_any_write(simulator: RunningSimulator, run_task: Any) -> None:
    run = run_task("scalingo_project", {"name": "default", "default": False}, checks=(
        "result is failed", "result is not changed",
        "'the API cannot make it not the default: set default: true on the project' in result.msg"))

    assert run.succeeded, run.output
    assert writes(simulator) == []


def test_a_database_the_api_created_without_its_ip_range_fails_as_changed(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.state.create_applies_ip_range = False

    run = run_task("scalingo_database", {"name": NAME, "plan": PLAN, "ip_range": "10.20.0.0/24"}, checks=(
        "result is failed", "result is changed",
        "'was created, but not on the private network asked for' in result.msg"))

    assert run.succeeded, run.output
    assert [database["name"] for database in simulator.app.databases()] == [NAME]


def test_an_unknown_project_name_fails_and_names_the_projects(simulator: RunningSimulator, run_task: Any) -> None:
    run = run_task("scalingo_database", {"name": NAME, "plan": PLAN, "project": "analytcs"}, checks=(
        "result is failed", "'Its projects: default (' in result.msg"))

    assert run.succeeded, run.output
    assert simulator.app.databases() == []


def test_a_peering_create_whose_answer_was_lost_says_changed_and_is_sent_once(
    simulator: RunningSimulator, run_task: Any
) -> None:
    database = simulator.app.add_database(NAME, ip_range="10.20.0.0/24")
    path = "/v1/databases/%s/net_peerings" % database["id"]
    simulator.app.inject(Fault(method="POST", path=path, status=502, apply_first=True))

    run = run_task("scalingo_database_net_peering", {"database": NAME, "peerings": ["pcx-1a2b3c4d"], "retries": 0},
                   checks=("result is changed", "result is not failed"))

    assert run.succeeded, run.output
    assert len(simulator.app.requests_to("POST", path)) == 1
    assert [peering["status"] for peering in simulator.app.record(NAME).net_peerings] == ["active"]


def test_a_peering_is_ended_and_counted_gone(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME, ip_range="10.20.0.0/24")
    first = run_task("scalingo_database_net_peering", {"database": NAME, "peerings": ["pcx-1a2b3c4d"]})
    assert first.succeeded, first.output

    ended = run_task("scalingo_database_net_peering", {"database": NAME, "peerings": []}, checks=(
        "result is changed", "result.net_peerings == []"))
    again = run_task("scalingo_database_net_peering", {"database": NAME, "peerings": []}, checks=(
        "result is not changed",))

    assert ended.succeeded, ended.output
    assert again.succeeded, again.output


def test_an_existing_database_on_another_ip_range_fails_and_changes_nothing(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.add_database(NAME, ip_range="10.30.0.0/24")

    run = run_task("scalingo_database", {"name": NAME, "ip_range": "10.20.0.0/24"}, checks=(
        "result is failed", "'its IP range is 10.30.0.0/24, not 10.20.0.0/24' in result.msg"))

    assert run.succeeded, run.output
    assert writes(simulator) == []
