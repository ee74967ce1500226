# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator's projects and private networking answer as the API notes say."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from tests.simulator import DEFAULT_PROJECT_ID, Fault, ScalingoSimulator
from tests.unit.test_simulator_recovery import headers


@pytest.fixture
def simulator() -> ScalingoSimulator:
    return ScalingoSimulator()


@pytest.fixture
def client(simulator: ScalingoSimulator) -> Client:
    return Client(simulator)


def test_a_project_is_created_wrapped_and_listed(client: Client, simulator: ScalingoSimulator) -> None:
    answer = client.post("/v1/projects", headers=headers(client), json={"project": {"name": "analytics", "default": True}})

    assert answer.status_code == 201
    created = answer.get_json()["project"]
    assert created["name"] == "analytics" and created["id"].startswith("pr-") and created["default"] is True
    listed = client.get("/v1/projects", headers=headers(client)).get_json()["projects"]
    assert [project["default"] for project in listed] == [False, False, True]


@pytest.mark.parametrize("body", [{"name": ""}, {"name": None}, {"default": True}, {"name": "x", "default": "yes"}])
def test_a_project_create_outside_the_notes_is_refused(client: Client, body: dict) -> None:
    answer = client.post("/v1/projects", headers=headers(client), json={"project": body})

    assert answer.status_code == 422


def test_a_patch_with_a_null_is_refused_and_one_without_applies(client: Client, simulator: ScalingoSimulator) -> None:
    project = simulator.add_project("analytics")
    path = "/v1/projects/" + project["id"]

    refused = client.patch(path, headers=headers(client), json={"project": {"name": "data", "default": None}})
    renamed = client.patch(path, headers=headers(client), json={"project": {"name": "data"}})

    assert refused.status_code == 422
    assert renamed.status_code == 200 and renamed.get_json()["project"]["name"] == "data"


def test_a_project_that_holds_a_database_is_not_deleted(client: Client, simulator: ScalingoSimulator) -> None:
    project = simulator.add_project("analytics")
    simulator.add_database("warehouse", project_id=project["id"])

    answer = client.delete("/v1/projects/" + project["id"], headers=headers(client))

    assert answer.status_code == 409
    assert project["id"] in [listed["id"] for listed in simulator.projects()]


def test_an_empty_project_is_deleted_and_then_unknown(client: Client, simulator: ScalingoSimulator) -> None:
    project = simulator.add_project("analytics")

    first = client.delete("/v1/projects/" + project["id"], headers=headers(client))
    second = client.delete("/v1/projects/" + project["id"], headers=headers(client))

    assert (first.status_code, second.status_code) == (204, 404)
    assert second.get_json()["error"] == "not found"


def test_a_database_goes_to_the_default_project_of_the_moment(client: Client, simulator: ScalingoSimulator) -> None:
    project = simulator.add_project("analytics", default=True)

    client.post("/v1/databases", headers=headers(client), json={"database": {
        "name": "warehouse", "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096"}})

    assert simulator.record("warehouse").project_id == project["id"] != DEFAULT_PROJECT_ID


@pytest.mark.parametrize("ip_range", ["10.20.0.1/24", "8.8.8.0/24", "fd00::/64", 10])
def test_a_database_on_a_range_that_is_not_private_is_refused(client: Client, simulator: ScalingoSimulator, ip_range: object) -> None:
    answer = client.post("/v1/databases", headers=headers(client), json={"database": {
        "name": "warehouse", "technology": "postgresql-ng", "plan": "postgresql-dr-starter-4096", "ip_range": ip_range}})

    assert answer.status_code == 422
    assert "ip_range" in answer.get_json()["errors"]
    assert simulator.databases() == []


def test_a_database_on_a_private_range_has_a_network_and_takes_peerings(client: Client, simulator: ScalingoSimulator) -> None:
    database = simulator.add_database("warehouse", ip_range="10.20.0.0/24")
    base = "/v1/databases/%s" % database["id"]

    network = client.get(base + "/network_configuration", headers=headers(client)).get_json()["network_configuration"]
    created = client.post(base + "/net_peerings", headers=headers(client), json={"outscale_net_peering_id": "pcx-1a2b3c4d"})
    again = client.post(base + "/net_peerings", headers=headers(client), json={"outscale_net_peering_id": "pcx-1a2b3c4d"})
    peering = created.get_json()["net_peering"]
    deleted = client.delete(base + "/net_peerings/" + peering["id"], headers=headers(client))
    listed = client.get(base + "/net_peerings", headers=headers(client)).get_json()["net_peerings"]

    assert network["ip_range"] == "10.20.0.0/24" and network["outscale_net_id"].startswith("vpc-")
    assert created.status_code == 201 and peering["status"] == "active"
    assert again.status_code == 422
    assert deleted.status_code == 204
    assert [(item["id"], item["status"]) for item in listed] == [(peering["id"], "deleted")]


def test_a_database_without_a_private_network_has_none_to_peer(client: Client, simulator: ScalingoSimulator) -> None:
    database = simulator.add_database("warehouse")
    base = "/v1/databases/%s" % database["id"]

    network = client.get(base + "/network_configuration", headers=headers(client))
    peering = client.post(base + "/net_peerings", headers=headers(client), json={"outscale_net_peering_id": "pcx-1a2b3c4d"})

    assert network.status_code == 404 and "error" in network.get_json()
    assert peering.status_code == 422


def test_faults_reach_the_new_routes(client: Client, simulator: ScalingoSimulator) -> None:
    simulator.inject(Fault(method="GET", path="/v1/projects", status=502))

    assert client.get("/v1/projects", headers=headers(client)).status_code == 502
    assert client.get("/v1/projects", headers=headers(client)).status_code == 200
