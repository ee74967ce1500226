# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting until running, deleting, changing plan: the exact requests, and what the module says."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils import _databases
from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange, json_body
from tests.unit.plugins.modules.test_scalingo_database import (
    CREATE_URL,
    EXISTING,
    LOOKUP_URL,
    NAME,
    PLAN,
    args,
    database_absent,
    database_present,
    sent,
)

RunModule = Callable[..., ModuleOutcome]

APP_URL = API_URL + "/v1/apps/" + EXISTING["id"]
ADDONS_URL = APP_URL + "/addons"
PLANS_URL = API_URL + "/v1/addon_providers/postgresql-ng/plans"
BIGGER_PLAN = "postgresql-dr-starter-8192"
PLANS = {
    "plans": [
        {"id": "pl-4096", "name": PLAN, "disabled": False},
        {"id": "pl-8192", "name": BIGGER_PLAN, "disabled": False},
        {"id": "pl-legacy", "name": "postgresql-dr-legacy-2048", "disabled": True},
    ]
}


def addon(status: str, plan: str = PLAN) -> dict[str, Any]:
    return {"addons": [{"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "pl", "name": plan}, "status": status}]}


# Where the database's own status is read: the Database API, in the first layout the default (auto) tries.
STATUS_URL = API_URL + "/api/databases/ad-1"


def statuses(api: responses.RequestsMock, *answers: str) -> None:
    """The addon (which says "running" whatever the database does), then the database's status, read by read."""
    api.add(responses.GET, ADDONS_URL, json=addon("running"))
    for status in answers:
        api.add(responses.GET, STATUS_URL, json={"database": {"id": "dbapi-1", "resource_id": "ad-1", "status": status}})


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    """Time passes as the module sleeps, and only then."""
    monkeypatch.setattr(_databases, "_monotonic", lambda: sum(sleeps))


# --- wait ------------------------------------------------------------------------


def test_wait_polls_the_new_databases_own_status_until_it_runs(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    statuses(api, "creating", "creating", "running")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True))

    assert outcome.result == {"changed": True, "created": True, "database": EXISTING, "status": "running"}
    # The addon once (for its ID; it says "running" all along), then the database itself until it runs.
    assert sent(api)[3:] == [("GET", ADDONS_URL)] + [("GET", STATUS_URL)] * 3
    assert sleeps == [2.0, 3.0]


@pytest.mark.parametrize("not_yet", [
    {"json": {"error": "database not found"}, "status": 404},
    {"json": {"database": {}}},
])
def test_a_new_database_not_known_yet_to_the_database_api_is_being_created(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float], not_yet: dict[str, Any]
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    api.add(responses.GET, ADDONS_URL, json=addon("running"))
    api.add(responses.GET, STATUS_URL, **not_yet)
    api.add(responses.GET, STATUS_URL, json={"database": {"id": "dbapi-1", "status": "running"}})

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True))

    assert outcome.result["status"] == "running"
    assert sleeps == [2.0]


def test_a_wait_on_a_database_not_known_yet_times_out_saying_creating(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.GET, ADDONS_URL, json=addon("running"))
    api.add(responses.GET, STATUS_URL, json={"error": "database not found"}, status=404)

    outcome = run_module(scalingo_database.main, args(wait=True, wait_timeout=0))

    assert outcome.failed and "its status is still 'creating' after 0 seconds" in outcome.result["msg"]


def test_wait_intervals_grow_up_to_thirty_seconds(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_present(api)
    statuses(api, *["creating"] * 9, "running")

    run_module(scalingo_database.main, args(wait=True))

    assert sleeps == [2.0, 3.0, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30.0, 30.0]


def test_wait_resumes_on_an_existing_database_still_provisioning(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    statuses(api, "creating", "running")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING, "status": "running"}


def test_without_wait_no_status_is_read(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert "status" not in outcome.result
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_a_wait_that_times_out_says_the_database_exists_and_how_to_resume(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    statuses(api, "creating")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True, wait_timeout=0))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Database 'orders-production' exists (id %s) but its status is still 'creating' after 0 seconds of "
        "waiting. Run the task again to resume the wait." % EXISTING["id"]
    )
    assert outcome.result["database"] == EXISTING


def test_a_suspended_database_is_not_waited_for(api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]) -> None:
    database_present(api)
    statuses(api, "stopped")

    outcome = run_module(scalingo_database.main, args(wait=True))

    assert outcome.result["msg"].endswith("status is still 'stopped', which waiting will not change: check the "
                                          "database in the Scalingo dashboard.")
    assert sleeps == []


def test_check_mode_does_not_wait(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True), check_mode=True)

    assert outcome.result["changed"] is True
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


# --- state: absent -------------------------------------------------------------------


def test_absent_deletes_through_the_apps_api_with_the_name_as_confirmation(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, status=204)

    outcome = run_module(scalingo_database.main, args(state="absent"), diff=True)

    assert outcome.result == {"changed": True, "database": EXISTING, "diff": {"before": EXISTING, "after": {}}}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("DELETE", APP_URL + "?current_name=" + NAME)]


def test_absent_when_already_gone_is_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert outcome.result == {"changed": False, "database": {}}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_absent_when_it_vanishes_meanwhile_succeeds(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, json={"resource": "app", "error": "not found"}, status=404)

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert not outcome.failed


def test_absent_in_check_mode_sends_no_delete(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(state="absent"), check_mode=True, diff=True)

    assert outcome.result == {"changed": True, "database": EXISTING, "diff": {"before": EXISTING, "after": {}}}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


@pytest.mark.parametrize("state", ["absent", "present"])
def test_an_id_given_as_name_is_refused(api: responses.RequestsMock, run_module: RunModule, state: str) -> None:
    database_id = EXISTING["id"]
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/" + database_id, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=database_id, state=state))

    assert outcome.result["msg"] == (
        "'%s' is the ID of database 'orders-production', not a name: name the database by its name." % database_id
    )
    assert [call.request.method for call in api.calls] == ["POST", "GET"]


def test_a_refused_delete_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, json={"error": "You are not the owner"}, status=403)

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert outcome.result["msg"] == "Scalingo API refused to delete database 'orders-production' (403): You are not the owner"


# --- plan change ---------------------------------------------------------------------


def test_an_allowed_plan_change_patches_the_addon_with_the_plan_id(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "running")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json={"addon": addon("updating", BIGGER_PLAN)["addons"][0]})

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True), diff=True)

    after = dict(EXISTING, plan=BIGGER_PLAN)
    assert outcome.result == {"changed": True, "created": False, "database": after, "plan_changed": True,
                              "diff": {"before": EXISTING, "after": after}}
    assert sent(api)[2:] == [("GET", PLANS_URL), ("GET", ADDONS_URL), ("GET", STATUS_URL), ("PATCH", ADDONS_URL + "/ad-1")]
    assert json_body(api.calls[-1]) == {"addon": {"plan_id": "pl-8192"}}


def test_a_plan_change_in_check_mode_sends_no_change(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True), check_mode=True)

    assert outcome.result == {"changed": True, "created": False, "database": dict(EXISTING, plan=BIGGER_PLAN),
                              "plan_changed": True}
    assert [call.request.method for call in api.calls] == ["POST", "GET", "GET"]


def test_a_plan_change_with_wait_first_sees_the_change_start(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "running")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json={"addon": {}})
    # The change starts a moment after the API accepted it: the database still reads "running" twice.
    statuses(api, "running", "running", "updating", "running")

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True, wait=True))

    assert outcome.result["status"] == "running"
    assert sleeps == [2.0, 3.0, 4.5]
    assert sent(api)[-5:] == [("PATCH", ADDONS_URL + "/ad-1")] + [("GET", STATUS_URL)] * 4


def test_a_plan_change_never_seen_starting_ends_its_wait_after_the_grace_period(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float], clock: None
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "running")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json={"addon": {}})
    statuses(api, "running")

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True, wait=True))

    assert outcome.result["status"] == "running"
    assert sum(sleeps[:-1]) < _databases.PLAN_CHANGE_GRACE <= sum(sleeps)


def test_a_wait_told_of_an_earlier_change_first_sees_it_start(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_present(api)
    statuses(api, "running", "updating", "running")

    outcome = run_module(scalingo_database.main, args(wait=True, wait_for_change=True))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING, "status": "running"}
    assert sleeps == [2.0, 3.0]


def test_a_plan_change_with_wait_waits_for_the_update(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "running")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json={"addon": {}})
    statuses(api, "updating", "running")

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True, wait=True))

    assert outcome.result["status"] == "running"
    assert sleeps == [2.0]


@pytest.mark.parametrize("plan", ["postgresql-dr-huge-1", "postgresql-dr-legacy-2048"])
def test_an_unknown_or_closed_plan_fails_listing_the_open_ones(
    api: responses.RequestsMock, run_module: RunModule, plan: str
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)

    outcome = run_module(scalingo_database.main, args(plan=plan, allow_plan_change=True))

    assert outcome.result["msg"] == (
        "Plan '%s' is not an open plan of postgresql-ng. Valid plans: %s, %s." % (plan, PLAN, BIGGER_PLAN)
    )
    assert "PATCH" not in [call.request.method for call in api.calls]


def test_a_plan_change_on_a_database_not_running_yet_fails_without_wait(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "creating")

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True))

    assert outcome.result["msg"] == (
        "Database 'orders-production' is 'creating'; its plan can change once it is running. "
        "Set wait: true to wait for that."
    )
    assert "PATCH" not in [call.request.method for call in api.calls]


def test_a_plan_change_with_wait_first_waits_for_provisioning_to_end(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "creating", "creating", "running")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json={"addon": {}})
    statuses(api, "updating", "running")

    outcome = run_module(scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True, wait=True))

    assert outcome.result["status"] == "running"
    methods = [call.request.method for call in api.calls]
    assert methods.index("PATCH") == len(methods) - 3


# --- a change that happened is reported, even when the task then fails ----------------------


def test_a_create_whose_wait_times_out_fails_with_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    statuses(api, "creating")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, wait=True, wait_timeout=0))

    assert outcome.failed and outcome.result["changed"] is True


def test_a_plan_change_whose_wait_times_out_fails_with_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.GET, PLANS_URL, json=PLANS)
    statuses(api, "running", "updating")
    api.add(responses.PATCH, ADDONS_URL + "/ad-1", json=addon("updating", BIGGER_PLAN))

    outcome = run_module(
        scalingo_database.main, args(plan=BIGGER_PLAN, allow_plan_change=True, wait=True, wait_timeout=0)
    )

    assert outcome.failed and outcome.result["changed"] is True


def test_a_failure_before_any_change_says_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    statuses(api, "creating")

    outcome = run_module(scalingo_database.main, args(wait=True, wait_timeout=0))

    assert outcome.failed and not outcome.result.get("changed")


def test_a_create_answered_with_an_empty_201_is_looked_up_and_reported(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, body="", status=201)
    api.add(responses.GET, LOOKUP_URL, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result == {"changed": True, "created": True, "database": EXISTING}
    assert [method for method, _url in sent(api)].count("POST") == 2  # the exchange and one create


def test_a_create_answered_with_an_empty_201_and_no_lookup_fails_with_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, body="", status=201)
    api.add(responses.GET, LOOKUP_URL, json={"error": "forbidden"}, status=403)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed and outcome.result["changed"] is True
    assert [url for _method, url in sent(api)].count(CREATE_URL) == 1


def test_a_delete_answered_500_but_applied_is_a_delete(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, json={"error": "internal error"}, status=500)
    api.add(responses.GET, API_URL + "/v1/databases/" + EXISTING["id"], json={"error": "Database not found"}, status=404)

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert outcome.result == {"changed": True, "database": EXISTING}


def test_a_delete_answered_500_and_not_applied_fails_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, json={"error": "internal error"}, status=500)
    api.add(responses.GET, API_URL + "/v1/databases/" + EXISTING["id"], json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == "Scalingo API refused to delete database 'orders-production' (500): internal error"


def test_a_delete_answered_500_that_cannot_be_checked_fails_with_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api)
    api.add(responses.DELETE, APP_URL, json={"error": "internal error"}, status=500)
    api.add(responses.GET, API_URL + "/v1/databases/" + EXISTING["id"], json={"error": "forbidden"}, status=403)

    outcome = run_module(scalingo_database.main, args(state="absent"))

    assert outcome.failed and outcome.result["changed"] is True
    assert "(500): internal error" in outcome.result["msg"]
