# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator's settings, backups, recovery and maintenance answer as the API notes say."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from werkzeug.test import Client

from tests.simulator import DEFAULT_API_TOKEN, ScalingoSimulator
from tests.simulator.recovery import add_maintenance


@pytest.fixture
def simulator() -> ScalingoSimulator:
    app = ScalingoSimulator()
    app.add_database("orders-production")
    return app


@pytest.fixture
def client(simulator: ScalingoSimulator) -> Client:
    return Client(simulator)


def headers(client: Client) -> dict[str, str]:
    basic = base64.b64encode((":" + DEFAULT_API_TOKEN).encode()).decode()
    answer = client.post("/v1/tokens/exchange", headers={"Authorization": "Basic " + basic}, json={})
    return {"Authorization": "Bearer " + answer.get_json()["token"]}


def path(simulator: ScalingoSimulator, *segments: str) -> str:
    # The main-api layout: /api/databases/{addon}/... with the user's bearer token.
    return "/".join(["/api/databases", simulator.record("orders-production").addon_id, *segments])


def database(client: Client, simulator: ScalingoSimulator) -> dict[str, Any]:
    return client.get(path(simulator), headers=headers(client)).get_json()["database"]


@pytest.mark.parametrize("window", [
    {"weekday_utc": 7, "starting_hour_utc": 3}, {"weekday_utc": 0, "starting_hour_utc": 24},
    {"weekday_utc": 0, "starting_hour_utc": 3, "duration_in_hour": 4}, {"weekday_utc": True},
], ids=["weekday-7", "hour-24", "duration", "a-bool"])
def test_a_window_outside_the_notes_is_refused(client: Client, simulator: ScalingoSimulator, window: Any) -> None:
    answer = client.patch(path(simulator), headers=headers(client), json={"database": {"maintenance_window": window}})

    assert answer.status_code == 422
    assert database(client, simulator)["maintenance_window"] == {
        "weekday_utc": 1, "starting_hour_utc": 3, "duration_in_hour": 8}


def test_settings_change_and_the_hour_is_answered_as_a_list(client: Client, simulator: ScalingoSimulator) -> None:
    answer = client.patch(path(simulator), headers=headers(client), json={"database": {
        "periodic_backups_enabled": False, "periodic_backups_scheduled_at": 22}})

    assert answer.status_code == 200
    assert answer.get_json()["database"]["periodic_backups_scheduled_at"] == [22]
    assert database(client, simulator)["periodic_backups_enabled"] is False


def backup_statuses(client: Client, simulator: ScalingoSimulator, backup_id: str, polls: int) -> list[str]:
    statuses = []
    for poll in range(polls):
        listed = client.get(path(simulator, "backups"), headers=headers(client)).get_json()["database_backups"]
        statuses.append(next(item["status"] for item in listed if item["id"] == backup_id))
    return statuses


def test_a_backup_is_scheduled_then_pending_then_runs_then_is_done(client: Client, simulator: ScalingoSimulator) -> None:
    simulator.state.backup_reads = 2
    created = client.post(path(simulator, "backups"), headers=headers(client), json={})

    assert created.status_code == 201
    backup = created.get_json()["database_backup"]
    assert (backup["status"], backup["method"]) == ("scheduled", "manual")
    assert backup_statuses(client, simulator, backup["id"], 4) == ["pending", "running", "done", "done"]
    link = client.get(path(simulator, "backups", backup["id"], "archive"), headers=headers(client)).get_json()
    assert link["download_url"].startswith("https://") and simulator.state.issued_download_secrets[0] in link["download_url"]


@pytest.mark.parametrize("outcome, seen", [
    ("error", ["pending", "error", "error"]), ("cancelled", ["pending", "cancelling", "cancelled"]),
])
def test_a_backup_can_fail_or_be_cancelled(
    client: Client, simulator: ScalingoSimulator, outcome: str, seen: list[str]
) -> None:
    simulator.state.backup_outcome = outcome
    backup = client.post(path(simulator, "backups"), headers=headers(client), json={}).get_json()["database_backup"]

    assert backup_statuses(client, simulator, backup["id"], 3) == seen
    archive = client.get(path(simulator, "backups", backup["id"], "archive"), headers=headers(client))
    assert archive.status_code == 422


def test_an_unfinished_backup_has_no_archive(client: Client, simulator: ScalingoSimulator) -> None:
    backup = client.post(path(simulator, "backups"), headers=headers(client)).get_json()["database_backup"]

    answer = client.get(path(simulator, "backups", backup["id"], "archive"), headers=headers(client))

    assert answer.status_code == 422


def test_backups_can_be_refused_as_not_applying(client: Client, simulator: ScalingoSimulator) -> None:
    simulator.state.backups_apply = False

    assert client.post(path(simulator, "backups"), headers=headers(client)).status_code == 403
    assert client.get(path(simulator, "backups"), headers=headers(client)).status_code == 403


@pytest.mark.parametrize("restore_time", [
    "2026-12-05 14:30:00Z", "2026-12-05T14:30:00", "yesterday", "2026-12-05T14:30:00+0100",
], ids=["no-t", "no-offset", "words", "offset-without-colon"])
def test_a_restore_time_that_is_not_rfc_3339_is_refused(
    client: Client, simulator: ScalingoSimulator, restore_time: str
) -> None:
    answer = client.post(path(simulator, "pitr", "restore"), headers=headers(client),
                         json={"restore_time": restore_time})

    assert answer.status_code == 422


def test_a_restore_outside_the_window_is_refused(client: Client, simulator: ScalingoSimulator) -> None:
    before = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    answer = client.post(path(simulator, "pitr", "restore"), headers=headers(client), json={"restore_time": before})

    assert answer.status_code == 422
    assert answer.get_json() == {"errors": {"restore_time": ["is outside the recovery window"]}}


def restore_now(client: Client, simulator: ScalingoSimulator, prefix: str = "") -> Any:
    window = client.get(prefix + path(simulator, "pitr", "recovery_window"), headers=headers(client)).get_json()
    latest = window["recovery_window"]["latest_recoverable_at"]
    return client.post(prefix + path(simulator, "pitr", "restore"), headers=headers(client), json={"restore_time": latest})


def test_a_restore_stops_the_database_until_its_operation_is_finished(
    client: Client, simulator: ScalingoSimulator
) -> None:
    answer = restore_now(client, simulator)

    assert answer.status_code == 201
    operation = answer.get_json()["operation"]
    assert (operation["type"], operation["status"]) == ("pitr_restore", "pending")
    # The main host's layouts keep a database's operations under it, and say where.
    assert answer.headers["Location"] == path(simulator, "operations", operation["id"])
    assert database(client, simulator)["status"] == "stopped"
    read = [client.get(path(simulator, "operations", operation["id"]), headers=headers(client)).get_json()["operation"]
            for poll in range(2)]
    assert [item["status"] for item in read] == ["running", "finished"]
    assert read[1]["finished_at"] and read[1]["error"] == ""
    assert database(client, simulator)["status"] == "running"


@pytest.mark.parametrize("outcome, seen", [
    ("error", ["running", "error"]), ("user-error", ["running", "user-error"]),
    ("cancelled", ["running", "cancelling", "cancelled"]), ("done", ["running", "done"]),
])
def test_a_restore_can_end_each_way_the_notes_list(
    client: Client, simulator: ScalingoSimulator, outcome: str, seen: list[str]
) -> None:
    simulator.state.restore_outcome = outcome
    operation_id = restore_now(client, simulator).get_json()["operation"]["id"]

    read = [client.get(path(simulator, "operations", operation_id), headers=headers(client)).get_json()["operation"]
            for poll in seen]

    assert [item["status"] for item in read] == seen
    assert bool(read[-1]["error"]) == (outcome in ("error", "user-error"))
    assert database(client, simulator)["status"] == "running"


def test_the_app_operations_route_holds_no_database_operation(client: Client, simulator: ScalingoSimulator) -> None:
    operation_id = restore_now(client, simulator).get_json()["operation"]["id"]
    app_id = simulator.record("orders-production").id

    answer = client.get("/v1/apps/%s/operations/%s" % (app_id, operation_id), headers=headers(client))

    assert answer.status_code == 404


def test_the_legacy_host_keeps_operations_at_its_root_behind_the_addon_token(simulator: ScalingoSimulator) -> None:
    from tests.simulator.database_api import DatabaseAPISimulator

    main, legacy = Client(simulator), Client(DatabaseAPISimulator(simulator))
    simulator.state.restore_answers_operation_id = True
    record = simulator.record("orders-production")
    other = simulator.add_database("orders-staging")
    token_path = "/v1/apps/%s/addons/%s/token"
    token = main.post(token_path % (record.id, record.addon_id), headers=headers(main), json={}).get_json()["addon"]["token"]
    other_record = simulator.record("orders-staging")
    other_token = main.post(token_path % (other["id"], other_record.addon_id), headers=headers(main),
                            json={}).get_json()["addon"]["token"]
    opened = {"Authorization": "Bearer " + token}
    window = legacy.get("/api/databases/%s/pitr/recovery_window" % record.addon_id, headers=opened).get_json()
    answer = legacy.post("/api/databases/%s/pitr/restore" % record.addon_id, headers=opened,
                         json={"restore_time": window["recovery_window"]["latest_recoverable_at"]})
    operation_id = answer.get_json()["operation_id"]

    assert answer.headers["Location"] == "/api/operations/" + operation_id
    assert legacy.get("/api/operations/" + operation_id, headers=opened).get_json()["operation"]["id"] == operation_id
    assert legacy.get("/api/operations/" + operation_id,
                      headers={"Authorization": "Bearer " + other_token}).status_code == 401
    under = legacy.get("/api/databases/%s/operations/%s" % (record.addon_id, operation_id), headers=opened)
    assert (under.status_code, under.mimetype) == (404, "text/plain")


def test_a_restore_answer_without_a_location(client: Client, simulator: ScalingoSimulator) -> None:
    simulator.state.restore_gives_location = False

    assert "Location" not in restore_now(client, simulator).headers


def test_the_maintenance_history_is_paginated(client: Client, simulator: ScalingoSimulator) -> None:
    record = simulator.record("orders-production")
    add_maintenance(record, simulator.recovery.of(record), 11)

    first = client.get(path(simulator, "maintenance"), headers=headers(client)).get_json()
    second = client.get(path(simulator, "maintenance") + "?page=2", headers=headers(client)).get_json()
    one = client.get(path(simulator, "maintenance", first["maintenance"][0]["id"]), headers=headers(client)).get_json()

    assert len(first["maintenance"]) == 10 and first["meta"]["pagination"]["next_page"] == 2
    assert len(second["maintenance"]) == 2 and second["meta"]["pagination"]["next_page"] is None
    assert one["id"] == first["maintenance"][0]["id"]


def test_the_maintenance_history_can_give_its_next_page_flat(client: Client, simulator: ScalingoSimulator) -> None:
    record = simulator.record("orders-production")
    add_maintenance(record, simulator.recovery.of(record), 11)
    simulator.state.flat_pagination = True

    first = client.get(path(simulator, "maintenance"), headers=headers(client)).get_json()

    assert first["meta"]["next_page"] == 2 and "pagination" not in first["meta"]
