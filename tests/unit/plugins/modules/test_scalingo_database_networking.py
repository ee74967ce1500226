# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database's project by name and IP range, scalingo_database_net_peering, and what info adds of them."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import (
    scalingo_database,
    scalingo_database_info,
    scalingo_database_net_peering,
)
from tests.unit.conftest import ModuleOutcome
from tests.unit.plugins.module_utils.test_client import connection_lost
from tests.unit.helpers import API_URL, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange, json_body, reached
from tests.unit.plugins.modules.test_scalingo_database import CREATE_URL, EXISTING, LOOKUP_URL, NAME, PLAN

RunModule = Callable[..., ModuleOutcome]

PROJECTS_URL = API_URL + "/v1/projects"
PROJECTS = [
    {"id": EXISTING["project_id"], "name": "default", "default": True},
    {"id": "pr-analytics", "name": "analytics", "default": False},
]
NETWORK_URL = API_URL + "/v1/databases/%s/network_configuration" % EXISTING["id"]
PEERINGS_URL = API_URL + "/v1/databases/%s/net_peerings" % EXISTING["id"]
MOVE_URL = API_URL + "/v1/apps/" + EXISTING["id"]


def peering(peering_id: str, outscale_id: str, status: str = "active") -> dict[str, Any]:
    return {"id": peering_id, "database_id": EXISTING["id"], "status": status, "outscale_net_peering_id": outscale_id,
            "outscale_source_net_id": "vpc-1", "outscale_source_net_ip_range": "10.10.0.0/16",
            "outscale_source_account_id": "123456789012", "created_at": "2026-12-01T10:00:00Z"}


def view(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in (
        "id", "status", "outscale_net_peering_id", "outscale_source_net_id", "outscale_source_net_ip_range",
        "outscale_source_account_id")}


def sent(api: responses.RequestsMock) -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url) for call in api.calls]


def writes(api: responses.RequestsMock) -> list[tuple[str, str, Any]]:
    return [
        (call.request.method, call.request.url, json.loads(call.request.body) if call.request.body else None)
        for call in api.calls if call.request.method != "GET" and call.request.url != EXCHANGE_URL
    ]


def database_args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, name=NAME, **extra)


def lookup(api: responses.RequestsMock, found: bool = True, **fields: Any) -> None:
    expect_exchange(api)
    if found:
        api.add(responses.GET, LOOKUP_URL, json={"database": dict(EXISTING, **fields)})
    else:
        api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)


def projects_listed(api: responses.RequestsMock, *extra: dict[str, Any]) -> None:
    api.add(responses.GET, PROJECTS_URL, json={"projects": PROJECTS + list(extra)})


# --- scalingo_database: project by name ----------------------------------------------------------


def test_a_database_is_created_in_the_project_its_name_names(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api, found=False)
    projects_listed(api)
    created = dict(EXISTING, project_id="pr-analytics")
    api.add(responses.POST, CREATE_URL, json={"database": created}, status=201)

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, project="analytics"))

    assert outcome.result == {"changed": True, "created": True, "database": created}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("GET", PROJECTS_URL), ("POST", CREATE_URL)]
    assert json_body(api.calls[3]) == {"database": {
        "name": NAME, "technology": "postgresql-ng", "plan": PLAN, "project_id": "pr-analytics"}}


def test_a_database_in_its_named_project_costs_one_list_and_changes_nothing(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    lookup(api, project_id="pr-analytics")
    projects_listed(api)

    outcome = run_module(scalingo_database.main, database_args(project="analytics"))

    assert outcome.result == {"changed": False, "created": False, "database": dict(EXISTING, project_id="pr-analytics")}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("GET", PROJECTS_URL)]


def test_a_database_is_moved_to_the_project_its_name_names(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api)
    projects_listed(api)
    api.add(responses.PUT, MOVE_URL, json={"app": {"id": EXISTING["id"]}})

    outcome = run_module(scalingo_database.main, database_args(project="analytics"))

    assert outcome.result["changed"] is True
    assert outcome.result["database"]["project_id"] == "pr-analytics"
    assert writes(api) == [("PUT", MOVE_URL, {"project_id": "pr-analytics"})]


def test_an_unknown_project_name_fails_naming_the_candidates(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api, found=False)
    projects_listed(api)

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, project="analytcs"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Project 'analytcs' is not one of the account's projects. Its projects: default (%s), analytics "
        "(pr-analytics)." % EXISTING["project_id"])
    assert writes(api) == []


def test_a_project_name_shared_by_two_projects_fails_naming_both(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api, found=False)
    projects_listed(api, {"id": "pr-analytics-2", "name": "analytics", "default": False})

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, project="analytics"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Project name 'analytics' is shared by 2 projects (pr-analytics, pr-analytics-2): name the one meant by its "
        "ID, with project_id.")
    assert writes(api) == []


def test_in_check_mode_a_project_not_there_yet_warns_and_shows_no_id(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    lookup(api, found=False)
    projects_listed(api)

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, project="reporting"), check_mode=True)

    assert not outcome.failed
    assert outcome.result["database"]["project_id"] is None
    assert outcome.warnings == [
        "Project 'reporting' does not exist (yet): in check mode, the database is shown without a project ID."]
    assert writes(api) == []


def test_project_and_project_id_are_exclusive(api: responses.RequestsMock, run_module: RunModule) -> None:
    outcome = run_module(scalingo_database.main, database_args(project="analytics", project_id="pr-analytics"))

    assert outcome.failed
    assert "mutually exclusive" in outcome.result["msg"]
    assert len(api.calls) == 0


# --- scalingo_database: ip_range -----------------------------------------------------------------


def test_a_database_is_created_on_its_ip_range_and_read_back_to_be_sure(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    lookup(api, found=False)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    api.add(responses.GET, NETWORK_URL, json={"network_configuration": {
        "outscale_account_id": "1", "outscale_net_id": "vpc-2", "ip_range": "10.20.0.0/24"}})

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, ip_range="10.20.0.0/24"))

    assert outcome.result["changed"] is True and not outcome.failed
    assert json_body(api.calls[2])["database"]["ip_range"] == "10.20.0.0/24"
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("POST", CREATE_URL), ("GET", NETWORK_URL)]


@pytest.mark.parametrize("answer, status, current", [
    ({"error": "this database has no private network"}, 404, "none (it is not on a private network)"),
    ({"network_configuration": {"outscale_net_id": "vpc-2", "ip_range": None}}, 200,
     "none (it is not on a private network)"),
    ({"network_configuration": {"outscale_net_id": "vpc-2", "ip_range": "10.99.0.0/24"}}, 200, "10.99.0.0/24"),
], ids=["no-network", "no-range", "another-range"])
def test_a_database_created_without_the_range_asked_for_fails_as_changed(
    api: responses.RequestsMock, run_module: RunModule, answer: dict[str, Any], status: int, current: str
) -> None:
    lookup(api, found=False)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)
    api.add(responses.GET, NETWORK_URL, json=answer, status=status)

    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, ip_range="10.20.0.0/24"))

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"].startswith(
        "Database '%s' (%s) was created, but not on the private network asked for: its IP range is %s, not "
        "10.20.0.0/24" % (EXISTING["name"], EXISTING["id"], current))
    assert "delete it (state: absent)" in outcome.result["msg"]
    assert outcome.result["database"]["id"] == EXISTING["id"]


def test_an_existing_database_on_its_ip_range_changes_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api)
    api.add(responses.GET, NETWORK_URL, json={"network_configuration": {
        "outscale_account_id": "1", "outscale_net_id": "vpc-2", "ip_range": "10.20.0.0/24"}})

    outcome = run_module(scalingo_database.main, database_args(ip_range="10.20.0.0/24"))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}


@pytest.mark.parametrize("answer, status, current", [
    ({"network_configuration": {"ip_range": "10.30.0.0/24"}}, 200, "10.30.0.0/24"),
    ({"error": "not found"}, 404, "none (it is not on a private network)"),
])
def test_an_existing_database_on_another_ip_range_fails(
    api: responses.RequestsMock, run_module: RunModule, answer: dict[str, Any], status: int, current: str
) -> None:
    lookup(api)
    api.add(responses.GET, NETWORK_URL, json=answer, status=status)

    outcome = run_module(scalingo_database.main, database_args(ip_range="10.20.0.0/24"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Database '%s' already exists and differs from the task: its IP range is %s, not 10.20.0.0/24. The IP range "
        "of a database is set when it is created and cannot change." % (NAME, current))
    assert writes(api) == []


def test_a_network_configuration_route_that_does_not_exist_is_not_read_as_none(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    lookup(api)
    api.add(responses.GET, NETWORK_URL, body="404 page not found\n", status=404, content_type="text/plain")

    outcome = run_module(scalingo_database.main, database_args(ip_range="10.20.0.0/24"))

    assert outcome.failed
    assert "not the Scalingo API's own answer" in outcome.result["msg"]


@pytest.mark.parametrize("ip_range, reason", [
    ("10.20.0.1/24", "it must be a private IPv4 network in CIDR form"),
    ("eleven", "it must be a private IPv4 network in CIDR form"),
    ("203.0.113.0/24", "it must lie in a private network"),
    ("fd00::/64", "it must lie in a private network"),
    ("10.20.0.0/26", "Option ip_range is 10.20.0.0/26: it must be a /25 or larger (a prefix of 25 or less)"),
    ("192.168.1.8/29", "it must be a /25 or larger"),
])
def test_a_wrong_ip_range_is_refused_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, ip_range: str, reason: str
) -> None:
    outcome = run_module(scalingo_database.main, database_args(plan=PLAN, ip_range=ip_range))

    assert outcome.failed
    assert reason in outcome.result["msg"]
    assert len(api.calls) == 0


# --- scalingo_database_net_peering ---------------------------------------------------------------


def peering_args(*peerings: str, **extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, database=NAME, peerings=list(peerings), **extra)


def peerings_are(api: responses.RequestsMock, *existing: dict[str, Any]) -> None:
    lookup(api)
    api.add(responses.GET, PEERINGS_URL, json={"net_peerings": list(existing)})


def test_a_listed_peering_is_created_and_an_unlisted_one_deleted(api: responses.RequestsMock, run_module: RunModule) -> None:
    old = peering("np-1", "pcx-11111111")
    new = peering("np-2", "pcx-22222222")
    peerings_are(api, old)
    api.add(responses.DELETE, PEERINGS_URL + "/np-1", status=204)
    api.add(responses.POST, PEERINGS_URL, json={"net_peering": new}, status=201)

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222"), diff=True)

    assert outcome.result == reached({
        "changed": True, "net_peerings": [view(new)],
        "diff": {"before": {"net_peerings": [view(old)]}, "after": {"net_peerings": [view(new)]}},
    }, addon_id=None)
    assert writes(api) == [
        ("DELETE", PEERINGS_URL + "/np-1", None),
        ("POST", PEERINGS_URL, {"outscale_net_peering_id": "pcx-22222222"}),
    ]


def test_peerings_as_listed_change_nothing_and_deleted_ones_count_as_gone(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    active = peering("np-1", "pcx-11111111")
    peerings_are(api, active, peering("np-0", "pcx-00000000", status="deleted"))

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-11111111", "pcx-11111111"))

    assert outcome.result == reached({"changed": False, "net_peerings": [view(active)]}, addon_id=None)
    assert writes(api) == []


def test_a_peering_listed_as_deleted_is_created_again(api: responses.RequestsMock, run_module: RunModule) -> None:
    peerings_are(api, peering("np-0", "pcx-00000000", status="deleted"))
    api.add(responses.POST, PEERINGS_URL, json={"net_peering": peering("np-3", "pcx-00000000")}, status=201)

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-00000000"))

    assert outcome.result["changed"] is True
    assert writes(api) == [("POST", PEERINGS_URL, {"outscale_net_peering_id": "pcx-00000000"})]


def test_purge_false_only_adds_and_absent_only_deletes_the_listed(api: responses.RequestsMock, run_module: RunModule) -> None:
    kept = peering("np-1", "pcx-11111111")
    peerings_are(api, kept, peering("np-2", "pcx-22222222"))
    api.add(responses.DELETE, PEERINGS_URL + "/np-2", status=204)

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222", state="absent"))

    assert outcome.result == reached({"changed": True, "net_peerings": [view(kept)]}, addon_id=None)
    assert writes(api) == [("DELETE", PEERINGS_URL + "/np-2", None)]


def test_check_mode_shows_the_peerings_to_be_and_sends_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    peerings_are(api, peering("np-1", "pcx-11111111"))

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222", purge=False), check_mode=True)

    assert outcome.result["changed"] is True
    assert [item["outscale_net_peering_id"] for item in outcome.result["net_peerings"]] == ["pcx-11111111", "pcx-22222222"]
    assert outcome.result["net_peerings"][1]["id"] is None
    assert writes(api) == []


def test_a_create_whose_answer_was_lost_is_found_and_says_changed(api: responses.RequestsMock, run_module: RunModule) -> None:
    peerings_are(api)
    api.add(responses.POST, PEERINGS_URL, body="<html>created</html>", status=201, content_type="text/html")
    api.add(responses.GET, PEERINGS_URL, json={"net_peerings": [peering("np-2", "pcx-22222222")]})

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222"))

    assert outcome.result == reached({"changed": True, "net_peerings": [view(peering("np-2", "pcx-22222222"))]}, addon_id=None)
    assert len(writes(api)) == 1


def test_a_lost_create_whose_check_fails_says_changed_not_that_the_create_failed_alone(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    peerings_are(api)
    api.add(responses.POST, PEERINGS_URL, body=connection_lost())
    api.add(responses.GET, PEERINGS_URL, json={"error": "internal"}, status=500)

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222", retries=0))

    assert outcome.failed and outcome.result["changed"] is True
    assert "may have been applied" in outcome.result["msg"]
    assert len(writes(api)) == 1


def test_a_peering_another_run_made_meanwhile_is_adopted(api: responses.RequestsMock, run_module: RunModule) -> None:
    peerings_are(api)
    api.add(responses.POST, PEERINGS_URL, json={"errors": {"outscale_net_peering_id": ["has already been taken"]}},
            status=422)
    api.add(responses.GET, PEERINGS_URL, json={"net_peerings": [peering("np-2", "pcx-22222222")]})

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222"))

    assert outcome.result == reached({"changed": False, "net_peerings": [view(peering("np-2", "pcx-22222222"))]},
                                     addon_id=None)


def test_a_peering_the_api_says_was_already_ended_is_no_change(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    peerings_are(api, peering("np-1", "pcx-11111111"))
    api.add(responses.DELETE, PEERINGS_URL + "/np-1", json={"error": "net peering not found"}, status=404)

    outcome = run_module(scalingo_database_net_peering.main, peering_args())

    assert outcome.result["changed"] is False and not outcome.failed


def test_a_missing_database_fails_and_says_so(api: responses.RequestsMock, run_module: RunModule) -> None:
    lookup(api, found=False)

    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-22222222"))

    assert outcome.failed
    assert outcome.result["msg"].startswith("Database '%s' does not exist" % NAME)


@pytest.mark.parametrize("outscale_id", ["pcx-xyz", "vpc-11111111", "PCX-11111111", ""])
def test_a_wrong_peering_id_is_refused_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, outscale_id: str
) -> None:
    outcome = run_module(scalingo_database_net_peering.main, peering_args("pcx-11111111", outscale_id))

    assert outcome.failed
    assert "is not an Outscale net peering ID" in outcome.result["msg"] or "empty" in outcome.result["msg"]
    assert len(api.calls) == 0


# --- scalingo_database_info ----------------------------------------------------------------------


def test_info_filters_by_project_name_and_adds_the_network_and_peerings(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    projects_listed(api)
    other = dict(EXISTING, id="db-other", name="orders-staging")
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": [other, dict(EXISTING, project_id="pr-analytics")]})
    network = {"outscale_account_id": "123456789012", "outscale_net_id": "vpc-2", "ip_range": "10.20.0.0/24"}
    api.add(responses.GET, NETWORK_URL, json={"network_configuration": dict(network, extra="x")})
    api.add(responses.GET, PEERINGS_URL, json={"net_peerings": [peering("np-1", "pcx-11111111")]})

    outcome = run_module(scalingo_database_info.main, dict(
        CONNECTION_ARGS, project="analytics", include_network=True, include_net_peerings=True))

    assert outcome.result == {"changed": False, "databases": [dict(
        EXISTING, project_id="pr-analytics", network_configuration=network,
        net_peerings=[view(peering("np-1", "pcx-11111111"))])]}
    assert sent(api) == [
        ("POST", EXCHANGE_URL), ("GET", PROJECTS_URL), ("GET", API_URL + "/v1/databases"), ("GET", NETWORK_URL),
        ("GET", PEERINGS_URL)]


def test_info_says_null_for_a_database_the_api_says_has_no_network(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    lookup(api)
    api.add(responses.GET, NETWORK_URL, json={"error": "not found"}, status=404)

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name=NAME, include_network=True))

    assert outcome.result["databases"][0]["network_configuration"] is None


@pytest.mark.parametrize("peering_id", [".", ".."])
def test_an_id_that_is_a_dot_segment_is_never_sent_as_one(
    api: responses.RequestsMock, run_module: RunModule, peering_id: str
) -> None:
    peerings_are(api, peering(peering_id, "pcx-11111111"))

    outcome = run_module(scalingo_database_net_peering.main, peering_args())

    assert outcome.failed and not outcome.result.get("changed")
    assert "an ID that is '.' or '..' names no resource: nothing was sent" in outcome.result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize("option", ["database_id", "addon_id"])
@pytest.mark.parametrize("value", [".", ".."])
def test_a_given_id_that_is_a_dot_segment_is_refused_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, option: str, value: str
) -> None:
    given = {"database_id": "54100930736f7563d5030000", option: value}

    outcome = run_module(scalingo_database_net_peering.main, peering_args(**given))

    assert outcome.failed and "Option %s must be an ID" % option in outcome.result["msg"]
    assert len(api.calls) == 0
