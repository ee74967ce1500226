# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Database API in each of its layouts, readiness from the database's own status, and the API's odd answers.

Real playbooks, both execution paths, against a simulator that serves the Database API in one layout only (the
others answer as unknown paths do) and whose addons say "running" from the start, as a real addon may.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.conftest import IN_WORKER, ON_TARGET, PlaybookRun, RunPlaybook
from tests.simulator import Fault, RunningSimulator

NAME = "orders-production"
PASSWORD = "reporting-password-of-24-chars-at-least"
OTHER_PASSWORD = "another-password-of-24-chars-or-more"
LAYOUTS = ("main-api", "main", "legacy")


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=LAYOUTS)
def only_layout(simulator: RunningSimulator, request: pytest.FixtureRequest) -> str:
    """The simulator serves the Database API in this layout alone; the task's options stay the defaults."""
    simulator.app.serve_database_api_layouts(request.param)
    return str(request.param)


def access_tasks() -> list[dict[str, Any]]:
    """Rules declared then relabelled, a user created then its password set, and the info module's details."""
    firewall = "scalingo.cloud.scalingo_database_firewall"
    user = "scalingo.cloud.scalingo_database_user"
    return [
        {"name": "Rules", firewall: {"database": NAME, "rules": [{"cidr": "203.0.113.0/24", "label": "office"}]},
         "register": "rules"},
        {"name": "Relabel", firewall: {"database": NAME, "rules": [{"cidr": "203.0.113.0/24", "label": "hq"}]},
         "register": "relabelled"},
        {"name": "User", user: {"database": NAME, "name": "reporting", "password": PASSWORD}, "register": "created"},
        {"name": "Password", user: {"database": NAME, "name": "reporting", "password": OTHER_PASSWORD,
                                    "update_password": "always"}, "register": "password_set"},
        {"name": "Details", "scalingo.cloud.scalingo_database_info": {
            "name": NAME, "include_status": True, "include_firewall_rules": True, "include_users": True},
         "register": "info"},
        {"name": "Check", "ansible.builtin.assert": {"that": [
            "rules is changed and relabelled is changed and created is changed and password_set is changed",
            "relabelled.rules | map(attribute='label') | list == ['hq']",
            "relabelled.rules[0].id == rules.rules[0].id",
            "info.databases[0].status == 'running'",
            "info.databases[0].firewall_rules | map(attribute='label') | list == ['hq']",
            "'reporting' in info.databases[0].users | map(attribute='name')",
        ]}},
    ]


def run_tasks(run_playbook: RunPlaybook, tmp_path: Path, tasks: list[dict[str, Any]], *options: str) -> PlaybookRun:
    path = tmp_path / "tasks.yml"
    path.write_text(yaml.safe_dump([{"name": "Tasks", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    return run_playbook(path, *options)


def database_api_requests(simulator: RunningSimulator) -> list[str]:
    return [
        request.path for request in simulator.app.state.requests
        if request.path.startswith(("db-api:", "/api/", "/v1/databases/ad-", "/v1/firewall/"))
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rules_users_and_details_work_with_default_options_in_each_layout(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path, layout: str
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.serve_database_api_layouts(layout)

    run = run_tasks(run_playbook, tmp_path, access_tasks())

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert [(rule["cidr"], rule["label"]) for rule in record.firewall_rules] == [("203.0.113.0/24", "hq")]
    assert record.users["reporting"]["password"] == OTHER_PASSWORD
    # No addon token unless the old host serves; and nothing sent to the old host when it does not.
    assert bool(simulator.app.state.issued_addon_tokens) == (layout == "legacy")
    on_old_host = [path for path in database_api_requests(simulator) if path.startswith("db-api:")]
    assert bool(on_old_host) == (layout == "legacy")


def test_a_pinned_layout_is_the_only_one_used(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_firewall", {"database": NAME, "database_api": "legacy", "rules": []},
                   checks=("result is not changed",))

    assert run.succeeded, run.output
    assert all(path.startswith("db-api:") for path in database_api_requests(simulator))
    assert simulator.app.state.issued_addon_tokens


@pytest.mark.parametrize("label_updates", ["no-route", "no-patch"])
def test_without_a_label_update_a_rule_is_replaced_with_a_warning(
    simulator: RunningSimulator, run_task: Any, label_updates: str
) -> None:
    simulator.app.add_database(NAME)
    rule = simulator.app.add_firewall_rule(NAME, type="custom_range", cidr="203.0.113.0/24", label="office")
    simulator.app.state.firewall_label_updates = label_updates

    run = run_task("scalingo_database_firewall",
                   {"database": NAME, "rules": [{"cidr": "203.0.113.0/24", "label": "hq"}]},
                   checks=("result is changed", "result.rules[0].label == 'hq'"))

    assert run.succeeded, run.output
    assert "The Database API has no label update" in run.output
    assert [stored["id"] for stored in simulator.app.record(NAME).firewall_rules] != [rule["id"]]


def test_wait_after_a_create_returns_once_the_database_itself_runs(
    simulator: RunningSimulator, run_task: Any, only_layout: str
) -> None:
    # The new database answers 404, then an empty object, then runs; its addon says "running" all along.
    simulator.app.set_provisioning_polls(2)

    run = run_task("scalingo_database", {"name": NAME, "plan": "postgresql-dr-starter-4096", "wait": True},
                   checks=("result is changed", "result.status == 'running'"))

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert record.pending == [] and record.current_status() == "running"


def test_wait_after_a_plan_change_returns_only_once_the_change_is_over(
    simulator: RunningSimulator, run_task: Any, only_layout: str
) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database", {"name": NAME, "plan": "postgresql-dr-starter-8192",
                                         "allow_plan_change": True, "wait": True},
                   checks=("result is changed", "result.plan_changed", "result.status == 'running'"))

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    # The database read "running", then "updating", then "running": every read of the change was made.
    assert record.plan == "postgresql-dr-starter-8192" and record.pending == []


def test_a_create_answered_409_adopts_the_database_that_took_the_name(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.inject(Fault("POST", "/v1/databases", status=409, body={"error": "name already taken"},
                               apply_first=True))

    run = run_task("scalingo_database", {"name": NAME, "plan": "postgresql-dr-starter-4096"},
                   checks=("result is success", "not result.created", "result.database.name == '%s'" % NAME))

    assert run.succeeded, run.output
    assert [database["name"] for database in simulator.app.databases()] == [NAME]


def test_an_empty_answer_to_a_password_change_is_a_change(
    simulator: RunningSimulator, run_task: Any, only_layout: str
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_user(NAME, "reporting")
    simulator.app.inject(Fault("PATCH", "*/users/reporting", status=200, body={}, apply_first=True))

    run = run_task("scalingo_database_user", {"database": NAME, "name": "reporting", "password": PASSWORD,
                                              "update_password": "always"},
                   checks=("result is changed", "result.user.name == 'reporting'"))

    assert run.succeeded, run.output
    assert simulator.app.record(NAME).users["reporting"]["password"] == PASSWORD


def test_a_server_that_takes_the_addon_id_as_database_id_gets_it_on_the_second_try(
    simulator: RunningSimulator, run_task: Any, only_layout: str
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.state.users_take_addon_id = True

    run = run_task("scalingo_database_user", {"database": NAME, "name": "reporting", "password": PASSWORD},
                   checks=("result is changed",))

    assert run.succeeded, run.output
    assert "reporting" in simulator.app.record(NAME).users


def test_a_first_call_to_a_sub_path_finds_the_database_apis_own_host_behind_the_main_apis_json_404(
    simulator: RunningSimulator, run_task: Any
) -> None:
    # A region that serves the Database API on its own host only, where the main API answers JSON to /v1/... paths
    # it does not have: a backup (a sub-path) is the task's first call of the Database API.
    simulator.app.add_database(NAME)
    simulator.app.serve_database_api_layouts("legacy")
    simulator.app.state.main_api_json_404 = True

    first = run_task("scalingo_database_backup", {"database": NAME}, checks=(
        "result is changed", "result.backup.status == 'done'"))
    simulator.app.clear_requests()
    second = run_task("scalingo_database_backup", {"database": NAME, "wait": False}, checks=("result is changed",))

    assert first.succeeded, first.output
    assert second.succeeded, second.output
    # The layout the first run remembered is the one that served: the second goes there at once.
    assert [request.path for request in simulator.app.state.requests if "/backups" in request.path] == [
        "db-api:/api/databases/%s/backups" % simulator.app.record(NAME).addon_id]
