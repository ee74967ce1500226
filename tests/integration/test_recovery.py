# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Settings, backups and point-in-time recovery through real playbooks, against the simulator, both ways.

Every run also checks (in the run_playbook fixture) that no token, password or backup download link reached the
output, at -vvv.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET
from tests.simulator import Fault, RunningSimulator
from tests.simulator.recovery import add_maintenance

NAME = "orders-production"


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def requests_to_database_api(simulator: RunningSimulator, method: str) -> list[str]:
    return [request.path for request in simulator.app.state.requests
            if request.method == method and "/databases/ad-" in request.path]


def test_several_backup_hours_are_kept_unless_the_task_lists_the_hour(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.record(NAME).periodic_backups_scheduled_at = [2, 14]

    kept = run_task("scalingo_database_settings", {"database": NAME, "periodic_backups_hour": 3}, checks=(
        "result is failed", "result is not changed", "'Give periodic_backups_hour: [3]' in result.msg"))
    replaced = run_task("scalingo_database_settings", {"database": NAME, "periodic_backups_hour": [3]}, checks=(
        "result is changed", "result.settings.periodic_backups.scheduled_at == [3]"))

    assert kept.succeeded, kept.output
    assert replaced.succeeded, replaced.output
    assert simulator.app.record(NAME).periodic_backups_scheduled_at == [3]


def test_settings_converge_then_change_nothing(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    options = {"database": NAME, "maintenance_weekday": 0, "maintenance_hour": 4, "periodic_backups_hour": 23}

    first = run_task("scalingo_database_settings", options, "--diff", checks=(
        "result is changed", "result.settings.maintenance_window.weekday_name == 'Sunday'",
        "result.settings.periodic_backups.scheduled_at == [23]"))
    assert first.succeeded, first.output
    record = simulator.app.record(NAME)
    assert record.maintenance_window == {"weekday_utc": 0, "starting_hour_utc": 4, "duration_in_hour": 8}
    assert record.periodic_backups_scheduled_at == [23]

    simulator.app.clear_requests()
    second = run_task("scalingo_database_settings", options, checks=("result is not changed",))
    assert second.succeeded, second.output
    assert requests_to_database_api(simulator, "PATCH") == []


def test_a_weekday_7_fails_before_any_request(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_settings", {"database": NAME, "maintenance_weekday": 7}, checks=(
        "result is failed", "'it must be 0 (Sunday) to 6 (Saturday)' in result.msg"))

    assert run.succeeded, run.output
    assert simulator.app.state.requests == []


def test_a_backup_is_taken_waited_on_and_its_link_never_shown(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_backup", {"database": NAME, "download_url": True}, checks=(
        "result is changed", "result.backup.status == 'done'", "result.backup.method == 'manual'",
        "result.download_url is match('https://backups.simulator.invalid/')"))

    assert run.succeeded, run.output
    assert "censored" in run.output
    # The fixture found no link in the output; the simulator did hand one out.
    assert len(simulator.app.state.issued_download_secrets) == 1


def test_a_cancelled_backup_fails_at_once_as_changed(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.state.backup_outcome = "cancelled"

    run = run_task("scalingo_database_backup", {"database": NAME}, checks=(
        "result is failed", "result is changed", "result.backup.status == 'cancelled'",
        "'was cancelled before it was done' in result.msg"))

    assert run.succeeded, run.output


def test_backups_that_do_not_apply_say_so(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.state.backups_apply = False

    run = run_task("scalingo_database_backup", {"database": NAME}, checks=(
        "result is failed", "result is not changed",
        "'Scalingo documents only point-in-time recovery as managed' in result.msg"))

    assert run.succeeded, run.output


def test_a_restore_follows_its_operation_until_it_is_finished_and_the_database_runs(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.add_database(NAME)
    latest = "{{ lookup('pipe', 'date -u +%Y-%m-%dT%H:%M:%SZ') }}"

    run = run_task("scalingo_database_restore", {"database": NAME, "restore_time": latest, "confirm": NAME}, checks=(
        "result is changed", "result.operation.status == 'finished'", "result.status == 'running'"))

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert len(simulator.app.recovery.of(record).restored_to) == 1
    assert any(request.path.startswith("/api/databases/ad-") and "/operations/" in request.path
               for request in simulator.app.state.requests)


@pytest.mark.parametrize("older", [True, False], ids=["operation-id-only-and-location", "operation-without-location"])
def test_a_restore_on_the_legacy_host_reads_its_operation_at_the_hosts_root(
    simulator: RunningSimulator, run_task: Any, older: bool
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.serve_database_api_layouts("legacy")
    simulator.app.state.restore_answers_operation_id = older
    simulator.app.state.restore_gives_location = older
    latest = "{{ lookup('pipe', 'date -u +%Y-%m-%dT%H:%M:%SZ') }}"

    run = run_task("scalingo_database_restore", {"database": NAME, "restore_time": latest, "confirm": NAME}, checks=(
        "result is changed", "result.operation.status == 'finished'", "result.status == 'running'"))

    assert run.succeeded, run.output
    operation_reads = [request.path for request in simulator.app.state.requests if "/operations/" in request.path]
    assert operation_reads and all(path.startswith("db-api:/api/operations/op-") for path in operation_reads)


@pytest.mark.parametrize("outcome", ["user-error", "cancelled"])
def test_a_restore_that_ends_in_failure_fails_at_once_as_changed(
    simulator: RunningSimulator, run_task: Any, outcome: str
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.state.restore_outcome = outcome
    latest = "{{ lookup('pipe', 'date -u +%Y-%m-%dT%H:%M:%SZ') }}"

    run = run_task("scalingo_database_restore", {"database": NAME, "restore_time": latest, "confirm": NAME}, checks=(
        "result is failed", "result is changed", "result.operation.status == '%s'" % outcome,
        "\"ended '%s'\" in result.msg" % outcome))

    assert run.succeeded, run.output


def test_a_time_outside_the_window_changes_nothing(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_restore", {
        "database": NAME, "restore_time": "2020-01-01T00:00:00Z", "confirm": NAME}, checks=(
        "result is failed", "result is not changed", "'is before the earliest time' in result.msg"))

    assert run.succeeded, run.output
    assert requests_to_database_api(simulator, "POST") == []


def test_a_restore_without_its_confirmation_fails_before_any_request(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.add_database(NAME)

    run = run_task("scalingo_database_restore", {
        "database": NAME, "restore_time": "2026-12-05T14:30:00Z", "confirm": "yes"}, checks=(
        "result is failed", "'set confirm to the database' in result.msg"))

    assert run.succeeded, run.output
    assert simulator.app.state.requests == []


def test_check_mode_restores_nothing(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    latest = "{{ lookup('pipe', 'date -u +%Y-%m-%dT%H:%M:%SZ') }}"

    run = run_task("scalingo_database_restore", {"database": NAME, "restore_time": latest, "confirm": NAME},
                   "--check", checks=("result is changed", "result.operation is none"))

    assert run.succeeded, run.output
    assert requests_to_database_api(simulator, "POST") == []


def test_info_includes_backups_the_recovery_window_and_every_page_of_maintenance(
    simulator: RunningSimulator, run_task: Any
) -> None:
    simulator.app.add_database(NAME)
    record = simulator.app.record(NAME)
    add_maintenance(record, simulator.app.recovery.of(record), 24)

    run = run_task("scalingo_database_info", {
        "name": NAME, "include_backups": True, "include_recovery_window": True, "include_maintenance": True,
        "include_settings": True}, checks=(
        "result.databases[0].backups | map(attribute='method') | list == ['periodic']",
        "result.databases[0].recovery_window.earliest_recoverable_at is string",
        "result.databases[0].maintenance | length == 25",
        "result.databases[0].settings.periodic_backups.enabled"))

    assert run.succeeded, run.output
    pages = [request for request in simulator.app.state.requests if request.path.endswith("/maintenance")]
    assert len(pages) == 3


def test_a_maintenance_history_paged_flat_is_read_to_its_end(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    record = simulator.app.record(NAME)
    add_maintenance(record, simulator.app.recovery.of(record), 14)
    simulator.app.state.flat_pagination = True

    run = run_task("scalingo_database_info", {"name": NAME, "include_maintenance": True}, checks=(
        "result.databases[0].maintenance | length == 15",))

    assert run.succeeded, run.output


def test_a_backup_whose_answer_was_lost_says_changed(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    # A gateway that took the backup to the API and lost its answer.
    simulator.app.inject(Fault("POST", "/api/databases/*/backups", status=502, body="<html>Bad gateway</html>",
                               apply_first=True, times=5))

    run = run_task("scalingo_database_backup", {"database": NAME}, checks=("result is failed", "result is changed"))

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert [backup["method"] for backup in simulator.app.recovery.of(record).backups] == ["periodic", "manual"]


def test_a_read_of_the_recovery_window_that_fails_once_is_retried(simulator: RunningSimulator, run_task: Any) -> None:
    simulator.app.add_database(NAME)
    simulator.app.inject(Fault("GET", "/api/databases/*/pitr/recovery_window", status=503, retry_after="0"))

    run = run_task("scalingo_database_info", {"name": NAME, "include_recovery_window": True}, checks=(
        "result is success", "result.databases[0].recovery_window.latest_recoverable_at is string"))

    assert run.succeeded, run.output
