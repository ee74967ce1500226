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
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_client import (
    ScalingoAPIError,
    ScalingoClient,
)

DATABASES_PATH = "/v1/databases"
TECHNOLOGIES = ("postgresql-ng",)
DATABASE_FIELDS = ("id", "name", "project_id", "technology", "plan")

NAME_TAKEN = "has already been taken"

_NAME_PATTERN = re.compile(r"^[a-z0-9-]{6,48}$")

# Guards against a server whose pagination never ends.
_MAX_PAGES = 1000


def invalid_name_reason(name: str) -> Optional[str]:
    """Why ``name`` cannot name a database, or None when it can."""
    if _NAME_PATTERN.match(name):
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


def list_databases(client: ScalingoClient) -> list[dict[str, Any]]:
    """Every database the token can see, following pagination when the API offers it."""
    databases: list[dict[str, Any]] = []
    page: Optional[int] = None
    for _page_count in range(_MAX_PAGES):
        answer = client.get(DATABASES_PATH, params=None if page is None else {"page": page})
        items = answer.get("databases") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise ScalingoAPIError("GET", DATABASES_PATH, None, "unexpected answer: no list of databases")
        databases.extend(database_view(item, "GET", DATABASES_PATH) for item in items)
        page = _next_page(answer)
        if page is None:
            break
    return databases


def create_database(
    client: ScalingoClient, name: str, technology: str, plan: str, project_id: Optional[str] = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "technology": technology, "plan": plan}
    if project_id:
        spec["project_id"] = project_id
    answer = client.post(DATABASES_PATH, {"database": spec})
    return _database_from_answer(answer, "POST", DATABASES_PATH)


@dataclass(frozen=True)
class Creation:
    """The database a create ended with, and whether our request can have made it."""

    database: dict[str, Any]
    made_by_us: bool


def create_database_once(
    client: ScalingoClient, name: str, technology: str, plan: str, project_id: Optional[str] = None
) -> Creation:
    """Create a database that a lookup just found missing, never making two.

    A create whose answer is lost may have been applied: look the name up
    before sending it again. A create refused because the name is taken
    means someone else made it since our lookup: take theirs. The caller
    compares what it gets with what it asked for.
    """
    budget = client.retry_budget()
    maybe_applied = False
    while True:
        try:
            return Creation(create_database(client, name, technology, plan, project_id), made_by_us=True)
        except ScalingoAPIError as error:
            if not (error.may_have_applied or error.has_field_error("name", NAME_TAKEN)):
                raise
            maybe_applied = maybe_applied or error.may_have_applied
            found = find_database(client, name)
            if found is not None:
                return Creation(found, made_by_us=maybe_applied)
            delay = None if error.has_field_error("name", NAME_TAKEN) else budget.next_delay()
            if delay is None:
                if budget.attempts > 1:
                    error.message = "%s (%s)" % (error.message, budget.describe())
                raise
            client.sleep(delay)


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


def _next_page(answer: dict[str, Any]) -> Optional[int]:
    meta = answer.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    if not isinstance(pagination, dict):
        return None
    next_page = pagination.get("next_page")
    return next_page if isinstance(next_page, int) and next_page > 0 else None
