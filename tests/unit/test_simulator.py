# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator answers as the API documents say, whatever the collection does."""

from __future__ import annotations

import base64

import pytest
import requests
from werkzeug.test import Client

from tests.simulator import DEFAULT_API_TOKEN, ModeledNetwork, RunningSimulator, ScalingoSimulator
from tests.simulator import server
from tests.simulator.database_api import DatabaseAPISimulator


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


# --- the Database API ------------------------------------------------------------------------------


@pytest.fixture
def simulator() -> ScalingoSimulator:
    return ScalingoSimulator()


def addon_token(simulator: ScalingoSimulator, name: str) -> tuple[Client, str, dict[str, str]]:
    """A client of the Database API, the addon of database ``name``, and the headers of a token for it."""
    main = Client(simulator)
    record = simulator.add_database(name)
    addon_id = simulator.record(name).addon_id
    answer = main.post("/v1/apps/%s/addons/%s/token" % (record["id"], addon_id), headers=bearer(main), json={})
    return Client(DatabaseAPISimulator(simulator)), addon_id, {"Authorization": "Bearer " + answer.get_json()["addon"]["token"]}


def test_an_addon_token_opens_its_own_addon_only(simulator: ScalingoSimulator) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")
    _other, other_addon, _headers = addon_token(simulator, "orders-staging")

    assert db_api.get("/api/databases/%s/firewall_rules" % addon_id, headers=headers).status_code == 200
    assert db_api.get("/api/databases/%s/firewall_rules" % other_addon, headers=headers).status_code == 401
    assert db_api.get("/api/databases/%s/firewall_rules" % addon_id).status_code == 401


def test_an_expired_addon_token_is_refused(simulator: ScalingoSimulator) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")
    simulator.expire_addon_tokens()

    assert db_api.get("/api/databases/%s/users" % addon_id, headers=headers).status_code == 401


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "custom_range", "cidr": "300.1.2.0/24"},
        {"type": "custom_range", "cidr": "10.0.0.1/24"},
        {"type": "custom_range", "cidr": "10.0.0.0/33"},
        {"type": "custom_range", "cidr": "10.0.0.0"},
        {"type": "managed_range", "range_id": "man-nowhere"},
        {"type": "something", "cidr": "10.0.0.0/8"},
    ],
)
def test_a_rule_outside_the_documented_shapes_is_refused(simulator: ScalingoSimulator, rule: dict[str, str]) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")

    answer = db_api.post("/api/databases/%s/firewall_rules" % addon_id, headers=headers, json=rule)

    assert answer.status_code == 422 and "errors" in answer.get_json()


def test_a_duplicate_rule_and_a_thirty_first_are_refused(simulator: ScalingoSimulator) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")
    path = "/api/databases/%s/firewall_rules" % addon_id
    for index in range(30):
        assert db_api.post(path, headers=headers, json={"type": "custom_range", "cidr": "10.%d.0.0/16" % index}).status_code == 201

    assert db_api.post(path, headers=headers, json={"type": "custom_range", "cidr": "10.0.0.0/16"}).status_code == 422
    assert db_api.post(path, headers=headers, json={"type": "custom_range", "cidr": "172.16.0.0/12"}).status_code == 422


@pytest.mark.parametrize("name", ["short", "-reporting", "reporting-", "report--ing", "Reporting", "a" * 33])
def test_a_user_name_outside_the_documented_rule_is_refused(simulator: ScalingoSimulator, name: str) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")
    database_id = db_api.get("/api/databases/%s" % addon_id, headers=headers).get_json()["database"]["id"]

    answer = db_api.post("/api/databases/%s/users" % addon_id, headers=headers,
                         json={"database_user": {"database_id": database_id, "name": name}})

    assert answer.status_code == 422 and "name" in answer.get_json()["errors"]


def test_a_user_gets_a_generated_password_once_and_the_default_user_is_protected(simulator: ScalingoSimulator) -> None:
    db_api, addon_id, headers = addon_token(simulator, "orders-production")
    database_id = db_api.get("/api/databases/%s" % addon_id, headers=headers).get_json()["database"]["id"]
    users = "/api/databases/%s/users" % addon_id

    created = db_api.post(users, headers=headers, json={"database_user": {"database_id": database_id, "name": "reporting"}})
    listed = db_api.get(users, headers=headers).get_json()["database-users"]

    assert created.status_code == 201 and len(created.get_json()["database_user"]["password"]) >= 24
    assert all("password" not in user for user in listed)
    assert db_api.delete(users + "/orders-production", headers=headers).status_code == 403
    short = {"database_user": {"database_id": database_id, "password": "x" * 10, "password_confirmation": "x" * 10}}
    assert db_api.patch(users + "/reporting", headers=headers, json=short).status_code == 422


def test_a_database_provisioned_in_seconds_runs_when_they_have_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    simulator = ScalingoSimulator()
    simulator.set_provisioning_seconds(60)
    main = Client(simulator)
    created = main.post("/v1/databases", headers=bearer(main), json={"database": {
        "name": "orders-production", "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096"}})
    addon = main.get("/v1/apps/%s/addons" % created.get_json()["database"]["id"], headers=bearer(main)).get_json()
    status = "/api/databases/%s" % addon["addons"][0]["id"]

    assert main.get(status, headers=bearer(main)).get_json()["database"]["status"] == "creating"
    now = clock.time()
    monkeypatch.setattr(clock, "time", lambda: now + 61)
    assert main.get(status, headers=bearer(main)).get_json()["database"]["status"] == "running"


def test_the_addon_says_running_while_the_database_is_not_known_yet_then_empty_then_creating() -> None:
    simulator = ScalingoSimulator()
    simulator.set_provisioning_polls(3)
    main = Client(simulator)
    created = main.post("/v1/databases", headers=bearer(main), json={"database": {
        "name": "orders-production", "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096"}})
    addon = main.get("/v1/apps/%s/addons" % created.get_json()["database"]["id"], headers=bearer(main)).get_json()
    assert addon["addons"][0]["status"] == "running"
    status = "/api/databases/%s" % addon["addons"][0]["id"]

    reads = [main.get(status, headers=bearer(main)) for _read in range(4)]

    assert [read.status_code for read in reads] == [404, 200, 200, 200]
    assert [read.get_json().get("database") for read in reads[:2]] == [None, {}]
    assert [read.get_json()["database"]["status"] for read in reads[2:]] == ["creating", "running"]


def test_the_database_api_answers_in_each_layout_it_serves_and_as_an_unknown_path_in_the_others() -> None:
    simulator = ScalingoSimulator()
    record = simulator.add_database("orders-production")
    addon_id = simulator.record("orders-production").addon_id
    main = Client(simulator)
    paths = {"main-api": "/api/databases/%s/users" % addon_id, "main": "/v1/databases/%s/users" % addon_id}

    for layout in ("main-api", "main"):
        simulator.serve_database_api_layouts(layout)
        served = main.get(paths[layout], headers=bearer(main))
        other = main.get(paths["main" if layout == "main-api" else "main-api"], headers=bearer(main))
        assert served.status_code == 200 and "database-users" in served.get_json()
        assert other.status_code == 404 and other.mimetype == "text/plain"
    # The main API's own lookup by ID is not the Database API's route.
    assert main.get("/v1/databases/%s" % record["id"], headers=bearer(main)).get_json() == {"database": record}


def test_connections_stay_open_and_the_modeled_network_charges_each_request_and_each_new_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(server, "_sleep", waits.append)
    network = ModeledNetwork(round_trip=0.04, connection_setup=0.08)

    with RunningSimulator(network=network) as simulator, requests.Session() as session:
        for url in (simulator.url, simulator.url, simulator.database_api_url, simulator.url):
            session.get(url + "/v1/databases", timeout=5)
        requests.get(simulator.url + "/v1/databases", timeout=5)

    # Three requests on the session's connection to the main API, one on its connection to the Database API, then
    # one on a connection of its own: each pays its round trip, each first request its connection's set-up.
    assert [request.connection for request in simulator.app.state.requests] == [1, 1, 2, 1, 3]
    assert simulator.connections.opened == 3
    assert waits == pytest.approx([0.12, 0.04, 0.12, 0.04, 0.12])


def test_on_plain_loopback_nothing_is_held_back(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(server, "_sleep", waits.append)

    with RunningSimulator() as simulator:
        requests.get(simulator.url + "/v1/databases", timeout=5)

    assert waits == [] and simulator.connections.opened == 1
