# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database_settings: the exact requests, and what the module says."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_settings
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

DATABASE_URL = DB_API + "/api/databases/ad-1"


def api_database(weekday: int = 1, hour: int = 3, enabled: bool = True, scheduled: Any = (2,)) -> dict[str, Any]:
    return {"database": {
        "id": "dbapi-1", "resource_id": "ad-1", "status": "running",
        "maintenance_window": {"weekday_utc": weekday, "starting_hour_utc": hour, "duration_in_hour": 8},
        "periodic_backups_enabled": enabled,
        "periodic_backups_scheduled_at": list(scheduled) if isinstance(scheduled, tuple) else scheduled,
    }}


def settings(weekday: int = 1, hour: int = 3, enabled: bool = True, scheduled: tuple[int, ...] = (2,)) -> dict[str, Any]:
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    return {
        "maintenance_window": {"weekday": weekday, "weekday_name": names[weekday], "starting_hour": hour,
                               "duration_in_hours": 8},
        "periodic_backups": {"enabled": enabled, "scheduled_at": list(scheduled)},
    }


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, **{"database": NAME, "database_api_url": DB_API, "database_api": "legacy", **extra})


def database_reads(api: responses.RequestsMock, answer: dict[str, Any]) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, DATABASE_URL, json=answer)


def test_a_new_window_is_sent_as_the_cli_sends_it(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database())
    api.add(responses.PATCH, DATABASE_URL, json=api_database(weekday=0, hour=4))

    outcome = run_module(scalingo_database_settings.main, args(maintenance_weekday=0, maintenance_hour=4),
                         diff=True)

    assert outcome.result["changed"] is True
    assert outcome.result["settings"] == settings(weekday=0, hour=4)
    assert outcome.result["diff"] == {"before": {"settings": settings()}, "after": {"settings": settings(0, 4)}}
    assert writes(api) == [("PATCH", DATABASE_URL, {"database": {"maintenance_window": {
        "weekday_utc": 0, "starting_hour_utc": 4}}})]


def test_a_part_left_out_keeps_the_current_value(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database(weekday=5, hour=3))
    api.add(responses.PATCH, DATABASE_URL, json=api_database(weekday=5, hour=22))

    outcome = run_module(scalingo_database_settings.main, args(maintenance_hour=22))

    assert outcome.result["settings"]["maintenance_window"]["starting_hour"] == 22
    assert writes(api) == [("PATCH", DATABASE_URL, {"database": {"maintenance_window": {
        "weekday_utc": 5, "starting_hour_utc": 22}}})]


def test_settings_already_so_change_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database(weekday=0, hour=4, enabled=True, scheduled=(1,)))

    outcome = run_module(scalingo_database_settings.main, args(
        maintenance_weekday=0, maintenance_hour=4, periodic_backups=True, periodic_backups_hour=1))

    assert outcome.result == reached({"changed": False, "settings": settings(0, 4, True, (1,))})
    assert writes(api) == []


def test_periodic_backups_send_only_what_changes(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database(enabled=True, scheduled=(2,)))
    api.add(responses.PATCH, DATABASE_URL, json=api_database(enabled=False, scheduled=(2,)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups=False, periodic_backups_hour=2))

    assert outcome.result["settings"]["periodic_backups"] == {"enabled": False, "scheduled_at": [2]}
    assert writes(api) == [("PATCH", DATABASE_URL, {"database": {"periodic_backups_enabled": False}})]


def test_the_window_and_the_backups_are_two_writes_as_in_go_scalingo(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_reads(api, api_database())
    api.add(responses.PATCH, DATABASE_URL, json=api_database(weekday=6))
    api.add(responses.PATCH, DATABASE_URL, json=api_database(weekday=6, scheduled=(23,)))

    outcome = run_module(scalingo_database_settings.main, args(
        maintenance_weekday=6, periodic_backups_hour=23))

    assert outcome.result["settings"] == settings(weekday=6, scheduled=(23,))
    assert writes(api) == [
        ("PATCH", DATABASE_URL, {"database": {"maintenance_window": {"weekday_utc": 6, "starting_hour_utc": 3}}}),
        # As the CLI sends a new hour: with the flag (here the database's own, the task leaving it out).
        ("PATCH", DATABASE_URL, {"database": {"periodic_backups_enabled": True, "periodic_backups_scheduled_at": 23}}),
    ]


@pytest.mark.parametrize("scheduled", [2, [2]], ids=["an-hour", "a-list"])
def test_the_hour_is_read_as_a_list_or_alone(api: responses.RequestsMock, run_module: RunModule, scheduled: Any) -> None:
    database_reads(api, api_database(scheduled=scheduled))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=2))

    assert outcome.result["changed"] is False
    assert outcome.result["settings"]["periodic_backups"]["scheduled_at"] == [2]


def test_several_hours_are_kept_when_the_task_gives_one_hour(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database(scheduled=(2, 14)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=2))

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == (
        "Database 'orders-production' takes its daily backups at 02:00 and 14:00 UTC: periodic_backups_hour 2 would "
        "replace them all. Give periodic_backups_hour: [2] to replace them with that hour, or [2, 14] to keep them. "
        "Nothing was changed.")
    assert writes(api) == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check-mode"])
def test_several_hours_are_replaced_by_the_one_the_task_lists(
    api: responses.RequestsMock, run_module: RunModule, check_mode: bool
) -> None:
    database_reads(api, api_database(scheduled=(2, 14)))
    api.add(responses.PATCH, DATABASE_URL, json=api_database(scheduled=(3,)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=["3"]), check_mode=check_mode)

    assert outcome.result["changed"] is True
    assert outcome.result["settings"]["periodic_backups"] == {"enabled": True, "scheduled_at": [3]}
    expected = [("PATCH", DATABASE_URL, {"database": {"periodic_backups_enabled": True,
                                                      "periodic_backups_scheduled_at": 3}})]
    assert writes(api) == ([] if check_mode else expected)


@pytest.mark.parametrize("given", [[14, 2], [2, 14, 2]], ids=["other-order", "repeated"])
def test_the_hours_the_database_has_listed_change_nothing(
    api: responses.RequestsMock, run_module: RunModule, given: list[int]
) -> None:
    database_reads(api, api_database(scheduled=(2, 14)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=given))

    assert outcome.result["changed"] is False
    assert writes(api) == []


def test_several_hours_the_database_does_not_have_cannot_be_set(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_reads(api, api_database(scheduled=(2,)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=[1, 13]))

    assert outcome.failed and not outcome.result.get("changed")
    assert "the API sets one hour, not 01:00 and 13:00" in outcome.result["msg"]
    assert writes(api) == []


def test_a_new_hour_on_disabled_backups_keeps_them_disabled(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database(enabled=False))
    api.add(responses.PATCH, DATABASE_URL, json=api_database(enabled=False, scheduled=(5,)))

    outcome = run_module(scalingo_database_settings.main, args(periodic_backups_hour=5))

    assert writes(api) == [("PATCH", DATABASE_URL, {"database": {"periodic_backups_enabled": False,
                                                                 "periodic_backups_scheduled_at": 5}})]
    assert outcome.result["settings"]["periodic_backups"] == {"enabled": False, "scheduled_at": [5]}


def test_an_empty_answer_to_the_write_reports_what_was_sent(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database())
    api.add(responses.PATCH, DATABASE_URL, body="", status=204)

    outcome = run_module(scalingo_database_settings.main, args(maintenance_weekday=3, maintenance_hour=1))

    assert outcome.result["changed"] is True
    assert outcome.result["settings"]["maintenance_window"] == {
        "weekday": 3, "weekday_name": "Wednesday", "starting_hour": 1, "duration_in_hours": 8}


def test_check_mode_reads_and_writes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database())

    outcome = run_module(scalingo_database_settings.main, args(
        maintenance_weekday=0, maintenance_hour=4, periodic_backups=False),
        check_mode=True, diff=True)

    assert outcome.result["changed"] is True
    assert outcome.result["diff"]["after"]["settings"] == settings(0, 4, enabled=False)
    assert writes(api) == []


@pytest.mark.parametrize("given, reason", [
    ({"maintenance_weekday": 7}, "Option maintenance_weekday is 7: it must be 0 (Sunday) to 6 (Saturday)."),
    ({"maintenance_weekday": -1}, "maintenance_weekday is -1"),
    ({"maintenance_weekday": True}, "Option maintenance_weekday is true, a boolean: give a whole number."),
    ({"maintenance_hour": False}, "Option maintenance_hour is false, a boolean: give a whole number."),
    ({"maintenance_hour": 3, "retries": True}, "Option retries is true, a boolean: give a whole number."),
    ({"maintenance_hour": 24}, "Option maintenance_hour is 24: it must be an hour of the day, UTC, 0 to 23."),
    ({"periodic_backups_hour": 25}, "periodic_backups_hour is 25"),
    ({"periodic_backups_hour": [3, 24]}, "periodic_backups_hour is 24"),
    ({"periodic_backups_hour": []}, "Option periodic_backups_hour is an empty list"),
    ({"periodic_backups_hour": True}, "Option periodic_backups_hour must be an hour of the day, UTC, 0 to 23, or a list"),
    ({"periodic_backups_hour": "three"}, "Option periodic_backups_hour must be an hour of the day"),
    ({"periodic_backups_hour": 2.5}, "Option periodic_backups_hour must be an hour of the day"),
    ({"periodic_backups_hour": {"hour": 2}}, "Option periodic_backups_hour must be an hour of the day"),
    ({}, "one of the following is required: maintenance_weekday, maintenance_hour, periodic_backups"),
], ids=["weekday-7", "weekday-negative", "weekday-true", "hour-false", "retries-true", "hour-24", "backup-hour-25",
        "listed-hour-24", "empty-list", "bool", "words",
        "float", "mapping", "nothing"])
def test_bad_input_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, given: dict[str, Any], reason: str
) -> None:
    outcome = run_module(scalingo_database_settings.main, args(**given))

    assert outcome.failed
    assert reason in outcome.result["msg"]
    assert len(api.calls) == 0


def test_a_refused_write_fails_with_the_apis_reason_and_changes_nothing(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_reads(api, api_database())
    api.add(responses.PATCH, DATABASE_URL, json={"errors": {"maintenance_window": ["is locked"]}}, status=422)

    outcome = run_module(scalingo_database_settings.main, args(maintenance_weekday=0, maintenance_hour=4))

    assert outcome.failed and outcome.result.get("changed") is not True
    assert "set the maintenance window of database 'orders-production'" in outcome.result["msg"]
    assert "is locked" in outcome.result["msg"]


def test_a_failure_after_the_first_write_says_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database())
    api.add(responses.PATCH, DATABASE_URL, json=api_database(weekday=0, hour=4))
    api.add(responses.PATCH, DATABASE_URL, json={"errors": {"periodic_backups_scheduled_at": ["no"]}}, status=422)

    outcome = run_module(scalingo_database_settings.main, args(
        maintenance_weekday=0, maintenance_hour=4, periodic_backups_hour=5))

    assert outcome.failed and outcome.result["changed"] is True


def test_no_window_to_complete_fails_with_a_sentence(api: responses.RequestsMock, run_module: RunModule) -> None:
    answer = api_database()
    del answer["database"]["maintenance_window"]
    database_reads(api, answer)

    outcome = run_module(scalingo_database_settings.main, args(maintenance_weekday=2))

    assert outcome.failed
    assert "give both maintenance_weekday and maintenance_hour" in outcome.result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize("answer", [{"json": {"error": "database not found"}, "status": 404},
                                    {"json": {"database": {}}, "status": 200}], ids=["404", "empty"])
def test_a_database_still_being_created_says_so(
    api: responses.RequestsMock, run_module: RunModule, answer: dict[str, Any]
) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, DATABASE_URL, **answer)

    outcome = run_module(scalingo_database_settings.main, args(maintenance_hour=4))

    assert outcome.failed and outcome.result.get("changed") is not True
    assert "still being created" in outcome.result["msg"]
    assert writes(api) == []
