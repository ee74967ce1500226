# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Dedicated Resource databases: the three /v1/databases endpoints.

Private to the scalingo.cloud collection. Functions here speak to the API
through ScalingoClient and give back plain dicts; deciding what is changed is
the modules' business.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Union
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._client import MAX_ANSWER_BYTES, ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._retries import AMBIGUOUS_STATUSES
from ansible_collections.scalingo.cloud.plugins.module_utils._creates import create_once

DATABASES_PATH = "/v1/databases"
TECHNOLOGIES = ("postgresql-ng",)
DATABASE_FIELDS = ("id", "name", "project_id", "technology", "plan")

_NAME_PATTERN = re.compile(r"[a-z0-9-]{6,48}")

# Guards against a server whose pagination never ends.
_MAX_PAGES = 1000


def invalid_name_reason(name: str) -> Optional[str]:
    """Why ``name`` cannot name a database, or None when it can."""
    # fullmatch: with match, "$" would also accept a name that ends with a line break.
    if _NAME_PATTERN.fullmatch(name):
        return None
    return (
        "Database name %r is invalid: it must be 6 to 48 characters long and hold only "
        "lower-case letters, digits and hyphens." % name
    )


def database_path(ref: str) -> str:
    # An ID or a name typed by a user: quote it so it stays one path segment.
    return "%s/%s" % (DATABASES_PATH, quote(ref, safe=""))


def find_database(client: ScalingoClient, ref: str) -> Optional[dict[str, Any]]:
    """The database whose ID or name is ``ref``, or None when the API answers 404."""
    path = database_path(ref)
    try:
        answer = client.get(path)
    except ScalingoAPIError as error:
        if error.is_not_found:
            return None
        raise
    return _database_from_answer(answer, "GET", path)


def list_databases(client: ScalingoClient, complete_only: bool = False) -> list[dict[str, Any]]:
    """Every database the token can see, every page of them (see every_item).

    With ``complete_only``, an item that lacks one of the documented fields is left out: a list may say less than a
    lookup, and a missing plan must not read as another plan.
    """
    return [
        database_view(item, "GET", DATABASES_PATH) for item in every_item(client, DATABASES_PATH, "databases")
        if not complete_only or _holds_every_field(item)
    ]


def every_item(client: Union[ScalingoClient, DatabaseAPI], path: str, key: str) -> list[Any]:
    """The items of a list the API pages, following ``next_page`` (under ``meta.pagination``, or in ``meta``).

    The whole listing is bounded: a next page already read (which would repeat items without end), more than
    _MAX_PAGES pages, or more than MAX_ANSWER_BYTES read over all its pages fail.
    """
    items: list[Any] = []
    read: set[int] = set()
    page: Optional[int] = None
    bytes_before = client.bytes_read
    while len(read) < _MAX_PAGES:
        answer, found = get_list(client, path, key, params=None if page is None else {"page": page})
        items.extend(found)
        if client.bytes_read - bytes_before > MAX_ANSWER_BYTES:
            raise ScalingoAPIError("GET", path, None, "unexpected answer: the pages of %s add up to more than %d MiB, "
                                   "more than any of the Scalingo API's lists" % (key, MAX_ANSWER_BYTES // 1024 // 1024))
        read.add(page or _current_page(answer))
        page = next_page(answer)
        if page is None:
            return items
        if page in read:
            raise ScalingoAPIError(
                "GET", path, None, "unexpected answer: the pagination comes back to page %d, already read" % page
            )
    raise ScalingoAPIError("GET", path, None, "unexpected answer: more than %d pages of %s" % (_MAX_PAGES, key))


def _holds_every_field(item: Any) -> bool:
    # Every field there, and all but the project (a database may have none) filled in.
    return isinstance(item, dict) and all(field in item for field in DATABASE_FIELDS) and all(
        isinstance(item[field], str) and item[field] for field in DATABASE_FIELDS if field != "project_id"
    )


def create_database(
    client: ScalingoClient, name: str, technology: str, plan: str, project_id: Optional[str] = None,
    ip_range: Optional[str] = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "technology": technology, "plan": plan}
    if project_id:
        spec["project_id"] = project_id
    if ip_range:
        # A database on a private network (go-scalingo's DatabaseCreateParams.IPRange).
        spec["ip_range"] = ip_range.strip()
    answer = client.post(DATABASES_PATH, {"database": spec})
    try:
        return _database_from_answer(answer, "POST", DATABASES_PATH)
    except ScalingoAPIError as error:
        # The API took the create (it answered 2xx), but its answer cannot be read: the database was made.
        error.may_have_applied = error.known_applied = True
        raise


def create_database_once(
    client: ScalingoClient, name: str, technology: str, plan: str, project_id: Optional[str] = None,
    ip_range: Optional[str] = None,
) -> tuple[dict[str, Any], bool]:
    """Create a database that a lookup just found missing, never making two (see create_once).

    The database, and whether our request can have made it: one someone else made since our lookup is theirs,
    and the caller compares it with what it asked for.
    """
    creation = create_once(
        client,
        lambda: create_database(client, name, technology, plan, project_id, ip_range),
        lambda: find_database(client, name),
        taken=("name",),
    )
    database = creation.answer if creation.found is None else creation.found
    return database, creation.made_by_us


def database_view(item: Any, method: str, path: str) -> dict[str, Any]:
    """The documented fields of one database object, and nothing else."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a database without a name")
    view = {field: item.get(field) for field in DATABASE_FIELDS}
    if not all(value is None or isinstance(value, str) for value in view.values()):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a database field that is not text")
    return view


def _database_from_answer(answer: Any, method: str, path: str) -> dict[str, Any]:
    if not isinstance(answer, dict) or "database" not in answer:
        raise ScalingoAPIError(method, path, None, "unexpected answer: no database object")
    return database_view(answer["database"], method, path)


def _app_path(database: dict[str, Any], *segments: str) -> str:
    """A path under the app behind a database: its id is the app's, each segment quoted as one."""
    return "/".join(["/v1/apps"] + [quote(segment, safe="") for segment in (database["id"],) + segments])


def get_list(
    client: Union[ScalingoClient, DatabaseAPI], path: str, key: str, params: Optional[dict[str, Any]] = None
) -> tuple[dict[str, Any], list[Any]]:
    """GET ``path`` (of the main API or the Database API) and the list its answer holds under ``key``.

    Another shape is an error.
    """
    answer = client.get(path, params=params)
    items = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no list of %s" % key)
    return answer, items


def next_page(answer: dict[str, Any]) -> Optional[int]:
    return _page_number(answer, "next_page")


def _current_page(answer: dict[str, Any]) -> int:
    # The first answer is page 1 unless it says otherwise.
    return _page_number(answer, "current_page") or 1


def _page_number(answer: dict[str, Any], key: str) -> Optional[int]:
    """A page number of ``meta.pagination`` (go-scalingo, the docs), or of ``meta`` itself (scalingo.js)."""
    meta = answer.get("meta")
    if not isinstance(meta, dict):
        return None
    pagination = meta.get("pagination")
    holder = pagination if isinstance(pagination, dict) else meta
    number = integer_or_none(holder.get(key))
    return number if number is not None and number > 0 else None


def integer_or_none(value: Any) -> Optional[int]:
    """An integer the API answered, or None: JSON's true and false are Python ints, but not numbers."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- life cycle, through the Apps and Addons APIs that back a dedicated database ---

# database.status, as the Database API reports it: each but "stopped" turns into "running" by itself.
RUNNING = "running"
CREATING = "creating"
DATABASE_STATUSES = (CREATING, RUNNING, "migrating", "updating", "upgrading", "stopped")
STATUSES_WAITING_WILL_NOT_CHANGE = ("stopped",)
# After a plan change, how long a wait that still reads "running" takes it for a change not started yet.
PLAN_CHANGE_GRACE = 60.0
_FIRST_POLL_INTERVAL = 2.0
_MAX_POLL_INTERVAL = 30.0
CONNECTION_URL_VARIABLE = "SCALINGO_POSTGRESQL_URL"


class UnknownPlan(Exception):
    def __init__(self, plan: str, technology: str, valid_plans: list[str]) -> None:
        self.plan = plan
        self.technology = technology
        self.valid_plans = valid_plans
        super().__init__(plan)


class NotRunning(Exception):
    """A wait that ended with the database not running: timed out, or in a status it will not leave."""

    def __init__(self, status: str, waited: float, timed_out: bool) -> None:
        self.status = status
        self.waited = waited
        self.timed_out = timed_out
        super().__init__(status)


def find_addon(client: ScalingoClient, database: dict[str, Any]) -> dict[str, Any]:
    """The addon behind a database (its id, status and plan), read through the database's app, by id."""
    path = _app_path(database, "addons")
    for addon in get_list(client, path, "addons")[1]:
        if _is_addon_of(addon, database["technology"]):
            return addon
    raise ScalingoAPIError("GET", path, None, "unexpected answer: no %s addon" % database["technology"])


def _is_addon_of(addon: Any, technology: str) -> bool:
    # An empty ID would name no addon: its token's path and cache entry would be the app's.
    if not isinstance(addon, dict) or not isinstance(addon.get("id"), str) or not addon["id"] or not isinstance(
            addon.get("status"), str):
        return False
    provider = addon.get("addon_provider")
    return isinstance(provider, dict) and provider.get("id") == technology


def database_status(api: DatabaseAPI) -> str:
    """The database's own status (``database.status`` of the Database API), not its addon's.

    The addon can say "running" while the database is still being created or
    changing plan. A database being created may answer 404, or an empty
    object, for a while: both read "creating".
    """
    path = "/databases/%s" % quote(api.addon_id, safe="")
    try:
        answer = api.get(path)
    except ScalingoAPIError as error:
        if error.is_not_found:
            return CREATING
        raise
    database = answer.get("database") if isinstance(answer, dict) else None
    if database == {}:
        return CREATING
    status = database.get("status") if isinstance(database, dict) else None
    if not isinstance(status, str) or not status:
        raise ScalingoAPIError("GET", path, None, "unexpected answer: a database without a status")
    return status


def wait_until_running(
    client: ScalingoClient,
    database: dict[str, Any],
    timeout: float,
    addon_id: Optional[str] = None,
    after_change: bool = False,
    clock: Optional[Callable[[], float]] = None,
    final_statuses: tuple[str, ...] = STATUSES_WAITING_WILL_NOT_CHANGE,
) -> str:
    """Poll the database's status, by its addon, until it is running.

    After a change (``after_change``), a "running" counts only once the
    database was seen in another status, or PLAN_CHANGE_GRACE seconds
    passed: the change starts a moment after the API accepted it. Polls come
    every 2 seconds at first, then less and less often, up to every 30
    seconds: provisioning takes minutes, and each poll spends the account's
    rate limit. A status the notes do not list is waited on, as one that
    turns into "running"; one of ``final_statuses`` fails the wait (a
    restore, which stops the database and starts it again, waits on none).
    """
    clock = clock or _monotonic
    api = client.database_api(database["id"], addon_id or find_addon(client, database)["id"])
    started = clock()
    intervals = poll_intervals()
    seen_changing = not after_change
    while True:
        status = database_status(api)
        waited = clock() - started
        if status == RUNNING and (seen_changing or waited >= min(PLAN_CHANGE_GRACE, timeout)):
            return status
        seen_changing = seen_changing or status != RUNNING
        if status in final_statuses:
            raise NotRunning(status, waited, timed_out=False)
        if waited >= timeout:
            raise NotRunning(status, waited, timed_out=True)
        client.sleep(min(next(intervals), timeout - waited))


def poll_intervals() -> Iterator[float]:
    """The pauses between the polls of a wait: 2 seconds at first, then half as long again each time, up to 30.

    Provisioning, backups and restores take minutes, and each poll spends the account's rate limit.
    """
    interval = _FIRST_POLL_INTERVAL
    while True:
        yield interval
        interval = min(interval * 1.5, _MAX_POLL_INTERVAL)


def _monotonic() -> float:
    return time.monotonic()


def plan_id_for(client: ScalingoClient, technology: str, plan: str) -> str:
    """The id of an open plan of ``technology`` by its name; UnknownPlan lists the open ones."""
    path = "/v1/addon_providers/%s/plans" % quote(technology, safe="")
    plans = get_list(client, path, "plans")[1]
    open_plans = {
        item["name"]: item.get("id")
        for item in plans
        if isinstance(item, dict) and isinstance(item.get("name"), str) and not item.get("disabled")
    }
    plan_id = open_plans.get(plan)
    if not isinstance(plan_id, str):
        raise UnknownPlan(plan, technology, sorted(open_plans))
    return plan_id


def change_plan(client: ScalingoClient, database: dict[str, Any], addon: dict[str, Any], plan_id: str) -> None:
    path = _app_path(database, "addons", addon["id"])
    try:
        client.patch(path, {"addon": {"plan_id": plan_id}})
    except ScalingoAPIError as error:
        # A lost answer: the change happened if the addon is on the new plan now.
        if not error.may_have_applied or _plan_id_of(find_addon(client, database)) != plan_id:
            raise


def _plan_id_of(addon: dict[str, Any]) -> Optional[str]:
    plan = addon.get("plan")
    return plan.get("id") if isinstance(plan, dict) else None


class GoneMeanwhile(Exception):
    """A request about a database found to exist answered the API's own 404: it was deleted since it was found."""


@contextmanager
def gone_meanwhile_on_404() -> Iterator[None]:
    """The API's own 404 to a request about a database found to exist raises GoneMeanwhile, for a fresh lookup."""
    try:
        yield
    except ScalingoAPIError as error:
        if error.is_not_found and not error.may_have_applied:
            raise GoneMeanwhile() from None
        raise


def delete_database(client: ScalingoClient, database: dict[str, Any]) -> bool:
    """Delete a database, data and backups included; False when it was already gone.

    The API asks for the name as confirmation: a database is only ever
    deleted under the name it was looked up by.
    """
    path = _app_path(database)
    try:
        client.delete(path, params={"current_name": database["name"]})
    except ScalingoAPIError as error:
        if error.is_not_found:
            # Gone; by our hand when an earlier attempt of this delete may have been applied.
            return error.may_have_applied
        if error.status not in AMBIGUOUS_STATUSES:
            raise
        # A server error may come after the delete was done: the database's own lookup tells.
        if not _still_there(client, database, error):
            return True
        # Still there: the delete was not applied.
        error.may_have_applied = False
        raise
    return True


def _still_there(client: ScalingoClient, database: dict[str, Any], delete_error: ScalingoAPIError) -> bool:
    try:
        return find_database(client, database["id"]) is not None
    except ScalingoAPIError:
        delete_error.may_have_applied = True
        raise delete_error from None


def connection_url(client: ScalingoClient, database: dict[str, Any]) -> Optional[str]:
    """The database's connection URL (a secret), or None when its app has none."""
    path = _app_path(database, "variables")
    for variable in get_list(client, path, "variables")[1]:
        if isinstance(variable, dict) and variable.get("name") == CONNECTION_URL_VARIABLE:
            value = variable.get("value")
            return value if isinstance(value, str) else None
    return None
