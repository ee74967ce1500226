#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_restore
short_description: Restore a Scalingo dedicated database to a point in time
version_added: 1.1.0
description:
  - Restores a dedicated database to how it was at O(restore_time) (point-in-time recovery), and with O(wait=true)
    waits until the restore is done and the database runs again.
  - B(A restore stops the database and replaces all its data) with the data of that time; what was written since is
    lost. It runs only when O(confirm) repeats the database's name.
  - A one-shot action, not a declared state. Every run that is not in check mode restores the database again and
    reports a change.
  - O(restore_time) is checked before any request (an RFC 3339 time with its offset, not in the future), then
    against the database's recovery window before the restore is asked for; a time outside it fails and changes
    nothing.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.1.0
    description: Name of the database; it must exist.
    type: str
    required: true
  restore_time:
    version_added: 1.1.0
    description:
      - The time to restore the database to, in RFC 3339 with its offset, for example V(2026-12-05T14:30:00Z) or
        V(2026-12-05T15:30:00+01:00). It must be within the recovery window (see RV(recovery_window)).
    type: str
    required: true
  confirm:
    version_added: 1.1.0
    description:
      - The database's name again, to say that replacing its data is meant. Anything else fails before any
        request.
    type: str
    required: true
  wait:
    version_added: 1.1.0
    description:
      - Whether to wait until the restore's operation is done and the database's status is V(running) again. A
        restore that fails fails the task.
    type: bool
    default: true
  wait_timeout:
    version_added: 1.1.0
    description:
      - Seconds to wait with O(wait=true). When the time runs out the task fails; the restore goes on.
    type: int
    default: 3600
attributes:
  check_mode:
    support: full
    details:
      - The recovery window is read and the time checked against it; the task reports the change it would make and
        restores nothing.
  diff_mode:
    support: none
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - A restore is destructive, so it trusts no ID it is given. The database is looked up by the name O(confirm)
    repeats and its addon read even with O(database_id) and O(addon_id); when either ID is not that database's,
    the task fails before the restore and changes nothing.
  - Costs, in requests, a lookup of the database and of its addon, the recovery window, the restore, and while it
    waits one read of the operation per poll (every 2 seconds at first, up to every 30), then of the database's
    status.
  - The restore's operation is read where the restore's answer points (its C(Location) header), else from
    C(/databases/{addon}/operations/{id}) on the main API's layouts of the Database API and C(/operations/{id}) on its
    legacy host.
seealso:
  - module: scalingo.cloud.scalingo_database_backup
  - module: scalingo.cloud.scalingo_database_info
"""

EXAMPLES = r"""
- name: Show how far back the database can be restored
  scalingo.cloud.scalingo_database_info:
    name: orders-production
    include_recovery_window: true
  register: orders

# The time is RFC 3339 with its offset, such as 2026-12-05T14:30:00Z. In a runbook it comes from the operator
# (-e restore_to=..., or an AWX survey); here the latest recoverable time is the default.
- name: Restore the database to the time asked for, and wait until it runs again
  scalingo.cloud.scalingo_database_restore:
    database: orders-production
    restore_time: "{{ restore_to | default(orders.databases[0].recovery_window.latest_recoverable_at) }}"
    confirm: orders-production
    wait_timeout: 3600
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
restore_time:
  description: The time the database is restored to, in UTC.
  returned: success
  type: str
  sample: "2026-12-05T14:30:00Z"
recovery_window:
  description: The times the database could be restored to, as read before the restore.
  returned: always, once read
  type: dict
  contains:
    earliest_recoverable_at:
      description: The earliest; V(null) when the API does not say.
      type: str
      sample: "2026-11-28T14:30:00Z"
    latest_recoverable_at:
      description: The latest; V(null) when the API does not say.
      type: str
      sample: "2026-12-05T16:02:11Z"
operation:
  description:
    - The restore's operation, as last read; V(null) in check mode, or when the API's answer named none.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the operation.
      type: str
    type:
      description: Type of the operation, as the API names it.
      type: str
    status:
      description:
        - V(pending), V(running), V(finished), V(error), V(user-error), V(cancelling) or V(cancelled); V(finished)
          after a wait (V(done) from an API that answers as older versions did).
        - V(error), V(user-error) and V(cancelled) end the wait at once and fail the task, with the operation's
          reason.
      type: str
    error:
      description: What went wrong, when the API says.
      type: str
status:
  description: The database's own status after the wait, V(running).
  returned: when O(wait=true) and not in check mode
  type: str
  sample: running
"""

import time
from datetime import datetime, timezone
from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._backups import (
    Failed,
    WaitTimedOut,
    invalid_restore_time_reason,
    outside_window_reason,
    parse_restore_time,
    read_operation,
    recovery_window,
    restore,
    rfc3339,
    wait_for_operation,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    NotRunning,
    wait_until_running,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._options import invalid_wait_timeout_reason
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


# A restore whose answer was lost: running the task again would restore a second time, so it says how to look.
RESTORE_MAY_HAVE_STARTED = (
    " The restore may have started all the same, and running the task again would restore the database a second "
    "time. Check first: while a restore runs the database's status is 'stopped' (scalingo.cloud.scalingo_database_info "
    "with include_status, for database '%s'), and the database's operations in the Scalingo dashboard show the "
    "restore."
)


class RestoreTask(DatabaseResource):
    # A restore is destructive: the IDs it is given must be those of the database its confirmation names.
    verifies_given_ids = True

    def run(self) -> dict[str, Any]:
        moment = parse_restore_time(self.params["restore_time"])
        if moment is None:  # check_input refused it already; for the type checker
            raise TaskFailed(invalid_restore_time_reason(self.params["restore_time"], datetime.now(timezone.utc)) or "")
        with api_errors_fail_task("read the recovery window of database '%s'" % self.name):
            api = self.database_api()
            window = recovery_window(api)
        # What a failure returns too; "changed" comes from the outcome, once the restore was asked for.
        result: dict[str, Any] = {"restore_time": rfc3339(moment), "recovery_window": window, "operation": None}
        reason = outside_window_reason(moment, window)
        if reason:
            raise TaskFailed("Database '%s' cannot be restored: %s. Nothing was changed." % (self.name, reason),
                             recovery_window=window)
        if self.check_mode:
            return dict(result, changed=True)
        with api_errors_fail_task("restore database '%s' to %s" % (self.name, rfc3339(moment)),
                                  if_applied=RESTORE_MAY_HAVE_STARTED % self.name, **result):
            operation, location = restore(api, moment)
        self.changed = True
        result["operation"] = operation
        if self.params["wait"]:
            started = time.monotonic()
            if operation is not None:
                result["operation"] = self._follow(api, operation, location, result)
            remaining = max(self.params["wait_timeout"] - (time.monotonic() - started), 0.0)
            result["status"] = self._wait_until_running(api, remaining, operation is None, result)
        return dict(result, changed=True)

    def _follow(
        self, api: DatabaseAPI, operation: dict[str, Any], location: Optional[str], result: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            with api_errors_fail_task("read the restore's operation of database '%s'" % self.name, **result):
                return wait_for_operation(lambda: read_operation(api, operation["id"], location),
                                          self.params["wait_timeout"], self.client.sleep, time.monotonic)
        except Failed as failed:
            raise TaskFailed(
                "The restore of database '%s' to %s ended '%s'%s." % (
                    self.name, result["restore_time"], failed.last["status"],
                    ": " + failed.last["error"] if failed.last["error"] else ""),
                **dict(result, operation=failed.last)
            ) from None
        except WaitTimedOut as late:
            raise TaskFailed(
                "The restore of database '%s' is still '%s' after %d seconds; it goes on. Raise wait_timeout, or "
                "wait for the database with scalingo.cloud.scalingo_database and wait: true." % (
                    self.name, late.last["status"], late.waited),
                **dict(result, operation=late.last)
            ) from None

    def _wait_until_running(self, api: DatabaseAPI, timeout: float, unfollowed: bool, result: dict[str, Any]) -> str:
        # A restore stops the database and starts it again: "stopped" is waited on too. Without an operation to
        # follow, the database itself must first be seen leaving "running".
        try:
            with api_errors_fail_task("read the status of database '%s'" % self.name, **result):
                return wait_until_running(self.client, self.database(), timeout, addon_id=api.addon_id,
                                          after_change=unfollowed, final_statuses=())
        except NotRunning as late:
            raise TaskFailed(
                "Database '%s' is still '%s' after its restore; it goes on. Raise wait_timeout, or wait for it with "
                "scalingo.cloud.scalingo_database and wait: true." % (self.name, late.status),
                **result
            ) from None


def check_input(params: dict[str, Any]) -> Optional[str]:
    if params["confirm"] != params["database"]:
        return (
            "A restore replaces all the data of database '%s': set confirm to the database's name to say that this "
            "is meant." % params["database"]
        )
    return invalid_wait_timeout_reason(params) or invalid_database_reason(params) or invalid_restore_time_reason(
        params["restore_time"], datetime.now(timezone.utc))


DECLARATION = ModuleDeclaration(
    logic=RestoreTask.logic,
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        restore_time=dict(type="str", required=True),
        confirm=dict(type="str", required=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
        **DATABASE_ID_OPTIONS,
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
