# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from unittest import mock

import pytest
import responses
from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 has no helper: set the arguments AnsibleModule reads, as its tests did

    @contextlib.contextmanager
    def patch_module_args(args: dict[str, Any]) -> Iterator[None]:  # type: ignore[misc]
        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield

from ansible_collections.scalingo.cloud.plugins.module_utils import _client, _resources
from ansible_collections.scalingo.cloud.plugins.plugin_utils._action import run_in_worker
from tests.conftest import COLLECTION, action_named


@dataclass
class ModuleOutcome:
    failed: bool
    result: dict[str, Any]
    warnings: list[str]

    @property
    def text(self) -> str:
        return json.dumps(self.result)


class _ModuleExit(Exception):
    def __init__(self, failed: bool, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.failed = failed
        self.result = result


def _exit_json(self: basic.AnsibleModule, **result: Any) -> None:
    raise _ModuleExit(False, result)


def _fail_json(self: basic.AnsibleModule, msg: str, **result: Any) -> None:
    raise _ModuleExit(True, dict(result, msg=msg))


def run_main(main: Callable[[], None], args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> ModuleOutcome:
    """How a module's main() ends, in the module's own process on a target."""
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    warnings: list[str] = []

    def warn(self: basic.AnsibleModule, warning: str) -> None:
        warnings.append(warning)

    with patch_module_args(module_args), mock.patch.multiple(
        basic.AnsibleModule, exit_json=_exit_json, fail_json=_fail_json, warn=warn
    ):
        with pytest.raises(_ModuleExit) as raised:
            main()
    return ModuleOutcome(raised.value.failed, raised.value.result, warnings)


def run_worker(main: Callable[[], None], args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> ModuleOutcome:
    """How the same module ends when its action plugin runs it in Ansible's worker process."""
    name = main.__module__.rsplit(".", 1)[-1]
    declaration = action_named(name).declaration
    assert declaration is sys.modules[main.__module__].DECLARATION, "the action of %s runs another module" % name
    result = run_in_worker(declaration, "%s.%s" % (COLLECTION, name), args, check_mode, diff, environment={})
    assert set(result["invocation"]["module_args"]) == set(declaration.argument_spec())
    del result["invocation"]
    warnings = result.pop("warnings", [])
    return ModuleOutcome(result.pop("failed", False), result, warnings)


@pytest.fixture(params=[run_main, run_worker], ids=["module", "worker"])
def run_module(request: pytest.FixtureRequest) -> Callable[..., ModuleOutcome]:
    """Run a module with the given arguments and return how it ended: every module test runs both ways."""
    runner: Callable[..., ModuleOutcome] = request.param
    return runner


@pytest.fixture(autouse=True)
def private_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """Bearer tokens the modules cache go to a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def fresh_process() -> Any:
    """Each test starts as a new process would: no session nor token kept by an earlier test."""
    _client.forget_shared_state()
    _resources.forget_found()
    yield
    _client.forget_shared_state()
    _resources.forget_found()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the client asked for between retries; no unit test really waits."""
    waited: list[float] = []
    monkeypatch.setattr(_client, "_wait", waited.append)
    return waited


@pytest.fixture
def api() -> responses.RequestsMock:
    """Mocked HTTP for the client; any request not registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield mocked
