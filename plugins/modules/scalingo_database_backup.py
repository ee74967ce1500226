#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_backup
short_description: Take a backup of a Scalingo dedicated database now
version_added: 1.1.0
description:
  - Asks Scalingo for a backup of a dedicated database, a manual one beside the periodic ones, and with O(wait=true)
    waits until it is done. It can return a link to download the backup's archive.
  - A one-shot action, not a declared state. Every run takes a new backup and reports a change.
  - Scalingo documents only point-in-time recovery as managed for dedicated databases. Where the API answers that
    backups do not apply to the database, the task fails and says so; see M(scalingo.cloud.scalingo_database_restore).
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.1.0
    description: Name of the database; it must exist.
    type: str
    required: true
  wait:
    version_added: 1.1.0
    description:
      - Whether to wait until the backup is done (its status V(done)). A backup that fails (V(error)) or is cancelled
        (V(cancelled)) fails the task at once; every other status is waited on.
    type: bool
    default: true
  wait_timeout:
    version_added: 1.1.0
    description:
      - Seconds to wait with O(wait=true). When the time runs out the task fails; the backup goes on.
    type: int
    default: 3600
  download_url:
    version_added: 1.1.0
    description:
      - Whether to return a link to download the backup's archive, as RV(download_url). Needs O(wait=true).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: The database's backups are read, which shows whether the API takes backups of it; none is taken.
  diff_mode:
    support: none
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - Costs, in requests, a lookup of the database and of its addon (none for what O(database_id) and O(addon_id) give),
    the backup's request, one read of the list of backups per poll while it waits (every 2 seconds at first, up to
    every 30), and one for the link.
seealso:
  - module: scalingo.cloud.scalingo_database_restore
  - module: scalingo.cloud.scalingo_database_settings
"""

EXAMPLES = r"""
- name: Back up the database before a migration, and wait until the backup is done
  scalingo.cloud.scalingo_database_backup:
    database: orders-production
    wait_timeout: 1800
  register: backup

# The link is a secret: it lets anyone download the data. The task's output is censored; keep no_log on every
# task that handles the link.
- name: Get a link to download the backup's archive
  scalingo.cloud.scalingo_database_backup:
    database: orders-production
    download_url: true
  register: archived
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
backup:
  description: The backup as the API describes it; in check mode, V(null).
  returned: success
  type: dict
  contains:
    id:
      description: ID of the backup.
      type: str
      sample: 5bb95a904ffb096e9a2831b8
    name:
      description: Name of the backup.
      type: str
      sample: 20261205133000_orders_production
    status:
      description:
        - V(scheduled), V(pending), V(running), V(done), V(error), V(cancelling) or V(cancelled); V(done) after a
          wait.
      type: str
      sample: done
    method:
      description: V(manual) for a backup taken on request, V(periodic) for a daily one.
      type: str
      sample: manual
    size:
      description: Size of the archive, in bytes, once done.
      type: int
      sample: 1048576
    created_at:
      description: When the backup was asked for.
      type: str
      sample: "2026-12-05T13:30:00Z"
    started_at:
      description: When it started.
      type: str
      sample: "2026-12-05T13:30:02Z"
download_url:
  description:
    - A link to download the backup's archive; it expires after a while.
    - A secret. A result that holds it is shown censored, at every verbosity, as with C(no_log) on the task;
      C(register) still gets it. Keep C(no_log) on the tasks that use it.
  returned: when O(download_url=true) and not in check mode
  type: str
"""

import time
from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._backups import (
    Failed,
    WaitTimedOut,
    backup_download_url,
    create_backup,
    list_backups,
    wait_for_backup,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._options import invalid_wait_timeout_reason
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


# A backup whose answer was lost: running the task again would take a second one, so it says how to look.
BACKUP_MAY_HAVE_BEEN_TAKEN = (
    " The backup may have been taken all the same, and running the task again would take a second one. Look for it "
    "first among the backups of database '%s' (scalingo.cloud.scalingo_database_info with include_backups: a manual "
    "backup created just now)."
)


class BackupTask(DatabaseResource):
    def run(self) -> dict[str, Any]:
        with api_errors_fail_task("read the addon of database '%s'" % self.name):
            api = self.database_api()
        if self.check_mode:
            with api_errors_fail_task("read the backups of database '%s'" % self.name):
                list_backups(api)
            return {"changed": True, "backup": None}
        with api_errors_fail_task("take a backup of database '%s'" % self.name,
                                  if_applied=BACKUP_MAY_HAVE_BEEN_TAKEN % self.name):
            backup = create_backup(api)
        self.changed = True
        if self.params["wait"]:
            backup = self._wait(api, backup)
        result: dict[str, Any] = {"changed": True, "backup": backup}
        if self.params["download_url"]:
            with api_errors_fail_task("get the download link of backup %s of database '%s'" % (backup["id"], self.name),
                                      backup=backup):
                result["download_url"] = backup_download_url(api, backup["id"])
        return result

    def _wait(self, api: DatabaseAPI, backup: dict[str, Any]) -> dict[str, Any]:
        timeout = self.params["wait_timeout"]
        try:
            with api_errors_fail_task("read the backups of database '%s'" % self.name, backup=backup):
                return wait_for_backup(api, backup, timeout, self.client.sleep, time.monotonic)
        except Failed as failed:
            raise TaskFailed(_ended_reason(backup["id"], self.name, failed.last["status"]), backup=failed.last) from None
        except WaitTimedOut as late:
            raise TaskFailed(
                "Backup %s of database '%s' is still '%s' after %d seconds; it goes on. Raise wait_timeout, or follow "
                "it with scalingo.cloud.scalingo_database_info and include_backups." % (
                    backup["id"], self.name, late.last["status"], late.waited),
                backup=late.last,
            ) from None


def _ended_reason(backup_id: str, database: str, status: str) -> str:
    if status == "cancelled":
        return ("Backup %s of database '%s' was cancelled before it was done, so it has no archive; the database's "
                "backups show what else ran (scalingo.cloud.scalingo_database_info, include_backups)." % (
                    backup_id, database))
    return "Backup %s of database '%s' failed (status %s): its archive cannot be used." % (backup_id, database, status)


def check_input(params: dict[str, Any]) -> Optional[str]:
    if params["download_url"] and not params["wait"]:
        return "Option download_url needs wait: true: a backup has an archive only once it is done."
    return invalid_wait_timeout_reason(params) or invalid_database_reason(params)


DECLARATION = ModuleDeclaration(
    logic=BackupTask.logic,
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
        download_url=dict(type="bool", default=False),
        **DATABASE_ID_OPTIONS,
    ),
    secret_results=("download_url",),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
