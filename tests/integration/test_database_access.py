# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Firewall rules and users through real playbooks, against the simulator's Database API, both ways.

Every run also checks (in the run_playbook fixture) that no token, bearer, addon or API, and no user's password
reached the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import RunningSimulator

NAME = "orders-production"
PASSWORD = "reporting-password-of-24-chars-at-least"
OFFICE = {"cidr": "203.0.113.0/24", "label": "office"}
SCALINGO_APPS = {"managed_range": "Scalingo osc-fr1 egress"}


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def rules_of(simulator: RunningSimulator) -> list[tuple[str, str]]:
    return sorted((rule["cidr"] or rule["range_id"], rule["label"]) for rule in simulator.app.record(NAME).firewall_rules)


def writes_to_db_api(simulator: RunningSimulator) -> list[str]:
    return [
        "%s %s" % (request.method, request.path) for request in simulator.app.state.requests
        if request.path.startswith("db-api:") and request.method != "GET"
    ]


def test_rules_declared_then_the_same_task_changes_nothing(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    rules = {"database": NAME, "rules": [OFFICE, SCALINGO_APPS]}

    first = run_task("scalingo_database_firewall", rules, "--diff", checks=("result is changed", "result is success"))
    assert first.succeeded, first.output
    assert rules_of(simulator) == [("203.0.113.0/24", "office"), ("man-osc-fr1-egress", "")]

    simulator.app.clear_requests()
    second = run_task("scalingo_database_firewall", rules, checks=("result is not changed",))
    assert second.succeeded, second.output
    assert writes_to_db_api(simulator) == []


def test_check_mode_writes_no_rule(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_firewall", {"database": NAME, "rules": [OFFICE]}, "--check",
                   checks=("result is changed", "result.rules | map(attribute='cidr') | list == ['203.0.113.0/24']"))

    assert run.succeeded, run.output
    assert rules_of(simulator) == [] and writes_to_db_api(simulator) == []


def test_purge_replaces_the_set_and_no_purge_only_adds(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_firewall_rule(NAME, type="custom_range", cidr="198.51.100.0/24", label="old")

    added = run_task("scalingo_database_firewall", {"database": NAME, "rules": [OFFICE], "purge": False})
    assert added.succeeded, added.output
    assert rules_of(simulator) == [("198.51.100.0/24", "old"), ("203.0.113.0/24", "office")]

    replaced = run_task("scalingo_database_firewall", {"database": NAME, "rules": [dict(OFFICE, label="head office")]})
    assert replaced.succeeded, replaced.output
    assert rules_of(simulator) == [("203.0.113.0/24", "head office")]


@pytest.mark.parametrize(
    "rules, message",
    [
        ([OFFICE, {"cidr": "300.1.2.0/24"}], "Firewall rule '300.1.2.0/24' is not a CIDR"),
        ([OFFICE, {"managed_range": "moon"}], "Managed range 'moon' is not one of Scalingo's. Valid names: Scalingo osc-fr1"),
    ],
    ids=["invalid cidr", "unknown managed range"],
)
def test_a_wrong_rule_fails_and_nothing_is_written(
    simulator: RunningSimulator, run_task: Any, rules: list[dict[str, str]], message: str
) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_firewall", {"database": NAME, "rules": rules}, checks=("result is failed",))

    assert run.succeeded, run.output
    assert message in run.output
    assert rules_of(simulator) == [] and writes_to_db_api(simulator) == []


def test_a_missing_database_fails_naming_it(simulator: RunningSimulator, run_task: Any) -> None:
    run = run_task("scalingo_database_firewall", {"database": NAME, "rules": [OFFICE]}, checks=("result is failed",))

    assert run.succeeded, run.output
    assert "Database 'orders-production' does not exist: create it first" in run.output


def test_a_read_only_user_with_its_password_then_rotated(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    user = {"database": NAME, "name": "reporting", "read_only": True, "password": PASSWORD}

    created = run_task("scalingo_database_user", user, checks=("result is changed", "result.password is not defined"))
    assert created.succeeded, created.output
    assert simulator.app.record(NAME).users["reporting"]["password"] == PASSWORD
    assert PASSWORD not in created.output

    again = run_task("scalingo_database_user", user, checks=("result is not changed",))
    assert again.succeeded, again.output

    rotated_password = PASSWORD + "-rotated"
    rotated = run_task("scalingo_database_user", dict(user, password=rotated_password, update_password="always"),
                       checks=("result is changed",))
    assert rotated.succeeded, rotated.output
    assert simulator.app.record(NAME).users["reporting"]["password"] == rotated_password


def test_a_generated_password_is_returned_once(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    user = {"database": NAME, "name": "orders-app"}

    created = run_task("scalingo_database_user", user, task={"no_log": True},
                       checks=("result is changed", "result.password | length >= 24"))
    assert created.succeeded, created.output

    again = run_task("scalingo_database_user", user, checks=("result is not changed", "result.password is not defined"))
    assert again.succeeded, again.output


def test_a_read_only_difference_is_refused(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_user(NAME, "reporting", read_only=False)

    run = run_task("scalingo_database_user", {"database": NAME, "name": "reporting", "read_only": True},
                   checks=("result is failed", "result is not changed"))

    assert run.succeeded, run.output
    assert "has read_only false, not true, and the API cannot change it" in run.output
    assert simulator.app.record(NAME).users["reporting"]["read_only"] is False


def test_a_user_deleted_twice_and_the_protected_user_left_alone(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_user(NAME, "old-batch")
    gone = {"database": NAME, "name": "old-batch", "state": "absent"}

    first = run_task("scalingo_database_user", gone, checks=("result is changed",))
    second = run_task("scalingo_database_user", gone, checks=("result is not changed",))
    protected = run_task("scalingo_database_user", dict(gone, name=NAME), checks=("result is failed",))

    assert first.succeeded and second.succeeded and protected.succeeded, protected.output
    # Refused before the write, as the CLI does: no DELETE of the protected user is ever sent.
    assert "is protected (the database's default user): it cannot be deleted. Nothing was changed." in protected.output
    assert not any(request.method == "DELETE" and request.path.endswith("/users/" + NAME)
                   for request in simulator.app.state.requests)
    assert sorted(simulator.app.record(NAME).users) == [NAME]


def test_info_with_endpoints_rules_and_users(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_firewall_rule(NAME, type="custom_range", cidr="203.0.113.0/24", label="office")
    simulator.app.add_user(NAME, "reporting", read_only=True)
    options = {"name": NAME, "include_endpoints": True, "include_firewall_rules": True, "include_users": True}

    run = run_task("scalingo_database_info", options, checks=(
        "result.databases[0].endpoints[0].port == 30000",
        "result.databases[0].firewall_rules | map(attribute='cidr') | list == ['203.0.113.0/24']",
        "result.databases[0].users | map(attribute='name') | sort == ['orders-production', 'reporting']",
    ))

    assert run.succeeded, run.output


def test_several_tasks_on_a_database_ask_for_one_addon_token_and_look_for_the_layout_once(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.serve_database_api_layouts("legacy")
    tasks = [
        {"name": "Rules", "scalingo.cloud.scalingo_database_firewall": {"database": NAME, "rules": [OFFICE]}},
        {"name": "A user", "scalingo.cloud.scalingo_database_user": {"database": NAME, "name": "reporting",
                                                                     "password": PASSWORD}},
        {"name": "Read", "scalingo.cloud.scalingo_database_info": {"name": NAME, "include_users": True}},
    ]
    path = tmp_path / "several.yml"
    path.write_text(json.dumps([{"name": "Several", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))

    run = run_playbook(path)

    assert run.succeeded, run.output
    database_id = simulator.app.record(NAME).id
    addon_id = simulator.app.record(NAME).addon_id
    assert len(simulator.app.requests_to("POST", "/v1/apps/%s/addons/%s/token" % (database_id, addon_id))) == 1
    # The main API's layouts were each tried once, by the first task; the later tasks remembered the old host.
    tried = [r.path for r in simulator.app.state.requests if r.path.startswith(("/api/", "/v1/databases/ad-"))]
    assert len(tried) == 2
