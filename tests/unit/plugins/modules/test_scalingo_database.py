# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_TOKEN, API_URL, BEARER_TOKEN, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange, json_body

RunModule = Callable[..., ModuleOutcome]

NAME = "orders-production"
PLAN = "postgresql-dr-starter-4096"
PROJECT = "pr-82a3cac5-9b25-473e-b33d-6272b87e636f"
LOOKUP_URL = API_URL + "/v1/databases/" + NAME
CREATE_URL = API_URL + "/v1/databases"
EXISTING = {
    "id": "54100930736f7563d5030000",
    "name": NAME,
    "project_id": PROJECT,
    "technology": "postgresql-ng",
    "plan": PLAN,
}


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, name=NAME, **extra)


def database_absent(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)


def database_present(api: responses.RequestsMock, **fields: Any) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"database": dict(EXISTING, **fields)})


def sent(api: responses.RequestsMock) -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url) for call in api.calls]


def test_creates_the_database_when_the_lookup_answers_404(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert not outcome.failed
    assert outcome.result == {"changed": True, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("POST", CREATE_URL)]
    assert json_body(api.calls[2]) == {
        "database": {"name": NAME, "technology": "postgresql-ng", "plan": PLAN, "project_id": PROJECT}
    }
    assert api.calls[2].request.headers["Authorization"] == "Bearer " + BEARER_TOKEN


def test_the_create_body_leaves_project_id_out_when_not_given(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    run_module(scalingo_database.main, args(plan=PLAN, timeout=5, validate_certs=False))

    assert json_body(api.calls[2]) == {"database": {"name": NAME, "technology": "postgresql-ng", "plan": PLAN}}


def test_an_existing_database_is_left_alone(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert outcome.result == {"changed": False, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_an_existing_database_needs_no_plan(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.result == {"changed": False, "database": EXISTING}


def test_the_database_returned_holds_only_the_documented_fields(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, internal_flag=True)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.result["database"] == EXISTING


def test_check_mode_looks_up_but_sends_no_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), check_mode=True, diff=True)

    assert outcome.result["changed"] is True
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]
    would_be = {"id": None, "name": NAME, "project_id": None, "technology": "postgresql-ng", "plan": PLAN}
    assert outcome.result["database"] == would_be
    assert outcome.result["diff"] == {"before": {}, "after": would_be}


def test_check_mode_on_an_existing_database_is_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), check_mode=True)

    assert outcome.result == {"changed": False, "database": EXISTING}


def test_diff_shows_before_and_after_a_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), diff=True)

    assert outcome.result["diff"] == {"before": {}, "after": EXISTING}


def test_diff_of_an_existing_database_is_empty(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), diff=True)

    assert outcome.result["diff"] == {"before": EXISTING, "after": EXISTING}


@pytest.mark.parametrize(
    "name",
    ["short", "UPPER-case-name", "under_score", "a" * 49, "dots.in.name", "with space", "ümlaut-name"],
)
def test_an_invalid_name_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule, name: str) -> None:
    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name, plan=PLAN))

    assert outcome.failed
    assert "is invalid: it must be 6 to 48 characters long" in outcome.result["msg"]
    assert len(api.calls) == 0


@pytest.mark.parametrize("name", ["abcdef", "a" * 48, "db-0-1-2", "------"])
def test_valid_names_are_looked_up(api: responses.RequestsMock, run_module: RunModule, name: str) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/" + name, json={"database": dict(EXISTING, name=name)})

    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name))

    assert not outcome.failed


@pytest.mark.parametrize("option", ["plan", "project_id"])
def test_an_empty_option_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule, option: str) -> None:
    outcome = run_module(scalingo_database.main, args(**{option: " "}))

    assert outcome.failed
    assert outcome.result["msg"] == "Option %s must not be empty: give a value or leave it out." % option
    assert len(api.calls) == 0


def test_a_missing_plan_fails_when_the_database_must_be_created(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.failed
    assert outcome.result["msg"].startswith(
        "Database 'orders-production' does not exist and cannot be created without a plan"
    )
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


@pytest.mark.parametrize(
    "existing, task, difference",
    [
        ({"plan": "postgresql-dr-business-4096"}, {"plan": PLAN}, "plan is 'postgresql-dr-business-4096', not '%s'" % PLAN),
        ({"project_id": "pr-other"}, {"project_id": PROJECT}, "project_id is 'pr-other', not '%s'" % PROJECT),
    ],
)
def test_an_existing_database_that_differs_fails_and_says_how(
    api: responses.RequestsMock, run_module: RunModule, existing: dict[str, str], task: dict[str, str], difference: str
) -> None:
    database_present(api, **existing)

    outcome = run_module(scalingo_database.main, args(**task))

    assert outcome.failed
    assert difference in outcome.result["msg"]
    assert "cannot change the plan, technology or project of an existing database" in outcome.result["msg"]
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_a_project_left_out_accepts_any_project(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other")

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert not outcome.failed


def test_a_refused_create_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"errors": {"plan": ["is not a valid plan"]}}, status=422)

    outcome = run_module(scalingo_database.main, args(plan="no-such-plan"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Scalingo API refused to create database 'orders-production' (422): plan is not a valid plan"
    )


def test_a_failed_lookup_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Forbidden", "code": "x"}, status=403)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result["msg"] == "Scalingo API refused to look up database 'orders-production' (403): Forbidden"


def test_a_refused_token_fails_without_showing_it(api: responses.RequestsMock, run_module: RunModule) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"error": "bad " + API_TOKEN}, status=401)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert "API token was refused" in outcome.result["msg"]
    assert API_TOKEN not in outcome.text


@pytest.mark.parametrize(
    "answer",
    [{"databases": []}, {"database": "a string"}, {"database": {"id": "no-name"}}, ["a", "list"]],
)
def test_a_lookup_answer_of_an_unexpected_shape_fails_clearly(
    api: responses.RequestsMock, run_module: RunModule, answer: Any
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json=answer)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert outcome.result["msg"].startswith(
        "Could not look up database 'orders-production' on Scalingo: unexpected answer"
    )
