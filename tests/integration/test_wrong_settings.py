# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wrong settings and odd servers, met through playbooks: each is the right failure, and nothing is taken as absent."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import BearerTokenCache
from tests.conftest import REPO_ROOT
from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import DEFAULT_API_TOKEN, Fault, RunningSimulator
from tests.unit.plugins.module_utils.test_client_deadline import running_trickling_server

NAME = "orders-production"
LOOKUP = "/v1/databases/" + NAME


@pytest.fixture(params=[IN_WORKER, ON_TARGET])
def runs_in(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def playbook(tmp_path: Path, *tasks: dict[str, Any]) -> Path:
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump([{"name": "One task", "hosts": "localhost", "gather_facts": False, "tasks": list(tasks)}]))
    return path


def info_task(**options: Any) -> dict[str, Any]:
    return {"name": "Read", "scalingo.cloud.scalingo_database_info": options}


def test_an_auth_url_one_segment_too_deep_deletes_nothing_and_says_why(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.add_database("orders-staging")
    variables = {"scalingo_auth_url": simulator.url + "/v1"}

    run = run_playbook(REPO_ROOT / "examples" / "teardown.yml", "-e", json.dumps(variables))

    assert not run.succeeded
    assert "has no token exchange (404): check auth_url" in run.output
    assert "already gone" not in run.output
    assert [database["name"] for database in simulator.app.databases()] == ["orders-staging"]


def test_info_behind_a_wrong_api_url_prefix_fails_instead_of_finding_nothing(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.add_database(NAME)

    run = run_playbook(playbook(tmp_path, info_task(name=NAME, api_url=simulator.url + "/scalingo")))

    assert not run.succeeded
    assert "%s/scalingo%s answered 404 with a plain-text answer, not the Scalingo API's own answer: check api_url" % (
        simulator.url, LOOKUP) in run.output


def test_a_name_folded_with_a_line_break_is_refused_before_any_request(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    path = tmp_path / "folded.yml"
    path.write_text(
        "- name: A folded name\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - name: Ensure it\n      scalingo.cloud.scalingo_database:\n        name: >\n          abcdef\n"
        "        plan: postgresql-dr-starter-4096\n"
    )

    run = run_playbook(path)

    assert not run.succeeded
    assert "Database name 'abcdef\\\\n' is invalid" in run.output
    assert simulator.app.state.requests == []


def test_a_redirect_to_another_host_is_not_followed(
    simulator: RunningSimulator, other_simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    other_simulator.app.add_database(NAME)
    simulator.app.inject(Fault("GET", LOOKUP, status=302, headers={"Location": other_simulator.url + LOOKUP}))

    run = run_playbook(playbook(tmp_path, info_task(name=NAME)))

    assert not run.succeeded
    assert "answered 302, a redirect to %s; the Scalingo API does not redirect: check api_url" % other_simulator.url in (
        run.output)
    assert other_simulator.app.state.requests == []


def test_an_answer_trickling_past_the_timeout_fails_as_a_timeout(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=200, body={"database": None}, trickle=0.2))

    run = run_playbook(playbook(tmp_path, info_task(name=NAME, timeout=1, retries=0)))

    assert not run.succeeded
    assert "no answer within 1.0 seconds" in run.output


def test_a_list_whose_pagination_comes_back_fails(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    database = simulator.app.add_database(NAME)
    stuck = {"databases": [database], "meta": {"pagination": {"current_page": 1, "next_page": 1}}}
    simulator.app.inject(Fault("GET", "/v1/databases", status=200, body=stuck, times=5))

    run = run_playbook(playbook(tmp_path, info_task()))

    assert not run.succeeded
    assert "the pagination comes back to page 1, already read" in run.output


def test_a_netrc_file_does_not_replace_the_tokens(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password netrc-password-must-stay-home\n")
    netrc.chmod(0o600)
    simulator.app.add_database(NAME)

    run = run_playbook(playbook(tmp_path, info_task(name=NAME)), environment={"NETRC": str(netrc)})

    assert run.succeeded, run.output
    assert not any("netrc" in (request.authorization or "") for request in simulator.app.state.requests)
    assert all((request.authorization or "").startswith(("Basic", "Bearer")) for request in simulator.app.state.requests)


def test_a_cache_file_that_is_not_a_token_is_replaced(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    folder = tmp_path / "cache" / "scalingo.cloud"
    folder.mkdir(parents=True, mode=0o700)
    entry = folder / ("bearer-" + BearerTokenCache.key(DEFAULT_API_TOKEN, simulator.url))
    entry.write_bytes(b"\xff\xfe not a token \r\n")
    entry.chmod(0o600)
    simulator.app.add_database(NAME)

    run = run_playbook(playbook(tmp_path, info_task(name=NAME)))

    assert run.succeeded, run.output
    assert entry.read_text() == simulator.app.state.issued_bearer_tokens[-1]


def test_an_exchange_giving_a_token_with_a_line_break_fails_at_once(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    simulator.app.inject(Fault("POST", "/v1/tokens/exchange", status=200, body={"token": "eyJh.eyJl.c2ln\r\nX-Evil: 1"}))

    run = run_playbook(playbook(tmp_path, info_task(name=NAME)))

    assert not run.succeeded
    assert "unexpected answer: a token with characters no bearer token has" in run.output
    assert len(simulator.app.state.requests) == 1
    assert not (tmp_path / "cache" / "scalingo.cloud").exists() or not any((tmp_path / "cache" / "scalingo.cloud").iterdir())


@pytest.fixture
def other_simulator() -> Any:
    with RunningSimulator() as running:
        yield running


def test_an_option_of_the_wrong_type_is_named_as_a_module_names_it(
    simulator: RunningSimulator, run_task: Any
) -> None:
    # Ansible's own string types never reach the sentence: both paths say what a module process says.
    run = run_task("scalingo_database_user", {"database": "orders-production", "name": "reporting", "timeout": "abc"},
                   checks=("result is failed", "result.msg.startswith(\"argument 'timeout' is of type \")",
                           "result.msg.endswith(\"to float: <class 'str'> cannot be converted to a float\")",
                           "'ansible' not in result.msg | lower"))

    assert run.succeeded, run.output
    assert simulator.app.state.requests == []


@pytest.fixture
def trickling_server() -> Iterator[Any]:
    with running_trickling_server() as httpd:
        yield httpd


def test_headers_trickling_past_the_timeout_fail_as_a_timeout(
    trickling_server: Any, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    # A server (a real socket on loopback) that sends its headers a byte every 0.3 seconds: each read within the
    # timeout, the whole head far past it.
    trickling_server.RequestHandlerClass.pause = 0.3
    url = "http://127.0.0.1:%d" % trickling_server.server_address[1]

    started = time.monotonic()
    run = run_playbook(playbook(tmp_path, info_task(name=NAME, timeout=1, retries=0, api_url=url, auth_url=url,
                                                    token_cache=False)))

    assert not run.succeeded
    assert "no answer within 1.0 seconds" in run.output
    # The head alone takes about 25 seconds to trickle in; the run, Ansible's start included, ends well before.
    assert time.monotonic() - started < 15
