# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from unittest import mock

import pytest
import responses
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.scalingo.cloud.plugins.module_utils import scalingo_client


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


@pytest.fixture
def run_module() -> Callable[..., ModuleOutcome]:
    """Run a module's main() with the given arguments and return how it ended."""

    def run(main: Callable[[], None], args: dict[str, Any], check_mode: bool = False, diff: bool = False) -> ModuleOutcome:
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

    return run


@pytest.fixture(autouse=True)
def private_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """Bearer tokens the modules cache go to a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the client asked for between retries; no unit test really waits."""
    waited: list[float] = []
    monkeypatch.setattr(scalingo_client, "_wait", waited.append)
    return waited


@pytest.fixture
def api() -> responses.RequestsMock:
    """Mocked HTTP for the client; any request not registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield mocked
