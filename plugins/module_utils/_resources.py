# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the modules' tasks share: finding their database by name, and saying a change that happened.

Private to the scalingo.cloud collection. A task class takes the validated
parameters and runs in ``outcome()``; it raises TaskFailed to fail, and
``outcome()`` adds ``changed: true`` to a failure that came after a write.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._client import DatabaseAPI, ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import find_addon, find_database
from ansible_collections.scalingo.cloud.plugins.module_utils._options import client_from_params
from ansible_collections.scalingo.cloud.plugins.module_utils._projects import (
    list_projects,
    projects_named,
    unresolved_project_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


class ScalingoTask:
    """One task about a database, named by the option ``name_option``."""

    name_option = "database"

    def __init__(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> None:
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn
        self.name: str = params[self.name_option]
        self.client = client_from_params(params, warn)
        # Set once a write went through: a failure after it still says the task changed something.
        self.changed = False

    @classmethod
    def logic(cls, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> dict[str, Any]:
        """The module's logic, as a ModuleDeclaration takes it: a task of this class, run to its result."""
        return cls(params, check_mode, diff, warn).outcome()

    def run(self) -> dict[str, Any]:
        raise NotImplementedError

    def outcome(self) -> dict[str, Any]:
        try:
            return self.run()
        except TaskFailed as failure:
            if self.changed:
                failure.details["changed"] = True
            raise

    def find(self) -> Optional[dict[str, Any]]:
        """The database named ``name``, or None when the API says there is none."""
        with api_errors_fail_task("look up database '%s'" % self.name):
            found = find_database(self.client, self.name)
        if found is not None and found["name"] != self.name:
            # The lookup also answers to IDs; a task acts only on the database it names.
            raise TaskFailed(
                "'%s' is the ID of database '%s', not a name: name the database by its name." % (
                    self.name, found["name"])
            )
        return found


def project_id_named(client: ScalingoClient, name: str, missing_ok: bool = False) -> Optional[str]:
    """The ID of the one project named ``name``, from one list of the account's projects.

    None when no project has the name and ``missing_ok``; otherwise, no project or several fail the task.
    """
    with api_errors_fail_task("list projects"):
        projects = list_projects(client)
    matches = projects_named(projects, name)
    if not matches and missing_ok:
        return None
    reason = unresolved_project_reason(projects, name)
    if reason:
        raise TaskFailed(reason)
    return str(matches[0]["id"])


class DatabaseResource(ScalingoTask):
    """A task about something of an existing database (its rules, a user), named by the option ``database``."""

    def __init__(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> None:
        super().__init__(params, check_mode, diff, warn)
        self._database: Optional[dict[str, Any]] = None

    def database(self) -> dict[str, Any]:
        if self._database is None:
            self._database = self.find()
            if self._database is None:
                raise TaskFailed(
                    "Database '%s' does not exist: create it first, with scalingo.cloud.scalingo_database." % self.name
                )
        return self._database

    def database_api(self) -> DatabaseAPI:
        """The Database API of the task's database; an earlier loop item's lookups of it are used again."""
        key = (self.client.identity, self.name)
        if key not in _FOUND:
            database = self.database()
            with api_errors_fail_task("read the addon of database '%s'" % self.name):
                addon = find_addon(self.client, database)
            _FOUND[key] = (database, addon["id"])
        database, addon_id = _FOUND[key]
        self._database = database
        return self.client.database_api(database["id"], addon_id)

    def result(self, changed: bool, key: str, before: Any, after: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": changed, key: after}
        if self.diff:
            result["diff"] = {"before": {key: before}, "after": {key: after}}
        return result


# A database and its addon, as an earlier loop item of the same task found them, by the client's identity (API
# token, URLs) and the database's name. Neither changes while a database exists, so the next items on the same
# database do not ask again. In Ansible's worker a task's loop items share this; on a target each item is a
# process of its own.
_FOUND: dict[tuple[Any, str], tuple[dict[str, Any], str]] = {}


def forget_found() -> None:
    _FOUND.clear()
