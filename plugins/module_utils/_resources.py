# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the modules' tasks share: finding their database by name, and saying a change that happened.

Private to the scalingo.cloud collection. A task class takes the validated
parameters and runs in ``outcome()``; it raises TaskFailed to fail, and
``outcome()`` adds ``changed: true`` to a failure that came after a write.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    DATABASE_FIELDS,
    TECHNOLOGIES,
    find_addon,
    find_database,
    invalid_name_reason,
    list_databases,
)
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
            found = look_up_database(self.client, self.name)
        if found is not None and found["name"] != self.name:
            # The lookup also answers to IDs; a task acts only on the database it names.
            raise TaskFailed(
                "'%s' is the ID of database '%s', not a name: name the database by its name." % (
                    self.name, found["name"])
            )
        return found


# How old, in seconds, the list of a loop's databases may be and still answer an item: what another run changed
# since is seen at most this late, while a loop of hundreds still reads it a few times at most.
LIST_MAX_AGE = 30.0


class AccountDatabases:
    """The account's databases, as one list of them read, for the lookups of one process.

    In Ansible's worker the loop items of a task share a process: from the second lookup on, the list (every page)
    answers for the names it holds, so a loop of N databases costs two requests instead of N. The first lookup is
    by name, so that a task of one item (and every item on a target, a process each) costs what it always did.
    A name the list does not hold is looked up by name all the same: only the API's 404 to that lookup says a
    database is not there, and only then is one created. What the process creates, changes or deletes is written
    into the list (``remember``, ``forget``).
    """

    def __init__(self) -> None:
        self.lookups = 0
        self.by_name: Optional[dict[str, dict[str, Any]]] = None
        # Set when the list could not be read: lookups by name answer, as they would without it.
        self.unreadable = False
        self._read_at = 0.0

    def look_up(self, client: ScalingoClient, name: str) -> Optional[dict[str, Any]]:
        self.lookups += 1
        if self.by_name is not None and _now() - self._read_at > LIST_MAX_AGE:
            # Too old to answer for what others may have changed since: read it again.
            self.by_name = None
        if self.lookups > 1 and self.by_name is None and not self.unreadable:
            self._read_at = _now()
            self.by_name = self._read(client)
        listed = self.by_name.get(name) if self.by_name is not None else None
        if listed is not None:
            return dict(listed)
        found = find_database(client, name)
        if found is not None:
            self.remember(found)
        return found

    def listed(self, name: str) -> Optional[dict[str, Any]]:
        """The database the list read already holds under ``name``, without reading anything."""
        listed = self.by_name.get(name) if self.by_name is not None else None
        return dict(listed) if listed is not None else None

    def _read(self, client: ScalingoClient) -> Optional[dict[str, dict[str, Any]]]:
        try:
            databases = list_databases(client, complete_only=True)
        except ScalingoAPIError:
            # The list is a saving, not a source of truth: the lookups by name can still answer each item.
            self.unreadable = True
            return None
        by_name: dict[str, dict[str, Any]] = {}
        named_twice = set()
        for database in databases:
            if database["name"] in by_name:
                named_twice.add(database["name"])
            by_name[database["name"]] = database
        # A name the list gives twice is not the list's to answer: its lookup by name says which it is.
        return {name: database for name, database in by_name.items() if name not in named_twice}

    def remember(self, database: dict[str, Any]) -> None:
        if self.by_name is not None:
            self.by_name[database["name"]] = dict(database)

    def forget(self, name: str) -> None:
        if self.by_name is not None:
            self.by_name.pop(name, None)


def account_databases(client: ScalingoClient) -> AccountDatabases:
    """The list of databases this process keeps for the client's API token and settings, never another's."""
    return _ACCOUNT_DATABASES.setdefault(client.identity, AccountDatabases())


def look_up_database(client: ScalingoClient, name: str) -> Optional[dict[str, Any]]:
    """The database named (or whose ID is) ``name``, or None when the API answers 404 to its lookup by name."""
    return account_databases(client).look_up(client, name)


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
    """A task about something of an existing database (its rules, a user), named by the option ``database``.

    The options ``database_id`` and ``addon_id`` (DATABASE_ID_OPTIONS) give what an earlier task learned of the
    database: given, the task does not look the database up, nor read its addon.
    """

    # Whether the IDs a task is given are checked against the name it gives before anything else (a lookup and
    # a read of the addon): a destructive action names its database in its confirmation, and a stale registered
    # variable must not point it at another.
    verifies_given_ids = False

    def __init__(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> None:
        super().__init__(params, check_mode, diff, warn)
        self._database: Optional[dict[str, Any]] = None
        self._addon_id: Optional[str] = None

    def outcome(self) -> dict[str, Any]:
        try:
            result = super().outcome()
        except TaskFailed:
            # A write that failed may or may not have been applied: the next item reads the lists afresh.
            if self._database is not None:
                _forget_lists_of(self.client.identity, self._database["id"])
            raise
        # What the next task about the same database can be given (see DATABASE_ID_OPTIONS).
        if self._database is not None:
            result["database_id"] = self._database["id"]
        addon_id = self._addon_id or self.params.get("addon_id")
        if addon_id:
            result["addon_id"] = addon_id
        return result

    def database(self) -> dict[str, Any]:
        if self._database is None:
            self._database = (None if self.verifies_given_ids else self._given_database()) or self.find()
            if self._database is None:
                raise TaskFailed(
                    "Database '%s' does not exist: create it first, with scalingo.cloud.scalingo_database." % self.name
                )
            self._refuse_an_id_of_another("database_id", self._database["id"])
        return self._database

    def _given_database(self) -> Optional[dict[str, Any]]:
        database_id = self.params.get("database_id")
        if not database_id:
            return None
        # Where this process already holds the account's list, the ID is checked against the name for free.
        listed = account_databases(self.client).listed(self.name)
        if listed is not None:
            self._refuse_an_id_of_another("database_id", listed["id"])
        # What a lookup would have said that the Database API's calls use: the ID, the name, the technology.
        return dict(dict.fromkeys(DATABASE_FIELDS), id=database_id, name=self.name, technology=TECHNOLOGIES[0])

    def _refuse_an_id_of_another(self, option: str, actual: str) -> None:
        given = self.params.get(option)
        if given and given != actual:
            raise TaskFailed(
                "Option %s is %s, but database '%s' has %s %s: the ID is another database's (a stale registered "
                "variable, or a loop's items mixed up?). Nothing was changed." % (
                    option, given, self.name, option, actual))

    def database_api(self) -> DatabaseAPI:
        """The Database API of the task's database; an earlier loop item's lookups of it are used again."""
        key = (self.client.identity, self.name, self.params.get("database_id"))
        if key not in _FOUND or self.verifies_given_ids:
            database = self.database()
            addon_id = None if self.verifies_given_ids else self.params.get("addon_id")
            if not addon_id:
                with api_errors_fail_task("read the addon of database '%s'" % self.name):
                    addon_id = find_addon(self.client, database)["id"]
                self._refuse_an_id_of_another("addon_id", addon_id)
            _FOUND[key] = (database, addon_id)
        self._database, self._addon_id = _FOUND[key]
        return self.client.database_api(self._database["id"], self._addon_id)

    def listed_once(self, what: str, read: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """The list ``read`` gives of the database's ``what``, read once for the loop items of this process.

        The task keeps the list up to date with its own writes (it is the same list object for each item).
        """
        key = (self.client.identity, self.database()["id"], what)
        if key not in _LISTED:
            _LISTED[key] = read()
        return _LISTED[key]

    def result(self, changed: bool, key: str, before: Any, after: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": changed, key: after}
        if self.diff:
            result["diff"] = {"before": {key: before}, "after": {key: after}}
        return result


# The options of every module about something of a database (DatabaseResource), besides ``database``: what an
# earlier task learned of it, so that this one need not ask again. addon_id goes with database_id.
DATABASE_ID_OPTIONS: dict[str, dict[str, Any]] = {"database_id": {"type": "str"}, "addon_id": {"type": "str"}}
DATABASE_ID_REQUIRED_BY = {"addon_id": ["database_id"]}


def invalid_database_reason(params: dict[str, Any]) -> Optional[str]:
    """Why the options naming a DatabaseResource's database cannot, or None when they can."""
    for option in DATABASE_ID_OPTIONS:
        value = params.get(option)
        if value and (value != value.strip() or value in (".", "..")):
            return "Option %s must be an ID, as an earlier task returned it, not %r." % (option, value)
    return invalid_name_reason(params["database"])


# A database and its addon, as an earlier loop item of the same task found them, by the client's identity (API
# token, URLs), the database's name and the database ID the task was given, if any. Neither changes while a
# database exists, so the next items on the same database do not ask again. In Ansible's worker a task's loop items
# share this; on a target each item is a process of its own.
_FOUND: dict[tuple[Any, str, Optional[str]], tuple[dict[str, Any], str]] = {}


_ACCOUNT_DATABASES: dict[tuple[Any, ...], AccountDatabases] = {}
# The lists of things of a database (its users) the loop items of a task read once, by the client's identity, the
# database's ID and what is listed; each item writes its changes into them.
_LISTED: dict[tuple[Any, ...], list[dict[str, Any]]] = {}


def _forget_lists_of(identity: tuple[Any, ...], database_id: str) -> None:
    for key in [key for key in _LISTED if key[:2] == (identity, database_id)]:
        del _LISTED[key]


def _now() -> float:
    return time.monotonic()


def forget_found() -> None:
    _FOUND.clear()
    _ACCOUNT_DATABASES.clear()
    _LISTED.clear()
