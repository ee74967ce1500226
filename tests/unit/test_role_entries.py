# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The databases role's entry checks, as the database_entry_problems filter gives them to the role."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.scalingo.cloud.plugins.filter.database_entry_problems import FilterModule
from ansible_collections.scalingo.cloud.plugins.module_utils._role_entries import entry_problems

GOOD = {"name": "orders-production", "plan": "postgresql-dr-starter-4096", "maintenance_weekday": 0,
        "maintenance_hour": 3, "periodic_backups_hour": [1, 13], "ip_range": "10.20.0.0/24",
        "net_peerings": ["pcx-1a2b3c4d"], "firewall_rules": [{"cidr": "203.0.113.0/24"}, {"managed_range": "x"}],
        "users": [{"name": "reporting", "password": "p" * 24}]}


def test_entries_without_a_mistake_have_no_problem() -> None:
    assert entry_problems([GOOD, {"name": "orders-staging", "state": "absent"}]) == []


def test_the_role_reaches_the_checks_through_its_filter() -> None:
    assert FilterModule().filters()["database_entry_problems"] is entry_problems


@pytest.mark.parametrize("change, said", [
    ({"maintenance_weekday": 7}, "Option maintenance_weekday is 7"),
    ({"maintenance_weekday": True}, "Option maintenance_weekday is true, a boolean"),
    ({"maintenance_hour": 24}, "Option maintenance_hour is 24"),
    ({"periodic_backups_hour": -1}, "Option periodic_backups_hour is -1"),
    ({"periodic_backups_hour": [1, "x"]}, "Option periodic_backups_hour must be an hour of the day"),
    ({"ip_range": "10.20.0.0/28"}, "it must be a /25 or larger"),
    ({"ip_range": "8.8.8.0/24"}, "it must lie in a private network"),
    ({"net_peerings": ["vpc-1a2b3c4d"]}, "Net peering 'vpc-1a2b3c4d' is not an Outscale net peering ID"),
    ({"firewall_rules": [{"cidr": "203.0.113.1/24"}]}, "has bits set past its prefix"),
    ({"users": [{"name": "x"}]}, "User name 'x' is invalid"),
    ({"name": "Orders"}, "Orders"),
])
def test_each_mistake_is_named_with_its_entry(change: dict[str, Any], said: str) -> None:
    problems = entry_problems([GOOD, dict(GOOD, name="orders-second", **{k: v for k, v in change.items() if k != "name"})
                               if "name" not in change else dict(GOOD, **change)])

    assert len(problems) == 1
    assert problems[0].startswith("scalingo_databases[1] (")
    assert said in problems[0]


def test_a_password_is_measured_never_shown() -> None:
    secret = "a-short-secret"
    problems = entry_problems([dict(GOOD, users=[{"name": "reporting", "password": secret}])])

    assert problems == ["scalingo_databases[0] (orders-production): Option password must be 24 to 64 characters "
                        "long; it has 14."]
    assert secret not in problems[0]


def test_a_name_given_twice_is_refused_whatever_the_states() -> None:
    problems = entry_problems([GOOD, {"name": "orders-production", "state": "absent"}])

    assert problems == ["scalingo_databases names orders-production more than once: one entry per database, so that "
                        "no entry undoes another."]


@pytest.mark.parametrize("entries", ["orders-production", [None], [{"plan": "x"}], [{"name": 5}]])
def test_shapes_no_entry_has_are_said_not_raised(entries: Any) -> None:
    assert entry_problems(entries)
