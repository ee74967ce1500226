# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
import requests
import responses
import urllib3
import yaml

from ansible_collections.scalingo.cloud.plugins.module_utils._client import COLLECTION_VERSION, ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._options import client_from_params
from tests.conftest import REPO_ROOT
from tests.unit.helpers import (
    API_TOKEN,
    API_URL,
    AUTH_URL,
    BEARER_TOKEN,
    EXCHANGE_URL,
    basic_auth_header,
    expect_exchange,
    json_body,
)


def connection_refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


def connection_lost() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError()))


def make_client(**overrides: object) -> ScalingoClient:
    settings = dict(api_token=API_TOKEN, api_url=API_URL, auth_url=AUTH_URL)
    settings.update(overrides)
    return ScalingoClient(**settings)  # type: ignore[arg-type]


def test_first_call_exchanges_the_api_token_with_basic_auth_and_an_empty_user(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})

    make_client().get("/v1/databases")

    exchange, call = api.calls
    assert exchange.request.method == "POST"
    assert exchange.request.url == EXCHANGE_URL
    assert exchange.request.headers["Authorization"] == basic_auth_header(API_TOKEN)
    assert json_body(exchange) == {}
    assert call.request.method == "GET"
    assert call.request.url == API_URL + "/v1/databases"
    assert call.request.headers["Authorization"] == "Bearer " + BEARER_TOKEN
    assert call.request.headers["Accept"] == "application/json"
    assert call.request.headers["Content-Type"] == "application/json"
    assert call.request.headers["User-Agent"] == "scalingo.cloud/" + COLLECTION_VERSION


def test_building_a_client_sends_nothing(api: responses.RequestsMock) -> None:
    make_client()
    assert len(api.calls) == 0


def test_the_bearer_token_is_exchanged_once_for_many_calls(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    client = make_client()

    client.get("/v1/databases")
    client.get("/v1/databases")

    assert [call.request.url for call in api.calls] == [EXCHANGE_URL, API_URL + "/v1/databases", API_URL + "/v1/databases"]


def test_post_sends_the_body_as_json(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.POST, API_URL + "/v1/databases", json={"database": {"name": "abcdef"}}, status=201)

    answer = make_client().post("/v1/databases", {"database": {"name": "abcdef"}})

    assert answer == {"database": {"name": "abcdef"}}
    assert json_body(api.calls[1]) == {"database": {"name": "abcdef"}}


def test_a_401_on_an_api_call_exchanges_again_and_retries_once(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"token": "first-bearer"})
    api.add(responses.POST, EXCHANGE_URL, json={"token": "second-bearer"})
    api.add(responses.GET, API_URL + "/v1/databases", json={"error": "expired"}, status=401)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})

    assert make_client().get("/v1/databases") == {"databases": []}

    sent = [(call.request.method, call.request.url, call.request.headers["Authorization"]) for call in api.calls]
    assert sent == [
        ("POST", EXCHANGE_URL, basic_auth_header(API_TOKEN)),
        ("GET", API_URL + "/v1/databases", "Bearer first-bearer"),
        ("POST", EXCHANGE_URL, basic_auth_header(API_TOKEN)),
        ("GET", API_URL + "/v1/databases", "Bearer second-bearer"),
    ]


def test_a_second_401_fails_without_a_third_try(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"error": "You are not authorized"}, status=401)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert raised.value.status == 401
    assert raised.value.message == "You are not authorized"
    assert len(api.calls) == 4


def test_a_refused_api_token_fails_without_naming_it(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"error": "invalid token " + API_TOKEN}, status=401)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert raised.value.status == 401
    assert raised.value.path == "/v1/tokens/exchange"
    assert "API token was refused" in str(raised.value)
    assert API_TOKEN not in str(raised.value)
    assert len(api.calls) == 1


def test_an_exchange_answer_without_token_is_an_error(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"something": "else"})

    with pytest.raises(ScalingoAPIError, match="no token"):
        make_client().get("/v1/databases")


@pytest.mark.parametrize(
    "status, body, content_type, message",
    [
        (404, '{"error": "Database not found"}', "application/json", "Database not found"),
        (
            422,
            '{"errors": {"name": ["has already been taken"], "plan": ["can\'t be blank", "is invalid"]}}',
            "application/json",
            "name has already been taken; plan can't be blank, is invalid",
        ),
        (503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html", "an HTML page instead of JSON"),
        (429, "Retry later", "text/plain", "Retry later"),
        (500, "", "text/plain", "empty answer"),
        (400, '["a", "list"]', "application/json", "unexpected answer: JSON without an error message"),
    ],
)
def test_errors_carry_method_path_status_and_the_apis_message(
    api: responses.RequestsMock, status: int, body: str, content_type: str, message: str
) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/abcdef", body=body, status=status, content_type=content_type)

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases/abcdef")

    error = raised.value
    assert (error.method, error.path, error.status) == ("GET", "/v1/databases/abcdef", status)
    assert error.message.startswith(message)


def test_error_sentence_names_the_action_status_and_message() -> None:
    error = ScalingoAPIError("POST", "/v1/databases", 422, "name has already been taken")
    assert error.sentence("create database 'x'") == (
        "Scalingo API refused to create database 'x' (422): name has already been taken"
    )


def test_a_long_text_answer_is_cut_short(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", body="x" * 5000, status=400, content_type="text/plain")

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/databases")

    assert raised.value.message == "x" * 200 + "..."


def test_a_success_that_is_not_json_is_an_error(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", body="<html>hello</html>", status=200, content_type="text/html")

    with pytest.raises(ScalingoAPIError, match="not JSON"):
        make_client().get("/v1/databases")


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_a_write_answered_2xx_but_not_json_may_have_applied(api: responses.RequestsMock, method: str) -> None:
    expect_exchange(api)
    api.add(method, API_URL + "/v1/projects", body="<html>ok</html>", status=200, content_type="text/html")

    with pytest.raises(ScalingoAPIError, match="not JSON") as raised:
        make_client().request(method, "/v1/projects", body={})

    assert raised.value.may_have_applied


def test_a_read_answered_2xx_but_not_json_changed_nothing(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/projects", body="<html>ok</html>", status=200, content_type="text/html")

    with pytest.raises(ScalingoAPIError) as raised:
        make_client().get("/v1/projects")

    assert not raised.value.may_have_applied


def test_the_host_in_a_connection_error_drops_credentials_from_the_url(api: responses.RequestsMock) -> None:
    api.add(responses.POST, "https://user:secret@auth.test.invalid/v1/tokens/exchange", body=connection_refused())

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(auth_url="https://user:secret@auth.test.invalid").get("/v1/databases")

    assert "secret" not in str(raised.value)


def test_timeout_and_certificate_checks_are_passed_to_requests(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CA bundle in the environment must not turn certificate checks back on.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})

    make_client(timeout=7.5, validate_certs=False).get("/v1/databases")

    assert all(call.request.req_kwargs["timeout"] == 7.5 for call in api.calls)
    assert all(call.request.req_kwargs["verify"] is False for call in api.calls)


@pytest.mark.parametrize(
    "params, api_url",
    [
        ({"region": "osc-fr1", "api_url": None}, "https://api.osc-fr1.scalingo.com"),
        ({"region": "osc-secnum-fr1", "api_url": None}, "https://api.osc-secnum-fr1.scalingo.com"),
        ({"region": "osc-fr1", "api_url": "http://127.0.0.1:8000/"}, "http://127.0.0.1:8000"),
    ],
)
def test_the_api_url_comes_from_the_region_unless_given(params: dict[str, object], api_url: str) -> None:
    settings = dict(
        api_token=API_TOKEN, auth_url=AUTH_URL, validate_certs=True, timeout=30.0, retries=8, retry_max_wait=150.0,
        token_cache=True, database_api_url=None, database_api="auto", **params
    )
    assert client_from_params(settings).api_url == api_url


def test_the_version_in_the_user_agent_is_the_collections() -> None:
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    assert COLLECTION_VERSION == galaxy["version"]


# --- what clients of one process share: a loop's items in Ansible's worker ------------------------------


def test_clients_with_the_same_settings_share_a_session_and_a_bearer(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    first, second = make_client(), make_client()

    first.get("/v1/databases")
    second.get("/v1/databases")

    assert first._session is second._session
    assert [call.request.url for call in api.calls] == [EXCHANGE_URL] + [API_URL + "/v1/databases"] * 2


@pytest.mark.parametrize(
    "other",
    [{"api_token": "tk-us-another-token"}, {"validate_certs": False}, {"api_url": "https://api.elsewhere.invalid"}],
    ids=["another token", "other certificate checks", "another api"],
)
def test_clients_of_other_tokens_or_settings_share_nothing(api: responses.RequestsMock, other: dict[str, object]) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"token": "bearer-one"})
    api.add(responses.POST, EXCHANGE_URL, json={"token": "bearer-two"})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    api.add(responses.GET, "https://api.elsewhere.invalid/v1/databases", json={"databases": []})
    first, second = make_client(), make_client(**other)

    first.get("/v1/databases")
    second.get("/v1/databases")

    assert first._session is not second._session
    exchanges = [call for call in api.calls if call.request.url == EXCHANGE_URL]
    if "api_token" in other:
        assert len(exchanges) == 2
        assert api.calls[-1].request.headers["Authorization"] == "Bearer bearer-two"


def test_a_refused_shared_bearer_is_forgotten_by_the_next_client(api: responses.RequestsMock) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"token": "bearer-one"})
    api.add(responses.POST, EXCHANGE_URL, json={"token": "bearer-two"})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    api.add(responses.GET, API_URL + "/v1/databases", json={"error": "expired"}, status=401)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    make_client().get("/v1/databases")
    make_client().get("/v1/databases")

    make_client().get("/v1/databases")

    assert api.calls[-1].request.headers["Authorization"] == "Bearer bearer-two"
