# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from typing import Any, Callable

import pytest
import requests
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils import _client
from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_TOKEN, API_URL, BEARER_TOKEN, CONNECTION_ARGS, EXCHANGE_URL, expect_exchange, json_body

RunModule = Callable[..., ModuleOutcome]

NAME = "orders-production"
PLAN = "postgresql-dr-starter-4096"
PROJECT = "pr-82a3cac5-9b25-473e-b33d-6272b87e636f"
LOOKUP_URL = API_URL + "/v1/databases/" + NAME
CREATE_URL = API_URL + "/v1/databases"
EXISTING = {
    "id": "54100930736f7563d5030000",
    "name": NAME,
    "project_id": PROJECT,
    "technology": "postgresql-ng",
    "plan": PLAN,
}


def args(**extra: Any) -> dict[str, Any]:
    return dict(CONNECTION_ARGS, **{"name": NAME, **extra})


def database_absent(api: responses.RequestsMock) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)


def database_present(api: responses.RequestsMock, **fields: Any) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"database": dict(EXISTING, **fields)})


def sent(api: responses.RequestsMock) -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url) for call in api.calls]


def test_creates_the_database_when_the_lookup_answers_404(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert not outcome.failed
    assert outcome.result == {"changed": True, "created": True, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("POST", CREATE_URL)]
    assert json_body(api.calls[2]) == {
        "database": {"name": NAME, "technology": "postgresql-ng", "plan": PLAN, "project_id": PROJECT}
    }
    assert api.calls[2].request.headers["Authorization"] == "Bearer " + BEARER_TOKEN


def test_the_create_body_leaves_project_id_out_when_not_given(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    run_module(scalingo_database.main, args(plan=PLAN, timeout=5, validate_certs=False))

    assert json_body(api.calls[2]) == {"database": {"name": NAME, "technology": "postgresql-ng", "plan": PLAN}}


def test_an_existing_database_is_left_alone(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_an_existing_database_needs_no_plan(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}


def test_the_database_returned_holds_only_the_documented_fields(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, internal_flag=True)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.result["database"] == EXISTING


def test_check_mode_looks_up_but_sends_no_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), check_mode=True, diff=True)

    assert outcome.result["changed"] is True
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]
    would_be = {"id": None, "name": NAME, "project_id": None, "technology": "postgresql-ng", "plan": PLAN}
    assert outcome.result["database"] == would_be
    assert outcome.result["diff"] == {"before": {}, "after": would_be}


def test_check_mode_on_an_existing_database_is_unchanged(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), check_mode=True)

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}


def test_diff_shows_before_and_after_a_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), diff=True)

    assert outcome.result["diff"] == {"before": {}, "after": EXISTING}


def test_diff_of_an_existing_database_is_empty(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(plan=PLAN), diff=True)

    assert outcome.result["diff"] == {"before": EXISTING, "after": EXISTING}


@pytest.mark.parametrize(
    "name",
    ["short", "UPPER-case-name", "under_score", "a" * 49, "dots.in.name", "with space", "ümlaut-name", "abcdef\n"],
)
def test_an_invalid_name_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule, name: str) -> None:
    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name, plan=PLAN))

    assert outcome.failed
    assert "is invalid: it must be 6 to 48 characters long" in outcome.result["msg"]
    assert len(api.calls) == 0


@pytest.mark.parametrize("name", ["abcdef", "a" * 48, "db-0-1-2", "------"])
def test_valid_names_are_looked_up(api: responses.RequestsMock, run_module: RunModule, name: str) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/" + name, json={"database": dict(EXISTING, name=name)})

    outcome = run_module(scalingo_database.main, dict(CONNECTION_ARGS, name=name))

    assert not outcome.failed


@pytest.mark.parametrize("option", ["plan", "project_id"])
def test_an_empty_option_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule, option: str) -> None:
    outcome = run_module(scalingo_database.main, args(**{option: " "}))

    assert outcome.failed
    assert outcome.result["msg"] == "Option %s must not be empty: give a value or leave it out." % option
    assert len(api.calls) == 0


def test_a_negative_wait_timeout_fails_before_any_request(api: responses.RequestsMock, run_module: RunModule) -> None:
    outcome = run_module(scalingo_database.main, args(wait=True, wait_timeout=-3))

    assert outcome.failed
    assert outcome.result["msg"] == "Option wait_timeout is -3: it must be 0 or more seconds."
    assert len(api.calls) == 0


def test_a_missing_plan_fails_when_the_database_must_be_created(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)

    outcome = run_module(scalingo_database.main, args())

    assert outcome.failed
    assert outcome.result["msg"].startswith(
        "Database 'orders-production' does not exist and cannot be created without a plan"
    )
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_an_existing_database_on_another_plan_fails_and_says_how_to_allow_it(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api, plan="postgresql-dr-business-4096")

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Database 'orders-production' is on plan 'postgresql-dr-business-4096', not '%s'. "
        "Set allow_plan_change: true to change its plan." % PLAN
    )
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_an_existing_database_in_another_project_is_moved_there(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other")
    api.add(responses.PUT, API_URL + "/v1/apps/" + EXISTING["id"], json={"app": {"id": EXISTING["id"]}})

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT), diff=True)

    assert outcome.result == {
        "changed": True, "created": False, "database": EXISTING,
        "diff": {"before": dict(EXISTING, project_id="pr-other"), "after": EXISTING},
    }
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("PUT", API_URL + "/v1/apps/" + EXISTING["id"])]
    assert json_body(api.calls[2]) == {"project_id": PROJECT}


def test_a_move_in_check_mode_is_only_reported(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other")

    outcome = run_module(scalingo_database.main, args(project_id=PROJECT), check_mode=True)

    assert outcome.result == {"changed": True, "created": False, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_a_move_and_a_refused_plan_change_change_nothing(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other", plan="postgresql-dr-business-4096")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert outcome.failed and not outcome.result.get("changed")
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_an_existing_database_of_another_technology_fails_and_says_so(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_present(api, technology="mysql")

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result["msg"] == (
        "Database 'orders-production' already exists and differs from the task: technology is 'mysql', not "
        "'postgresql-ng'. The technology of a database cannot change."
    )
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL)]


def test_a_project_left_out_accepts_any_project(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other")

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert not outcome.failed


def test_a_refused_create_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"errors": {"plan": ["is not a valid plan"]}}, status=422)

    outcome = run_module(scalingo_database.main, args(plan="no-such-plan"))

    assert outcome.failed
    assert outcome.result["msg"] == (
        "Scalingo API refused to create database 'orders-production' (422): plan is not a valid plan"
    )


def test_a_failed_lookup_fails_with_the_apis_reason(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Forbidden", "code": "x"}, status=403)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result["msg"] == "Scalingo API refused to look up database 'orders-production' (403): Forbidden"


def test_a_refused_token_fails_without_showing_it(api: responses.RequestsMock, run_module: RunModule) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"error": "bad " + API_TOKEN}, status=401)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert "API token was refused" in outcome.result["msg"]
    assert API_TOKEN not in outcome.text


@pytest.mark.parametrize(
    "answer",
    [{"databases": []}, {"database": "a string"}, {"database": {"id": "no-name"}}, ["a", "list"]],
)
def test_a_lookup_answer_of_an_unexpected_shape_fails_clearly(
    api: responses.RequestsMock, run_module: RunModule, answer: Any
) -> None:
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, json=answer)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert outcome.result["msg"].startswith(
        "Could not look up database 'orders-production' on Scalingo: unexpected answer"
    )


# --- creating exactly once ---------------------------------------------------


@pytest.mark.parametrize(
    "lost_answer",
    [
        {"body": "<html>502 Bad Gateway</html>", "status": 502, "content_type": "text/html"},
        {"body": requests.exceptions.ReadTimeout()},
    ],
)
def test_a_create_whose_answer_is_lost_is_looked_up_not_sent_again(
    api: responses.RequestsMock, run_module: RunModule, lost_answer: dict[str, Any]
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, **lost_answer)
    api.add(responses.GET, LOOKUP_URL, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result == {"changed": True, "created": True, "database": EXISTING}
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("POST", CREATE_URL), ("GET", LOOKUP_URL)]


def test_a_create_lost_before_the_server_acted_is_sent_again(
    api: responses.RequestsMock, run_module: RunModule, sleeps: list[float]
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, body="<html>503</html>", status=503, content_type="text/html")
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)
    api.add(responses.POST, CREATE_URL, json={"database": EXISTING}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result == {"changed": True, "created": True, "database": EXISTING}
    assert [method for method, url in sent(api) if url == CREATE_URL] == ["POST", "POST"]
    assert len(sleeps) == 1


def test_a_create_that_keeps_failing_gives_up_and_says_so(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, body="<html>503</html>", status=503, content_type="text/html")

    outcome = run_module(scalingo_database.main, args(plan=PLAN, retries=2))

    assert outcome.failed
    assert outcome.result["msg"].startswith(
        "Scalingo API refused to create database 'orders-production' (503): an HTML page instead of JSON"
    )
    assert "gave up after 3 attempts" in outcome.result["msg"]
    assert [method for method, url in sent(api) if url == CREATE_URL] == ["POST"] * 3
    # Every lookup after a failed create answered 404: nothing was applied.
    assert "changed" not in outcome.result


def test_a_create_answered_2xx_without_a_database_is_never_sent_again(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"ok": True}, status=201)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    # The API said it made the database, though the lookup does not find it yet.
    assert outcome.failed and outcome.result["changed"] is True
    assert "no database object" in outcome.result["msg"]
    assert sent(api) == [("POST", EXCHANGE_URL), ("GET", LOOKUP_URL), ("POST", CREATE_URL), ("GET", LOOKUP_URL)]


def test_a_name_taken_since_our_lookup_is_someone_elses_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, LOOKUP_URL, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(plan=PLAN), diff=True)

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING, "diff": {"before": EXISTING, "after": EXISTING}}


def test_a_create_answered_409_conflict_adopts_the_database_that_took_the_name(
    api: responses.RequestsMock, run_module: RunModule
) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"error": "an app with this name already exists"}, status=409)
    api.add(responses.GET, LOOKUP_URL, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}
    assert [call.request.method for call in api.calls].count("POST") == 2  # the exchange, one create


def test_a_name_taken_after_a_lost_create_is_our_create(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, body="<html>503</html>", status=503, content_type="text/html")
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)
    api.add(responses.POST, CREATE_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, LOOKUP_URL, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result == {"changed": True, "created": True, "database": EXISTING}


def test_someone_elses_database_with_another_plan_fails(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, LOOKUP_URL, json={"database": dict(EXISTING, plan="postgresql-dr-business-4096")})

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed
    assert "is on plan 'postgresql-dr-business-4096', not '%s'" % PLAN in outcome.result["msg"]


def test_a_name_taken_by_a_database_we_cannot_see_fails(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_absent(api)
    api.add(responses.POST, CREATE_URL, json={"errors": {"name": ["has already been taken"]}}, status=422)
    api.add(responses.GET, LOOKUP_URL, json={"error": "Database not found"}, status=404)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.result["msg"] == (
        "Scalingo API refused to create database 'orders-production' (422): name has already been taken"
    )


# --- security and bad input -------------------------------------------------

API_TOKEN_CHARACTERS = (
    "Option api_token holds a character no API token has: a space, a line break or an invisible character "
    "pasted with it?"
)
URL_EXTRAS = "Option %s must not hold a query (?...) or a fragment (#...): give the API's base URL only."
URL_CREDENTIALS = (
    "Option %s must not hold a user name or password (user:password@): the API token goes in api_token."
)


@pytest.mark.parametrize("option", ["api_url", "auth_url", "database_api_url"])
@pytest.mark.parametrize("url", ["http://api.example.com", "http://10.0.0.8:8080", "http://user:pw@example.org/"])
def test_plain_http_to_a_remote_host_is_refused_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, option: str, url: str
) -> None:
    outcome = run_module(scalingo_database.main, args(plan=PLAN, **{option: url}))

    assert outcome.failed
    assert outcome.result["msg"].startswith("Option %s uses plain http:// to " % option)
    assert "pw" not in outcome.result["msg"]
    assert len(api.calls) == 0


@pytest.mark.parametrize("url", ["ftp://api.example.com", "api.example.com", "https://"])
def test_a_url_that_is_not_https_fails_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, url: str
) -> None:
    outcome = run_module(scalingo_database.main, args(plan=PLAN, api_url=url))

    assert outcome.result["msg"] == "Option api_url must be an https:// URL with a host name."
    assert len(api.calls) == 0


def test_a_path_prefix_in_api_url_is_kept(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, "https://proxy.example.com/scalingo/v1/databases/" + NAME, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(api_url="https://proxy.example.com/scalingo/"))

    assert not outcome.failed, outcome.result


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.1.2.3"])
def test_plain_http_to_loopback_is_allowed(api: responses.RequestsMock, run_module: RunModule, host: str) -> None:
    api.add(responses.POST, "http://%s/v1/tokens/exchange" % host, json={"token": BEARER_TOKEN})
    api.add(responses.GET, "http://%s/v1/databases/%s" % (host, NAME), json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(api_url="http://" + host, auth_url="http://" + host))

    assert not outcome.failed, outcome.result


def test_turning_certificate_checks_off_warns(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    outcome = run_module(scalingo_database.main, args(validate_certs=False))

    assert not outcome.failed
    assert outcome.warnings == [
        "validate_certs is false: the TLS certificates of the Scalingo API are not verified, so the API token "
        "could be sent to an impostor. Use it only against a test server."
    ]


def test_certificate_checks_on_do_not_warn(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api)

    assert run_module(scalingo_database.main, args()).warnings == []


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"api_token": ""}, "Option api_token must not be empty: give a value or leave it out."),
        ({"auth_url": " "}, "Option auth_url must not be empty: give a value or leave it out."),
        ({"timeout": 0}, "Option timeout must be a number of seconds greater than 0 and at most 3600."),
        ({"timeout": "nan"}, "Option timeout must be a number of seconds greater than 0 and at most 3600."),
        ({"timeout": "inf"}, "Option timeout must be a number of seconds greater than 0 and at most 3600."),
        ({"timeout": 1e300}, "Option timeout must be a number of seconds greater than 0 and at most 3600."),
        ({"retries": -1}, "Option retries must be 0 or more."),
        ({"retry_max_wait": -5}, "Option retry_max_wait must be a number of seconds from 0 to 86400."),
        ({"retry_max_wait": "nan"}, "Option retry_max_wait must be a number of seconds from 0 to 86400."),
        ({"retry_max_wait": 1e300}, "Option retry_max_wait must be a number of seconds from 0 to 86400."),
        ({"api_token": "tk-us-abc\u200bdef"}, API_TOKEN_CHARACTERS),
        ({"api_token": "tk-us-abc def"}, API_TOKEN_CHARACTERS),
        ({"api_token": "tk-us-abcdef\n"}, API_TOKEN_CHARACTERS),
        ({"api_url": "https://api.example.com/?region=x"}, URL_EXTRAS % "api_url"),
        ({"api_url": "https://api.example.com#top"}, URL_EXTRAS % "api_url"),
        ({"auth_url": "https://auth.example.com/?"}, URL_EXTRAS % "auth_url"),
        ({"api_url": "https://user:secret@api.example.com"}, URL_CREDENTIALS % "api_url"),
        ({"auth_url": "https://:secret@auth.example.com"}, URL_CREDENTIALS % "auth_url"),
        ({"api_url": "http://127.0.0.1:99999"}, "Option api_url has an invalid port: give a number from 1 to 65535."),
        ({"database_api_url": "https://db-api.example.com/?x=1"}, URL_EXTRAS % "database_api_url"),
        ({"database_api_url": "https://user:secret@db-api.example.com"}, URL_CREDENTIALS % "database_api_url"),
        ({"auth_url": "https://auth.example.com:http"}, "Option auth_url has an invalid port: give a number from 1 to 65535."),
    ],
)
def test_bad_connection_options_fail_before_any_request(
    api: responses.RequestsMock, run_module: RunModule, extra: dict[str, Any], message: str
) -> None:
    outcome = run_module(scalingo_database.main, args(plan=PLAN, **extra))

    assert outcome.result["msg"] == message
    assert "secret" not in outcome.text
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    "extra",
    [{"name": ["a", "list"]}, {"timeout": "soon"}, {"retries": "many"}, {"validate_certs": "perhaps"}, {"state": "gone"}],
)
def test_wrong_types_fail_with_a_sentence(api: responses.RequestsMock, run_module: RunModule, extra: dict[str, Any]) -> None:
    outcome = run_module(scalingo_database.main, args(plan=PLAN, **extra))

    assert outcome.failed
    assert isinstance(outcome.result["msg"], str) and outcome.result["msg"]
    assert len(api.calls) == 0


def test_an_empty_api_url_means_the_regions_api(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, "https://api.osc-secnum-fr1.scalingo.com/v1/databases/" + NAME, json={"database": EXISTING})

    outcome = run_module(scalingo_database.main, args(api_url="", region="osc-secnum-fr1"))

    assert outcome.result == {"changed": False, "created": False, "database": EXISTING}


def test_a_cache_folder_open_to_others_is_said_once_and_not_used(
    api: responses.RequestsMock, run_module: RunModule, private_cache_home: Any
) -> None:
    folder = private_cache_home / "scalingo.cloud"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    database_present(api)

    outcome = run_module(scalingo_database.main, args())

    assert not outcome.failed
    assert outcome.warnings == [
        "token_cache: the folder %s is open to others or not yours, so no bearer token is kept there; make it "
        "private (chmod 700) or set token_cache: false." % folder
    ]
    assert list(folder.iterdir()) == []


def test_an_answer_past_the_size_cap_fails_the_task_with_a_sentence(
    api: responses.RequestsMock, run_module: RunModule, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_client, "MAX_ANSWER_BYTES", 2 * 1024 * 1024)
    expect_exchange(api)
    api.add(responses.GET, LOOKUP_URL, body=b"[" * 3 * 1024 * 1024)

    outcome = run_module(scalingo_database.main, args(plan=PLAN))

    assert outcome.failed and "changed" not in outcome.result
    assert outcome.result["msg"] == ("Could not look up database 'orders-production' on Scalingo: the answer was larger "
                                     "than 2 MiB, more than any of the Scalingo API's: check api_url")


def test_a_move_answered_500_may_have_been_applied_and_says_so(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_present(api, project_id="pr-other")
    api.add(responses.PUT, API_URL + "/v1/apps/" + EXISTING["id"], json={"error": "internal error"}, status=500)

    outcome = run_module(scalingo_database.main, args(plan=PLAN, project_id=PROJECT))

    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"] == (
        "Scalingo API refused to move database 'orders-production' to project '%s' (500): internal error. The request "
        "may have been applied all the same: run the task again to see, as it reads what is there first." % PROJECT)
