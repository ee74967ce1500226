# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_project: the exact requests, and what the module says."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_project
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, expect_exchange

RunModule = Callable[..., ModuleOutcome]

PROJECTS_URL = API_URL + "/v1/projects"
DEFAULT = {"id": "pr-default", "name": "default", "default": True}
ANALYTICS = {"id": "pr-analytics", "name": "analytics", "default": False}


def projects_are(api: responses.RequestsMock, *projects: dict[str, Any]) -> None:
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [dict(project, flags={}) for project in projects]})


def writes(api: responses.RequestsMock) -> list[tuple[str, str, Any]]:
    return [
        (call.request.method, call.request.url, json.loads(call.request.body) if call.request.body else None)
        for call in api.calls if call.request.method not in ("GET",) and "/tokens/exchange" not in call.request.url
    ]


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, **extra)


def test_a_missing_project_is_created_once(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT)
    api.add(responses.POST, PROJECTS_URL, json={"project": dict(ANALYTICS, flags={})}, status=201)

    outcome = run_module(scalingo_project.main, args(name="analytics"), diff=True)

    assert outcome.result == {"changed": True, "project": ANALYTICS, "diff": {"before": {}, "after": ANALYTICS}}
    assert writes(api) == [("POST", PROJECTS_URL, {"project": {"name": "analytics", "default": False}})]


def test_a_project_as_the_task_says_changes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)

    outcome = run_module(scalingo_project.main, args(name="analytics", default=False))

    assert outcome.result == {"changed": False, "project": ANALYTICS}
    assert writes(api) == []


def test_check_mode_says_what_would_be_created_and_sends_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT)

    outcome = run_module(scalingo_project.main, args(name="analytics", default=True), check_mode=True)

    assert outcome.result == {"changed": True, "project": {"id": None, "name": "analytics", "default": True}}
    assert writes(api) == []


def test_making_a_project_the_default_sends_only_that(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.PATCH, PROJECTS_URL + "/pr-analytics", json={"project": dict(ANALYTICS, default=True)})

    outcome = run_module(scalingo_project.main, args(name="analytics", default=True), diff=True)

    assert outcome.result["changed"] is True
    assert outcome.result["project"] == dict(ANALYTICS, default=True)
    assert outcome.result["diff"] == {"before": ANALYTICS, "after": dict(ANALYTICS, default=True)}
    assert writes(api) == [("PATCH", PROJECTS_URL + "/pr-analytics", {"project": {"default": True}})]


def test_a_rename_is_sent_once_and_found_done_the_next_time(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    # An empty answer to the change still says it was applied.
    api.add(responses.PATCH, PROJECTS_URL + "/pr-analytics", body="", status=200)

    outcome = run_module(scalingo_project.main, args(name="analytics", new_name="data-platform"))

    assert outcome.result == {"changed": True, "project": dict(ANALYTICS, name="data-platform")}
    assert writes(api) == [("PATCH", PROJECTS_URL + "/pr-analytics", {"project": {"name": "data-platform"}})]


def test_a_project_already_renamed_changes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    renamed = dict(ANALYTICS, name="data-platform")
    projects_are(api, DEFAULT, renamed)

    outcome = run_module(scalingo_project.main, args(name="analytics", new_name="data-platform"))

    assert outcome.result == {"changed": False, "project": renamed}


def test_a_rename_onto_another_project_fails_and_changes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)

    outcome = run_module(scalingo_project.main, args(name="analytics", new_name="default"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Project 'analytics' cannot be renamed 'default': a project of that name exists already (pr-default).")
    assert writes(api) == []


def test_a_name_shared_by_two_projects_fails_and_names_them(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS, dict(ANALYTICS, id="pr-analytics-2"))

    outcome = run_module(scalingo_project.main, args(name="analytics", default=True))

    assert outcome.failed
    assert "pr-analytics, pr-analytics-2" in outcome.result["msg"]
    assert writes(api) == []


def test_a_delete_is_sent_and_reports_the_project(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.DELETE, PROJECTS_URL + "/pr-analytics", status=204)

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"))

    assert outcome.result == {"changed": True, "project": ANALYTICS}
    assert writes(api) == [("DELETE", PROJECTS_URL + "/pr-analytics", None)]


def test_a_project_already_gone_changes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT)

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"))

    assert outcome.result == {"changed": False, "project": {}}
    assert writes(api) == []


DATABASES = {"databases": [
    {"id": "db-1", "name": "warehouse", "project_id": "pr-analytics", "technology": "postgresql-ng", "plan": "x"},
    {"id": "db-2", "name": "orders", "project_id": "pr-default", "technology": "postgresql-ng", "plan": "x"},
]}
HELD = ("Project 'analytics' (pr-analytics) still holds databases warehouse: delete them or move them to another "
        "project first. Nothing was changed.")


@pytest.mark.parametrize("refusal", [409, 422])
def test_a_project_that_holds_databases_is_kept_and_they_are_named(
    api: responses.RequestsMock, run_module: RunModule, refusal: int
) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.DELETE, PROJECTS_URL + "/pr-analytics", json={"error": "project is not empty"}, status=refusal)
    api.add(responses.GET, API_URL + "/v1/databases", json=DATABASES)

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"))

    assert outcome.failed
    assert "changed" not in outcome.result
    assert outcome.result["msg"] == HELD


def test_check_mode_says_a_project_that_holds_databases_would_be_kept(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.GET, API_URL + "/v1/databases", json=DATABASES)

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"), check_mode=True)

    assert outcome.failed and outcome.result["msg"] == HELD
    assert writes(api) == []


def test_check_mode_promises_the_delete_of_an_empty_project(api: responses.RequestsMock, run_module: RunModule) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": DATABASES["databases"][1:]})

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"), check_mode=True)

    assert outcome.result == {"changed": True, "project": ANALYTICS}
    assert writes(api) == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check-mode"])
def test_the_default_project_is_never_deleted(
    api: responses.RequestsMock, run_module: RunModule, check_mode: bool
) -> None:
    projects_are(api, DEFAULT, ANALYTICS)

    outcome = run_module(scalingo_project.main, args(name="default", state="absent"), check_mode=check_mode)

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == (
        "Project 'default' (pr-default) is the account's default project, which cannot be deleted: make another "
        "project the default first (default: true). Nothing was changed.")
    assert writes(api) == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check-mode"])
def test_the_default_flag_is_never_asked_off_the_default_project(
    api: responses.RequestsMock, run_module: RunModule, check_mode: bool
) -> None:
    projects_are(api, DEFAULT, ANALYTICS)

    outcome = run_module(scalingo_project.main, args(name="default", default=False), check_mode=check_mode)

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == (
        "Project 'default' (pr-default) is the account's default project, and the API cannot make it not the "
        "default: set default: true on the project that should be the default instead. Nothing was changed.")
    assert writes(api) == []


def test_a_delete_the_api_answers_with_its_own_404_changes_nothing(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    projects_are(api, DEFAULT, ANALYTICS)
    api.add(responses.DELETE, PROJECTS_URL + "/pr-analytics", json={"error": "project not found"}, status=404)

    outcome = run_module(scalingo_project.main, args(name="analytics", state="absent"))

    assert outcome.result == {"changed": False, "project": {}}


def test_a_create_whose_answer_was_lost_is_found_and_not_sent_twice(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT]})
    api.add(responses.POST, PROJECTS_URL, body="<html>ok</html>", status=201, content_type="text/html")
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT, ANALYTICS]})

    outcome = run_module(scalingo_project.main, args(name="analytics"))

    assert outcome.result == {"changed": True, "project": ANALYTICS}
    assert len(writes(api)) == 1


def test_a_create_the_list_then_shows_was_not_applied_says_nothing_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT]})
    api.add(responses.POST, PROJECTS_URL, json={"error": "gateway"}, status=502)

    outcome = run_module(scalingo_project.main, args(name="analytics", retries=0))

    assert outcome.failed and not outcome.result.get("changed")
    assert len(writes(api)) == 1


def test_a_lost_create_whose_check_fails_says_it_may_have_applied(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT]})
    api.add(responses.POST, PROJECTS_URL, json={"error": "gateway"}, status=502)
    api.add(responses.GET, PROJECTS_URL, json={"error": "internal"}, status=500)

    outcome = run_module(scalingo_project.main, args(name="analytics", retries=0))

    assert outcome.failed and outcome.result["changed"] is True
    assert "may have been applied" in outcome.result["msg"]
    assert len(writes(api)) == 1


def test_a_project_another_run_made_meanwhile_is_adopted(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT]})
    api.add(responses.POST, PROJECTS_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT, ANALYTICS]})

    outcome = run_module(scalingo_project.main, args(name="analytics"))

    assert outcome.result == {"changed": False, "project": ANALYTICS}


def test_two_runs_that_made_one_name_twice_say_so_and_how_to_clean_up(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    twin = {"id": "pr-twin", "name": "analytics", "default": False}
    expect_exchange(api)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT]})
    api.add(responses.POST, PROJECTS_URL, json={"project": ANALYTICS}, status=201)
    api.add(responses.GET, PROJECTS_URL, json={"projects": [DEFAULT, twin, ANALYTICS]})

    outcome = run_module(scalingo_project.main, args(name="analytics"))

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"] == (
        "Project 'analytics' was created (pr-analytics), and another run created a project of the same name at the "
        "same time (pr-twin): the name now names 2 projects, and every task naming it fails. Keep one: delete or "
        "rename the others in the Scalingo dashboard (a project that holds databases cannot be deleted; move them "
        "first).")
    assert outcome.result["project"] == ANALYTICS


@pytest.mark.parametrize("extra, message", [
    ({"name": " "}, "Option name must not be empty: give a value or leave it out."),
    ({"name": "x", "state": "absent", "default": True}, "Options new_name and default apply to state: present only."),
])
def test_wrong_input_is_refused_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, extra: dict[str, Any], message: str
) -> None:
    outcome = run_module(scalingo_project.main, args(**extra))

    assert outcome.failed
    assert outcome.result["msg"] == message
    assert len(api.calls) == 0
