# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connections a loop opens: in Ansible's worker its items share them, per API token; on a target they cannot."""

from __future__ import annotations

import base64
import json
from collections import defaultdict

import pytest

from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import DEFAULT_API_TOKEN, RunningSimulator

NAMES = ["orders-one", "orders-two", "orders-three", "orders-four"]
SECOND_API_TOKEN = "tk-us-simulator-second-000000000000"
PLAN = "postgresql-dr-starter-4096"


@pytest.fixture
def four_databases(simulator: RunningSimulator) -> RunningSimulator:
    for name in NAMES:
        simulator.app.add_database(name, plan=PLAN)
    return simulator


def credentials_on_each_connection(simulator: RunningSimulator) -> dict[int, set[str]]:
    """The credentials (an API token in the exchange, a bearer token after) each connection carried."""
    credentials: dict[int, set[str]] = defaultdict(set)
    for request in simulator.app.state.requests:
        credentials[request.connection].add(request.authorization or "")
    return credentials


def api_token_of(authorization: str) -> str:
    return base64.b64decode(authorization.split(" ", 1)[1]).decode().partition(":")[2]


@pytest.mark.parametrize("runs_in, connections", [(IN_WORKER, 1), (ON_TARGET, len(NAMES))])
def test_the_items_of_a_loop_share_one_connection_in_the_worker_only(
    four_databases: RunningSimulator, run_playbook: RunPlaybook, connections: int
) -> None:
    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN], "names": NAMES}))

    assert run.succeeded, run.output
    # On the connection the worker keeps open, or on one a process: see test_loops.py for what each sends.
    assert four_databases.connections.opened == connections
    assert {request.connection for request in four_databases.app.state.requests} == set(range(1, connections + 1))


@pytest.mark.parametrize("runs_in", [IN_WORKER])
def test_items_with_different_api_tokens_never_share_a_connection(
    four_databases: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    four_databases.app.state.api_tokens.add(SECOND_API_TOKEN)

    run = run_playbook("loop.yml", "-e", json.dumps({"tokens": [DEFAULT_API_TOKEN, SECOND_API_TOKEN], "names": NAMES}))

    assert run.succeeded, run.output
    exchanged = [api_token_of(request.authorization or "") for request in four_databases.app.state.requests
                 if request.path == "/v1/tokens/exchange"]
    assert sorted(exchanged) == sorted([DEFAULT_API_TOKEN, SECOND_API_TOKEN])
    # A connection carries one API token's exchange and its bearer token's lookups, never another's: two in all.
    for credentials in credentials_on_each_connection(four_databases).values():
        assert sorted(credential.split(" ")[0] for credential in credentials) == ["Basic", "Bearer"]
    assert four_databases.connections.opened == 2
