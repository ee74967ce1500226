# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database_restore: the exact requests, and what the module says."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_restore
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, reached
from tests.unit.plugins.module_utils.test_client import connection_lost
from tests.unit.plugins.modules.test_scalingo_database_firewall import (
    ADDONS_URL,
    DATABASE,
    DB_API,
    LOOKUP_URL,
    NAME,
    addon_token_given,
    database_with_addon,
    writes,
)

RunModule = Callable[..., ModuleOutcome]

DATABASE_URL = DB_API + "/api/databases/ad-1"
WINDOW_URL = DATABASE_URL + "/pitr/recovery_window"
RESTORE_URL = DATABASE_URL + "/pitr/restore"
# The legacy host keeps a database's operations at its root; the main API's layouts under the database.
OPERATION_URL = DB_API + "/api/operations/op-1"
APP_OPERATION_URL = API_URL + "/v1/apps/%s/operations/op-1" % DATABASE["id"]
MAIN_OPERATION_URLS = {"main-api": API_URL + "/api/databases/ad-1/operations/op-1",
                       "main": API_URL + "/v1/databases/ad-1/operations/op-1"}
WINDOW = {"earliest_recoverable_at": "2026-11-28T10:00:00Z", "latest_recoverable_at": "2026-12-05T16:00:00Z"}


def operation(status: str, error: str = "") -> dict[str, Any]:
    return {"operation": {"id": "op-1", "type": "pitr_restore", "status": status, "error": error}}


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, **{"database": NAME, "database_api_url": DB_API, "database_api": "legacy",
                                    "restore_time": "2026-12-05T15:30:00+01:00", "confirm": NAME, **extra})


def window_given(api: responses.RequestsMock, window: Any = None) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, WINDOW_URL, json={"recovery_window": WINDOW if window is None else window})


def database_status(api: responses.RequestsMock, *statuses: str) -> None:
    for status in statuses:
        api.add(responses.GET, DATABASE_URL, json={"database": {"id": "dbapi-1", "status": status}})


def test_a_restore_sends_the_time_in_utc_follows_its_operation_and_waits_for_the_database(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("running"))
    api.add(responses.GET, OPERATION_URL, json=operation("finished"))
    # A restore stops the database and starts it again: "stopped" is waited on.
    database_status(api, "stopped", "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.result == reached({
        "changed": True, "restore_time": "2026-12-05T14:30:00Z", "recovery_window": WINDOW,
        "operation": {"id": "op-1", "type": "pitr_restore", "status": "finished", "error": None}, "status": "running",
    })
    assert writes(api) == [("POST", RESTORE_URL, {"restore_time": "2026-12-05T14:30:00Z"})]
    assert len(sleeps) == 2


def test_an_answer_naming_only_the_operation_id_is_followed(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json={"operation_id": "op-1"}, status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("finished"))
    database_status(api, "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.result["operation"]["status"] == "finished"
    assert outcome.result["status"] == "running"


def test_an_operation_that_says_done_as_older_answers_did_ends_the_wait(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("done"))
    database_status(api, "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert not outcome.failed and outcome.result["operation"]["status"] == "done"


@pytest.mark.parametrize("layout", ["main-api", "main"])
def test_on_the_main_apis_layouts_the_operation_is_read_under_its_database(
    api: responses.RequestsMock, run_module: RunModule, layout: str
) -> None:
    database_with_addon(api)
    prefix = API_URL + ("/api" if layout == "main-api" else "/v1") + "/databases/ad-1"
    api.add(responses.GET, prefix + "/pitr/recovery_window", json={"recovery_window": WINDOW})
    api.add(responses.POST, prefix + "/pitr/restore", json=operation("pending"), status=201)
    api.add(responses.GET, MAIN_OPERATION_URLS[layout], json=operation("finished"))
    api.add(responses.GET, prefix, json={"database": {"id": "dbapi-1", "status": "running"}})

    outcome = run_module(scalingo_database_restore.main, args(database_api=layout))

    assert outcome.result["operation"]["status"] == "finished"
    assert [call.request.url for call in api.calls if "/operations/" in call.request.url] == [
        MAIN_OPERATION_URLS[layout]]


def test_the_location_the_restore_answers_is_where_its_operation_is_read(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json={"operation_id": "op-1"}, status=201,
            headers={"Location": "/api/operations/op-7"})
    api.add(responses.GET, DB_API + "/api/operations/op-7", json=operation("finished"))
    database_status(api, "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.result["operation"]["status"] == "finished"
    assert [call.request.url for call in api.calls if "/operations/" in call.request.url] == [
        DB_API + "/api/operations/op-7"]


@pytest.mark.parametrize("location", [
    "https://elsewhere.test.invalid/api/operations/op-1", "http://db-api.test.invalid/api/operations/op-1",
    "/other/operations/op-1", "/api/operations/../../v1/tokens/exchange"],
    ids=["another-host", "another-scheme", "outside-the-prefix", "dot-segments"])
def test_a_location_elsewhere_is_never_followed(
    api: responses.RequestsMock, run_module: RunModule, location: str
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201, headers={"Location": location})
    api.add(responses.GET, OPERATION_URL, json=operation("finished"))
    database_status(api, "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.result["operation"]["status"] == "finished"
    assert [call.request.url for call in api.calls if call.request.method == "GET" and "operations" in
            call.request.url] == [OPERATION_URL]


def test_the_legacy_hosts_missing_operation_route_is_never_answered_by_the_apps_operations(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, body="404 page not found\n", status=404, content_type="text/plain")
    api.add(responses.GET, APP_OPERATION_URL, json=operation("finished"))

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert "read the restore's operation" in outcome.result["msg"]
    assert not any(call.request.url == APP_OPERATION_URL for call in api.calls)


def test_the_apis_own_404_of_an_operation_is_no_reason_to_look_elsewhere(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json={"error": "operation not found"}, status=404)

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert "operation not found" in outcome.result["msg"]
    assert not any(call.request.url == APP_OPERATION_URL for call in api.calls)


def test_without_an_operation_the_database_is_seen_leaving_running_and_back(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json={}, status=201)
    database_status(api, "stopped", "running")

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.result["operation"] is None and outcome.result["status"] == "running"
    assert len([call for call in api.calls if call.request.url == DATABASE_URL]) == 2


@pytest.mark.parametrize("status, error, said", [
    ("error", "the base backup could not be read", "ended 'error': the base backup could not be read."),
    ("user-error", "no base backup before that time", "ended 'user-error': no base backup before that time."),
    ("cancelled", "", "ended 'cancelled'."),
])
def test_a_restore_that_ends_in_failure_ends_the_wait_at_once_with_its_reason(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float], status: str, error: str, said: str
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("cancelling" if status == "cancelled" else "running"))
    api.add(responses.GET, OPERATION_URL, json=operation(status, error))

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"] == "The restore of database 'orders-production' to 2026-12-05T14:30:00Z " + said
    assert outcome.result["operation"]["status"] == status
    # One wait between the two reads, none after the final one.
    assert len(sleeps) == 1


def test_a_wait_that_runs_out_says_the_restore_goes_on(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("running"))

    outcome = run_module(scalingo_database_restore.main, args(wait_timeout=0))

    assert outcome.failed and outcome.result["changed"] is True
    assert "is still 'running' after 0 seconds; it goes on" in outcome.result["msg"]


def test_without_wait_the_operation_is_returned_as_started(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)

    outcome = run_module(scalingo_database_restore.main, args(wait=False))

    assert outcome.result["changed"] is True and outcome.result["operation"]["status"] == "pending"
    assert "status" not in outcome.result


@pytest.mark.parametrize("restore_time, reason", [
    ("2026-11-28T09:59:59Z", "2026-11-28T09:59:59Z is before the earliest time it can be restored to, "
                             "2026-11-28T10:00:00Z"),
    ("2026-12-05T17:00:01+01:00", "2026-12-05T16:00:01Z is after the latest time it can be restored to, 2026-12-05T16:00:00Z"),
], ids=["too-early", "too-late"])
def test_a_time_outside_the_window_fails_before_the_restore(
    api: responses.RequestsMock, run_module: RunModule, restore_time: str, reason: str
) -> None:
    window_given(api)

    outcome = run_module(scalingo_database_restore.main, args(restore_time=restore_time))

    assert outcome.failed and outcome.result.get("changed") is not True
    assert outcome.result["msg"] == "Database 'orders-production' cannot be restored: %s. Nothing was changed." % reason
    assert outcome.result["recovery_window"] == WINDOW
    assert writes(api) == []


def test_a_database_with_no_window_is_not_restored(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api, {})

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and "reports no recovery window" in outcome.result["msg"]
    assert writes(api) == []


def test_one_bound_unknown_leaves_the_other_to_check(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api, {"latest_recoverable_at": "2026-12-05T16:00:00Z"})
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)

    outcome = run_module(scalingo_database_restore.main, args(restore_time="2001-01-01T00:00:00Z", wait=False))

    assert outcome.result["changed"] is True
    assert outcome.result["recovery_window"] == {"earliest_recoverable_at": None,
                                                 "latest_recoverable_at": "2026-12-05T16:00:00Z"}


def test_check_mode_checks_the_window_and_restores_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)

    outcome = run_module(scalingo_database_restore.main, args(), check_mode=True)

    assert outcome.result == reached(
        {"changed": True, "restore_time": "2026-12-05T14:30:00Z", "recovery_window": WINDOW, "operation": None})
    assert writes(api) == []


def test_a_refused_restore_fails_and_changed_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json={"errors": {"restore_time": ["is outside the recovery window"]}},
            status=422)

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and outcome.result.get("changed") is not True
    assert "restore database 'orders-production' to 2026-12-05T14:30:00Z" in outcome.result["msg"]


@pytest.mark.parametrize("given, reason", [
    ({"confirm": "orders"}, "set confirm to the database's name"),
    ({"confirm": ""}, "confirm"),
    ({"restore_time": "2026-12-05 14:30"}, "is not an RFC 3339 time with its offset"),
    ({"restore_time": "2026-12-05T14:30:00"}, "is not an RFC 3339 time with its offset"),
    ({"restore_time": "yesterday"}, "is not an RFC 3339 time with its offset"),
    ({"restore_time": "2999-01-01T00:00:00Z"}, "2999-01-01T00:00:00Z is in the future"),
    ({"wait_timeout": -5}, "Option wait_timeout is -5"),
    ({"restore_time": "0001-01-01T00:30:00+01:00"},
     "Option restore_time '0001-01-01T00:30:00+01:00' names no time in UTC (its offset takes it before year 1 or "
     "after year 9999)"),
    ({"restore_time": "9999-12-31T23:30:00-01:00"}, "names no time in UTC"),
], ids=["wrong-confirm", "empty-confirm", "no-t", "no-offset", "words", "future", "negative-timeout", "before-year-1",
        "after-9999"])
def test_bad_input_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, given: dict[str, Any], reason: str
) -> None:
    outcome = run_module(scalingo_database_restore.main, args(**given))

    assert outcome.failed and reason in outcome.result["msg"]
    assert len(api.calls) == 0


def test_a_restore_whose_answer_was_lost_says_how_to_check_never_to_run_it_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, body=connection_lost())

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert "running the task again would restore the database a second time" in outcome.result["msg"]
    assert "status is 'stopped' (scalingo.cloud.scalingo_database_info with include_status" in outcome.result["msg"]
    assert "run the task again to see" not in outcome.result["msg"]
    assert len(writes(api)) == 1


def test_the_ids_given_are_checked_against_the_confirmed_name_and_then_used(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)

    outcome = run_module(scalingo_database_restore.main, args(database_id=DATABASE["id"], addon_id="ad-1", wait=False))

    assert outcome.result["changed"] is True
    # A destructive action trusts no ID: the database is looked up by name and its addon read all the same.
    assert [call.request.url for call in api.calls if call.request.method == "GET"][:2] == [LOOKUP_URL, ADDONS_URL]


@pytest.mark.parametrize("given, said", [
    ({"database_id": "5410093073other0000000000"},
     "Option database_id is 5410093073other0000000000, but database 'orders-production' has database_id "
     "54100930736f7563d5030000"),
    ({"database_id": DATABASE["id"], "addon_id": "ad-of-another"},
     "Option addon_id is ad-of-another, but database 'orders-production' has addon_id ad-1"),
], ids=["database-id", "addon-id"])
def test_an_id_of_another_database_is_refused_before_the_restore(
    api: responses.RequestsMock, run_module: RunModule, given: dict[str, Any], said: str
) -> None:
    window_given(api)

    for check_mode in (False, True):
        outcome = run_module(scalingo_database_restore.main, args(**given), check_mode=check_mode)

        assert outcome.failed and not outcome.result.get("changed")
        assert outcome.result["msg"].startswith(said)
        assert outcome.result["msg"].endswith("Nothing was changed.")
    assert writes(api) == []


@pytest.mark.parametrize("window", [
    {"earliest_recoverable_at": "2026-11-28 10:00:00 +0000 UTC", "latest_recoverable_at": "2026-12-05 16:00:00 +0000 UTC"},
    {"earliest_recoverable_at": "2026-11-28T10:00:00", "latest_recoverable_at": "2026-12-05T16:00:00"},
    {"earliest_recoverable_at": "2026-11-28 11:00:00+01:00", "latest_recoverable_at": "2026-12-05T17:00:00+01:00"},
], ids=["go-default", "no-offset", "space-and-offset"])
def test_a_window_in_another_time_format_still_bounds_the_restore(
    api: responses.RequestsMock, run_module: RunModule, window: dict[str, str]
) -> None:
    window_given(api, window)

    outcome = run_module(scalingo_database_restore.main, args(restore_time="2026-12-05T16:00:01Z"))

    assert outcome.failed and not outcome.result.get("changed")
    assert "2026-12-05T16:00:01Z is after the latest time it can be restored to, 2026-12-05T16:00:00Z" in (
        outcome.result["msg"])
    assert writes(api) == []


def test_a_window_that_cannot_be_read_stops_the_restore(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api, {"earliest_recoverable_at": "last week", "latest_recoverable_at": "2026-12-05T16:00:00Z"})

    outcome = run_module(scalingo_database_restore.main, args())

    assert outcome.failed and not outcome.result.get("changed")
    assert "whose bounds cannot be read as times ('last week')" in outcome.result["msg"]
    assert writes(api) == []
