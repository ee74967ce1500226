# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""scalingo_database_user: the exact requests, and what the module says."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_user
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import ADDON_ID, CONNECTION_ARGS, DATABASE_ID, EXCHANGE_URL, expect_exchange, reached
from tests.unit.plugins.module_utils.test_client import connection_lost
from tests.unit.plugins.modules.test_scalingo_database_firewall import (
    ADDONS_URL,
    DB_API,
    LOOKUP_URL,
    NAME,
    TOKEN_URL,
    addon_token_given,
    database_with_addon,
    writes,
)

RunModule = Callable[..., ModuleOutcome]

USERS_URL = DB_API + "/api/databases/ad-1/users"
DB_API_DATABASE_URL = DB_API + "/api/databases/ad-1"
PASSWORD = "correct-horse-battery-staple-42"
GENERATED = "generated-by-the-api-0123456789"


def api_user(name: str, read_only: bool = False, protected: bool = False) -> dict[str, Any]:
    return {"name": name, "read_only": read_only, "protected": protected,
            "dbms_attributes": {"password_encryption": "scram-sha-256"}}


def view(name: str, read_only: bool = False, protected: bool = False) -> dict[str, Any]:
    return {"name": name, "read_only": read_only, "protected": protected, "password_encryption": "scram-sha-256"}


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, database=NAME, database_api_url=DB_API, database_api="legacy", **{"name": "reporting", **extra})


def database_with_users(api: responses.RequestsMock, *users: dict[str, Any]) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production", protected=True)] + list(users)})
    api.add(responses.GET, DB_API_DATABASE_URL, json={"database": {"id": "dbapi-1", "resource_id": "ad-1"}})


def test_a_read_only_user_is_created_with_its_password(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, json={"database_user": api_user("reporting", read_only=True)}, status=201)

    outcome = run_module(scalingo_database_user.main, args(read_only=True, password=PASSWORD))

    assert outcome.result == reached({"changed": True, "user": view("reporting", read_only=True)})
    assert writes(api) == [("POST", USERS_URL, {"database_user": {
        "database_id": "dbapi-1", "name": "reporting", "read_only": True,
        "password": PASSWORD, "password_confirmation": PASSWORD,
    }})]
    assert PASSWORD not in outcome.text


@pytest.mark.parametrize("wrapped", [True, False], ids=["wrapped", "unwrapped"])
def test_a_generated_password_is_returned_once(api: responses.RequestsMock, run_module: RunModule, wrapped: bool) -> None:
    database_with_users(api)
    created = dict(api_user("reporting"), password=GENERATED)
    api.add(responses.POST, USERS_URL, json={"database_user": created} if wrapped else created, status=201)

    outcome = run_module(scalingo_database_user.main, args())

    assert outcome.result == reached({"changed": True, "user": view("reporting"), "password": GENERATED})
    assert writes(api) == [("POST", USERS_URL, {"database_user": {"database_id": "dbapi-1", "name": "reporting",
                                                                  "read_only": False}})]


def test_an_existing_user_is_left_alone_and_no_password_sent(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting", read_only=True))

    outcome = run_module(scalingo_database_user.main, args(read_only=True, password=PASSWORD), diff=True)

    assert outcome.result["changed"] is False and "password" not in outcome.result
    assert outcome.result["user"] == view("reporting", read_only=True)
    assert writes(api) == []


def test_always_sets_the_password_on_every_run(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.PATCH, USERS_URL + "/reporting", json={"database_user": api_user("reporting")})

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD, update_password="always"))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})
    assert writes(api) == [("PATCH", USERS_URL + "/reporting", {"database_user": {
        "database_id": "dbapi-1", "password": PASSWORD, "password_confirmation": PASSWORD}})]


@pytest.mark.parametrize("answer", [{"body": ""}, {"json": {}}, {"json": {"database_user": {}}}],
                         ids=["empty", "empty-object", "empty-user"])
def test_a_password_change_answered_with_nothing_was_applied(
    api: responses.RequestsMock, run_module: RunModule, answer: dict[str, Any]
) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.PATCH, USERS_URL + "/reporting", status=200, **answer)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD, update_password="always"))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})


def test_a_database_id_the_api_refuses_is_sent_again_as_the_addon_id(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, json={"errors": {"database_id": ["is not this database"]}}, status=422)
    api.add(responses.POST, USERS_URL, json={"database_user": api_user("reporting")}, status=201)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})
    assert [body["database_user"]["database_id"] for _method, _url, body in writes(api)] == ["dbapi-1", "ad-1"]


def test_a_database_id_refused_both_ways_fails_after_one_retry(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.PATCH, USERS_URL + "/reporting", json={"errors": {"database_id": ["is invalid"]}}, status=422)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD, update_password="always"))

    assert outcome.failed and "database_id is invalid" in outcome.result["msg"]
    assert len(writes(api)) == 2


def test_always_without_a_password_has_the_api_generate_one(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.POST, USERS_URL + "/reporting/reset_password",
            json={"database_user": dict(api_user("reporting"), password=GENERATED)})

    outcome = run_module(scalingo_database_user.main, args(update_password="always"))

    assert outcome.result == reached({"changed": True, "user": view("reporting"), "password": GENERATED})
    assert writes(api) == [("POST", USERS_URL + "/reporting/reset_password", {})]


def test_a_read_only_difference_is_refused(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting", read_only=False))

    outcome = run_module(scalingo_database_user.main, args(read_only=True))

    assert outcome.result["msg"] == (
        "User 'reporting' of database 'orders-production' has read_only false, not true, and the API cannot change "
        "it: delete the user and create it again (state: absent, then present) to change it."
    )
    assert writes(api) == []


def test_absent_deletes_once_then_finds_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.DELETE, USERS_URL + "/reporting", status=204)

    outcome = run_module(scalingo_database_user.main, args(state="absent"))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})
    assert writes(api) == [("DELETE", USERS_URL + "/reporting", None)]


def test_absent_when_there_is_no_such_user_is_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api)

    outcome = run_module(scalingo_database_user.main, args(state="absent"))

    assert outcome.result == reached({"changed": False, "user": {}})
    assert writes(api) == []


def test_a_protected_user_the_list_did_not_flag_is_refused_with_the_apis_reason(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_addon(api)
    addon_token_given(api)
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production")]})
    api.add(responses.DELETE, USERS_URL + "/orders-production", json={"error": "the default user cannot be deleted"},
            status=403)

    outcome = run_module(scalingo_database_user.main, dict(args(state="absent"), name="orders-production"))

    assert outcome.failed and not outcome.result.get("changed")
    assert "(403): the default user cannot be deleted" in outcome.result["msg"]


def test_check_mode_creates_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD), check_mode=True, diff=True)

    assert outcome.result["changed"] is True
    assert outcome.result["diff"]["after"]["user"]["name"] == "reporting"
    assert writes(api) == []


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"name": "-reporting"}, "User name '-reporting' is invalid"),
        ({"name": "report--ing"}, "User name 'report--ing' is invalid"),
        ({"name": "short"}, "User name 'short' is invalid"),
        ({"name": "a" * 33}, "User name '%s' is invalid" % ("a" * 33)),
        ({"name": "Reporting"}, "User name 'Reporting' is invalid"),
        ({"password": "too-short"}, "Option password must be 24 to 64 characters long; it has 9."),
        ({"password": "x" * 65}, "Option password must be 24 to 64 characters long; it has 65."),
    ],
)
def test_wrong_names_and_passwords_fail_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, extra: dict[str, Any], message: str
) -> None:
    outcome = run_module(scalingo_database_user.main, args(**extra))

    assert outcome.failed and outcome.result["msg"].startswith(message)
    assert "x" * 65 not in outcome.text and "too-short" not in outcome.result["msg"]
    assert len(api.calls) == 0


def test_loop_items_on_one_database_look_it_up_and_list_its_users_once(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api, api_user("reporting"), api_user("orders-app"))

    for user in ("reporting", "orders-app"):
        outcome = run_module(scalingo_database_user.main, args(name=user))
        assert outcome.result["changed"] is False

    urls = [call.request.url for call in api.calls]
    assert [urls.count(url) for url in (EXCHANGE_URL, LOOKUP_URL, ADDONS_URL, TOKEN_URL, USERS_URL)] == [1, 1, 1, 1, 1]


def test_a_loop_item_sees_the_user_an_earlier_item_created_or_deleted(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api, api_user("orders-app"))
    api.add(responses.POST, USERS_URL, json={"database_user": api_user("reporting")}, status=201)
    api.add(responses.DELETE, USERS_URL + "/orders-app", status=204)

    outcomes = [
        run_module(scalingo_database_user.main, args(password=PASSWORD)),
        run_module(scalingo_database_user.main, args(password=PASSWORD)),
        run_module(scalingo_database_user.main, args(name="orders-app", state="absent")),
        run_module(scalingo_database_user.main, args(name="orders-app", state="absent")),
    ]

    assert [outcome.result["changed"] for outcome in outcomes] == [True, False, True, False]
    assert [call.request.url for call in api.calls].count(USERS_URL) == 2  # one list, one create


def test_given_ids_spare_the_lookup_and_the_addon(api: responses.RequestsMock, run_module: RunModule) -> None:
    addon_token_given(api)
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("reporting")]})
    expect_exchange(api)

    outcome = run_module(scalingo_database_user.main, args(database_id=DATABASE_ID, addon_id=ADDON_ID))

    assert outcome.result == reached({"changed": False, "user": view("reporting")})
    assert [call.request.url for call in api.calls] == [EXCHANGE_URL, TOKEN_URL, USERS_URL]


def test_an_addon_id_without_the_database_id_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    outcome = run_module(scalingo_database_user.main, args(addon_id=ADDON_ID))

    assert outcome.failed
    assert outcome.result["msg"] == "missing parameter(s) required by 'addon_id': database_id"
    assert len(api.calls) == 0


@pytest.mark.parametrize("database_id, message", [
    ("", "Option database_id must not be empty"),
    (" 5410 ", "Option database_id must be an ID, as an earlier task returned it, not ' 5410 '."),
])
def test_an_empty_or_padded_database_id_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, database_id: str, message: str
) -> None:
    outcome = run_module(scalingo_database_user.main, args(database_id=database_id))

    assert outcome.failed
    assert outcome.result["msg"].startswith(message)
    assert len(api.calls) == 0


@pytest.mark.parametrize("write", ["create", "reset"])
def test_an_answer_that_is_not_json_from_a_route_that_returns_passwords_is_never_quoted(
    api: responses.RequestsMock, run_module: RunModule, write: str
) -> None:
    # A proxy that mangles the answer, or a server that writes the password out as text.
    if write == "create":
        database_with_users(api)
        api.add(responses.POST, USERS_URL, body="created reporting with password " + GENERATED, status=201)
        options = args()
    else:
        database_with_users(api, api_user("reporting"))
        api.add(responses.POST, USERS_URL + "/reporting/reset_password", body="new password " + GENERATED, status=200)
        options = args(update_password="always")

    outcome = run_module(scalingo_database_user.main, options)

    assert outcome.failed
    assert GENERATED not in outcome.text
    assert "not shown, since this endpoint's answers hold secrets" in outcome.result["msg"]
    # A 2xx says the write went through.
    assert outcome.result["changed"] is True


def test_no_warning_that_update_password_might_be_a_password(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))

    outcome = run_module(scalingo_database_user.main, args())

    assert not outcome.failed
    assert outcome.warnings == []


@pytest.mark.parametrize("options, what", [
    ({"state": "absent"}, "deleted"),
    ({"update_password": "always"}, "given a new password"),
])
@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check-mode"])
def test_the_protected_user_is_refused_before_any_write_in_every_mode(
    api: responses.RequestsMock, run_module: RunModule, options: dict[str, Any], what: str, check_mode: bool
) -> None:
    database_with_users(api)

    outcome = run_module(scalingo_database_user.main, dict(args(**options), name="orders-production"),
                         check_mode=check_mode)

    assert outcome.failed and not outcome.result.get("changed")
    assert outcome.result["msg"] == ("User 'orders-production' of database 'orders-production' is protected (the "
                                     "database's default user): it cannot be %s. Nothing was changed." % what)
    assert writes(api) == []


def test_a_given_password_the_api_echoes_is_not_returned(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, json={"database_user": dict(api_user("reporting"), password=PASSWORD)}, status=201)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})


def test_a_create_whose_generated_password_was_lost_says_how_to_get_one(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, body=connection_lost())
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production", protected=True),
                                                               api_user("reporting")]})

    outcome = run_module(scalingo_database_user.main, args())

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"].endswith(
        "the user was created, but the password the API generated for it was lost: run the task with update_password: "
        "always to have a new one generated (or given), then back to on_create")


def test_a_delete_answered_500_may_have_been_applied(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.DELETE, USERS_URL + "/reporting", json={"error": "internal error"}, status=500)

    outcome = run_module(scalingo_database_user.main, args(state="absent"))

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"].endswith("The request may have been applied all the same: run the task again to see, "
                                          "as it reads what is there first.")


def test_a_delete_retried_after_a_gateway_error_and_then_gone_was_ours(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.DELETE, USERS_URL + "/reporting", body="<html>502 Bad Gateway</html>", status=502)
    api.add(responses.DELETE, USERS_URL + "/reporting", json={"error": "user not found"}, status=404)

    outcome = run_module(scalingo_database_user.main, args(state="absent"))

    assert not outcome.failed
    assert outcome.result["changed"] is True


def test_a_user_another_task_created_meanwhile_is_taken_as_it_is(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production", protected=True),
                                                               api_user("reporting")]})

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD))

    assert not outcome.failed
    assert outcome.result == reached({"changed": False, "user": view("reporting")})


def test_a_user_taken_after_a_lost_create_may_be_ours_and_says_changed(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, body="<html>502 Bad Gateway</html>", status=502)
    api.add(responses.POST, USERS_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    # The list after the 502 finds nothing yet; the one after the 422 finds the user the first create made.
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production", protected=True)]})
    api.add(responses.GET, USERS_URL, json={"database-users": [api_user("orders-production", protected=True),
                                                               api_user("reporting")]})

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})
    assert [method for method, _url, _body in writes(api)] == ["POST", "POST"]


def test_a_user_create_after_a_gateway_error_that_applied_nothing_is_sent_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, body="<html>502 Bad Gateway</html>", status=502)
    api.add(responses.POST, USERS_URL, json={"database_user": api_user("reporting")}, status=201)

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD))

    assert outcome.result == reached({"changed": True, "user": view("reporting")})
    assert [method for method, _url, _body in writes(api)] == ["POST", "POST"]


def test_a_password_change_after_a_gateway_error_is_sent_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_with_users(api, api_user("reporting"))
    api.add(responses.PATCH, USERS_URL + "/reporting", body="<html>504 Gateway Timeout</html>", status=504)
    api.add(responses.PATCH, USERS_URL + "/reporting", json={"database_user": api_user("reporting")})

    outcome = run_module(scalingo_database_user.main, args(password=PASSWORD, update_password="always"))

    assert not outcome.failed and outcome.result["changed"] is True
    assert [method for method, _url, _body in writes(api)] == ["PATCH", "PATCH"]
