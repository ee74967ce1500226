# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The loop items of one task in one process: one list of the account's databases answers their lookups."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils import _resources
from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange

RunModule = Callable[..., ModuleOutcome]

PLAN = "postgresql-dr-starter-4096"
PROJECT = "pr-82a3cac5-9b25-473e-b33d-6272b87e636f"
LIST_URL = API_URL + "/v1/databases"
NAMES = ["orders-%02d" % number for number in range(6)]


def existing(name: str, **fields: Any) -> dict[str, Any]:
    number = name.rsplit("-", 1)[-1]
    return dict(
        {"id": "541009307363756%s0000" % number, "name": name, "project_id": PROJECT, "technology": "postgresql-ng",
         "plan": PLAN},
        **fields,
    )


def lookup_url(name: str) -> str:
    return LIST_URL + "/" + name


def sent(api: responses.RequestsMock) -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url) for call in api.calls]


def loop(run_module: RunModule, names: list[str], **extra: Any) -> list[ModuleOutcome]:
    """The items of one task, one after the other in one process, as Ansible's worker runs a loop."""
    return [run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name, plan=PLAN, **extra)) for name in names]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time the loop's list is measured by, moved by the test."""
    now = [1000.0]
    monkeypatch.setattr(_resources, "_now", lambda: now[0])
    return now


def listed_by_a_loop(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(name) for name in NAMES]})


def test_a_loop_of_existing_databases_reads_one_list_after_its_first_lookup(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    listed_by_a_loop(api)

    outcomes = loop(run_module, NAMES)

    assert [outcome.result for outcome in outcomes] == [
        {"changed": False, "created": False, "database": existing(name)} for name in NAMES
    ]
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", lookup_url(NAMES[0])), ("GET", LIST_URL)]


def test_the_list_is_read_page_by_page(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL + "?page=2", json={"databases": [existing(name) for name in NAMES[3:]]})
    api.add(
        responses.GET, LIST_URL,
        json={"databases": [existing(name) for name in NAMES[:3]], "meta": {"pagination": {"next_page": 2}}},
    )

    loop(run_module, NAMES)

    assert sent(api)[1:] == [("GET", lookup_url(NAMES[0])), ("GET", LIST_URL), ("GET", LIST_URL + "?page=2")]


def test_a_name_the_list_does_not_hold_is_looked_up_by_name_before_it_is_created(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    new = "orders-99"
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(NAMES[0])]})
    api.add(responses.GET, lookup_url(new), json={"error": "not found"}, status=404)
    api.add(responses.POST, LIST_URL, json={"database": existing(new)}, status=201)

    outcomes = loop(run_module, [NAMES[0], new, new])

    assert outcomes[1].result["created"] is True
    # The third item finds what the second created in the list: no second create, no lookup.
    assert outcomes[2].result == {"changed": False, "created": False, "database": existing(new)}
    assert sent(api)[1:] == [
        ("GET", lookup_url(NAMES[0])), ("GET", LIST_URL), ("GET", lookup_url(new)), ("POST", LIST_URL),
    ]


def test_a_name_the_list_holds_but_the_lookup_finds_is_taken_from_the_lookup(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    # A database created by someone else after the list was read: the lookup by name finds it, nothing is created.
    late = "orders-77"
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(NAMES[0])]})
    api.add(responses.GET, lookup_url(late), json={"database": existing(late)})

    outcomes = loop(run_module, [NAMES[0], late])

    assert outcomes[1].result == {"changed": False, "created": False, "database": existing(late)}
    assert [method for method, _url in sent(api)].count("POST") == 1


def test_a_deleted_database_is_struck_from_the_list(api: responses.RequestsMock, run_module: RunModule) -> None:
    gone = NAMES[1]
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(gone)]})
    for name in (NAMES[0], gone):
        api.add(responses.DELETE, API_URL + "/v1/apps/%s" % existing(name)["id"], status=204)
    api.add(responses.GET, lookup_url(gone), json={"error": "not found"}, status=404)

    outcomes = loop(run_module, [NAMES[0], gone, gone], state="absent")

    assert [outcome.result["changed"] for outcome in outcomes] == [True, True, False]
    # The API, not the list, says the database is gone.
    assert sent(api)[-1] == ("GET", lookup_url(gone))


def test_a_listed_database_without_its_plan_is_looked_up(api: responses.RequestsMock, run_module: RunModule) -> None:
    # A list may say less than a lookup: a missing plan must not read as another plan to change to.
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(NAMES[0]), existing(NAMES[1], plan=None)]})
    api.add(responses.GET, lookup_url(NAMES[1]), json={"database": existing(NAMES[1])})

    outcomes = loop(run_module, NAMES[:2])

    assert outcomes[1].result["changed"] is False
    assert sent(api)[-1] == ("GET", lookup_url(NAMES[1]))


def test_a_list_that_cannot_be_read_leaves_the_lookups_by_name(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    for name in NAMES[:3]:
        api.add(responses.GET, lookup_url(name), json={"database": existing(name)})
    api.add(responses.GET, LIST_URL, json={"error": "forbidden"}, status=403)

    outcomes = loop(run_module, NAMES[:3])

    assert not any(outcome.failed for outcome in outcomes)
    assert sent(api)[1:] == [
        ("GET", lookup_url(NAMES[0])), ("GET", LIST_URL), ("GET", lookup_url(NAMES[1])), ("GET", lookup_url(NAMES[2])),
    ]


def test_items_of_another_api_token_never_answer_from_the_list(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    other = dict(CONNECTION_ARGS, api_token="tk-us-another-account-token-000000000000000000000")
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(name) for name in NAMES]})
    api.add(responses.GET, lookup_url(NAMES[2]), json={"database": existing(NAMES[2])})

    loop(run_module, NAMES[:2])
    run_module(scalingo_database.main, dict(other, name=NAMES[2], plan=PLAN))

    # The other token's item exchanges its own token and looks its database up by name.
    assert sent(api)[-2:] == [("POST", EXCHANGE_URL), ("GET", lookup_url(NAMES[2]))]


def test_items_with_other_settings_never_answer_from_the_list(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(name) for name in NAMES]})
    api.add(responses.GET, lookup_url(NAMES[2]), json={"database": existing(NAMES[2])})

    loop(run_module, NAMES[:2])
    loop(run_module, NAMES[2:3], validate_certs=False)

    assert sent(api)[-1] == ("GET", lookup_url(NAMES[2]))


def test_an_id_of_another_database_is_refused_where_the_list_already_names_it(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_firewall

    listed_by_a_loop(api)
    loop(run_module, NAMES[:2])
    calls = len(api.calls)

    outcome = run_module(scalingo_database_firewall.main, dict(
        CONNECTION_ARGS, database=NAMES[0], database_id=existing(NAMES[1])["id"], rules=[]))

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == (
        "Option database_id is %s, but database '%s' has database_id %s: the ID is another database's (a stale "
        "registered variable, or a loop's items mixed up?). Nothing was changed." % (
            existing(NAMES[1])["id"], NAMES[0], existing(NAMES[0])["id"]))
    # The list the loop read said so: nothing more was asked.
    assert len(api.calls) == calls


def test_a_list_older_than_its_bound_is_read_again_before_it_answers(
    api: responses.RequestsMock, run_module: RunModule, clock: list[float]
) -> None:
    listed_by_a_loop(api)
    # Read again later: another run has deleted orders-02 meanwhile.
    api.add(responses.GET, LIST_URL, json={"databases": [existing(name) for name in NAMES if name != NAMES[2]]})
    api.add(responses.GET, lookup_url(NAMES[2]), json={"error": "not found"}, status=404)
    api.add(responses.POST, LIST_URL, json={"database": existing(NAMES[2])}, status=201)

    loop(run_module, NAMES[:2])
    clock[0] += _resources.LIST_MAX_AGE + 1
    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=NAMES[2], plan=PLAN))

    assert outcome.result["created"] is True
    assert [method for method, url in sent(api) if url == LIST_URL] == ["GET", "GET", "POST"]


def test_within_its_bound_the_list_answers_without_a_request(
    api: responses.RequestsMock, run_module: RunModule, clock: list[float]
) -> None:
    listed_by_a_loop(api)

    loop(run_module, NAMES[:2])
    clock[0] += _resources.LIST_MAX_AGE - 1
    loop(run_module, NAMES[2:])

    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", lookup_url(NAMES[0])), ("GET", LIST_URL)]


def test_a_delete_the_api_answers_404_after_the_list_said_exists_is_no_change(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    listed_by_a_loop(api)
    gone = existing(NAMES[1])
    api.add(responses.DELETE, API_URL + "/v1/apps/" + gone["id"], json={"error": "app not found"}, status=404)
    api.add(responses.GET, lookup_url(NAMES[1]), json={"error": "not found"}, status=404)

    outcomes = [
        run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name, state="absent")) for name in NAMES[:2]]

    assert outcomes[1].result["changed"] is False and not outcomes[1].failed
    # The 404 was answered with a fresh lookup by name, not taken from the old list.
    assert ("GET", lookup_url(NAMES[1])) in sent(api)


def test_a_plan_change_that_meets_a_database_deleted_meanwhile_creates_it_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, lookup_url(NAMES[0]), json={"database": existing(NAMES[0])})
    api.add(responses.GET, LIST_URL, json={"databases": [existing(name, plan="postgresql-dr-starter-8192")
                                                         for name in NAMES]})
    gone = existing(NAMES[1])
    api.add(responses.GET, API_URL + "/v1/addon_providers/postgresql-ng/plans", json={"plans": [
        {"id": "5c1e-4096", "name": PLAN, "display_name": PLAN, "disabled": False}]})
    api.add(responses.GET, API_URL + "/v1/apps/%s/addons" % gone["id"], json={"error": "app not found"}, status=404)
    api.add(responses.GET, lookup_url(NAMES[1]), json={"error": "not found"}, status=404)
    api.add(responses.POST, LIST_URL, json={"database": existing(NAMES[1])}, status=201)

    run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=NAMES[0]))
    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=NAMES[1], plan=PLAN,
                                                      allow_plan_change=True))

    assert outcome.result["created"] is True and outcome.result["changed"] is True
