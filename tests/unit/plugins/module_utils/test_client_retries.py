# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retries: what the client retries, how long it waits, and what it never sends twice."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._retries import RetryBudget
from tests.unit.helpers import API_URL, BEARER_TOKEN, EXCHANGE_URL, expect_exchange
from tests.unit.plugins.module_utils.test_client import connection_lost, connection_refused, make_client

LIST_URL = API_URL + "/v1/databases"
HTML_503 = "<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"


def urls(api: responses.RequestsMock) -> list[str]:
    return [call.request.method + " " + call.request.url for call in api.calls]


def test_a_429_is_retried_after_the_wait_the_server_asks(api: responses.RequestsMock, sleeps: list[float]) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"error": "rate limited"}, status=429, headers={"Retry-After": "3"})
    api.add(responses.GET, LIST_URL, json={"databases": []})

    assert make_client().get("/v1/databases") == {"databases": []}

    assert sleeps == [3.0]
    assert urls(api) == ["POST " + EXCHANGE_URL, "GET " + LIST_URL, "GET " + LIST_URL]


def test_a_retry_after_given_as_a_date_is_honoured(api: responses.RequestsMock, sleeps: list[float]) -> None:
    expect_exchange(api)
    moment = email.utils.formatdate(time.time() + 20, usegmt=True)
    api.add(responses.GET, LIST_URL, body="Retry later", status=429, headers={"Retry-After": moment})
    api.add(responses.GET, LIST_URL, json={"databases": []})

    make_client().get("/v1/databases")

    assert len(sleeps) == 1 and 15 <= sleeps[0] <= 20


def test_without_retry_after_waits_grow_exponentially_with_jitter(api: responses.RequestsMock, sleeps: list[float]) -> None:
    expect_exchange(api)
    for _attempt in range(4):
        api.add(responses.GET, LIST_URL, body="Retry later", status=429, content_type="text/plain")
    api.add(responses.GET, LIST_URL, json={"databases": []})

    make_client().get("/v1/databases")

    assert [(low <= wait <= high) for wait, (low, high) in zip(sleeps, [(0.5, 1), (1, 2), (2, 4), (4, 8)])] == [True] * 4


def test_waits_are_capped_at_thirty_seconds() -> None:
    budget = RetryBudget(retries=20, max_wait=10_000, rng=lambda: 1.0)
    delays = [budget.next_delay() for _attempt in range(10)]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30]


def test_the_default_budget_rides_out_a_one_minute_rate_limit_window() -> None:
    budget = make_client().retry_budget()
    budget._rng = lambda: 0.0  # the shortest waits jitter can give
    waited = 0.0
    while (delay := budget.next_delay()) is not None:
        waited += delay
    assert waited > 60


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_on_a_get_are_retried(api: responses.RequestsMock, status: int) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body=HTML_503, status=status, content_type="text/html")
    api.add(responses.GET, LIST_URL, json={"databases": []})

    assert make_client().get("/v1/databases") == {"databases": []}


@pytest.mark.parametrize("failure", [connection_refused(), requests.exceptions.ConnectTimeout(), requests.exceptions.ReadTimeout(), connection_lost()])
def test_transport_failures_on_a_get_are_retried(api: responses.RequestsMock, failure: Exception) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body=failure)
    api.add(responses.GET, LIST_URL, json={"databases": []})

    assert make_client().get("/v1/databases") == {"databases": []}


def test_the_token_exchange_is_retried(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, body=HTML_503, status=503, content_type="text/html")
    api.add(responses.POST, EXCHANGE_URL, body=connection_refused())
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": []})

    make_client().get("/v1/databases")

    assert urls(api) == ["POST " + EXCHANGE_URL] * 3 + ["GET " + LIST_URL]


def test_a_429_on_a_create_is_retried_since_nothing_was_applied(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.POST, LIST_URL, body="Retry later", status=429, content_type="text/plain")
    api.add(responses.POST, LIST_URL, json={"database": {}}, status=201)

    make_client().post("/v1/databases", {"database": {}})

    assert urls(api).count("POST " + LIST_URL) == 2


def test_a_refused_connection_on_a_create_is_retried_since_nothing_was_sent(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.POST, LIST_URL, body=connection_refused())
    api.add(responses.POST, LIST_URL, json={"database": {}}, status=201)

    make_client().post("/v1/databases", {"database": {}})

    assert urls(api).count("POST " + LIST_URL) == 2


@pytest.mark.parametrize(
    "failure, message",
    [
        ({"body": HTML_503, "status": 502, "content_type": "text/html"}, "an HTML page instead of JSON"),
        ({"json": {"error": "boom"}, "status": 500}, "boom"),
        ({"body": requests.exceptions.ReadTimeout()}, "no answer within 30 seconds"),
        ({"body": connection_lost()}, "the connection to https://api.test.invalid was lost before an answer came"),
    ],
)
def test_a_create_that_may_have_been_applied_is_not_sent_again(
    api: responses.RequestsMock, failure: dict[str, object], message: str
) -> None:
    expect_exchange(api)
    api.add(responses.POST, LIST_URL, **failure)  # type: ignore[arg-type]

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().post("/v1/databases", {"database": {}})

    assert raised.value.may_have_applied
    assert raised.value.message.startswith(message)
    assert urls(api).count("POST " + LIST_URL) == 1


@pytest.mark.parametrize("status", [400, 402, 403, 404, 409, 422, 500])
def test_other_errors_are_not_retried(api: responses.RequestsMock, status: int, sleeps: list[float]) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"error": "no"}, status=status)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert raised.value.status == status
    assert not raised.value.may_have_applied
    assert urls(api).count("GET " + LIST_URL) == 1
    assert sleeps == []


def test_a_certificate_failure_is_not_retried(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body=requests.exceptions.SSLError("bad certificate"))

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert raised.value.message == "the TLS certificate of https://api.test.invalid could not be verified"
    assert urls(api).count("GET " + LIST_URL) == 1


def test_when_the_budget_runs_out_the_error_names_the_last_status(api: responses.RequestsMock, sleeps: list[float]) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body=HTML_503, status=503, content_type="text/html")

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(retries=2).get("/v1/databases")

    assert raised.value.status == 503
    assert raised.value.message.startswith("an HTML page instead of JSON")
    assert "gave up after 3 attempts" in raised.value.message
    assert urls(api).count("GET " + LIST_URL) == 3
    assert len(sleeps) == 2


def test_a_connection_that_never_works_fails_clearly(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body=connection_refused())

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(retries=1).get("/v1/databases")

    assert raised.value.sentence("list databases").startswith(
        "Could not list databases on Scalingo: could not connect to https://api.test.invalid (gave up after 2 attempts over"
    )


@pytest.mark.parametrize(
    "api_url, shown",
    [
        ("https://user:secret@api.test.invalid:8443/base", "https://api.test.invalid:8443"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://api.test.invalid", "https://api.test.invalid"),
    ],
)
def test_a_connection_failure_names_host_and_port_but_no_credentials(
    api: responses.RequestsMock, api_url: str, shown: str
) -> None:
    expect_exchange(api)
    api.add(responses.GET, api_url + "/v1/databases", body=connection_refused())

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(api_url=api_url, retries=0).get("/v1/databases")

    assert raised.value.sentence("list databases").startswith(
        "Could not list databases on Scalingo: could not connect to %s (gave up" % shown
    )
    assert "secret" not in str(raised.value)


def test_a_wait_longer_than_the_budget_is_not_waited(api: responses.RequestsMock, sleeps: list[float]) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body="Retry later", status=429, headers={"Retry-After": "600"})

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(retry_max_wait=150).get("/v1/databases")

    assert raised.value.status == 429
    assert sleeps == []


def test_retries_zero_sends_once(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, body="Retry later", status=429)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(retries=0).get("/v1/databases")

    assert urls(api).count("GET " + LIST_URL) == 1
    assert raised.value.sentence("list databases").endswith("(gave up after 1 attempt over 0 seconds)")


def test_a_token_echoed_by_the_api_is_redacted(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"error": "bad bearer " + BEARER_TOKEN}, status=400)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert BEARER_TOKEN not in str(raised.value)
    assert raised.value.message == "bad bearer ********"
