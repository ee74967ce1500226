# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database_firewall: the exact requests, and what the module says."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_firewall
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange, reached
from tests.unit.plugins.module_utils.test_client import connection_lost

RunModule = Callable[..., ModuleOutcome]

NAME = "orders-production"
DATABASE = {"id": "54100930736f7563d5030000", "name": NAME, "project_id": "pr-1", "technology": "postgresql-ng",
            "plan": "postgresql-dr-starter-4096"}
DB_API = "https://db-api.test.invalid"
LOOKUP_URL = API_URL + "/v1/databases/" + NAME
ADDONS_URL = API_URL + "/v1/apps/%s/addons" % DATABASE["id"]
TOKEN_URL = ADDONS_URL + "/ad-1/token"
RULES_URL = DB_API + "/api/databases/ad-1/firewall_rules"
RANGES_URL = DB_API + "/api/firewall/managed_ranges"
RANGES = {"ranges": [{"id": "man-osc-fr1-egress", "name": "Scalingo osc-fr1 egress"}]}


def jwt() -> str:
    claims = base64.urlsafe_b64encode(json.dumps({"exp": int(time.time()) + 3600}).encode()).rstrip(b"=").decode()
    return "eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl" % claims


ADDON_TOKEN = jwt()


def rule(rule_id: str, cidr: str, label: str = "") -> dict[str, Any]:
    return {"id": rule_id, "type": "custom_range", "cidr": cidr, "label": label, "range_id": None, "database_id": "x"}


def managed(rule_id: str, range_id: str = "man-osc-fr1-egress") -> dict[str, Any]:
    return {"id": rule_id, "type": "managed_range", "cidr": None, "label": "", "range_id": range_id, "database_id": "x"}


def view(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in ("id", "type", "cidr", "label", "range_id")}


def args(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, database=NAME, database_api_url=DB_API, database_api="legacy", rules=list(rules), **extra)


def database_with_addon(api: responses.RequestsMock) -> None:
    """The main API's answers before any Database API call: the exchange, the lookup and the addon."""
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"database": DATABASE})
    api.add(responses.GET, ADDONS_URL, json={"addons": [
        {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})


def addon_token_given(api: responses.RequestsMock, token: str = ADDON_TOKEN) -> None:
    api.add(responses.POST, TOKEN_URL, json={"addon": {"id": "ad-1", "token": token}})


def database_with_rules(api: responses.RequestsMock, *existing: dict[str, Any]) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, RULES_URL, json={"rules": list(existing)})


def writes(api: responses.RequestsMock) -> list[tuple[str, str, Any]]:
    return [
        (call.request.method, call.request.url, json.loads(call.request.body) if call.request.body else None)
        for call in api.calls
        if call.request.url.startswith(DB_API) and call.request.method != "GET"
    ]


def test_the_declared_rules_are_created_with_the_addon_token(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api)
    api.add(responses.GET, RANGES_URL, json=RANGES)
    api.add(responses.POST, RULES_URL, json={"rule": rule("fw-1", "203.0.113.0/24", "office")}, status=201)
    api.add(responses.POST, RULES_URL, json={"rule": managed("fw-2")}, status=201)

    outcome = run_module(
        scalingo_database_firewall.main,
        args({"cidr": "203.0.113.0/24", "label": "office"}, {"managed_range": "Scalingo osc-fr1 egress"}),
    )

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-1", "203.0.113.0/24", "office")), view(managed("fw-2"))]})
    assert writes(api) == [
        ("POST", RULES_URL, {"type": "custom_range", "cidr": "203.0.113.0/24", "label": "office"}),
        ("POST", RULES_URL, {"type": "managed_range", "range_id": "man-osc-fr1-egress"}),
    ]
    assert [call.request.url for call in api.calls][:4] == [EXCHANGE_URL, LOOKUP_URL, ADDONS_URL, TOKEN_URL]
    assert all(
        call.request.headers["Authorization"] == "Bearer " + ADDON_TOKEN
        for call in api.calls if call.request.url.startswith(DB_API)
    )


def test_rules_already_there_in_any_order_and_written_otherwise_change_nothing(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, managed("fw-2"), rule("fw-1", "203.0.113.0/24", "office"))
    api.add(responses.GET, RANGES_URL, json=RANGES)

    outcome = run_module(
        scalingo_database_firewall.main,
        args({"managed_range": "man-osc-fr1-egress"}, {"cidr": " 203.0.113.0/24", "label": "office"},
             {"cidr": "203.0.113.0/24", "label": "office"}),
        diff=True,
    )

    assert outcome.result["changed"] is False
    assert outcome.result["diff"]["before"] == outcome.result["diff"]["after"]
    assert writes(api) == []


def test_purge_deletes_the_rules_not_listed(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"), rule("fw-9", "198.51.100.0/24", "old"))
    api.add(responses.DELETE, RULES_URL + "/fw-9", status=204)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24", "label": "office"}))

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-1", "203.0.113.0/24", "office"))]})
    assert writes(api) == [("DELETE", RULES_URL + "/fw-9", None)]


def test_without_purge_listed_rules_are_only_added(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-9", "198.51.100.0/24", "old"))
    api.add(responses.POST, RULES_URL, json={"rule": rule("fw-1", "203.0.113.7/32")}, status=201)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.7/32"}, purge=False))

    assert [entry["id"] for entry in outcome.result["rules"]] == ["fw-9", "fw-1"]
    assert writes(api) == [("POST", RULES_URL, {"type": "custom_range", "cidr": "203.0.113.7/32"})]


def test_a_changed_label_is_updated_in_place(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"), rule("fw-3", "198.51.100.0/24"))
    api.add(responses.PATCH, RULES_URL + "/fw-1", json={"rule": rule("fw-1", "203.0.113.0/24", "head office")})

    outcome = run_module(
        scalingo_database_firewall.main,
        args({"cidr": "203.0.113.0/24", "label": "head office"}, {"cidr": "198.51.100.0/24"}),
    )

    assert outcome.result == reached({"changed": True, "rules": [
        view(rule("fw-3", "198.51.100.0/24")), view(rule("fw-1", "203.0.113.0/24", "head office"))]})
    assert writes(api) == [("PATCH", RULES_URL + "/fw-1", {"firewall_rule": {"label": "head office"}})]
    assert outcome.warnings == []


def test_a_label_change_in_check_mode_is_only_shown(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"))

    outcome = run_module(
        scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24", "label": "head office"}), check_mode=True
    )

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-1", "203.0.113.0/24", "head office"))]})
    assert writes(api) == []


def test_without_a_label_update_route_the_rule_is_replaced_with_a_warning(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"))
    api.add(responses.PATCH, RULES_URL + "/fw-1", body="404 page not found\n", status=404, content_type="text/plain")
    api.add(responses.DELETE, RULES_URL + "/fw-1", status=204)
    api.add(responses.POST, RULES_URL, json={"rule": rule("fw-2", "203.0.113.0/24", "head office")}, status=201)

    outcome = run_module(
        scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24", "label": "head office"}, purge=False)
    )

    assert outcome.result["changed"] is True
    assert outcome.result["rules"] == [view(rule("fw-2", "203.0.113.0/24", "head office"))]
    assert writes(api) == [
        ("PATCH", RULES_URL + "/fw-1", {"firewall_rule": {"label": "head office"}}),
        ("DELETE", RULES_URL + "/fw-1", None),
        ("POST", RULES_URL, {"type": "custom_range", "cidr": "203.0.113.0/24", "label": "head office"}),
    ]
    assert [warning for warning in outcome.warnings if "no label update" in warning] == [
        "The Database API has no label update: firewall rule 203.0.113.0/24 of database 'orders-production' was "
        "relabelled by deleting and creating it again, which cuts that network off while the change applies (about "
        "two minutes)."
    ]


def test_a_label_update_the_api_refuses_is_not_replaced(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"))
    api.add(responses.PATCH, RULES_URL + "/fw-1", json={"errors": {"label": ["is too long"]}}, status=422)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24", "label": "head office"}))

    assert outcome.failed and "label is too long" in outcome.result["msg"]
    assert writes(api) == [("PATCH", RULES_URL + "/fw-1", {"firewall_rule": {"label": "head office"}})]


def test_check_mode_writes_nothing_and_shows_the_change(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-9", "198.51.100.0/24", "old"))

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}), check_mode=True, diff=True)

    assert outcome.result["changed"] is True
    assert outcome.result["diff"] == {
        "before": {"rules": [view(rule("fw-9", "198.51.100.0/24", "old"))]},
        "after": {"rules": [{"id": None, "type": "custom_range", "cidr": "203.0.113.0/24", "label": "", "range_id": None}]},
    }
    assert writes(api) == []


def test_state_absent_removes_the_listed_rules_whatever_their_label(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24", "office"), rule("fw-2", "198.51.100.0/24"))
    api.add(responses.DELETE, RULES_URL + "/fw-1", status=204)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}, state="absent"))

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-2", "198.51.100.0/24"))]})
    assert writes(api) == [("DELETE", RULES_URL + "/fw-1", None)]


def test_an_unknown_managed_range_fails_listing_the_valid_ones(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api)
    api.add(responses.GET, RANGES_URL, json=RANGES)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}, {"managed_range": "moon"}))

    assert outcome.result["msg"] == (
        "Managed range 'moon' is not one of Scalingo's. Valid names: Scalingo osc-fr1 egress (man-osc-fr1-egress)."
    )
    assert writes(api) == []


@pytest.mark.parametrize(
    "rules, message",
    [
        ([{"cidr": "300.1.2.0/24"}], "Firewall rule '300.1.2.0/24' is not a CIDR such as 203.0.113.0/24."),
        ([{"cidr": "10.0.0.1/24"}], "Firewall rule '10.0.0.1/24' has bits set past its prefix: the network is 10.0.0.0/24."),
        ([{"cidr": "10.0.0.0/24"}, {"cidr": "office"}], "Firewall rule 'office' is not a CIDR such as 203.0.113.0/24."),
        ([{"cidr": "10.%d.0.0/16" % index} for index in range(31)], "A database takes 30 firewall rules at most; the task lists 31."),
        ([{"label": "office"}], "one of the following is required: cidr, managed_range found in rules"),
        ([{"cidr": "10.0.0.0/24", "managed_range": "x"}], "parameters are mutually exclusive: cidr|managed_range found in rules"),
    ],
    ids=["not an address", "host bits", "one bad among good", "31 rules", "neither", "both"],
)
def test_wrong_rules_fail_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, rules: list[dict[str, Any]], message: str
) -> None:
    outcome = run_module(scalingo_database_firewall.main, args(*rules))

    assert outcome.failed and outcome.result["msg"] == message
    assert len(api.calls) == 0


def test_thirty_rules_are_taken(api: responses.RequestsMock, run_module: RunModule) -> None:
    existing = [rule("fw-%d" % index, "10.%d.0.0/16" % index) for index in range(30)]
    database_with_rules(api, *existing)

    outcome = run_module(scalingo_database_firewall.main, args(*[{"cidr": "10.%d.0.0/16" % index} for index in range(30)]))

    assert outcome.result["changed"] is False


def test_a_missing_database_fails_naming_it(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.result["msg"] == (
        "Database 'orders-production' does not exist: create it first, with scalingo.cloud.scalingo_database."
    )


def test_a_refused_rule_fails_with_the_apis_reason_and_says_what_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, rule("fw-9", "198.51.100.0/24"))
    api.add(responses.DELETE, RULES_URL + "/fw-9", status=204)
    api.add(responses.POST, RULES_URL, json={"errors": {"cidr": ["is invalid"]}}, status=422)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"] == (
        "Scalingo API refused to add firewall rule 203.0.113.0/24 to database 'orders-production' (422): cidr is invalid"
    )


def test_a_rule_created_unwrapped_is_read_too(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, json=rule("fw-1", "203.0.113.0/24"), status=201)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.result["rules"] == [view(rule("fw-1", "203.0.113.0/24"))]


def test_a_refused_addon_token_is_asked_for_once_more(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_addon(api)
    fresh = jwt() + "x"
    addon_token_given(api)
    addon_token_given(api, fresh)
    api.add(responses.GET, RULES_URL, json={"error": "invalid or expired token"}, status=401)
    api.add(responses.GET, RULES_URL, json={"rules": []})

    outcome = run_module(scalingo_database_firewall.main, args())

    assert outcome.result == reached({"changed": False, "rules": []})
    rules_calls = [call for call in api.calls if call.request.url == RULES_URL]
    assert [call.request.headers["Authorization"] for call in rules_calls] == ["Bearer " + ADDON_TOKEN, "Bearer " + fresh]
    assert ADDON_TOKEN not in outcome.text and fresh not in outcome.text


def test_a_rule_whose_create_answer_was_lost_is_looked_for_not_sent_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, body=connection_lost())
    api.add(responses.GET, RULES_URL, json={"rules": [rule("fw-1", "203.0.113.0/24")]})

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-1", "203.0.113.0/24"))]})
    assert [method for method, _url, _body in writes(api)] == ["POST"]


def test_a_managed_range_named_by_the_id_of_a_rule_needs_no_list_of_ranges(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, managed("fw-2"))

    outcome = run_module(scalingo_database_firewall.main, args({"managed_range": "man-osc-fr1-egress"}))

    assert outcome.result == reached({"changed": False, "rules": [view(managed("fw-2"))]})
    assert RANGES_URL not in [call.request.url for call in api.calls]


def test_a_managed_range_named_by_its_name_is_still_looked_up_in_the_list(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api, managed("fw-2"))
    api.add(responses.GET, RANGES_URL, json=RANGES)

    outcome = run_module(scalingo_database_firewall.main, args({"managed_range": "Scalingo osc-fr1 egress"}))

    assert outcome.result == reached({"changed": False, "rules": [view(managed("fw-2"))]})


def test_given_ids_spare_the_firewall_task_the_lookup_and_the_addon(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    addon_token_given(api)
    api.add(responses.GET, RULES_URL, json={"rules": [rule("fw-1", "203.0.113.0/24")]})

    outcome = run_module(
        scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}, database_id=DATABASE["id"], addon_id="ad-1"))

    assert outcome.result == reached({"changed": False, "rules": [view(rule("fw-1", "203.0.113.0/24"))]})
    assert [call.request.url for call in api.calls] == [EXCHANGE_URL, TOKEN_URL, RULES_URL]


def test_a_given_database_id_spares_the_lookup_and_the_addon_is_read_by_it(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, ADDONS_URL, json={"addons": [
        {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})
    addon_token_given(api)
    api.add(responses.GET, RULES_URL, json={"rules": []})

    outcome = run_module(scalingo_database_firewall.main, args(database_id=DATABASE["id"]))

    assert outcome.result == reached({"changed": False, "rules": []})
    assert [call.request.url for call in api.calls] == [EXCHANGE_URL, ADDONS_URL, TOKEN_URL, RULES_URL]


def test_one_network_listed_under_two_labels_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    outcome = run_module(scalingo_database_firewall.main, args(
        {"cidr": "203.0.113.0/24", "label": "office"}, {"cidr": "203.0.113.0/24", "label": "vpn"}))

    assert outcome.failed
    assert outcome.result["msg"] == ("Firewall rule 203.0.113.0/24 is listed twice, labelled 'office' and 'vpn': a "
                                     "network is one rule, list it once.")
    assert len(api.calls) == 0


def test_the_rule_count_takes_a_network_once_whatever_its_label(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    # 30 networks, one of them listed again with an empty label: 30 rules, as the API counts them.
    rules = [{"cidr": "10.%d.0.0/16" % index} for index in range(30)] + [{"cidr": "10.0.0.0/16", "label": ""}]
    database_with_rules(api, *[rule("fw-%d" % index, "10.%d.0.0/16" % index) for index in range(30)])

    outcome = run_module(scalingo_database_firewall.main, args(*rules))

    assert not outcome.failed, outcome.result
    assert outcome.result["changed"] is False


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0"])
def test_a_rule_open_to_every_address_warns(api: responses.RequestsMock, run_module: RunModule, cidr: str) -> None:
    database_with_rules(api, rule("fw-1", cidr))

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": cidr}))

    assert not outcome.failed
    assert outcome.warnings == ["Firewall rule %s of database '%s' lets every address on the Internet connect: list "
                                "the networks that need the database instead." % (cidr, NAME)]


def test_the_addon_token_is_asked_for_again_after_a_gateway_error(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    # Minting a token changes nothing: retried as a read is.
    database_with_addon(api)
    api.add(responses.POST, TOKEN_URL, body="<html>503 Service Unavailable</html>", status=503)
    addon_token_given(api)
    api.add(responses.GET, RULES_URL, json={"rules": []})

    outcome = run_module(scalingo_database_firewall.main, args())

    assert outcome.result == reached({"changed": False, "rules": []})
    assert [call.request.url for call in api.calls].count(TOKEN_URL) == 2


def test_a_check_mode_task_that_fails_on_the_addon_token_changed_nothing(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_addon(api)
    api.add(responses.POST, TOKEN_URL, json={"error": "internal error"}, status=500)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}), check_mode=True)

    assert outcome.failed
    assert "changed" not in outcome.result


def test_a_listed_rule_without_an_id_fails_with_a_sentence(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, dict(rule("fw-1", "203.0.113.0/24"), id=None))

    outcome = run_module(scalingo_database_firewall.main, args())

    assert outcome.failed
    assert outcome.result["msg"].endswith("unexpected answer: a firewall rule without an ID")
    assert writes(api) == []


def test_an_addon_with_an_empty_id_is_not_the_databases(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"database": DATABASE})
    api.add(responses.GET, ADDONS_URL, json={"addons": [
        {"id": "", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})

    outcome = run_module(scalingo_database_firewall.main, args())

    assert outcome.failed
    assert outcome.result["msg"].endswith("unexpected answer: no postgresql-ng addon")
    assert TOKEN_URL not in [call.request.url for call in api.calls]


def test_a_rule_delete_answered_500_may_have_been_applied(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, rule("fw-1", "203.0.113.0/24"))
    api.add(responses.DELETE, RULES_URL + "/fw-1", json={"error": "internal error"}, status=500)

    outcome = run_module(scalingo_database_firewall.main, args())

    assert outcome.failed and outcome.result["changed"] is True


def test_a_rule_create_after_a_gateway_error_that_applied_nothing_is_sent_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, body="<html>502 Bad Gateway</html>", status=502)
    api.add(responses.POST, RULES_URL, json={"rule": rule("fw-1", "203.0.113.0/24")}, status=201)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-1", "203.0.113.0/24"))]})
    # The create, the list that found nothing, the create again.
    assert [method for method, _url, _body in writes(api)] == ["POST", "POST"]


def test_a_rule_create_that_never_gets_through_says_nothing_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, body="<html>503 Service Unavailable</html>", status=503)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}, retries=2))

    assert outcome.failed
    # Every lookup after a failed create found nothing: nothing was applied.
    assert "changed" not in outcome.result
    assert outcome.result["msg"].startswith("Scalingo API refused to add firewall rule 203.0.113.0/24 to database "
                                            "'orders-production' (503)")
    assert "gave up after 3 attempts" in outcome.result["msg"]
    assert [method for method, _url, _body in writes(api)] == ["POST"] * 3


def test_a_rule_another_task_created_meanwhile_is_taken_as_it_is(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, json={"errors": {"cidr": ["has already been taken"]}}, status=422)
    api.add(responses.GET, RULES_URL, json={"rules": [rule("fw-9", "203.0.113.0/24")]})

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert not outcome.failed
    assert outcome.result == reached({"changed": False, "rules": [view(rule("fw-9", "203.0.113.0/24"))]})


def test_a_rule_taken_after_a_lost_create_may_be_ours_and_says_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, body="<html>502 Bad Gateway</html>", status=502)
    api.add(responses.POST, RULES_URL, json={"errors": {"cidr": ["has already been taken"]}}, status=422)
    # The list after the 502 finds nothing yet; the one after the 422 finds the rule the first create made.
    api.add(responses.GET, RULES_URL, json={"rules": []})
    api.add(responses.GET, RULES_URL, json={"rules": [rule("fw-9", "203.0.113.0/24")]})

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.result == reached({"changed": True, "rules": [view(rule("fw-9", "203.0.113.0/24"))]})
    assert [method for method, _url, _body in writes(api)] == ["POST", "POST"]


def test_a_managed_range_named_by_its_id_and_its_name_counts_once(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    networks = [{"cidr": "10.%d.0.0/16" % index} for index in range(29)]
    database_with_rules(api, *[rule("fw-%d" % index, "10.%d.0.0/16" % index) for index in range(29)], managed("fw-m"))
    api.add(responses.GET, RANGES_URL, json=RANGES)

    outcome = run_module(scalingo_database_firewall.main, args(
        *networks, {"managed_range": "man-osc-fr1-egress"}, {"managed_range": "Scalingo osc-fr1 egress"}))

    assert not outcome.failed, outcome.result
    assert outcome.result["changed"] is False


def test_thirty_one_rules_once_ranges_are_known_fail_before_any_write(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    networks = [{"cidr": "10.%d.0.0/16" % index} for index in range(29)]
    database_with_rules(api)
    api.add(responses.GET, RANGES_URL, json={"ranges": RANGES["ranges"] + [{"id": "man-2", "name": "Other"}]})

    outcome = run_module(scalingo_database_firewall.main, args(
        *networks, {"managed_range": "man-osc-fr1-egress"}, {"managed_range": "Other"}))

    assert outcome.failed
    assert outcome.result["msg"] == "A database takes 30 firewall rules at most; the task lists 31."
    assert writes(api) == []


def test_a_rule_create_answered_2xx_with_an_undecodable_body_says_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_rules(api)
    api.add(responses.POST, RULES_URL, body="<html>created</html>", status=201)

    outcome = run_module(scalingo_database_firewall.main, args({"cidr": "203.0.113.0/24"}))

    assert outcome.failed and outcome.result["changed"] is True
    # A 2xx said it was applied: never sent twice.
    assert [method for method, _url, _body in writes(api)] == ["POST"]
