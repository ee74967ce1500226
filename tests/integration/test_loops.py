# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a loop of scalingo_database sends: in Ansible's worker one list answers its items; on a target, one lookup each."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import DEFAULT_API_TOKEN, RunningSimulator

PLAN = "postgresql-dr-starter-4096"
EXISTING = ["orders-%02d" % number for number in range(8)]
NEW = ["billing-one", "billing-two"]
SECOND_API_TOKEN = "tk-us-simulator-second-000000000000"


def sent(simulator: RunningSimulator) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request in simulator.app.state.requests]


def lookup(name: str) -> tuple[str, str]:
    return ("GET", "/v1/databases/" + name)


LIST = ("GET", "/v1/databases")
CREATE = ("POST", "/v1/databases")
EXCHANGE = ("POST", "/v1/tokens/exchange")


@pytest.fixture
def existing(simulator: RunningSimulator) -> RunningSimulator:
    for name in EXISTING:
        simulator.app.add_database(name, plan=PLAN)
    return simulator


@pytest.mark.parametrize("runs_in", [IN_WORKER])
def test_a_loop_in_the_worker_reads_one_list_for_its_existing_databases(
    existing: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN], "names": EXISTING}))

    assert run.succeeded, run.output
    assert sent(existing) == [EXCHANGE, lookup(EXISTING[0]), LIST]
    assert "changed=0" in run.output


@pytest.mark.parametrize("runs_in", [ON_TARGET])
def test_a_loop_on_a_target_looks_each_database_up(existing: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN], "names": EXISTING}))

    assert run.succeeded, run.output
    assert sent(existing) == [EXCHANGE] + [lookup(name) for name in EXISTING]


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_every_create_of_a_loop_follows_a_lookup_by_name(existing: RunningSimulator, run_playbook: RunPlaybook) -> None:
    names = EXISTING[:3] + NEW + [NEW[0]]

    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN], "names": names}))

    assert run.succeeded, run.output
    requests = sent(existing)
    creates = [index for index, request in enumerate(requests) if request == CREATE]
    assert len(creates) == len(NEW)
    for index, name in zip(creates, NEW):
        assert requests[index - 1] == lookup(name)
    # One database of each new name, though the loop names the first twice.
    assert sorted(record.name for record in existing.app.state.databases.values() if record.name in NEW) == sorted(NEW)


@pytest.mark.parametrize("runs_in", [IN_WORKER])
def test_the_list_of_one_api_token_never_answers_for_another(
    existing: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    existing.app.state.api_tokens.add(SECOND_API_TOKEN)

    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN, SECOND_API_TOKEN], "names": EXISTING}))

    assert run.succeeded, run.output
    bearer_of_list = {request.authorization for request in existing.app.state.requests if request.path == LIST[1]
                      and request.method == "GET"}
    # Each token's items read their own list, with their own bearer token: two lists, two tokens.
    assert len(bearer_of_list) == 2
    assert sent(existing).count(LIST) == 2
