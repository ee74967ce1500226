# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Real ansible-playbook runs against the simulator, with the modules' logic in Ansible's worker and on a target."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import DEFAULT_API_TOKEN, DEFAULT_PROJECT_ID, OTHER_PROJECT_ID, RunningSimulator

PLAN = "postgresql-dr-starter-4096"


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    """Every test here runs both ways: the two must behave alike."""
    return str(request.param)


def posts_to_databases(simulator: RunningSimulator) -> int:
    return len(simulator.app.requests_to("POST", "/v1/databases"))


def test_creates_a_database_then_leaves_it_alone(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    first = run_playbook("database.yml", "--diff", db_name="orders-production", db_plan=PLAN, expect_changed="true")
    assert first.succeeded, first.output
    assert "changed: [localhost]" in first.output
    [database] = simulator.app.databases()
    assert (database["name"], database["plan"], database["project_id"]) == ("orders-production", PLAN, DEFAULT_PROJECT_ID)
    assert posts_to_databases(simulator) == 1

    simulator.app.clear_requests()
    second = run_playbook("database.yml", "--diff", db_name="orders-production", db_plan=PLAN, expect_changed="false")
    assert second.succeeded, second.output
    assert "changed=0" in second.output
    assert posts_to_databases(simulator) == 0
    assert len(simulator.app.databases()) == 1


def test_creates_in_the_given_project(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "database.yml", db_name="orders-staging", db_plan=PLAN, db_project_id=OTHER_PROJECT_ID, expect_changed="true"
    )
    assert run.succeeded, run.output
    assert [database["project_id"] for database in simulator.app.databases()] == [OTHER_PROJECT_ID]


def test_check_mode_creates_nothing(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook("database.yml", "--check", "--diff", db_name="orders-production", db_plan=PLAN, expect_changed="true")
    assert run.succeeded, run.output
    assert simulator.app.databases() == []
    assert posts_to_databases(simulator) == 0
    assert simulator.app.requests_to("GET", "/v1/databases/orders-production")


def test_info_lists_and_gets_by_name_and_id(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    wanted = simulator.app.add_database("orders-production")
    simulator.app.add_database("orders-staging", project_id=OTHER_PROJECT_ID)
    simulator.app.add_database("analytics-db")

    run = run_playbook(
        "info.yml", db_name="orders-production", db_id=wanted["id"], db_count="3", other_project_id=OTHER_PROJECT_ID
    )
    assert run.succeeded, run.output


def test_info_in_check_mode_reads_all_the_same(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    wanted = simulator.app.add_database("orders-production")

    run = run_playbook(
        "info.yml", "--check", db_name="orders-production", db_id=wanted["id"], db_count="1",
        other_project_id=OTHER_PROJECT_ID,
    )
    assert run.succeeded, run.output


def test_an_invalid_name_fails_before_any_request(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "database_fails.yml", db_name="Bad_Name", db_plan=PLAN,
        expected_message="Database name 'Bad_Name' is invalid: it must be 6 to 48 characters long",
    )
    assert run.succeeded, run.output
    assert simulator.app.state.requests == []


def test_a_missing_plan_fails_clearly(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "database_fails.yml", db_name="orders-production",
        expected_message="Database 'orders-production' does not exist and cannot be created without a plan",
    )
    assert run.succeeded, run.output
    assert posts_to_databases(simulator) == 0
    assert simulator.app.databases() == []


def test_a_plan_the_api_refuses_fails_with_its_reason(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "database_fails.yml", db_name="orders-production", db_plan="no-such-plan",
        expected_message="Scalingo API refused to create database 'orders-production' (422): plan is not a valid plan",
    )
    assert run.succeeded, run.output
    assert simulator.app.databases() == []


def test_a_wrong_token_fails_without_printing_it(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    wrong_token = "tk-us-wrong-token-that-must-stay-secret"
    run = run_playbook(
        "database_fails.yml", api_token=wrong_token, db_name="orders-production", db_plan=PLAN,
        expected_message="(401): the API token was refused",
    )
    assert run.succeeded, run.output
    assert wrong_token not in run.output
    assert simulator.app.state.issued_bearer_tokens == []
    assert simulator.app.databases() == []


def test_a_missing_token_fails_clearly(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "database_fails.yml", api_token=None, db_name="orders-production", db_plan=PLAN,
        expected_message="missing required arguments: api_token",
    )
    assert run.succeeded, run.output
    assert simulator.app.state.requests == []


def test_a_plan_mismatch_fails_and_says_what_differs(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database("orders-production", plan="postgresql-dr-business-4096")

    run = run_playbook(
        "database_fails.yml", db_name="orders-production", db_plan=PLAN,
        expected_message="plan is 'postgresql-dr-business-4096', not '%s'" % PLAN,
    )
    assert run.succeeded, run.output
    assert posts_to_databases(simulator) == 0
    assert [database["plan"] for database in simulator.app.databases()] == ["postgresql-dr-business-4096"]


def test_a_database_in_another_project_is_moved_after_a_check_mode_preview(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.add_database("orders-production", project_id=OTHER_PROJECT_ID)
    move = dict(db_name="orders-production", db_plan=PLAN, db_project_id=DEFAULT_PROJECT_ID, expect_changed="true")

    preview = run_playbook("database.yml", "--check", "--diff", **move)
    assert preview.succeeded, preview.output
    assert [database["project_id"] for database in simulator.app.databases()] == [OTHER_PROJECT_ID]

    moved = run_playbook("database.yml", "--diff", **move)
    assert moved.succeeded, moved.output
    assert [database["project_id"] for database in simulator.app.databases()] == [DEFAULT_PROJECT_ID]
    assert len(simulator.app.requests_to("PUT", "/v1/apps/" + simulator.app.databases()[0]["id"])) == 1

    again = run_playbook("database.yml", **dict(move, expect_changed="false"))
    assert again.succeeded, again.output


def test_module_defaults_set_the_connection_once(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook(
        "module_defaults.yml", api_token=None, simulator_url=simulator.url, simulator_token=DEFAULT_API_TOKEN,
        db_name="orders-production",
    )
    assert run.succeeded, run.output
    assert len(simulator.app.databases()) == 1


def test_an_expired_bearer_token_is_replaced_once(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database("orders-production")
    simulator.app.expire_bearer_tokens_on_next_call()

    run = run_playbook("database.yml", db_name="orders-production", db_plan=PLAN, expect_changed="false")
    assert run.succeeded, run.output
    assert len(simulator.app.requests_to("POST", "/v1/tokens/exchange")) == 2


def test_a_run_after_a_run_reuses_the_bearer_token(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.add_database("orders-production")

    for _run in range(3):
        run = run_playbook("database.yml", db_name="orders-production", db_plan=PLAN, expect_changed="false")
        assert run.succeeded, run.output

    assert len(simulator.app.requests_to("POST", "/v1/tokens/exchange")) == 1
    assert len(simulator.app.requests_to("GET", "/v1/databases/orders-production")) == 3
    cache = tmp_path / "cache" / "scalingo.cloud"
    [cached] = cache.iterdir()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert cached.read_text() == simulator.app.state.issued_bearer_tokens[0]
    assert DEFAULT_API_TOKEN not in cached.name + cached.read_text()


def test_token_cache_false_exchanges_every_time(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.add_database("orders-production")

    for _run in range(2):
        run = run_playbook("database.yml", db_name="orders-production", db_plan=PLAN, expect_changed="false",
                           db_token_cache="false")
        assert run.succeeded, run.output

    assert len(simulator.app.requests_to("POST", "/v1/tokens/exchange")) == 2
    assert not (tmp_path / "cache" / "scalingo.cloud").exists()
