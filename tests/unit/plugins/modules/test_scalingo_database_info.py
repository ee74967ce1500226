# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from typing import Any, Callable

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_info
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange

RunModule = Callable[..., ModuleOutcome]

LIST_URL = API_URL + "/v1/databases"
FIRST = {
    "id": "54100930736f7563d5030000",
    "name": "my-postgres-db",
    "project_id": "pr-one",
    "technology": "postgresql-ng",
    "plan": "postgresql-dr-starter-4096",
}
SECOND = dict(FIRST, id="54100930736f7563d5030001", name="backup-db", project_id="pr-two")


def sent(api: responses.RequestsMock) -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url) for call in api.calls]


def test_without_name_lists_every_database(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": [FIRST, SECOND]})

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS)

    assert outcome.result == {"changed": False, "databases": [FIRST, SECOND]}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LIST_URL)]


def test_project_id_filters_the_list(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": [FIRST, SECOND]})

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, project_id="pr-two"))

    assert outcome.result["databases"] == [SECOND]


def test_the_list_follows_pagination_when_the_api_offers_it(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(
        responses.GET,
        LIST_URL,
        json={"databases": [FIRST], "meta": {"pagination": {"current_page": 1, "next_page": 2}}},
        match=[responses.matchers.query_string_matcher("")],
    )
    api.add(
        responses.GET,
        LIST_URL,
        json={"databases": [SECOND], "meta": {"pagination": {"current_page": 2, "next_page": None}}},
        match=[responses.matchers.query_param_matcher({"page": "2"})],
    )

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS)

    assert outcome.result["databases"] == [FIRST, SECOND]
    assert sent(api)[1:] == [("GET", LIST_URL), ("GET", LIST_URL + "?page=2")]


@pytest.mark.parametrize("ref", ["my-postgres-db", "54100930736f7563d5030000"])
def test_name_gets_one_database_by_name_or_id(api: responses.RequestsMock, run_module: RunModule, ref: str) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/" + ref, json={"database": FIRST})

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name=ref))

    assert outcome.result == {"changed": False, "databases": [FIRST]}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LIST_URL + "/" + ref)]


def test_a_missing_database_is_an_empty_list(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/nothing-here", json={"error": "Database not found"}, status=404)

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name="nothing-here"))

    assert outcome.result == {"changed": False, "databases": []}


def test_a_name_with_a_slash_stays_one_path_segment(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/a%2F..%2Fb", json={"error": "Database not found"}, status=404)

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name="a/../b"))

    assert outcome.result["databases"] == []


def test_a_database_of_another_project_is_filtered_out(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/my-postgres-db", json={"database": FIRST})

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name="my-postgres-db", project_id="pr-two"))

    assert outcome.result["databases"] == []


def test_check_mode_reads_all_the_same(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": [FIRST]})

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS, check_mode=True)

    assert outcome.result == {"changed": False, "databases": [FIRST]}


@pytest.mark.parametrize("answer", [{"databases": {"not": "a list"}}, {"databases": ["a string"]}, ["a", "list"]])
def test_a_list_answer_of_an_unexpected_shape_fails_clearly(
    api: responses.RequestsMock, run_module: RunModule, answer: Any
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json=answer)

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS)

    assert outcome.failed
    assert outcome.result["msg"].startswith("Could not list databases on Scalingo: unexpected answer")


def test_a_server_error_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"error": "boom"}, status=500)

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS)

    assert outcome.result["msg"] == "Scalingo API refused to list databases (500): boom"


def test_an_empty_name_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule) -> None:
    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name=""))

    assert outcome.result["msg"] == "Option name must not be empty: give a value or leave it out."
    assert len(api.calls) == 0


ADDONS = {"addons": [{"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]}
SECRET_URL = "postgres://my_postgres_db:s3cr3t@db.example:30000/my_postgres_db"
VARIABLES = {"variables": [{"name": "TZ", "value": "UTC"}, {"name": "SCALINGO_POSTGRESQL_URL", "value": SECRET_URL}]}


def app_url(database: dict[str, str], what: str) -> str:
    return API_URL + "/v1/apps/%s/%s" % (database["id"], what)


def test_include_status_reads_each_databases_own_status_not_its_addons(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": [FIRST, SECOND]})
    api.add(responses.GET, app_url(FIRST, "addons"), json=ADDONS)
    api.add(responses.GET, app_url(SECOND, "addons"), json={"addons": [dict(ADDONS["addons"][0], id="ad-2")]})
    api.add(responses.GET, API_URL + "/api/databases/ad-1", json={"database": {"id": "d1", "status": "running"}})
    # The addon says running; the database is still changing plan.
    api.add(responses.GET, API_URL + "/api/databases/ad-2", json={"database": {"id": "d2", "status": "updating"}})

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, include_status=True))

    assert outcome.result["databases"] == [dict(FIRST, status="running"), dict(SECOND, status="updating")]
    assert sent(api)[2:] == [
        ("GET", app_url(FIRST, "addons")), ("GET", API_URL + "/api/databases/ad-1"),
        ("GET", app_url(SECOND, "addons")), ("GET", API_URL + "/api/databases/ad-2"),
    ]


def test_include_url_reads_the_connection_url_variable(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/my-postgres-db", json={"database": FIRST})
    api.add(responses.GET, app_url(FIRST, "variables"), json=VARIABLES)

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name="my-postgres-db", include_url=True))

    assert outcome.result["databases"] == [dict(FIRST, url=SECRET_URL)]
    assert sent(api)[2:] == [("GET", app_url(FIRST, "variables"))]


def test_a_failure_to_read_variables_never_quotes_the_answer(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/my-postgres-db", json={"database": FIRST})
    api.add(responses.GET, app_url(FIRST, "variables"), json={"error": "cannot show " + SECRET_URL}, status=500)

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS, name="my-postgres-db", include_url=True))

    assert outcome.failed
    assert SECRET_URL not in outcome.text
    assert outcome.result["msg"].startswith("Scalingo API refused to read the details of database 'my-postgres-db' (500)")


def test_details_are_not_read_unless_asked(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LIST_URL, json={"databases": [FIRST]})

    outcome = run_module(scalingo_database_info.main, CONNECTION_ARGS)

    assert outcome.result["databases"] == [FIRST]
    assert len(api.calls) == 2


def test_rules_users_and_endpoints_cost_what_the_docs_say(api: responses.RequestsMock, run_module: RunModule) -> None:
    db_api = "https://db-api.test.invalid"
    app = API_URL + "/v1/apps/" + FIRST["id"]
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/" + FIRST["name"], json={"database": FIRST})
    api.add(responses.GET, app + "/addons", json={"addons": [
        {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})
    api.add(responses.GET, LIST_URL + "/%s/endpoints" % FIRST["id"], json={"endpoints": [
        {"id": "ep", "database_id": FIRST["id"], "hostname": "h.example", "port": 30000, "type": "public-rw"}]})
    api.add(responses.POST, app + "/addons/ad-1/token", json={"addon": {"id": "ad-1", "token": "eyJh.eyJl.c2ln"}})
    api.add(responses.GET, db_api + "/api/databases/ad-1/firewall_rules", json={"rules": [
        {"id": "fw-1", "type": "managed_range", "range_id": "man-osc-fr1-egress", "database_id": "x"}]})
    api.add(responses.GET, db_api + "/api/databases/ad-1/users", json={"database-users": [
        {"name": "reporting", "read_only": True, "protected": False, "password": "never-shown-anyway-0000000"}]})

    outcome = run_module(scalingo_database_info.main, dict(
        CONNECTION_ARGS, name=FIRST["name"], database_api_url=db_api, database_api="legacy",
        include_endpoints=True, include_firewall_rules=True, include_users=True,
    ))

    [database] = outcome.result["databases"]
    assert database["endpoints"] == [{"hostname": "h.example", "port": 30000, "type": "public-rw"}]
    assert database["firewall_rules"] == [
        {"id": "fw-1", "type": "managed_range", "cidr": None, "label": None, "range_id": "man-osc-fr1-egress"}]
    assert database["users"] == [{"name": "reporting", "read_only": True, "protected": False, "password_encryption": None}]
    assert "status" not in database and "never-shown" not in outcome.text
    assert [(call.request.method, call.request.url) for call in api.calls] == [
        ("POST", EXCHANGE_URL), ("GET", LIST_URL + "/" + FIRST["name"]), ("GET", app + "/addons"),
        ("GET", LIST_URL + "/%s/endpoints" % FIRST["id"]), ("POST", app + "/addons/ad-1/token"),
        ("GET", db_api + "/api/databases/ad-1/firewall_rules"), ("GET", db_api + "/api/databases/ad-1/users"),
    ]


def test_backups_recovery_window_settings_and_maintenance_each_cost_their_reads(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    db_api = "https://db-api.test.invalid"
    database_api = db_api + "/api/databases/ad-1"
    app = API_URL + "/v1/apps/" + FIRST["id"]
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/" + FIRST["name"], json={"database": FIRST})
    api.add(responses.GET, app + "/addons", json={"addons": [
        {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})
    api.add(responses.POST, app + "/addons/ad-1/token", json={"addon": {"id": "ad-1", "token": "eyJh.eyJl.c2ln"}})
    api.add(responses.GET, database_api, json={"database": {
        "id": "d", "status": "running", "maintenance_window": {"weekday_utc": 0, "starting_hour_utc": 3},
        "periodic_backups_enabled": True, "periodic_backups_scheduled_at": [1]}})
    api.add(responses.GET, database_api + "/backups", json={"database_backups": [
        {"id": "bk-1", "name": "n", "status": "done", "method": "periodic", "size": 1, "created_at": "c",
         "started_at": "s", "database_id": "d"}]})
    api.add(responses.GET, database_api + "/pitr/recovery_window", json={"recovery_window": {
        "earliest_recoverable_at": "2026-11-28T10:00:00Z"}})
    maintenance = [{"id": "mt-%d" % index, "type": "t", "status": "done", "started_at": None, "ended_at": None,
                    "database_id": "d"} for index in range(3)]
    api.add(responses.GET, database_api + "/maintenance", json={"maintenance": maintenance[:2], "meta": {
        "pagination": {"current_page": 1, "next_page": 2, "total_pages": 2}}},
        match=[responses.matchers.query_param_matcher({})])
    api.add(responses.GET, database_api + "/maintenance", json={"maintenance": maintenance[2:], "meta": {
        "pagination": {"current_page": 2, "next_page": None, "total_pages": 2}}},
        match=[responses.matchers.query_param_matcher({"page": "2"})])

    outcome = run_module(scalingo_database_info.main, dict(
        CONNECTION_ARGS, name=FIRST["name"], database_api_url=db_api, database_api="legacy",
        include_settings=True, include_backups=True, include_recovery_window=True, include_maintenance=True,
    ))

    [database] = outcome.result["databases"]
    assert database["settings"] == {
        "maintenance_window": {"weekday": 0, "weekday_name": "Sunday", "starting_hour": 3, "duration_in_hours": None},
        "periodic_backups": {"enabled": True, "scheduled_at": [1]}}
    assert database["backups"] == [{"id": "bk-1", "name": "n", "status": "done", "method": "periodic", "size": 1,
                                    "created_at": "c", "started_at": "s"}]
    assert database["recovery_window"] == {"earliest_recoverable_at": "2026-11-28T10:00:00Z",
                                           "latest_recoverable_at": None}
    assert [entry["id"] for entry in database["maintenance"]] == ["mt-0", "mt-1", "mt-2"]
    assert "database_id" not in database["maintenance"][0]
    assert sent(api)[4:] == [
        ("GET", database_api), ("GET", database_api + "/backups"), ("GET", database_api + "/pitr/recovery_window"),
        ("GET", database_api + "/maintenance"), ("GET", database_api + "/maintenance?page=2"),
    ]


def test_a_maintenance_history_whose_pages_go_back_fails_clearly(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    db_api = "https://db-api.test.invalid"
    app = API_URL + "/v1/apps/" + FIRST["id"]
    expect_exchange(api)
    api.add(responses.GET, LIST_URL + "/" + FIRST["name"], json={"database": FIRST})
    api.add(responses.GET, app + "/addons", json={"addons": [
        {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p", "name": "x"}, "status": "running"}]})
    api.add(responses.POST, app + "/addons/ad-1/token", json={"addon": {"id": "ad-1", "token": "eyJh.eyJl.c2ln"}})
    api.add(responses.GET, db_api + "/api/databases/ad-1/maintenance", json={"maintenance": [], "meta": {
        "pagination": {"current_page": 1, "next_page": 1}}})

    outcome = run_module(scalingo_database_info.main, dict(
        CONNECTION_ARGS, name=FIRST["name"], database_api_url=db_api, database_api="legacy", include_maintenance=True))

    assert outcome.failed
    assert "the pagination comes back to page 1, already read" in outcome.result["msg"]


def test_a_listing_whose_pages_never_end_is_bounded_as_a_whole(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    from ansible_collections.scalingo.cloud.plugins.module_utils import _databases

    expect_exchange(api)
    # Each page 3 MiB, each pointing to the next: no one answer is too large, the listing is.
    padding = "x" * (3 * 1024 * 1024)
    for page in range(1, 14):
        pagination = {"current_page": page, "next_page": page + 1}
        api.add(responses.GET, API_URL + "/v1/databases",
                json={"databases": [dict(FIRST, padding=padding)], "meta": {"pagination": pagination}},
                match=[responses.matchers.query_param_matcher({} if page == 1 else {"page": str(page)})])

    outcome = run_module(scalingo_database_info.main, dict(CONNECTION_ARGS))

    assert outcome.failed
    assert "the pages of databases add up to more than 32 MiB" in outcome.result["msg"]
    assert len([call for call in api.calls if "/v1/databases" in call.request.url]) <= 12
    assert _databases.MAX_ANSWER_BYTES == 32 * 1024 * 1024
