# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator's settings, backups, point-in-time recovery and maintenance of a dedicated database.

Routes of the Database API, read from the API notes' corrections: a
``PATCH`` of the database takes a maintenance window (a weekday 0 to 6 and a
starting hour 0 to 23, never its duration), whether periodic backups run and
their hour; backups are listed under ``database_backups``, taken with a
``POST`` answered 201 ``{"database_backup"}``, and an archive's link is a
secret; the recovery window spans from the database's creation, or its
retention (7, 14 or 30 days by plan family), to now; a restore takes an RFC
3339 ``restore_time`` inside it, answers 201 with its operation (or, as older
docs say, its ``operation_id``) and stops the database until the operation is
finished (the round-2 notes' statuses); the maintenance history is paginated.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from werkzeug.wrappers import Request, Response

from .app import DatabaseRecord, ScalingoSimulator, _json

RETENTION_DAYS = {"starter": 7, "business": 14, "enterprise": 30}
MAINTENANCE_PER_PAGE = 10
SETTABLE = {"maintenance_window", "periodic_backups_enabled", "periodic_backups_scheduled_at"}
# The round-2 notes: a database operation ends "finished", "error", "user-error" or "cancelled" ("done" is an
# app operation's word); a backup goes scheduled, pending, running, and ends "done", "error" or "cancelled".
OPERATION_ENDS = ("finished", "done", "error", "user-error", "cancelled")
BACKUP_ENDS = ("done", "error", "cancelled")
FAILURE_REASONS = {"error": "the base backup could not be read", "user-error": "the restore time has no base backup"}


@dataclass
class Recovery:
    """What the simulator knows of one database's backups, restores and maintenance."""

    backups: list[dict[str, Any]] = field(default_factory=list)
    # Reads of the backups a backup still spends before it is done, by backup id.
    backup_reads_left: dict[str, int] = field(default_factory=dict)
    operations: dict[str, dict[str, Any]] = field(default_factory=dict)
    operation_reads_left: dict[str, int] = field(default_factory=dict)
    maintenance: list[dict[str, Any]] = field(default_factory=list)
    restored_to: list[str] = field(default_factory=list)

    def restoring(self) -> bool:
        return any(operation["status"] not in OPERATION_ENDS for operation in self.operations.values())


class RecoveryRoutes:
    """The endpoints, each called with the main simulator's lock held and the database's record."""

    def __init__(self, main: ScalingoSimulator) -> None:
        self.main = main

    def of(self, record: DatabaseRecord) -> Recovery:
        recoveries = self.main.state.recoveries
        if record.addon_id not in recoveries:
            # A database has had a periodic backup and a maintenance since it was created.
            recoveries[record.addon_id] = Recovery(backups=[_periodic_backup(record)])
            add_maintenance(record, recoveries[record.addon_id], 1)
        return recoveries[record.addon_id]

    # --- settings ---------------------------------------------------------------------------

    def update_database(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        changes = body.get("database") if isinstance(body, dict) else None
        if not isinstance(changes, dict) or not changes:
            return _json({"error": "missing database parameter"}, 400)
        errors = _settings_errors(changes)
        if errors:
            return _json({"errors": errors}, 422)
        if "maintenance_window" in changes:
            window = changes["maintenance_window"]
            record.maintenance_window = dict(record.maintenance_window, **window)
        if "periodic_backups_enabled" in changes:
            record.periodic_backups_enabled = changes["periodic_backups_enabled"]
        if "periodic_backups_scheduled_at" in changes:
            record.periodic_backups_scheduled_at = [changes["periodic_backups_scheduled_at"]]
        return _json({"database": record.database_api_view(record.current_status())}, 200)

    # --- backups ----------------------------------------------------------------------------

    def list_backups(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        refusal = self._backups_refused()
        if refusal is not None:
            return refusal
        recovery = self.of(record)
        for backup in recovery.backups:
            self._move_along(recovery, backup)
        return _json({"database_backups": [dict(backup) for backup in recovery.backups]}, 200)

    def create_backup(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        refusal = self._backups_refused()
        if refusal is not None:
            return refusal
        if record.current_status() != "running":
            return _json({"error": "the database is not running yet: a backup needs it running"}, 400)
        recovery = self.of(record)
        backup = {
            "id": "bk-" + secrets.token_hex(8), "name": "%s_%s" % (_stamp(), record.name.replace("-", "_")),
            "status": "scheduled", "method": "manual", "size": 0, "created_at": _rfc3339(time.time()),
            "started_at": None, "database_id": record.database_api_id,
        }
        recovery.backups.append(backup)
        recovery.backup_reads_left[backup["id"]] = self.main.state.backup_reads
        return _json({"database_backup": dict(backup)}, 201)

    def backup_archive(self, request: Request, body: Any, record: DatabaseRecord, backup_id: str) -> Response:
        refusal = self._backups_refused()
        if refusal is not None:
            return refusal
        backup = next((backup for backup in self.of(record).backups if backup["id"] == backup_id), None)
        if backup is None:
            return _json({"error": "backup not found"}, 404)
        if backup["status"] != "done":
            return _json({"error": "the backup is %s: it has no archive yet" % backup["status"]}, 422)
        secret = secrets.token_urlsafe(24)
        self.main.state.issued_download_secrets.append(secret)
        return _json({"download_url": "https://backups.simulator.invalid/%s.tar.gz?signature=%s" % (
            backup_id, secret)}, 200)

    def _backups_refused(self) -> Optional[Response]:
        if self.main.state.backups_apply:
            return None
        return _json({"error": "backups are not available for this database: use point-in-time recovery"}, 403)

    def _move_along(self, recovery: Recovery, backup: dict[str, Any]) -> None:
        left = recovery.backup_reads_left.get(backup["id"])
        if left is None:
            return
        if left > 0:
            recovery.backup_reads_left[backup["id"]] = left - 1
            if backup["status"] == "scheduled":
                backup["status"] = "pending"
            else:
                backup.update(status="running", started_at=backup["started_at"] or _rfc3339(time.time()))
            return
        outcome = self.main.state.backup_outcome
        if outcome == "cancelled" and backup["status"] != "cancelling":
            backup["status"] = "cancelling"
            return
        del recovery.backup_reads_left[backup["id"]]
        backup["status"] = outcome
        if outcome == "done":
            backup.update(size=4096 * 1024, started_at=backup["started_at"] or _rfc3339(time.time()))

    # --- point-in-time recovery ---------------------------------------------------------------

    def recovery_window(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        earliest, latest = self._window(record)
        return _json({"recovery_window": {
            "earliest_recoverable_at": _rfc3339(earliest), "latest_recoverable_at": _rfc3339(latest)}}, 200)

    def restore(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        text = body.get("restore_time") if isinstance(body, dict) else None
        moment = _parse_time(text)
        if moment is None:
            return _json({"errors": {"restore_time": ["must be an RFC 3339 time"]}}, 422)
        earliest, latest = self._window(record)
        if not int(earliest) <= moment.timestamp() <= latest + 1:
            return _json({"errors": {"restore_time": ["is outside the recovery window"]}}, 422)
        recovery = self.of(record)
        if record.current_status() != "running" or recovery.restoring():
            return _json({"error": "the database is busy: a restore needs it running"}, 400)
        operation = {"id": "op-" + secrets.token_hex(8), "type": "pitr_restore", "status": "pending",
                     "created_at": _rfc3339(time.time()), "finished_at": None, "error": ""}
        recovery.operations[operation["id"]] = operation
        recovery.operation_reads_left[operation["id"]] = self.main.state.restore_reads
        recovery.restored_to.append(text)
        if self.main.state.restore_answers_operation_id:
            return _json({"operation_id": operation["id"]}, 201)
        return _json({"operation": dict(operation)}, 201)

    def read_operation(self, request: Request, body: Any, record: DatabaseRecord, operation_id: str) -> Response:
        recovery = self.of(record)
        operation = recovery.operations.get(operation_id)
        if operation is None:
            return _json({"error": "operation not found"}, 404)
        left = recovery.operation_reads_left.get(operation_id, 0)
        outcome = self.main.state.restore_outcome
        if left > 0:
            recovery.operation_reads_left[operation_id] = left - 1
            operation["status"] = "running"
        elif operation["status"] not in OPERATION_ENDS:
            if outcome == "cancelled" and operation["status"] != "cancelling":
                operation["status"] = "cancelling"
            else:
                operation.update(status=outcome, error=FAILURE_REASONS.get(outcome, ""),
                                 finished_at=_rfc3339(time.time()))
        return _json({"operation": dict(operation)}, 200)

    def _window(self, record: DatabaseRecord) -> tuple[float, float]:
        family = next((family for family in RETENTION_DAYS if family in record.plan), "starter")
        now = time.time()
        return max(record.created_at, now - RETENTION_DAYS[family] * 86400), now

    # --- maintenance --------------------------------------------------------------------------

    def list_maintenance(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        try:
            page = int(request.args.get("page", "1"))
            per_page = int(request.args.get("per_page", str(MAINTENANCE_PER_PAGE)))
        except ValueError:
            return _json({"error": "page and per_page must be numbers"}, 400)
        if page < 1 or per_page < 1:
            return _json({"error": "page and per_page must be 1 or more"}, 400)
        entries = self.of(record).maintenance
        total_pages = max(1, -(-len(entries) // per_page))
        shown = entries[(page - 1) * per_page:page * per_page]
        pagination = {
            "current_page": page, "prev_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < total_pages else None, "total_pages": total_pages,
            "total_count": len(entries)}
        meta = pagination if self.main.state.flat_pagination else {"pagination": pagination}
        return _json({"maintenance": shown, "meta": meta}, 200)

    def show_maintenance(self, request: Request, body: Any, record: DatabaseRecord, maintenance_id: str) -> Response:
        entry = next((entry for entry in self.of(record).maintenance if entry["id"] == maintenance_id), None)
        if entry is None:
            return _json({"error": "maintenance not found"}, 404)
        # go-scalingo reads this one unwrapped.
        return _json(entry, 200)


def add_maintenance(record: DatabaseRecord, recovery: Recovery, count: int) -> None:
    for index in range(count):
        started = time.time() - (count - index) * 7 * 86400
        recovery.maintenance.append({
            "id": "mt-" + secrets.token_hex(6), "database_id": record.database_api_id,
            "type": "postgresql-minor-upgrade", "status": "done",
            "started_at": _rfc3339(started), "ended_at": _rfc3339(started + 1800),
        })


def _settings_errors(changes: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {key: ["is not a setting"] for key in changes if key not in SETTABLE}
    if "maintenance_window" in changes:
        window = changes["maintenance_window"]
        if not isinstance(window, dict) or not window:
            errors["maintenance_window"] = ["must be an object"]
        else:
            if "duration_in_hour" in window:
                errors["maintenance_window.duration_in_hour"] = ["cannot be changed"]
            if not set(window) <= {"weekday_utc", "starting_hour_utc", "duration_in_hour"}:
                errors["maintenance_window"] = ["has unknown fields"]
            if "weekday_utc" in window and not _whole_in(window["weekday_utc"], 0, 6):
                errors["maintenance_window.weekday_utc"] = ["must be 0 to 6"]
            if "starting_hour_utc" in window and not _whole_in(window["starting_hour_utc"], 0, 23):
                errors["maintenance_window.starting_hour_utc"] = ["must be 0 to 23"]
    if "periodic_backups_enabled" in changes and not isinstance(changes["periodic_backups_enabled"], bool):
        errors["periodic_backups_enabled"] = ["must be true or false"]
    if "periodic_backups_scheduled_at" in changes and not _whole_in(changes["periodic_backups_scheduled_at"], 0, 23):
        errors["periodic_backups_scheduled_at"] = ["must be 0 to 23"]
    return errors


def _whole_in(value: Any, lowest: int, highest: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lowest <= value <= highest


def _periodic_backup(record: DatabaseRecord) -> dict[str, Any]:
    return {
        "id": "bk-" + secrets.token_hex(8), "name": "%s_%s" % (_stamp(record.created_at), record.name.replace("-", "_")),
        "status": "done", "method": "periodic", "size": 2048 * 1024, "created_at": _rfc3339(record.created_at),
        "started_at": _rfc3339(record.created_at), "database_id": record.database_api_id,
    }


def _parse_time(text: Any) -> Optional[datetime]:
    # RFC 3339: a date, "T", a time, and an offset ("Z" or "+hh:mm"); Python's own parser takes more than that.
    if not isinstance(text, str) or len(text) < 20 or text[10] not in "Tt":
        return None
    candidate = text[:-1] + "+00:00" if text[-1] in "Zz" else text
    if candidate[-6] not in "+-" or candidate[-3] != ":":
        return None
    try:
        return datetime.strptime(candidate[:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=timezone(_offset(candidate[-6:]))) + _fraction(candidate[19:-6])
    except ValueError:
        return None


def _offset(text: str) -> timedelta:
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))


def _fraction(text: str) -> timedelta:
    if not text:
        return timedelta()
    if text[0] != "." or not text[1:].isdigit():
        raise ValueError(text)
    return timedelta(seconds=float("0" + text))


def _rfc3339(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(moment: Optional[float] = None) -> str:
    return datetime.fromtimestamp(time.time() if moment is None else moment, timezone.utc).strftime("%Y%m%d%H%M%S")
