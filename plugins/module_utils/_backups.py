# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A dedicated database's maintenance window, backups and point-in-time recovery.

Private to the scalingo.cloud collection. All are calls of the Database API
(``ScalingoClient.database_api``) about the database's addon, in the shapes
of go-scalingo (``databases.go``, ``backups.go``, ``maintenance.go``) and the
CLI. Functions here give back plain dicts; deciding what is changed is the
modules' business.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    every_item,
    get_list,
    integer_or_none,
    poll_intervals,
)

# Go's time.Weekday, which the API's weekday_utc is: 0 is Sunday.
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
# A backup is "scheduled", "pending", "running", "done", "error", "cancelling" or "cancelled" (go-scalingo,
# scalingo.js); the last three but one end it.
BACKUP_DONE = frozenset({"done"})
BACKUP_FAILED = frozenset({"error", "cancelled"})
# A database operation (a restore, an upgrade) is "pending", "running", "finished", "error", "user-error",
# "cancelling" or "cancelled". "done" is an app operation's word, taken from older answers but never required.
OPERATION_DONE = frozenset({"finished", "done"})
OPERATION_FAILED = frozenset({"error", "user-error", "cancelled"})
BACKUP_FIELDS = ("id", "name", "status", "method", "size", "created_at", "started_at")
MAINTENANCE_FIELDS = ("id", "type", "status", "started_at", "ended_at")
# The answers with which the API says a backup call does not apply to a database, rather than that it failed.
NOT_APPLICABLE_STATUSES = (403, 404, 422)
# A clock a little ahead of the API's still names a time the API has seen.
CLOCK_SKEW = timedelta(minutes=1)


class WaitTimedOut(Exception):
    """A wait that ran out of time; ``last`` is the last thing seen (a backup, an operation)."""

    def __init__(self, last: dict[str, Any], waited: float) -> None:
        super().__init__(last.get("status"))
        self.last = last
        self.waited = waited


class Failed(Exception):
    """A backup or an operation the API reports as failed; ``last`` is how it was last seen."""

    def __init__(self, last: dict[str, Any]) -> None:
        super().__init__(last.get("status"))
        self.last = last


def _database_path(api: DatabaseAPI, *segments: str) -> str:
    return "/".join(["/databases"] + [quote(segment, safe="") for segment in (api.addon_id,) + segments])


# --- settings: the maintenance window and periodic backups ----------------------------------------------


def invalid_weekday_reason(weekday: Optional[int]) -> Optional[str]:
    if weekday is None or 0 <= weekday <= 6:
        return None
    return "Option maintenance_weekday is %d: it must be 0 (Sunday) to 6 (Saturday)." % weekday


def invalid_hour_reason(option: str, hour: Optional[int]) -> Optional[str]:
    if hour is None or 0 <= hour <= 23:
        return None
    return "Option %s is %d: it must be an hour of the day, UTC, 0 to 23." % (option, hour)


# An hour typed as text (from a template, say): ASCII digits only, never another script's.
_DIGITS = re.compile(r"[0-9]{1,9}")


def backup_hours(given: Any) -> tuple[list[int], bool]:
    """The hours periodic_backups_hour gives, and whether they came as a list; check_input has refused the rest."""
    listed = isinstance(given, list)
    return [_as_hour(item) for item in (given if listed else [given])], listed


def _as_hour(value: Any) -> int:
    return int(value.strip()) if isinstance(value, str) else int(value)


def invalid_backup_hours_reason(given: Any) -> Optional[str]:
    if given is None:
        return None
    items = given if isinstance(given, list) else [given]
    for item in items:
        if isinstance(item, bool) or not (isinstance(item, int) or (isinstance(item, str) and _DIGITS.fullmatch(item.strip()))):
            return ("Option periodic_backups_hour must be an hour of the day, UTC, 0 to 23, or a list of such hours; "
                    "%r is not one." % (item,))
        reason = invalid_hour_reason("periodic_backups_hour", _as_hour(item))
        if reason:
            return reason
    if not items:
        return "Option periodic_backups_hour is an empty list: give at least one hour, or leave it out."
    return None


def read_settings(api: DatabaseAPI) -> dict[str, Any]:
    """The database's maintenance window and periodic backups, from ``GET /databases/{addon}``."""
    path = _database_path(api)
    try:
        answer = api.get(path)
    except ScalingoAPIError as error:
        if error.is_not_found:
            # As database_status reads it: a database being created is not known here for a while.
            error.message += (
                "; a database still being created is not known here for a while: its settings can be read once it runs")
        raise
    database = answer.get("database") if isinstance(answer, dict) else None
    if database == {}:
        raise ScalingoAPIError("GET", path, None, "the database is still being created: its settings can be read "
                               "once it runs")
    if not isinstance(database, dict):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no database")
    return settings_view(database)


def settings_view(database: dict[str, Any]) -> dict[str, Any]:
    window = database.get("maintenance_window")
    return {
        "maintenance_window": _window_view(window) if isinstance(window, dict) else None,
        "periodic_backups": {
            "enabled": bool(database.get("periodic_backups_enabled")),
            "scheduled_at": scheduled_hours(database.get("periodic_backups_scheduled_at")),
        },
    }


def _window_view(window: dict[str, Any]) -> dict[str, Any]:
    weekday = integer_or_none(window.get("weekday_utc"))
    return {
        "weekday": weekday,
        "weekday_name": WEEKDAYS[weekday] if weekday is not None and 0 <= weekday <= 6 else None,
        "starting_hour": integer_or_none(window.get("starting_hour_utc")),
        "duration_in_hours": integer_or_none(window.get("duration_in_hour")),
    }


def scheduled_hours(value: Any) -> list[int]:
    """The hours of the periodic backups: the API answers a list; one hour alone is read as a list of one."""
    values = value if isinstance(value, list) else [value]
    return [hour for hour in (integer_or_none(item) for item in values) if hour is not None]


def update_database(api: DatabaseAPI, changes: dict[str, Any]) -> Optional[dict[str, Any]]:
    """``PATCH /databases/{addon}`` with ``{"database": changes}``; the settings the answer shows, if it shows them."""
    answer = api.patch(_database_path(api), {"database": changes})
    database = answer.get("database") if isinstance(answer, dict) else None
    if isinstance(database, dict) and ("maintenance_window" in database or "periodic_backups_enabled" in database):
        return settings_view(database)
    return None


def set_maintenance_window(api: DatabaseAPI, weekday: int, starting_hour: int) -> Optional[dict[str, Any]]:
    # The duration cannot be set; the CLI sends both fields, as here.
    return update_database(api, {"maintenance_window": {"weekday_utc": weekday, "starting_hour_utc": starting_hour}})


def set_periodic_backups(api: DatabaseAPI, enabled: Optional[bool], hour: Optional[int]) -> Optional[dict[str, Any]]:
    # The Go client leaves out what does not change (pointers with omitempty): false is still sent.
    changes: dict[str, Any] = {}
    if enabled is not None:
        changes["periodic_backups_enabled"] = enabled
    if hour is not None:
        changes["periodic_backups_scheduled_at"] = hour
    return update_database(api, changes)


# --- backups ----------------------------------------------------------------------------------------


def list_backups(api: DatabaseAPI) -> list[dict[str, Any]]:
    path = _database_path(api, "backups")
    with _saying_when_backups_do_not_apply():
        backups = get_list(api, path, "database_backups")[1]
    return [backup_view(backup, "GET", path) for backup in backups]


def backup_view(backup: Any, method: str, path: str) -> dict[str, Any]:
    if not isinstance(backup, dict) or not isinstance(backup.get("id"), str) or not backup["id"]:
        raise ScalingoAPIError(method, path, None, "unexpected answer: a backup without an id")
    return {field: backup.get(field) for field in BACKUP_FIELDS}


def create_backup(api: DatabaseAPI) -> dict[str, Any]:
    """Take a backup now and return it as the API describes it; the body is ``{}``, as go-scalingo and scalingo.js
    send it."""
    path = _database_path(api, "backups")
    with _saying_when_backups_do_not_apply():
        answer = api.post(path, {})
    backup = answer.get("database_backup", answer) if isinstance(answer, dict) else answer
    return backup_view(backup, "POST", path)


@contextmanager
def _saying_when_backups_do_not_apply() -> Iterator[None]:
    """The API's refusals of a backup call say, besides the API's reason, what a dedicated database has instead."""
    try:
        yield
    except ScalingoAPIError as error:
        if error.status in NOT_APPLICABLE_STATUSES:
            error.message += (
                ". Backups may not apply to this database: Scalingo documents only point-in-time recovery as managed "
                "for dedicated databases (see scalingo.cloud.scalingo_database_restore)"
            )
        raise


def wait_for_backup(
    api: DatabaseAPI, backup: dict[str, Any], timeout: float, sleep: Callable[[float], None], clock: Callable[[], float]
) -> dict[str, Any]:
    """Poll the backups until ``backup`` is done; raises Failed (an error, or cancelled) or WaitTimedOut.

    The list is what go-scalingo and the CLI read: the route of one backup is not under its database.
    Every other status, one the clients do not list included, is waited on.
    """

    def poll() -> dict[str, Any]:
        for candidate in list_backups(api):
            if candidate["id"] == backup["id"]:
                return candidate
        raise ScalingoAPIError("GET", _database_path(api, "backups"), None,
                               "unexpected answer: backup %s is not in the list" % backup["id"])

    return _poll_until(poll, BACKUP_DONE, BACKUP_FAILED, timeout, sleep, clock)


def backup_download_url(api: DatabaseAPI, backup_id: str) -> str:
    path = _database_path(api, "backups", backup_id, "archive")
    answer = api.get(path)
    url = answer.get("download_url") if isinstance(answer, dict) else None
    if not isinstance(url, str) or not url:
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no download_url")
    return url


# --- point-in-time recovery ---------------------------------------------------------------------------


def parse_restore_time(text: str) -> Optional[datetime]:
    """An RFC 3339 time with its offset (``Z`` or ``+01:00``), in UTC; None when it is not one, or names no time
    in UTC (before year 1 or after 9999 once its offset is taken off)."""
    parsed = _with_offset(text)
    return _in_utc(parsed) if parsed is not None else None


def _with_offset(text: str) -> Optional[datetime]:
    """An RFC 3339 time with its offset, as it is written (not moved to UTC); None when it is not one."""
    candidate = text.strip()
    if candidate[-1:] in ("Z", "z"):
        candidate = candidate[:-1] + "+00:00"
    if "T" not in candidate.upper():
        return None
    try:
        parsed = datetime.fromisoformat(candidate.replace("t", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _in_utc(moment: datetime) -> Optional[datetime]:
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:30:00+01:00 is in year 0 in UTC
        return None


# Go's default text of a time.Time, as an API written in Go may answer it: "2026-12-01 10:00:00 +0000 UTC", with
# optional fractions of a second.
_GO_DEFAULT_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})(?: [A-Za-z]+)?")


def parse_api_time(text: str) -> Optional[datetime]:
    """A time the API answered, in UTC: RFC 3339 (with a ``T`` or a space), Go's default text, or a time without
    an offset, which the API gives in UTC. None when it is none of these."""
    candidate = text.strip()
    go_default = _GO_DEFAULT_TIME.fullmatch(candidate)
    if go_default:
        day, clock, hours, minutes = go_default.groups()
        candidate = "%sT%s%s:%s" % (day, clock[:15], hours, minutes)
    elif len(candidate) > 10 and candidate[10] == " ":
        candidate = candidate[:10] + "T" + candidate[11:]
    parsed = parse_restore_time(candidate)
    if parsed is not None:
        return parsed
    try:
        naive = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return naive.replace(tzinfo=timezone.utc) if naive.tzinfo is None else None


def invalid_restore_time_reason(text: str, now: datetime) -> Optional[str]:
    written = _with_offset(text)
    if written is not None and _in_utc(written) is None:
        return ("Option restore_time %r names no time in UTC (its offset takes it before year 1 or after year "
                "9999): give a time within the database's recovery window." % text)
    parsed = parse_restore_time(text)
    if parsed is None:
        return (
            "Option restore_time %r is not an RFC 3339 time with its offset, such as 2026-12-05T14:30:00Z or "
            "2026-12-05T15:30:00+01:00." % text
        )
    if parsed > now + CLOCK_SKEW:
        return "Option restore_time %s is in the future: a database can be restored only to a time it has seen." % (
            rfc3339(parsed))
    return None


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC, as RFC 3339 with a ``Z``: the form Go's encoding of time.Time sends."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def recovery_window(api: DatabaseAPI) -> dict[str, Optional[str]]:
    """The earliest and latest times the database can be restored to; either may be unknown (None)."""
    path = _database_path(api, "pitr", "recovery_window")
    answer = api.get(path)
    window = answer.get("recovery_window") if isinstance(answer, dict) else None
    if not isinstance(window, dict):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no recovery_window")
    return {key: _text_or_none(window.get(key)) for key in ("earliest_recoverable_at", "latest_recoverable_at")}


def outside_window_reason(moment: datetime, window: dict[str, Optional[str]]) -> Optional[str]:
    if window["earliest_recoverable_at"] is None and window["latest_recoverable_at"] is None:
        return "the API reports no recovery window: the database has nothing to restore from yet"
    bounds = {key: parse_api_time(text) if text else None for key, text in window.items()}
    unread = [window[key] for key, moment in bounds.items() if window[key] and moment is None]
    if unread:
        # A bound that cannot be read cannot be checked: never send a time it might refuse, or take.
        return "the API reports a recovery window whose bounds cannot be read as times (%s)" % ", ".join(
            repr(text) for text in unread)
    earliest, latest = bounds["earliest_recoverable_at"], bounds["latest_recoverable_at"]
    if earliest is not None and moment < earliest:
        return "%s is before the earliest time it can be restored to, %s" % (rfc3339(moment), rfc3339(earliest))
    if latest is not None and moment > latest:
        return "%s is after the latest time it can be restored to, %s" % (rfc3339(moment), rfc3339(latest))
    return None


def _text_or_none(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def restore(api: DatabaseAPI, moment: datetime) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """Ask for a restore to ``moment``: the operation it started (None when the answer names none), and where the
    answer's Location header points, to read the operation from (None without one)."""
    path = _database_path(api, "pitr", "restore")
    answer = api.answer("POST", path, {"restore_time": rfc3339(moment)})
    body = answer.body if isinstance(answer.body, dict) else {}
    operation = body.get("operation")
    if isinstance(operation, dict) and _text_or_none(operation.get("id")):
        return operation_view(operation), answer.location
    # Older documentation answers {"operation_id": "..."} alone.
    operation_id = _text_or_none(body.get("operation_id"))
    if operation_id is None:
        return None, answer.location
    return {"id": operation_id, "type": None, "status": None, "error": None}, answer.location


def operation_view(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": operation.get("id"), "type": operation.get("type"), "status": operation.get("status"),
        "error": _text_or_none(operation.get("error")),
    }


def read_operation(api: DatabaseAPI, operation_id: str, location: Optional[str] = None) -> dict[str, Any]:
    """A database operation, from where the answer that started it pointed, else from its documented route.

    That route is ``/databases/{addon}/operations/{id}`` on the main API's layouts and ``/operations/{id}`` at the
    legacy host's root. An app's operations (``/v1/apps/{app}/operations``) are another thing, never read here.
    """
    path = location or _database_path(api, "operations", operation_id)
    legacy_path = "/operations/" + quote(operation_id, safe="")
    answer = api.get(path) if location else api.answer("GET", path, paths={"legacy": legacy_path}).body
    operation = answer.get("operation", answer) if isinstance(answer, dict) else None
    if not isinstance(operation, dict) or not isinstance(operation.get("status"), str):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: an operation without a status")
    return operation_view(dict(operation, id=operation.get("id") or operation_id))


def wait_for_operation(
    read: Callable[[], dict[str, Any]], timeout: float, sleep: Callable[[float], None], clock: Callable[[], float]
) -> dict[str, Any]:
    """Poll an operation until it is finished; raises Failed (error, user-error, cancelled) or WaitTimedOut.

    Every other status, one the clients do not list included, is waited on.
    """
    return _poll_until(read, OPERATION_DONE, OPERATION_FAILED, timeout, sleep, clock)


def _poll_until(
    poll: Callable[[], dict[str, Any]], done: frozenset[str], failed: frozenset[str], timeout: float,
    sleep: Callable[[float], None], clock: Callable[[], float],
) -> dict[str, Any]:
    started = clock()
    intervals = poll_intervals()
    while True:
        current = poll()
        if current["status"] in done:
            return current
        if current["status"] in failed:
            raise Failed(current)
        waited = clock() - started
        if waited >= timeout:
            raise WaitTimedOut(current, waited)
        sleep(min(next(intervals), timeout - waited))


# --- maintenance ----------------------------------------------------------------------------------


def list_maintenance(api: DatabaseAPI) -> list[dict[str, Any]]:
    """The database's maintenance operations, past and planned, every page of them."""
    return [_maintenance_view(item) for item in every_item(api, _database_path(api, "maintenance"), "maintenance")
            if isinstance(item, dict)]


def _maintenance_view(item: dict[str, Any]) -> dict[str, Any]:
    return {field: item.get(field) for field in MAINTENANCE_FIELDS}
