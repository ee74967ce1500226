# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator answers as the API documents say, whatever the collection does."""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from tests.simulator import DEFAULT_API_TOKEN, ScalingoSimulator


@pytest.fixture
def client() -> Client:
    return Client(ScalingoSimulator())


def bearer(client: Client) -> dict[str, str]:
    basic = base64.b64encode((":" + DEFAULT_API_TOKEN).encode()).decode()
    answer = client.post("/v1/tokens/exchange", headers={"Authorization": "Basic " + basic}, json={})
    return {"Authorization": "Bearer " + answer.get_json()["token"]}


@pytest.mark.parametrize("name", ["abcdef\n", "abcde", "a" * 49, "Abcdef", "abc_def", "abcdéf"])
def test_a_name_outside_the_documented_rule_is_refused(client: Client, name: str) -> None:
    answer = client.post(
        "/v1/databases", headers=bearer(client),
        json={"database": {"name": name, "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096"}},
    )
    assert answer.status_code == 422
    assert answer.get_json() == {"errors": {"name": ["is invalid"]}}


@pytest.mark.parametrize("name", ["abcdef", "a" * 48, "db-0-1-2"])
def test_a_name_inside_the_documented_rule_is_taken(client: Client, name: str) -> None:
    answer = client.post(
        "/v1/databases", headers=bearer(client),
        json={"database": {"name": name, "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096"}},
    )
    assert answer.status_code == 201


@pytest.mark.parametrize("path", ["/v1/v1/tokens/exchange", "/prefix/v1/databases/abcdef", "/v2/databases"])
def test_a_path_that_is_no_route_gets_the_routers_plain_text_404(client: Client, path: str) -> None:
    answer = client.open(path, method="POST" if "tokens" in path else "GET", headers=bearer(client))
    assert answer.status_code == 404
    assert answer.mimetype == "text/plain"
    assert answer.get_data(as_text=True) == "404 page not found\n"
