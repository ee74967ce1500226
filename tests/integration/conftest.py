# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run real ansible-playbook against the simulator, over HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
import yaml

from tests.conftest import COLLECTIONS_ROOT, MODULE_NAMES
from tests.simulator import DEFAULT_API_TOKEN, RunningSimulator

HERE = Path(__file__).resolve().parent
PLAYBOOKS = HERE / "playbooks"
# Where a module's logic runs: in Ansible's worker (a task on the controller), or in a process of its own on a
# target, here the controller reached through a connection that is not called local.
IN_WORKER = "worker"
ON_TARGET = "target"
TARGET_CONNECTION = "scalingo_test_target"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"


@dataclass
class PlaybookRun:
    returncode: int
    output: str

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0


RunPlaybook = Callable[..., PlaybookRun]


def sends_a_module(output: str) -> bool:
    """Whether the -vvv output of a run shows one of the collection's modules sent as a module (AnsiballZ) payload."""
    return any("AnsiballZ_%s.py" % name in output for name in MODULE_NAMES)


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    with RunningSimulator() as running:
        yield running


def ansible_environment(
    simulator: RunningSimulator, tmp_path: Path, api_token: Optional[str], collections_path: Path
) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("SCALINGO_", "ANSIBLE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_CONNECTION_PLUGINS=str(HERE / "connection_plugins"),
        ANSIBLE_INVENTORY=str(HERE / "inventory.ini"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        SCALINGO_API_URL=simulator.url,
        SCALINGO_AUTH_URL=simulator.url,
        SCALINGO_DATABASE_API_URL=simulator.database_api_url,
        # Each test caches bearer tokens in a folder of its own.
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    if api_token is not None:
        env["SCALINGO_API_TOKEN"] = api_token
    return env


@pytest.fixture
def runs_in() -> str:
    """Where the playbooks of a test run the modules' logic; test files may parametrize it."""
    return IN_WORKER


@pytest.fixture
def run_playbook(simulator: RunningSimulator, tmp_path: Path, runs_in: str) -> RunPlaybook:
    """Run a playbook (a path, or a name in tests/integration/playbooks) and check that no token reached its output.

    The collection comes from the working tree unless ``collections_path`` names another; ``environment`` adds to
    the environment of ansible-playbook. The modules' logic runs
    where ``runs_in`` says, and the -vvv output is checked for it (``sends_modules`` says otherwise, for tasks that
    run their module on the target wherever they are).
    """

    def run(
        playbook: str | Path,
        *options: str,
        api_token: Optional[str] = DEFAULT_API_TOKEN,
        collections_path: Path = COLLECTIONS_ROOT,
        sends_modules: Optional[bool] = None,
        environment: Optional[dict[str, str]] = None,
        **extra_vars: Any,
    ) -> PlaybookRun:
        command = [str(ANSIBLE_PLAYBOOK), str(PLAYBOOKS / playbook), "-vvv", *options]
        command += ["-e", "ansible_python_interpreter=%s" % sys.executable]
        if runs_in == ON_TARGET:
            command += ["-e", "ansible_connection=%s" % TARGET_CONNECTION]
        for name, value in extra_vars.items():
            command += ["-e", "%s=%s" % (name, value)]
        completed = subprocess.run(
            command,
            env=dict(ansible_environment(simulator, tmp_path, api_token, collections_path), **(environment or {})),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
        for secret in simulator.app.secrets() + ([api_token] if api_token else []):
            assert secret not in completed.stdout, "a token reached the output of %s" % playbook
        assert "Traceback" not in completed.stdout
        # -vvv names each module file Ansible sends to a target; the worker needs none.
        sent_a_module = sends_a_module(completed.stdout)
        if sends_modules is None:
            sends_modules = runs_in == ON_TARGET
        assert sent_a_module == sends_modules, "%s: modules sent to the target: %s" % (playbook, sent_a_module)
        return PlaybookRun(completed.returncode, completed.stdout)

    return run


@pytest.fixture
def run_task(run_playbook: RunPlaybook, tmp_path: Path) -> Any:
    """Run one task of a module of the collection, registered as ``result``, with the given checks on it."""

    def run(module: str, options: dict[str, Any], *options_of_run: str, checks: tuple[str, ...] = (),
            task: dict[str, Any] | None = None) -> PlaybookRun:
        tasks = [dict({"name": "The task", "scalingo.cloud." + module: options, "register": "result",
                       "ignore_errors": True}, **(task or {}))]
        if checks:
            tasks.append({"name": "Check the result", "ansible.builtin.assert": {"that": list(checks)}})
        path = tmp_path / "task.yml"
        path.write_text(yaml.safe_dump([{"name": "One task", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
        return run_playbook(path, *options_of_run)

    return run
