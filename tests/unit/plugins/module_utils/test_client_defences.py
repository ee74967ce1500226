# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the client does with answers and settings that are not the API's: each is the right failure."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils import _client
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    delete_database,
    find_database,
    list_databases,
)
from tests.unit.helpers import API_URL, BEARER_TOKEN, EXCHANGE_URL, expect_exchange
from tests.unit.plugins.module_utils.test_client import make_client

LOOKUP = API_URL + "/v1/databases/orders-production"
DATABASE = {"id": "db-1", "name": "orders-production", "project_id": "pr-1", "technology": "postgresql-ng", "plan": "p"}


# --- a 404 means "absent" only when the API says so ------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"error": "Database not found"}, {"resource": "app", "error": "not found"}],
    ids=["database", "generic"],
)
def test_the_apis_own_404_means_absent(api: responses.RequestsMock, body: dict[str, str]) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, json=body, status=404)

    assert find_database(make_client(), "orders-production") is None


@pytest.mark.parametrize(
    "body, content_type, described",
    [
        ("404 page not found\n", "text/plain", "a plain-text answer"),
        ("<html><body><h1>Not Found</h1></body></html>", "text/html", "an HTML page"),
        ('{"message": "no Route matched with those values"}', "application/json", "JSON that is not the API's error"),
        ('["not", "found"]', "application/json", "JSON that is not the API's error"),
        ("", "text/plain", "an empty answer"),
    ],
    ids=["plain text", "html", "json of another shape", "json list", "empty"],
)
def test_a_404_that_is_not_the_apis_fails_and_names_the_url(
    api: responses.RequestsMock, body: str, content_type: str, described: str
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, body=body, status=404, content_type=content_type)

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(), "orders-production")

    assert not raised.value.is_not_found
    assert raised.value.message == (
        "%s answered 404 with %s, not the Scalingo API's own answer: check api_url" % (LOOKUP, described)
    )


def test_a_404_from_the_token_exchange_is_an_authentication_set_up_failure(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"error": "not found"}, status=404)

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(), "orders-production")

    assert not raised.value.is_not_found
    assert raised.value.message == (
        "%s has no token exchange (404): check auth_url, usually https://auth.scalingo.com" % EXCHANGE_URL
    )
    assert len(api.calls) == 1


def test_a_404_on_delete_that_is_not_the_apis_is_not_already_gone(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.DELETE, API_URL + "/v1/apps/db-1", body="404 page not found", status=404)

    with pytest.raises(ScalingoAPIError, match="answered 404 with a plain-text answer"):
        delete_database(make_client(), DATABASE)


def test_an_api_behind_a_path_prefix_keeps_its_prefix(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, "https://proxy.test.invalid/scalingo/v1/databases/orders-production", json={"database": DATABASE})

    found = find_database(make_client(api_url="https://proxy.test.invalid/scalingo/"), "orders-production")

    assert found == DATABASE


# --- secrets are redacted before anything is cut ---------------------------------------------------


def test_a_token_at_the_cut_of_a_long_answer_leaves_no_piece_behind(api: responses.RequestsMock) -> None:
    bearer = "eyJhbGciOiJIUzI1NiJ9." + "a" * 60 + "." + "b" * 65
    expect_exchange(api, token=bearer)
    api.add(responses.GET, LOOKUP, body="x" * 69 + " " + bearer, status=500, content_type="text/plain")

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(retries=0), "orders-production")

    message = str(raised.value)
    assert "********" in message
    assert not any(bearer[start:start + 8] in message for start in range(len(bearer) - 8))


def test_a_piece_of_a_token_echoed_alone_is_redacted(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, json={"error": "bad header: Bearer " + BEARER_TOKEN[:12]}, status=400)

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(), "orders-production")

    assert BEARER_TOKEN[:12] not in str(raised.value)


# --- ~/.netrc never replaces the bearer ------------------------------------------------------------


def test_a_netrc_file_is_never_used(api: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("default login someone password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, json={"database": DATABASE})

    find_database(make_client(), "orders-production")

    exchange, lookup = api.calls
    assert lookup.request.headers["Authorization"] == "Bearer " + BEARER_TOKEN
    assert "netrc" not in exchange.request.headers["Authorization"]


# --- mistakes that can never succeed fail at once ----------------------------------------------------


@pytest.mark.parametrize(
    "raised, said",
    [
        (requests.exceptions.TooManyRedirects("Exceeded 30 redirects."), "too many redirects at %s: check api_url" % LOOKUP),
        (
            requests.exceptions.InvalidHeader("Invalid return character in header: 'Bearer x\\r\\n'"),
            "a header HTTP cannot carry, a token with a space or a line break in it",
        ),
        (requests.exceptions.InvalidURL("Failed to parse"), "a URL requests cannot use, %s: check api_url" % LOOKUP),
        (requests.exceptions.InvalidSchema("No connection adapters"), "a URL requests cannot use, %s: check api_url" % LOOKUP),
    ],
    ids=["redirects", "header", "url", "schema"],
)
def test_a_request_that_can_never_succeed_is_not_retried(
    api: responses.RequestsMock, sleeps: list[float], raised: Exception, said: str
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, body=raised)

    with pytest.raises(ScalingoAPIError) as failure:
        find_database(make_client(), "orders-production")

    assert failure.value.message == said
    assert sleeps == []
    assert len(api.calls) == 2


def test_a_token_exchange_that_can_never_succeed_names_auth_url(api: responses.RequestsMock, sleeps: list[float]) -> None:
    api.add(responses.POST, EXCHANGE_URL, body=requests.exceptions.InvalidURL("Failed to parse"))

    with pytest.raises(ScalingoAPIError, match="check auth_url"):
        find_database(make_client(), "orders-production")

    assert sleeps == []


# --- redirects ------------------------------------------------------------------------------------


def test_a_redirect_to_another_host_fails_and_names_where_it_pointed(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, status=302, headers={"Location": "https://user:pw@elsewhere.test.invalid/x?token=1"})
    api.add(responses.GET, "https://elsewhere.test.invalid/x", json={"database": DATABASE})

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(), "orders-production")

    assert raised.value.message == (
        "answered 302, a redirect to https://elsewhere.test.invalid; the Scalingo API does not redirect: check api_url"
    )
    assert "pw" not in str(raised.value) and "token=1" not in str(raised.value)
    assert len(api.calls) == 2


def test_a_redirect_of_the_token_exchange_is_refused_too(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, status=307, headers={"Location": "https://elsewhere.test.invalid/steal"})

    with pytest.raises(ScalingoAPIError, match="a redirect to https://elsewhere.test.invalid; .* check auth_url"):
        find_database(make_client(), "orders-production")

    assert len(api.calls) == 1


# --- pagination -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pages",
    [
        [{"current_page": 1, "next_page": 1}],
        [{"current_page": 1, "next_page": 2}, {"current_page": 2, "next_page": 1}],
    ],
    ids=["stuck", "back to a page seen"],
)
def test_pagination_that_does_not_advance_fails_clearly(api: responses.RequestsMock, pages: list[dict[str, int]]) -> None:
    expect_exchange(api)
    for pagination in pages:
        api.add(
            responses.GET, API_URL + "/v1/databases",
            json={"databases": [DATABASE], "meta": {"pagination": pagination}},
        )

    with pytest.raises(ScalingoAPIError) as raised:
        list_databases(make_client())

    assert raised.value.message == "unexpected answer: the pagination comes back to page 1, already read"
    assert len(api.calls) == 1 + len(pages)


def test_pagination_that_advances_is_followed(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    second = dict(DATABASE, id="db-2", name="orders-staging")
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": [DATABASE], "meta": {"pagination": {"next_page": 2}}},
            match=[responses.matchers.query_param_matcher({})])
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": [second], "meta": {"pagination": {"next_page": None}}},
            match=[responses.matchers.query_param_matcher({"page": "2"})])

    assert [database["name"] for database in list_databases(make_client())] == ["orders-production", "orders-staging"]


# --- timeout bounds the whole answer ----------------------------------------------------------------


class Clock:
    """Seconds that pass only when the client reads a piece of an answer."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class OneByteASecond(io.RawIOBase):
    """A server that sends its answer one byte a second."""

    def __init__(self, content: bytes, clock: Clock) -> None:
        super().__init__()
        self.content = content
        self.clock = clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.content:
            return 0
        self.clock.now += 1
        buffer[0], self.content = self.content[0], self.content[1:]
        return 1


def test_timeout_bounds_the_whole_answer_not_each_read(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    clock = Clock()
    monkeypatch.setattr(_client, "_now", clock)
    expect_exchange(api)
    trickle = io.BufferedReader(OneByteASecond(b'{"database": {"name": "orders-production"}}', clock))
    api.add(responses.GET, LOOKUP, body=trickle)  # type: ignore[arg-type]

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(timeout=2, retries=0), "orders-production")

    assert raised.value.message == "no answer within 2 seconds (gave up after 1 attempt over 0 seconds)"
    assert clock.now - 1000 <= 4


def test_an_answer_within_the_timeout_is_read_whole(api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(_client, "_now", clock)
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, json={"database": DATABASE})

    assert find_database(make_client(timeout=2, retries=0), "orders-production") == DATABASE


def test_an_answer_larger_than_the_cap_fails_without_being_read_whole(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_client, "MAX_ANSWER_BYTES", 2 * 1024 * 1024)
    expect_exchange(api)
    api.add(responses.GET, LOOKUP, body=b"x" * 3 * 1024 * 1024)

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(make_client(), "orders-production")

    assert raised.value.message == "the answer was larger than 2 MiB, more than any of the Scalingo API's: check api_url"
    assert not raised.value.may_have_applied
