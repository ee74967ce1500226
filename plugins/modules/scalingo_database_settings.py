#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_settings
short_description: Set the maintenance window and the periodic backups of a Scalingo dedicated database
version_added: 1.1.0
description:
  - Makes a dedicated database's maintenance window and periodic backups what the task says, and changes nothing
    when they already are. What the task leaves out is left as it is.
  - The maintenance window is when Scalingo may apply maintenance to the database, a weekday and a starting hour in
    UTC; its length is Scalingo's to set and is only reported.
  - Every value is checked before any request (a weekday 0 to 6, hours 0 to 23).
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.1.0
    description: Name of the database; it must exist.
    type: str
    required: true
  maintenance_weekday:
    version_added: 1.1.0
    description:
      - The day, UTC, the weekly maintenance window starts, as Scalingo numbers it after Go's C(time.Weekday). V(0) is
        Sunday, V(1) Monday, V(2) Tuesday, V(3) Wednesday, V(4) Thursday, V(5) Friday, V(6) Saturday.
      - Left out, the database's current day is kept.
    type: int
  maintenance_hour:
    version_added: 1.1.0
    description:
      - The hour, UTC, V(0) to V(23), the weekly maintenance window starts at.
      - Left out, the database's current hour is kept.
    type: int
  periodic_backups:
    version_added: 1.1.0
    description:
      - Whether Scalingo backs the database up every day. Left out, left as it is.
    type: bool
  periodic_backups_hour:
    version_added: 1.1.0
    description:
      - The hour, UTC, V(0) to V(23), the daily backups are taken at, or a list of hours. Left out, left as it is.
      - The API answers the hours as a list and sets one hour. A database with backups at several hours keeps them
        unless the task lists the hours it wants, so V(3) fails there, with the hours it has, where V([3]) replaces
        them with 03:00 UTC; the hours it has, listed, change nothing. Several hours other than the database's fail
        before any request, since the API cannot set them.
      - A new hour is sent with the periodic backups' flag (V(true) unless O(periodic_backups=false), or the
        database's own when O(periodic_backups) is left out), as the Scalingo CLI sends it.
    type: raw
attributes:
  check_mode:
    support: full
    details: The database is read; nothing is changed.
  diff_mode:
    support: full
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - Costs, in requests, a lookup of the database and of its addon (none for what O(database_id) and O(addon_id) give),
    a read of the database in the Database API, and
    one write for the window and one for the periodic backups when they change, as Scalingo's own clients send them.
seealso:
  - module: scalingo.cloud.scalingo_database_backup
  - module: scalingo.cloud.scalingo_database_info
"""

EXAMPLES = r"""
- name: Let maintenance start on Sundays at 03:00 UTC, and back up every day at 01:00 UTC
  scalingo.cloud.scalingo_database_settings:
    database: orders-production
    maintenance_weekday: 0
    maintenance_hour: 3
    periodic_backups: true
    periodic_backups_hour: 1

- name: Move the backups' hour only
  scalingo.cloud.scalingo_database_settings:
    database: orders-production
    periodic_backups_hour: 22
"""

RETURN = r"""
database_id:
  description: ID of the database, to pass on as O(database_id) to the next task about it.
  returned: success
  type: str
  version_added: 1.1.0
  sample: 54100930736f7563d5030000
addon_id:
  description: ID of the database's addon, to pass on as O(addon_id) to the next task about it.
  returned: when the task read the addon, or was given it
  type: str
  version_added: 1.1.0
  sample: ad-0bd4a9a9-ec71-4fc5-a0fb-23ac7b8f9d5e
settings:
  description: The database's settings after the task (in check mode, what they would be).
  returned: success
  type: dict
  contains:
    maintenance_window:
      description: The maintenance window; V(null) when the API reports none.
      type: dict
      contains:
        weekday:
          description: The day, UTC, V(0) Sunday to V(6) Saturday.
          type: int
          sample: 0
        weekday_name:
          description: The day's English name.
          type: str
          sample: Sunday
        starting_hour:
          description: The hour the window starts, UTC.
          type: int
          sample: 3
        duration_in_hours:
          description: How long the window lasts, as Scalingo sets it.
          type: int
          sample: 8
    periodic_backups:
      description: The daily backups.
      type: dict
      contains:
        enabled:
          description: Whether Scalingo takes them.
          type: bool
          sample: true
        scheduled_at:
          description: The hours, UTC, they are taken at (the API answers a list).
          type: list
          elements: int
          sample: [1]
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._backups import (
    WEEKDAYS,
    backup_hours,
    invalid_backup_hours_reason,
    invalid_hour_reason,
    invalid_weekday_reason,
    read_settings,
    set_maintenance_window,
    set_periodic_backups,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


class SettingsTask(DatabaseResource):
    def run(self) -> dict[str, Any]:
        with api_errors_fail_task("read the settings of database '%s'" % self.name):
            api = self.database_api()
            before = read_settings(api)
        after = dict(before)
        window = self._wanted_window(before["maintenance_window"])
        if window is not None:
            after["maintenance_window"] = self._apply_window(api, before["maintenance_window"], window)
        if self.params["periodic_backups"] is not None or self.params["periodic_backups_hour"] is not None:
            after["periodic_backups"] = self._apply_periodic_backups(api, before["periodic_backups"])
        return self.result(self.changed or (self.check_mode and after != before), "settings", before, after)

    def _wanted_window(self, current: Optional[dict[str, Any]]) -> Optional[tuple[int, int]]:
        given_weekday, given_hour = self.params["maintenance_weekday"], self.params["maintenance_hour"]
        if given_weekday is None and given_hour is None:
            return None
        weekday = _given_or(given_weekday, current, "weekday")
        hour = _given_or(given_hour, current, "starting_hour")
        if weekday is None or hour is None:
            raise TaskFailed(
                "Database '%s' reports no maintenance window to complete: give both maintenance_weekday and "
                "maintenance_hour." % self.name
            )
        return weekday, hour

    def _apply_window(
        self, api: DatabaseAPI, current: Optional[dict[str, Any]], window: tuple[int, int]
    ) -> Optional[dict[str, Any]]:
        if current is not None and (current["weekday"], current["starting_hour"]) == window:
            return current
        weekday, hour = window
        planned = dict(current or {"duration_in_hours": None}, weekday=weekday, weekday_name=WEEKDAYS[weekday],
                       starting_hour=hour)
        if self.check_mode:
            return planned
        with api_errors_fail_task("set the maintenance window of database '%s'" % self.name):
            answered = set_maintenance_window(api, weekday, hour)
        self.changed = True
        return answered["maintenance_window"] if answered and answered["maintenance_window"] else planned

    def _apply_periodic_backups(self, api: DatabaseAPI, current: dict[str, Any]) -> dict[str, Any]:
        wanted = self.params["periodic_backups"]
        enabled = wanted if wanted is not None and wanted != current["enabled"] else None
        hour = self._new_backup_hour(current["scheduled_at"])
        if hour is not None:
            # The CLI sends the flag with a new hour; the task's, or the database's own when the task says none.
            enabled = current["enabled"] if wanted is None else wanted
        if enabled is None and hour is None:
            return current
        planned = {
            "enabled": current["enabled"] if enabled is None else enabled,
            "scheduled_at": current["scheduled_at"] if hour is None else [hour],
        }
        if self.check_mode:
            return planned
        with api_errors_fail_task("set the periodic backups of database '%s'" % self.name):
            answered = set_periodic_backups(api, enabled, hour)
        self.changed = True
        return answered["periodic_backups"] if answered else planned

    def _new_backup_hour(self, current: list[int]) -> Optional[int]:
        """The hour to send, None when the hours are already the task's; fails on what the API cannot do."""
        given = self.params["periodic_backups_hour"]
        if given is None:
            return None
        hours, listed = backup_hours(given)
        if sorted(set(hours)) == sorted(set(current)):
            return None
        if len(hours) > 1:
            raise TaskFailed(
                "Database '%s' takes its daily backups at %s UTC, and the API sets one hour, not %s: list one hour to "
                "replace them, or the database's own to keep them." % (self.name, _hours(current), _hours(hours)))
        if len(current) > 1 and not listed:
            raise TaskFailed(
                "Database '%s' takes its daily backups at %s UTC: periodic_backups_hour %d would replace them all. "
                "Give periodic_backups_hour: [%d] to replace them with that hour, or %s to keep them. Nothing was "
                "changed." % (self.name, _hours(current), hours[0], hours[0], sorted(set(current))))
        return hours[0]


def _hours(hours: list[int]) -> str:
    return " and ".join("%02d:00" % hour for hour in sorted(set(hours))) or "no hour"


def _given_or(given: Optional[int], current: Optional[dict[str, Any]], key: str) -> Optional[int]:
    if given is not None:
        return given
    return current[key] if current is not None else None


def check_input(params: dict[str, Any]) -> Optional[str]:
    reasons = (
        invalid_database_reason(params),
        invalid_weekday_reason(params["maintenance_weekday"]),
        invalid_hour_reason("maintenance_hour", params["maintenance_hour"]),
        invalid_backup_hours_reason(params["periodic_backups_hour"]),
    )
    return next((reason for reason in reasons if reason), None)


DECLARATION = ModuleDeclaration(
    logic=SettingsTask.logic,
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        maintenance_weekday=dict(type="int"),
        maintenance_hour=dict(type="int"),
        periodic_backups=dict(type="bool"),
        # An hour or a list of hours: which of the two the task gave matters (see _new_backup_hour).
        periodic_backups_hour=dict(type="raw"),
        **DATABASE_ID_OPTIONS,
    ),
    required_one_of=[["maintenance_weekday", "maintenance_hour", "periodic_backups", "periodic_backups_hour"]],
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
