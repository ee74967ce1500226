# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A secret a module returns is never displayed, at any verbosity, in any callback, on both paths; register gets it."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import ansible_runner.display_callback.callback as runner_callbacks
import pytest
import yaml

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT
from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import RunningSimulator

NAME = "orders-production"

# Each secret-returning use of a module: the task's options, and where its result holds the secret.
SECRET_RESULTS = {
    "generated password": ("scalingo_database_user", {"database": NAME, "name": "reporting"}, "result.password"),
    "reset password": (
        "scalingo_database_user", {"database": NAME, "name": "orders-app", "update_password": "always"},
        "result.password",
    ),
    "connection URL": ("scalingo_database_info", {"name": NAME, "include_url": True}, "result.databases[0].url"),
    "backup link": ("scalingo_database_backup", {"database": NAME, "download_url": True}, "result.download_url"),
}
# Every callback ansible-core ships that prints results, and the default one's JSON and YAML formats; the json
# callback of ansible.posix; and awx_display, with which AWX (through ansible-runner) records a job's events.
CALLBACKS = [
    {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"},
    {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"},
    {"ANSIBLE_STDOUT_CALLBACK": "minimal"},
    {"ANSIBLE_STDOUT_CALLBACK": "oneline"},
    {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"},
    {"ANSIBLE_STDOUT_CALLBACK": "awx_display", "ANSIBLE_CALLBACK_PLUGINS": os.path.dirname(runner_callbacks.__file__)},
]
CALLBACK_IDS = ["json", "yaml", "minimal", "oneline", "ansible.posix.json", "awx_display"]
THIRD_PARTY_COLLECTIONS = REPO_ROOT / "build" / "third-party-collections"


@pytest.fixture(scope="session")
def third_party_collections() -> Iterator[Path]:
    """ansible.posix, unpacked once for every test process (the first to get the lock does it)."""
    THIRD_PARTY_COLLECTIONS.parent.mkdir(parents=True, exist_ok=True)
    with open(str(THIRD_PARTY_COLLECTIONS) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["bash", str(REPO_ROOT / "scripts" / "third-party-collections.sh"), sys.executable,
                        str(THIRD_PARTY_COLLECTIONS)], check=True)
    yield THIRD_PARTY_COLLECTIONS


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def secrets_play(kept: Path) -> list[dict[str, Any]]:
    """A play that runs every secret-returning use of a module, then writes each registered secret to a file of
    ``kept`` (with no_log, as a user would)."""
    tasks: list[dict[str, Any]] = []
    for index, (module, options, secret) in enumerate(SECRET_RESULTS.values()):
        registered = "result_%d" % index
        tasks += [
            {"name": "The task %d" % index, "scalingo.cloud." + module: options, "register": registered},
            {"name": "Keep the secret %d" % index, "no_log": True, "ansible.builtin.copy": {
                "dest": str(kept / str(index)), "content": "{{ %s }}" % secret.replace("result", registered, 1),
                "mode": "0600"}},
        ]
    return [{"name": "Secrets", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def shown_anywhere(run_output: str, *written_to: Path) -> str:
    """What the run printed, and every file the callbacks wrote (the tree callback's, AWX's job events)."""
    written = [path.read_text() for folder in written_to for path in folder.rglob("*") if path.is_file()]
    return "\n".join([run_output] + written)


@pytest.mark.parametrize("callback", CALLBACKS, ids=CALLBACK_IDS)
def test_every_returned_secret_is_censored_in_every_output_and_registered(
    simulator: RunningSimulator, run_playbook: RunPlaybook, third_party_collections: Path, tmp_path: Path,
    callback: dict[str, str]
) -> None:
    # One run per callback and path carries every secret: each task's result is checked on its own below.
    simulator.app.add_database(NAME)
    # The backup is done at its first read: the run waits for nothing.
    simulator.app.state.backup_reads = 0
    simulator.app.add_user(NAME, "orders-app")
    kept, tree, events = tmp_path / "kept", tmp_path / "tree", tmp_path / "awx"
    kept.mkdir()
    events.mkdir()
    playbook = tmp_path / "secret.yml"
    playbook.write_text(yaml.safe_dump(secrets_play(kept)))

    run = run_playbook(playbook, "--diff", environment=dict(
        callback, ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree", ANSIBLE_CALLBACK_TREE_DIR=str(tree),
        ANSIBLE_COLLECTIONS_PATH="%s:%s" % (COLLECTIONS_ROOT, third_party_collections),
        AWX_ISOLATED_DATA_DIR=str(events)))

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    issued = simulator.app.secrets() + [record.url]
    shown = shown_anywhere(run.output, tree, events)
    for index, case in enumerate(SECRET_RESULTS):
        registered = (kept / str(index)).read_text()
        # The registered value is one the simulator handed out, and no output holds it.
        assert any(registered == value or value in registered for value in issued), case
        assert registered not in shown, case
    for value in issued:
        assert value not in shown
    if callback["ANSIBLE_STDOUT_CALLBACK"] != "oneline":
        # Each of the four tasks' results is shown censored, as are the four copies made with no_log.
        assert run.output.count("censored") >= 2 * len(SECRET_RESULTS), run.output
    if callback["ANSIBLE_STDOUT_CALLBACK"] == "awx_display":
        # The job events AWX stores, the tasks' results among them, censored.
        assert shown_anywhere("", events).count("'no_log: true' was specified for this result") >= 2 * len(SECRET_RESULTS)


def test_check_mode_and_diff_never_show_a_password(simulator: RunningSimulator, run_playbook: RunPlaybook,
                                                   tmp_path: Path) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_user(NAME, "orders-app")
    password = "given-" + "x" * 24
    kept = tmp_path / "diff.json"
    playbook = tmp_path / "check.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Check", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "A reset that would be", "scalingo.cloud.scalingo_database_user": {
            "database": NAME, "name": "orders-app", "update_password": "always", "password": password},
         "register": "result"},
        {"name": "Keep the diff", "ansible.builtin.copy": {"dest": str(kept), "content": "{{ result.diff | to_json }}"},
         "check_mode": False},
    ]}]))

    run = run_playbook(playbook, "--check", "--diff")

    assert run.succeeded, run.output
    assert password not in run.output
    diff = json.loads(kept.read_text())
    # The diff names the user and says its password changes; it holds no password, nor a key for one in the user.
    assert diff["after"] == {"user": diff["before"]["user"], "password": "(changed)"}
    assert diff["before"]["password"] == "(current)"
    assert "password" not in diff["after"]["user"]


def test_the_role_shows_each_user_by_name_and_never_a_password(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.add_database(NAME)
    given = "vault-given-" + "y" * 24
    entries = [{"name": NAME, "firewall_rules": [{"cidr": "203.0.113.0/24"}], "users": [
        {"name": "reporting", "read_only": True, "password": given},
        # An unset vault variable, as "{{ vault_pw | default(None) }}" gives it: the API generates the password.
        {"name": "orders-app", "password": None},
        {"name": "analytics"},
    ]}]
    playbook = tmp_path / "role.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Role", "hosts": "localhost", "gather_facts": False, "roles": [
        {"role": "scalingo.cloud.databases", "vars": {"scalingo_databases": entries}}]}]))

    run = run_playbook(playbook, "--diff")

    assert run.succeeded, run.output
    record = simulator.app.record(NAME)
    assert record.users["reporting"]["password"] == given
    assert given not in run.output
    # Generated passwords are in the simulator's secrets, which the fixture found nowhere in the output.
    assert {"orders-app", "analytics"} <= set(record.users)
    # The item a user's result shows is its database and name; a given password leaves the item's label shown.
    assert "(item=%s: reporting (present))" % NAME in run.output
    assert '"item": "%s/reporting"' % NAME in run.output
