# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules converge through the real API's faults, create nothing twice, and fail clearly.

Every run also checks (in the run_playbook fixture) that no token reached the output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import RunPlaybook
from tests.simulator import Fault, RunningSimulator

NAME = "orders-production"
PLAN = "postgresql-dr-starter-4096"
LOOKUP = "/v1/databases/" + NAME
HTML_PAGE = "<!DOCTYPE html><html><head><title>{0}</title></head><body><h1>{0}</h1><p>nginx</p></body></html>"


def count(simulator: RunningSimulator, method: str, path: str) -> int:
    return len(simulator.app.requests_to(method, path))


def ensure(run_playbook: RunPlaybook, expect_changed: bool, **extra: Any) -> None:
    run = run_playbook("database.yml", db_name=NAME, db_plan=PLAN, expect_changed=str(expect_changed).lower(), **extra)
    assert run.succeeded, run.output


def ensure_fails(run_playbook: RunPlaybook, expected_message: str, **extra: Any) -> str:
    run = run_playbook("database_fails.yml", db_name=NAME, db_plan=PLAN, expected_message=expected_message, **extra)
    assert run.succeeded, run.output
    return run.output


def only_database(simulator: RunningSimulator) -> dict[str, Any]:
    [database] = simulator.app.databases()
    assert (database["name"], database["plan"]) == (NAME, PLAN)
    return database


# --- retries ------------------------------------------------------------------


def test_a_json_429_with_retry_after_is_waited_out(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=429, body={"error": "Too many requests"}, times=2, retry_after="1"))

    ensure(run_playbook, expect_changed=True)

    only_database(simulator)
    assert count(simulator, "GET", LOOKUP) == 3


def test_a_plain_text_429_without_retry_after_backs_off(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.inject(Fault("POST", "/v1/databases", status=429, body="Retry later"))

    ensure(run_playbook, expect_changed=True)

    only_database(simulator)
    assert count(simulator, "POST", "/v1/databases") == 2


@pytest.mark.parametrize("status", [502, 503, 504])
def test_html_gateway_errors_are_retried(simulator: RunningSimulator, run_playbook: RunPlaybook, status: int) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=status, body=HTML_PAGE.format(status), times=2, retry_after="0"))

    ensure(run_playbook, expect_changed=True)

    only_database(simulator)


def test_the_token_exchange_is_retried(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.inject(Fault("POST", "/v1/tokens/exchange", status=503, body=HTML_PAGE.format(503), retry_after="0"))
    simulator.app.inject(Fault("POST", "/v1/tokens/exchange", drop=True))

    ensure(run_playbook, expect_changed=True)

    only_database(simulator)
    assert count(simulator, "POST", "/v1/tokens/exchange") == 3


def test_a_lookup_that_times_out_is_retried(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=None, delay=2))

    ensure(run_playbook, expect_changed=True, db_timeout=1)

    only_database(simulator)


def test_when_retries_run_out_the_failure_names_the_last_status(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=503, body=HTML_PAGE.format(503), times=100, retry_after="0"))

    ensure_fails(
        run_playbook,
        "Scalingo API refused to look up database 'orders-production' (503): an HTML page instead of JSON "
        "(a proxy or gateway error) (gave up after 4 attempts over 0 seconds)",
        db_retries=3,
    )

    assert count(simulator, "GET", LOOKUP) == 4
    assert simulator.app.databases() == []


def test_other_client_errors_are_not_retried(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=403, body={"error": "Forbidden", "code": "forbidden"}, times=5))

    ensure_fails(run_playbook, "Scalingo API refused to look up database 'orders-production' (403): Forbidden")

    assert count(simulator, "GET", LOOKUP) == 1


# --- creating exactly once ------------------------------------------------------


@pytest.mark.parametrize(
    "lost_answer",
    [
        {"status": 502, "body": HTML_PAGE.format("502 Bad Gateway")},
        {"drop": True},
        {"status": 504, "delay": 2},
    ],
    ids=["502-after-apply", "dropped-after-apply", "timeout-after-apply"],
)
def test_a_create_whose_answer_is_lost_makes_one_database(
    simulator: RunningSimulator, run_playbook: RunPlaybook, lost_answer: dict[str, Any]
) -> None:
    simulator.app.inject(Fault("POST", "/v1/databases", apply_first=True, **lost_answer))

    ensure(run_playbook, expect_changed=True, db_timeout=1)

    only_database(simulator)
    assert count(simulator, "POST", "/v1/databases") == 1


def test_a_create_refused_by_a_gateway_before_the_api_is_sent_again(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.inject(Fault("POST", "/v1/databases", status=502, body=HTML_PAGE.format(502)))

    ensure(run_playbook, expect_changed=True)

    only_database(simulator)
    assert count(simulator, "POST", "/v1/databases") == 2


def test_a_database_created_by_someone_else_since_our_lookup_is_taken_as_is(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.add_database(NAME, plan=PLAN)
    # Our lookup runs just before another job's create lands.
    simulator.app.inject(Fault("GET", LOOKUP, status=404, body={"error": "Database not found"}))

    ensure(run_playbook, expect_changed=False)

    only_database(simulator)
    assert count(simulator, "POST", "/v1/databases") == 1


def test_ten_hosts_at_once_make_one_database(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[many]\n" + "".join("host%02d ansible_connection=local\n" % n for n in range(1, 11)))
    # Slow lookups: the hosts that look while the first create is on its way find no database, and race it.
    simulator.app.inject(Fault("GET", LOOKUP, status=None, delay=5, times=10))

    run = run_playbook("concurrent.yml", "-i", str(inventory), "-f", "10", db_name=NAME, db_plan=PLAN)

    assert run.succeeded, run.output
    changed = re.findall(r"^host\d\d\s+: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0", run.output, re.M)
    assert sorted(changed) == ["0"] * 9 + ["1"]
    only_database(simulator)
    assert count(simulator, "POST", "/v1/databases") > 1, "the hosts did not race"


# --- bad answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["not json at all", HTML_PAGE.format("Welcome"), "", {"databases": []}, ["a", "list"], {"database": ["a", "list"]}],
    ids=["text", "html", "empty", "no-database-key", "list", "database-is-a-list"],
)
def test_an_answer_of_an_unexpected_shape_fails_clearly(
    simulator: RunningSimulator, run_playbook: RunPlaybook, body: Any
) -> None:
    simulator.app.inject(Fault("GET", LOOKUP, status=200, body=body))

    ensure_fails(run_playbook, "Could not look up database 'orders-production' on Scalingo: unexpected answer")

    assert simulator.app.databases() == []


# --- security -------------------------------------------------------------------


def test_plain_http_to_a_remote_host_is_refused(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    ensure_fails(
        run_playbook,
        "Option api_url uses plain http:// to api.scalingo.invalid, which would send the API token unencrypted",
        db_api_url="http://api.scalingo.invalid",
    )

    assert simulator.app.state.requests == []


def test_turning_certificate_checks_off_warns(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    run = run_playbook("database.yml", db_name=NAME, db_plan=PLAN, expect_changed="true", db_validate_certs="false")

    assert run.succeeded, run.output
    # ansible-core before 2.19 wraps a warning at the terminal's width.
    assert "[WARNING]: validate_certs is false: the TLS certificates of the Scalingo API are not verified" in " ".join(
        run.output.split())
