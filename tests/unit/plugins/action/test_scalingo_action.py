# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action that runs a module's logic in Ansible's worker when the task runs on the controller."""

from __future__ import annotations

import dataclasses
import os
from typing import Any
from unittest import mock

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database, scalingo_database_info
from ansible_collections.scalingo.cloud.plugins.plugin_utils import _action
from ansible_collections.scalingo.cloud.plugins.plugin_utils._action import (
    NormalAction,
    environment_of_task,
    run_in_worker,
    traceback_hint,
)
from tests.conftest import action_named
from tests.unit.conftest import run_main
from tests.unit.helpers import API_TOKEN, API_URL, BEARER_TOKEN, CONNECTION_ARGS, EXCHANGE_URL, basic_auth_header, expect_exchange

NAME = "orders-production"
ACTION = "scalingo.cloud.scalingo_database"
DATABASE_ACTION = action_named("scalingo_database")


def action(
    transport: str = "local", become: bool = False, async_val: int = 0, args: Any = None, delegate_to: Any = None
) -> Any:
    task = mock.Mock(
        args=args if args is not None else {"name": NAME}, async_val=async_val, check_mode=False, diff=True,
        resolved_action=ACTION, action="scalingo_database", environment=None, delegate_to=delegate_to,
    )
    connection = mock.Mock(transport=transport)
    play_context = mock.Mock(become=become, remote_addr="localhost")
    # Variables reach the action as they are written; the templar renders them (here: as they are).
    templar = mock.Mock(template=lambda value: value)
    return DATABASE_ACTION(task, connection, play_context, loader=mock.Mock(), templar=templar, shared_loader_obj=None)


def test_a_task_on_the_controller_runs_in_the_worker() -> None:
    assert action(transport="local")._reason_to_run_on_target({}) is None


@pytest.mark.parametrize(
    "settings, reason",
    [
        ({"transport": "ssh"}, "its connection is ssh, not local"),
        ({"transport": "scalingo_test_target"}, "its connection is scalingo_test_target, not local"),
        ({"become": True}, "it uses become"),
        ({"async_val": 30}, "it is async"),
    ],
    ids=["another host", "another connection", "become", "async"],
)
def test_any_other_task_runs_the_module_on_its_target(settings: dict[str, Any], reason: str) -> None:
    assert action(**settings)._reason_to_run_on_target({}) == reason


def test_without_requests_on_the_controller_the_module_runs_on_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_action, "HAS_REQUESTS", False)
    assert action()._reason_to_run_on_target({}) == "the controller's Python has no requests"


@pytest.mark.parametrize("value", [False, "false", "no", 0, "0"])
def test_the_switch_set_to_false_runs_the_module_as_a_module(value: Any) -> None:
    reason = action()._reason_to_run_on_target({"scalingo_run_on_controller": value})
    assert reason == "scalingo_run_on_controller is false"


@pytest.mark.parametrize("value", [True, "true", "yes", 1])
def test_the_switch_set_to_true_changes_nothing(value: Any) -> None:
    assert action()._reason_to_run_on_target({"scalingo_run_on_controller": value}) is None


def test_a_delegated_task_reads_the_switch_of_the_host_it_is_delegated_to() -> None:
    task_vars = {
        "scalingo_run_on_controller": True,
        "ansible_delegated_vars": {"localhost": {"scalingo_run_on_controller": False}},
    }
    assert action(delegate_to="localhost")._reason_to_run_on_target(task_vars) == "scalingo_run_on_controller is false"
    assert action()._reason_to_run_on_target(task_vars) is None


def test_a_switch_that_is_neither_true_nor_false_fails_the_task_before_anything_runs() -> None:
    with mock.patch.object(NormalAction, "run") as normal_run, mock.patch.object(_action, "run_in_worker") as in_worker:
        result = action().run(task_vars={"scalingo_run_on_controller": "sometimes"})
    assert result == {"failed": True, "msg": "scalingo_run_on_controller must be true or false, not 'sometimes'."}
    normal_run.assert_not_called()
    in_worker.assert_not_called()


def test_on_a_target_the_action_runs_the_module_as_ansible_does_and_says_why() -> None:
    with mock.patch.object(NormalAction, "run", return_value={"changed": False}) as normal_run, mock.patch.object(
        _action, "run_in_worker"
    ) as in_worker, mock.patch.object(_action.display, "vvv") as vvv:
        result = action(transport="ssh").run(task_vars={"x": 1})
    assert result == {"changed": False}
    normal_run.assert_called_once_with(None, {"x": 1})
    in_worker.assert_not_called()
    vvv.assert_called_once_with(
        ACTION + " runs as a module on its target: its connection is ssh, not local.", host="localhost"
    )


def test_on_the_controller_the_action_passes_the_task_to_the_worker_run_and_says_so() -> None:
    task_action = action(args={"name": NAME, "plan": "postgresql-dr-starter-4096"})
    task_action._compute_environment_string = lambda out: out.update(SCALINGO_REGION="osc-secnum-fr1")
    with mock.patch.object(NormalAction, "run") as normal_run, mock.patch.object(
        _action, "run_in_worker", return_value={"changed": True}
    ) as in_worker, mock.patch.object(_action.display, "vvv") as vvv:
        result = task_action.run(task_vars={})
    assert result == {"changed": True}
    normal_run.assert_not_called()
    in_worker.assert_called_once_with(
        scalingo_database.DECLARATION, ACTION, {"name": NAME, "plan": "postgresql-dr-starter-4096"},
        check_mode=False, diff=True, environment={"SCALINGO_REGION": "osc-secnum-fr1"},
    )
    vvv.assert_called_once_with(
        ACTION + " runs in Ansible's worker on the controller, without a module process "
        "(scalingo_run_on_controller: false runs it as a module).",
        host="localhost",
    )


def test_options_fall_back_to_the_task_environment(api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCALINGO_API_TOKEN", raising=False)
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    arguments = {name: value for name, value in CONNECTION_ARGS.items() if name != "api_token"}

    result = run_in_worker(
        scalingo_database_info.DECLARATION, ACTION + "_info", arguments, False, False, {"SCALINGO_API_TOKEN": API_TOKEN}
    )

    assert result["databases"] == [] and not result.get("failed"), result
    assert api.calls[0].request.headers["Authorization"] == basic_auth_header(API_TOKEN)
    assert api.calls[1].request.headers["Authorization"] == "Bearer " + BEARER_TOKEN
    assert "SCALINGO_API_TOKEN" not in os.environ


def test_the_task_environment_is_put_back_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALINGO_REGION", "osc-fr1")
    monkeypatch.delenv("SCALINGO_API_URL", raising=False)
    with environment_of_task({"SCALINGO_REGION": "osc-secnum-fr1", "SCALINGO_API_URL": 8080}):
        assert (os.environ["SCALINGO_REGION"], os.environ["SCALINGO_API_URL"]) == ("osc-secnum-fr1", "8080")
    assert os.environ["SCALINGO_REGION"] == "osc-fr1"
    assert "SCALINGO_API_URL" not in os.environ


@pytest.mark.parametrize(
    "arguments",
    [{"name": NAME, "colour": "blue"}, {"name": NAME, "state": "gone"}, {"name": NAME, "wait": "sometimes"}, {}],
    ids=["unknown option", "bad choice", "bad type", "missing name"],
)
def test_bad_options_fail_as_in_the_module_and_send_nothing(api: responses.RequestsMock, arguments: dict[str, Any]) -> None:
    arguments = dict(arguments, api_token=API_TOKEN)

    in_worker = run_in_worker(scalingo_database.DECLARATION, ACTION, arguments, False, False, {})
    in_module = run_main(scalingo_database.main, arguments)

    assert in_worker["failed"] is True and in_module.failed
    # The module names itself after _ansible_module_name, which only Ansible passes.
    assert in_worker["msg"] == in_module.result["msg"].replace("(basic.py)", "(%s)" % ACTION)
    assert API_TOKEN not in str(in_worker)
    assert len(api.calls) == 0


def test_the_api_token_never_leaves_in_the_result(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"error": "invalid token"}, status=401)

    result = run_in_worker(scalingo_database.DECLARATION, ACTION, dict(CONNECTION_ARGS, name=NAME), False, False, {})

    assert result["failed"] is True
    assert result["invocation"]["module_args"]["api_token"] != API_TOKEN
    assert API_TOKEN not in str(result)


def test_a_fault_of_the_module_fails_the_task_without_a_traceback_in_its_message() -> None:
    def broken(*arguments: Any) -> Any:
        raise KeyError("plan of " + API_TOKEN)

    declaration = dataclasses.replace(scalingo_database.DECLARATION, logic=broken)

    result = run_in_worker(declaration, ACTION, dict(CONNECTION_ARGS, name=NAME), False, False, {})

    assert result["failed"] is True
    assert result["msg"] == ACTION + " stopped on an unexpected KeyError; %s." % traceback_hint()
    assert "Traceback" in result["exception"]
    assert API_TOKEN not in str(result)


@pytest.mark.parametrize(
    "version, hint",
    [
        ("2.17.14", "run with -vvv to see the traceback"),
        ("2.18.0rc1", "run with -vvv to see the traceback"),
        ("2.19.14", "run with ANSIBLE_DISPLAY_TRACEBACK=error to see the traceback"),
        ("2.21.5", "run with ANSIBLE_DISPLAY_TRACEBACK=error to see the traceback"),
    ],
)
def test_the_traceback_hint_is_the_one_that_works_on_each_core(version: str, hint: str) -> None:
    assert traceback_hint(version) == hint


def test_an_until_retry_of_a_task_forgets_what_its_earlier_attempt_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    forgotten = []
    monkeypatch.setattr(_action, "forget_found", lambda: forgotten.append(True))
    monkeypatch.setattr(_action, "run_in_worker", lambda *args, **kwargs: {"changed": False})
    first = action()
    # ansible-core makes a new action for each attempt of an item, with the item's one task object.
    retry = DATABASE_ACTION(first._task, first._connection, first._play_context, loader=mock.Mock(),
                            templar=first._templar, shared_loader_obj=None)
    another_item = action()

    first.run(task_vars={})
    assert forgotten == []
    another_item.run(task_vars={})
    assert forgotten == []
    retry.run(task_vars={})
    assert forgotten == [True]
