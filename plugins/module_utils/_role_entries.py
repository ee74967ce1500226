# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What is wrong with the entries of the databases role, every entry, before the role changes anything.

Private to the scalingo.cloud collection. Each check is the one the module that takes the value runs before its
own requests; here they all run at once, so that an entry's mistake fails the role before the first database is
created (billed, and slow to provision), not after. Sentences name the entry, never a password.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._backups import (
    invalid_backup_hours_reason,
    invalid_hour_reason,
    invalid_weekday_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._database_access import (
    invalid_cidr_reason,
    invalid_password_reason,
    invalid_user_name_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import invalid_name_reason
from ansible_collections.scalingo.cloud.plugins.module_utils._networking import (
    invalid_ip_range_reason,
    invalid_peering_id_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._options import boolean_for_a_number_reason

WHOLE_NUMBER_KEYS = ("maintenance_weekday", "maintenance_hour")


def entry_problems(entries: Any) -> list[str]:
    """Every problem of every entry, each a sentence naming its entry; empty when the entries can be applied."""
    if not isinstance(entries, list):
        return ["scalingo_databases must be a list of entries."]
    problems = [_named(index, entry, reason) for index, entry in enumerate(entries) for reason in _entry_reasons(entry)]
    return problems + _names_given_twice(entries)


def _named(index: int, entry: Any, reason: str) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return "scalingo_databases[%d]%s: %s" % (index, " (%s)" % name if isinstance(name, str) else "", reason)


def _entry_reasons(entry: Any) -> Iterator[str]:
    if not isinstance(entry, dict):
        yield "an entry must be a mapping with a name."
        return
    if not isinstance(entry.get("name"), str):
        yield "an entry needs a name."
    else:
        yield from _given(invalid_name_reason(entry["name"]))
    for key in WHOLE_NUMBER_KEYS:
        yield from _given(boolean_for_a_number_reason(key, entry.get(key)))
    if isinstance(entry.get("maintenance_weekday"), int) and not isinstance(entry["maintenance_weekday"], bool):
        yield from _given(invalid_weekday_reason(entry["maintenance_weekday"]))
    if isinstance(entry.get("maintenance_hour"), int) and not isinstance(entry["maintenance_hour"], bool):
        yield from _given(invalid_hour_reason("maintenance_hour", entry["maintenance_hour"]))
    yield from _given(invalid_backup_hours_reason(entry.get("periodic_backups_hour")))
    yield from _checked(entry.get("ip_range"), invalid_ip_range_reason)
    for peering in _items(entry.get("net_peerings")):
        yield from _checked(peering, invalid_peering_id_reason)
    for rule in _items(entry.get("firewall_rules")):
        if isinstance(rule, dict):
            yield from _checked(rule.get("cidr"), invalid_cidr_reason)
    for user in _items(entry.get("users")):
        if isinstance(user, dict):
            yield from _checked(user.get("name"), invalid_user_name_reason)
            yield from _checked(user.get("password"), invalid_password_reason)


def _names_given_twice(entries: list[Any]) -> list[str]:
    names: list[str] = [entry["name"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("name"), str)]
    twice = sorted({name for name in names if names.count(name) > 1})
    return ["scalingo_databases names %s more than once: one entry per database, so that no entry undoes another."
            % name for name in twice]


def _checked(value: Any, reason: Callable[[str], Optional[str]]) -> Iterator[str]:
    if isinstance(value, str):
        yield from _given(reason(value))


def _given(reason: Optional[str]) -> Iterator[str]:
    if reason:
        yield reason


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
