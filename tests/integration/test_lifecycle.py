# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The database life cycle against the simulator: wait, delete, change plan, read status and URL."""

from __future__ import annotations

from tests.integration.conftest import RunPlaybook
from tests.simulator import RunningSimulator

NAME = "orders-production"
PLAN = "postgresql-dr-starter-4096"
BIGGER_PLAN = "postgresql-dr-starter-8192"


def status_reads(simulator: RunningSimulator, name: str) -> int:
    """Reads of the database's own status, in whichever layout of the Database API served them."""
    own_route = "/databases/%s" % simulator.app.record(name).addon_id
    return len([r for r in simulator.app.state.requests if r.method == "GET" and r.path.endswith(own_route)])


def test_create_with_wait_returns_once_running(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook("database.yml", db_name=NAME, db_plan=PLAN, db_wait="true", expect_changed="true",
                       expect_status="running")

    assert run.succeeded, run.output
    assert simulator.app.record(NAME).current_status() == "running"
    assert status_reads(simulator, NAME) == 2  # not known yet (404), then running


def test_a_wait_that_times_out_can_be_resumed_by_running_again(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.set_provisioning_polls(1000)

    timed_out = run_playbook(
        "database_fails.yml", db_name=NAME, db_plan=PLAN, db_wait="true", db_wait_timeout="1",
        expected_message="seconds of waiting. Run the task again to resume the wait.", expect_changed="true",
    )
    assert timed_out.succeeded, timed_out.output
    record = simulator.app.record(NAME)
    assert "Database 'orders-production' exists (id %s) but its status is still 'creating' after" % record.id in (
        timed_out.output
    )

    record.pending = ["creating"]
    resumed = run_playbook("database.yml", db_name=NAME, db_plan=PLAN, db_wait="true", expect_changed="false",
                           expect_status="running")
    assert resumed.succeeded, resumed.output
    assert len(simulator.app.databases()) == 1
    assert len(simulator.app.requests_to("POST", "/v1/databases")) == 1


def test_delete_twice_then_nothing_to_do(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    database = simulator.app.add_database(NAME)

    first = run_playbook("delete.yml", "--diff", db_name=NAME, expect_changed="true")
    second = run_playbook("delete.yml", "--diff", db_name=NAME, expect_changed="false")

    assert first.succeeded, first.output
    assert second.succeeded, second.output
    assert simulator.app.databases() == []
    assert len(simulator.app.requests_to("DELETE", "/v1/apps/" + database["id"])) == 1


def test_delete_in_check_mode_deletes_nothing(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database(NAME)

    run = run_playbook("delete.yml", "--check", "--diff", db_name=NAME, expect_changed="true")

    assert run.succeeded, run.output
    assert len(simulator.app.databases()) == 1
    assert not [r for r in simulator.app.state.requests if r.method == "DELETE"]


def test_a_plan_change_is_refused_unless_allowed(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database(NAME, plan=PLAN)

    run = run_playbook(
        "database_fails.yml", db_name=NAME, db_plan=BIGGER_PLAN,
        expected_message="Database 'orders-production' is on plan '%s', not '%s'. "
                         "Set allow_plan_change: true to change its plan." % (PLAN, BIGGER_PLAN),
    )

    assert run.succeeded, run.output
    assert simulator.app.record(NAME).plan == PLAN


def test_an_allowed_plan_change_goes_through_updating_to_running(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.add_database(NAME, plan=PLAN)

    check = run_playbook("database.yml", "--check", "--diff", db_name=NAME, db_plan=BIGGER_PLAN,
                         db_allow_plan_change="true", expect_changed="true")
    assert check.succeeded, check.output
    assert simulator.app.record(NAME).plan == PLAN

    change = run_playbook("database.yml", "--diff", db_name=NAME, db_plan=BIGGER_PLAN, db_allow_plan_change="true",
                          db_wait="true", expect_changed="true", expect_status="running")
    assert change.succeeded, change.output
    assert simulator.app.record(NAME).plan == BIGGER_PLAN
    assert simulator.app.record(NAME).pending == []  # the change was seen to start, and to end

    again = run_playbook("database.yml", db_name=NAME, db_plan=BIGGER_PLAN, db_allow_plan_change="true",
                         expect_changed="false")
    assert again.succeeded, again.output
    assert len([r for r in simulator.app.state.requests if r.method == "PATCH"]) == 1


def test_an_unknown_plan_fails_listing_the_valid_ones(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database(NAME, plan=PLAN)

    run = run_playbook(
        "database_fails.yml", db_name=NAME, db_plan="postgresql-dr-legacy-2048", db_allow_plan_change="true",
        expected_message="Plan 'postgresql-dr-legacy-2048' is not an open plan of postgresql-ng. Valid plans: "
                         "postgresql-dr-business-4096, postgresql-dr-enterprise-4096",
    )

    assert run.succeeded, run.output
    assert simulator.app.record(NAME).plan == PLAN


def test_info_reads_status_and_url_without_showing_the_url(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.add_database(NAME, status="creating", polls_until_running=5)

    run = run_playbook("info_details.yml", db_name=NAME, expect_status="creating")

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert record.url not in run.output
    assert record.password not in run.output
