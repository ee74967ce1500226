# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where the Database API's calls go: the three layouts, how auto finds the one that serves, and what it remembers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import urllib3

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient, forget_shared_state
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import BearerTokenCache
from tests.unit.helpers import API_TOKEN, API_URL, AUTH_URL, BEARER_TOKEN, expect_exchange
from tests.unit.plugins.modules.test_scalingo_database_firewall import ADDON_TOKEN

DB_API = "https://db-api.test.invalid"
APP_ID = "54100930736f7563d5030000"
TOKEN_URL = API_URL + "/v1/apps/%s/addons/ad-1/token" % APP_ID
RULES = "/databases/ad-1/firewall_rules"
# The same call in each layout.
MAIN_API_RULES = API_URL + "/api" + RULES
MAIN_RULES = API_URL + "/v1" + RULES
LEGACY_RULES = DB_API + "/api" + RULES
NO_ROUTE = {"body": "404 page not found\n", "status": 404, "content_type": "text/plain"}


def client(layout: str = "auto", cache: Any = None) -> ScalingoClient:
    return ScalingoClient(API_TOKEN, API_URL, auth_url=AUTH_URL, database_api_url=DB_API, database_api_layout=layout,
                          token_cache=cache)


def rules(layout: str = "auto", cache: Any = None) -> Any:
    return client(layout, cache).database_api(APP_ID, "ad-1").get(RULES)


def sent(api: responses.RequestsMock) -> list[tuple[str, str, str]]:
    return [(call.request.method, call.request.url, call.request.headers.get("Authorization", "")) for call in api.calls]


def refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


def test_auto_uses_the_main_api_host_with_the_bearer_token_and_asks_no_addon_token(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, json={"rules": []})

    assert rules() == {"rules": []}
    assert sent(api)[1:] == [("GET", MAIN_API_RULES, "Bearer " + BEARER_TOKEN)]


def test_auto_passes_a_layout_over_on_a_plain_text_404_and_remembers_the_one_that_served(
    api: responses.RequestsMock,
) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, json={"rules": []})

    rules()
    rules()

    assert [url for _method, url, _auth in sent(api)[1:]] == [MAIN_API_RULES, MAIN_RULES, MAIN_RULES]


def test_auto_falls_back_to_the_legacy_host_and_its_addon_token_last(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, **NO_ROUTE)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, LEGACY_RULES, json={"rules": []})

    assert rules() == {"rules": []}
    assert sent(api)[1:] == [
        ("GET", MAIN_API_RULES, "Bearer " + BEARER_TOKEN),
        ("GET", MAIN_RULES, "Bearer " + BEARER_TOKEN),
        ("POST", TOKEN_URL, "Bearer " + BEARER_TOKEN),
        ("GET", LEGACY_RULES, "Bearer " + ADDON_TOKEN),
    ]


def test_a_host_that_refuses_connections_is_passed_over_at_once(
    api: responses.RequestsMock, sleeps: list[float]
) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, body=refused())
    api.add(responses.GET, MAIN_RULES, json={"rules": []})

    assert rules() == {"rules": []}
    assert sleeps == []


@pytest.mark.parametrize("answer", [
    {"json": {"error": "You are not authorized to do this operation"}, "status": 403},
    {"json": {"errors": {"cidr": ["is invalid"]}}, "status": 422},
])
def test_the_apis_own_errors_are_never_a_reason_to_try_another_layout(
    api: responses.RequestsMock, answer: dict[str, Any]
) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **answer)

    with pytest.raises(ScalingoAPIError) as raised:
        rules()

    assert raised.value.status == answer["status"]
    assert [url for _method, url, _auth in sent(api)[1:]] == [MAIN_API_RULES]


def test_a_404_to_a_sub_path_is_final_once_the_layout_serves_the_database(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, json={"error": "firewall rule not found"}, status=404)
    api.add(responses.GET, API_URL + "/api/databases/ad-1", json={"database": {"id": "d", "status": "running"}})

    with pytest.raises(ScalingoAPIError) as raised:
        rules()

    assert raised.value.is_not_found
    assert [url for _method, url, _auth in sent(api)[1:]] == [MAIN_API_RULES, API_URL + "/api/databases/ad-1"]


def test_the_main_apis_json_404_to_a_sub_path_proves_nothing_and_is_never_remembered(
    api: responses.RequestsMock, tmp_path: Any
) -> None:
    # A region whose Database API is on its own host only: the main API answers its JSON 404 to /v1/databases/...
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, json={"error": "not found"}, status=404)
    api.add(responses.GET, API_URL + "/v1/databases/ad-1", json={"resource": "app", "error": "not found"}, status=404)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, LEGACY_RULES, json={"rules": []})

    assert rules() == {"rules": []}
    # The layout remembered is the one that answered, never the one whose 404 could not tell.
    assert client().database_api_candidates() == ("legacy",)


def test_when_no_layout_exists_the_failure_says_so_and_names_no_resource_as_absent(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, **NO_ROUTE)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, LEGACY_RULES, **NO_ROUTE)

    with pytest.raises(ScalingoAPIError) as raised:
        rules()

    assert not raised.value.is_not_found and raised.value.no_such_route
    assert "check database_api_url" in raised.value.message


def test_under_v1_the_apis_404_on_the_database_route_may_be_the_main_apis_lookup_so_the_next_layout_is_asked(
    api: responses.RequestsMock,
) -> None:
    # /v1/databases/{x} is also the main API's lookup by ID or name, which answers its own 404 to an addon ID.
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/api/databases/ad-1", **NO_ROUTE)
    api.add(responses.GET, API_URL + "/v1/databases/ad-1", json={"error": "Database not found"}, status=404)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, DB_API + "/api/databases/ad-1", json={"database": {"id": "d", "status": "running"}})

    answer = client().database_api(APP_ID, "ad-1").get("/databases/ad-1")

    assert answer == {"database": {"id": "d", "status": "running"}}


def test_under_v1_that_404_stands_when_no_later_layout_exists(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/api/databases/ad-1", **NO_ROUTE)
    api.add(responses.GET, API_URL + "/v1/databases/ad-1", json={"error": "database not found"}, status=404)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, DB_API + "/api/databases/ad-1", body=refused())

    with pytest.raises(ScalingoAPIError) as raised:
        client().database_api(APP_ID, "ad-1").get("/databases/ad-1")

    assert raised.value.is_not_found and raised.value.path == "/databases/ad-1"


@pytest.mark.parametrize("layout, url", [("main-api", MAIN_API_RULES), ("main", MAIN_RULES)])
def test_a_pinned_main_layout_is_the_only_one_asked(api: responses.RequestsMock, layout: str, url: str) -> None:
    expect_exchange(api)
    api.add(responses.GET, url, **NO_ROUTE)

    with pytest.raises(ScalingoAPIError):
        rules(layout)

    assert [called for _method, called, _auth in sent(api)[1:]] == [url]


def test_a_pinned_legacy_layout_goes_straight_to_its_host(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, LEGACY_RULES, json={"rules": []})

    rules("legacy")

    assert [url for _method, url, _auth in sent(api)[1:]] == [TOKEN_URL, LEGACY_RULES]


def test_the_layout_found_is_remembered_by_the_next_task_through_the_token_cache(
    api: responses.RequestsMock, tmp_path: Path
) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, json={"rules": []})
    rules(cache=BearerTokenCache(str(tmp_path / "cache")))
    forget_shared_state()  # the next task is another process

    rules(cache=BearerTokenCache(str(tmp_path / "cache")))

    database_api_calls = [url for _method, url, _auth in sent(api) if not url.startswith(AUTH_URL)]
    assert database_api_calls == [MAIN_API_RULES, MAIN_RULES, MAIN_RULES]


def test_a_remembered_layout_that_is_gone_is_looked_for_again(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, MAIN_API_RULES, json={"rules": []})
    api.add(responses.GET, MAIN_API_RULES, **NO_ROUTE)
    api.add(responses.GET, MAIN_RULES, json={"rules": []})

    rules()
    rules()

    assert [url for _method, url, _auth in sent(api)[1:]] == [MAIN_API_RULES, MAIN_API_RULES, MAIN_API_RULES, MAIN_RULES]
