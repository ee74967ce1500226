# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database_backup: the exact requests, and what the module says."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_backup
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import CONNECTION_ARGS, reached
from tests.unit.plugins.modules.test_scalingo_database_firewall import (
    DB_API,
    NAME,
    addon_token_given,
    database_with_addon,
    writes,
)

RunModule = Callable[..., ModuleOutcome]

BACKUPS_URL = DB_API + "/api/databases/ad-1/backups"
LINK = "https://backups.example.invalid/bk-2.tar.gz?X-Amz-Signature=download-link-secret-0123456789"


def api_backup(backup_id: str = "bk-2", status: str = "scheduled", method: str = "manual") -> dict[str, Any]:
    return {"id": backup_id, "name": "20261205133000_orders_production", "status": status, "method": method,
            "size": 1024 if status == "done" else 0, "created_at": "2026-12-05T13:30:00Z",
            "started_at": "2026-12-05T13:30:02Z", "database_id": "dbapi-1"}


def view(backup: dict[str, Any]) -> dict[str, Any]:
    return {key: backup[key] for key in ("id", "name", "status", "method", "size", "created_at", "started_at")}


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, **{"database": NAME, "database_api_url": DB_API, "database_api": "legacy", **extra})


def database_found(api: responses.RequestsMock) -> None:
    database_with_addon(api)
    addon_token_given(api)


def test_a_backup_is_taken_with_an_empty_body_and_waited_on(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    old = api_backup("bk-1", "done", "periodic")
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [old, api_backup(status="pending")]})
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [old, api_backup(status="running")]})
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [old, api_backup(status="done")]})

    outcome = run_module(scalingo_database_backup.main, args())

    assert outcome.result == reached({"changed": True, "backup": view(api_backup(status="done"))})
    # go-scalingo and scalingo.js send {} as the body.
    assert writes(api) == [("POST", BACKUPS_URL, {})]
    assert len(sleeps) == 2


def test_a_cancelled_backup_ends_the_wait_at_once(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="cancelling")]})
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="cancelled")]})

    outcome = run_module(scalingo_database_backup.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"].startswith(
        "Backup bk-2 of database 'orders-production' was cancelled before it was done, so it has no archive")
    assert outcome.result["backup"]["status"] == "cancelled"
    assert len(sleeps) == 1


def test_without_wait_the_backup_is_returned_as_taken(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)

    outcome = run_module(scalingo_database_backup.main, args(wait=False))

    assert outcome.result == reached({"changed": True, "backup": view(api_backup())})
    assert [call.request.method for call in api.calls if call.request.url == BACKUPS_URL] == ["POST"]


def test_the_download_link_is_asked_for_once_done(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="done")]})
    api.add(responses.GET, BACKUPS_URL + "/bk-2/archive", json={"download_url": LINK})

    outcome = run_module(scalingo_database_backup.main, args(download_url=True))

    assert outcome.result["download_url"] == LINK
    assert outcome.result["backup"]["status"] == "done"


def test_a_refused_link_never_quotes_the_answer(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="done")]})
    api.add(responses.GET, BACKUPS_URL + "/bk-2/archive", body="<html>%s</html>" % LINK, status=500)

    outcome = run_module(scalingo_database_backup.main, args(download_url=True))

    assert outcome.failed and outcome.result["changed"] is True
    assert "download-link-secret" not in outcome.text
    assert outcome.result["backup"]["id"] == "bk-2"


def test_a_failed_backup_fails_the_task_and_says_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="error")]})

    outcome = run_module(scalingo_database_backup.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert "Backup bk-2 of database 'orders-production' failed" in outcome.result["msg"]
    assert outcome.result["backup"]["status"] == "error"


def test_a_wait_that_runs_out_says_the_backup_goes_on(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="running")]})

    outcome = run_module(scalingo_database_backup.main, args(wait_timeout=0))

    assert outcome.failed and outcome.result["changed"] is True
    assert "is still 'running' after 0 seconds; it goes on" in outcome.result["msg"]


@pytest.mark.parametrize("status", [403, 404, 422])
def test_an_api_saying_backups_do_not_apply_gets_a_sentence(
    api: responses.RequestsMock, run_module: RunModule, status: int
) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"error": "backups are not available for this database"}, status=status)

    outcome = run_module(scalingo_database_backup.main, args())

    assert outcome.failed and outcome.result.get("changed") is not True
    assert "backups are not available for this database" in outcome.result["msg"]
    assert "Scalingo documents only point-in-time recovery as managed" in outcome.result["msg"]


@pytest.mark.parametrize("status", [400, 500])
def test_other_refusals_are_not_taken_for_backups_not_applying(
    api: responses.RequestsMock, run_module: RunModule, status: int
) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"error": "the database is not running yet"}, status=status)

    outcome = run_module(scalingo_database_backup.main, args())

    assert outcome.failed
    assert "point-in-time" not in outcome.result["msg"]


def test_a_lost_answer_to_the_backup_says_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, body="bad gateway", status=502)

    outcome = run_module(scalingo_database_backup.main, args(retries=0))

    assert outcome.failed and outcome.result["changed"] is True
    # A one-shot action: running it again would take a second backup, so the message says how to look instead.
    assert outcome.result["msg"].endswith(
        "The backup may have been taken all the same, and running the task again would take a second one. Look for "
        "it first among the backups of database 'orders-production' (scalingo.cloud.scalingo_database_info with "
        "include_backups: a manual backup created just now).")
    assert "run the task again to see" not in outcome.result["msg"]


def test_check_mode_reads_the_backups_and_takes_none(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup("bk-1", "done", "periodic")]})

    outcome = run_module(scalingo_database_backup.main, args(), check_mode=True)

    assert outcome.result == reached({"changed": True, "backup": None})
    assert writes(api) == []


@pytest.mark.parametrize("given, reason", [
    ({"download_url": True, "wait": False}, "Option download_url needs wait: true"),
    ({"wait_timeout": -1}, "Option wait_timeout is -1"),
    ({"database": "Not A Name"}, "Not A Name"),
], ids=["link-without-wait", "negative-timeout", "bad-name"])
def test_bad_input_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, given: dict[str, Any], reason: str
) -> None:
    outcome = run_module(scalingo_database_backup.main, args(**given))

    assert outcome.failed and reason in outcome.result["msg"]
    assert len(api.calls) == 0
