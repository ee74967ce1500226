# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Creates that are sent once: a database, a firewall rule, a user.

Private to the scalingo.cloud collection. A POST is not repeatable, so the
client never retries one by itself; this loop does, and only after a lookup
showed that the earlier attempt did not make anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError

# The API's words for a create refused because what it would make already exists.
TAKEN = "has already been taken"


@dataclass(frozen=True)
class Creation:
    """How create_once ended: the create's ``answer``, or what the lookup ``found`` after it."""

    answer: Any
    found: Optional[dict[str, Any]]
    made_by_us: bool


def create_once(
    api: Union[ScalingoClient, DatabaseAPI], send: Callable[[], Any], find: Callable[[], Optional[dict[str, Any]]], taken: tuple[str, ...]
) -> Creation:
    """``send()`` a create, never making two, and never saying it changed something the lookups showed it did not.

    A create whose answer does not tell whether it was applied (a lost connection, a gateway error) is looked
    for with ``find()``: found, it is ours; not found, it was not applied, and it is sent again within the
    client's retry budget. A create refused because what it makes already exists (a 422 "has already been
    taken" on one of the ``taken`` fields, or a 409) means another task made it since our read: take theirs,
    or ours, when an earlier attempt may have made it.
    """
    budget = api.retry_budget()
    maybe_ours = False
    while True:
        try:
            return Creation(send(), None, made_by_us=True)
        except ScalingoAPIError as error:
            already_there = error.status == 409 or any(error.has_field_error(field, TAKEN) for field in taken)
            if not (error.may_have_applied or already_there):
                raise
            maybe_ours = maybe_ours or error.may_have_applied
            found = _find_after(find, error, maybe_ours)
            if found is not None:
                return Creation(None, found, made_by_us=maybe_ours)
            if error.known_applied:
                # A 2xx said it was made, whatever the lookup says yet: never send it twice.
                raise
            delay = None if already_there else budget.next_delay()
            if delay is None:
                # Every lookup found nothing: no attempt was applied.
                error.may_have_applied = False
                if not already_there:
                    error.message = "%s (%s)" % (error.message, budget.describe())
                raise
            api.sleep(delay)


def _find_after(
    find: Callable[[], Optional[dict[str, Any]]], create_error: ScalingoAPIError, maybe_ours: bool
) -> Optional[dict[str, Any]]:
    try:
        return find()
    except ScalingoAPIError:
        # Whether a create was applied is still unknown: the create's own failure says so, and what to check.
        create_error.may_have_applied = create_error.may_have_applied or maybe_ours
        raise create_error from None
