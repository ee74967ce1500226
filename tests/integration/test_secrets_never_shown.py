# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A secret a module returns is never displayed, at any verbosity, in any callback, on both paths; register gets it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

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
# Every callback ansible-core ships that prints results, and the default one's JSON and YAML formats.
CALLBACKS = [
    {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"},
    {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"},
    {"ANSIBLE_STDOUT_CALLBACK": "minimal"},
    {"ANSIBLE_STDOUT_CALLBACK": "oneline"},
]


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def secrets_play(module: str, options: dict[str, Any], secret: str, kept: Path) -> list[dict[str, Any]]:
    """A play that runs the module, then writes the registered secret to ``kept`` (with no_log, as a user would)."""
    return [{"name": "A secret", "hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "The task", "scalingo.cloud." + module: options, "register": "result"},
        {"name": "Keep the secret", "no_log": True,
         "ansible.builtin.copy": {"dest": str(kept), "content": "{{ %s }}" % secret, "mode": "0600"}},
    ]}]


def shown_anywhere(run_output: str, tree: Path) -> str:
    """What the run printed, and what the tree callback wrote."""
    written = [path.read_text() for path in tree.glob("*")] if tree.exists() else []
    return "\n".join([run_output] + written)


@pytest.mark.parametrize("case", list(SECRET_RESULTS))
@pytest.mark.parametrize("callback", CALLBACKS, ids=["json", "yaml", "minimal", "oneline"])
def test_a_returned_secret_is_censored_in_every_output_and_registered(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path, case: str, callback: dict[str, str]
) -> None:
    simulator.app.add_database(NAME)
    simulator.app.add_user(NAME, "orders-app")
    module, options, secret = SECRET_RESULTS[case]
    kept, tree = tmp_path / "kept", tmp_path / "tree"
    playbook = tmp_path / "secret.yml"
    playbook.write_text(yaml.safe_dump(secrets_play(module, options, secret, kept)))

    run = run_playbook(playbook, "--diff", environment=dict(
        callback, ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree", ANSIBLE_CALLBACK_TREE_DIR=str(tree)))

    assert run.succeeded, run.output
    registered = kept.read_text()
    record = simulator.app.record(NAME)
    issued = simulator.app.secrets() + [record.url]
    # The registered value is one the simulator handed out, and no output holds it.
    assert any(registered == value or value in registered for value in issued), case
    assert registered not in shown_anywhere(run.output, tree)
    for value in issued:
        assert value not in shown_anywhere(run.output, tree)
    assert "censored" in run.output or callback["ANSIBLE_STDOUT_CALLBACK"] == "oneline"


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
