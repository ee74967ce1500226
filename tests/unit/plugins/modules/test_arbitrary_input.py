# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property-based: whatever the parameters and whatever the API answers, the modules end with a
result or a sentence, never a traceback, and never show a token."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Optional

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import BearerTokenCache
from tests.conftest import MODULE_NAMES, module_named
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_TOKEN, API_URL, AUTH_URL, BEARER_TOKEN

RunModule = Callable[..., ModuleOutcome]

# In CI the examples are the same on every run, so that a run's verdict does not depend on luck;
# elsewhere each run explores new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
# Cases a module meets per run: 300 on the newest ansible-core line; scripts/test.sh gives the other lines fewer
# (the same first cases, derandomized in CI), enough to meet each line's own argument checks.
EXAMPLES = int(os.environ.get("SCALINGO_PROPERTY_EXAMPLES", "300"))

STATUSES = [200, 201, 204, 400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
DATABASE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=30) | st.integers(),
        "name": st.sampled_from(["orders-production", "other-database"]) | st.text(max_size=10),
        "plan": st.sampled_from(["postgresql-dr-starter-4096", "postgresql-dr-business-4096"]) | st.none(),
        "project_id": st.text(max_size=10) | st.none(),
        "technology": st.just("postgresql-ng") | st.text(max_size=5),
    },
)
BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.builds(lambda db: json.dumps({"database": db}), DATABASE_LIKE),
    st.builds(lambda dbs: json.dumps({"databases": dbs}), st.lists(DATABASE_LIKE, max_size=3)),
    st.builds(lambda errors: json.dumps({"errors": errors}), st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=20), max_size=2), max_size=2)),
    st.just(json.dumps({"errors": {"name": ["has already been taken"]}})),
    st.builds(
        lambda status, provider: json.dumps(
            {"addons": [{"id": "ad-1", "addon_provider": {"id": provider}, "plan": {"id": "p1", "name": "x"}, "status": status}]}
        ),
        st.sampled_from(["provisioning", "running", "updating", "suspended", 3]),
        st.sampled_from(["postgresql-ng", "redis"]),
    ),
    st.just(json.dumps({"plans": [
        {"id": "p1", "name": "postgresql-dr-starter-4096"},
        {"id": "p2", "name": "postgresql-dr-business-4096", "disabled": False},
        {"id": "p3", "name": "postgresql-dr-legacy-2048", "disabled": True},
    ]})),
    st.just(json.dumps({"variables": [{"name": "SCALINGO_POSTGRESQL_URL", "value": "postgres://u:p@h:5432/db"}]})),
    st.just(json.dumps({"token": BEARER_TOKEN})),
    # An API or proxy that echoes what it was sent must not make us repeat it.
    st.just(json.dumps({"error": "bad credentials " + API_TOKEN + " / " + BEARER_TOKEN})),
    st.just("<html><body>502 Bad Gateway " + BEARER_TOKEN + "</body></html>"),
    st.text(max_size=50),
    st.just(""),
)
ANSWER = st.tuples(st.sampled_from(STATUSES), BODIES, st.sampled_from([None, "0", "1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]))
ANSWERS = st.lists(ANSWER, min_size=1, max_size=12)


def jwt(expires_in: int) -> str:
    def part(claims: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    return "%s.%s.c2lnbmF0dXJlLW9mLWEtdG9rZW4" % (part({"alg": "HS256"}), part({"exp": int(time.time()) + expires_in}))


CACHED_JWT = jwt(3600)
# Bearer tokens an exchange may give: the usual, one with a line break or a space, one the cache would keep.
BEARERS = st.sampled_from([BEARER_TOKEN, BEARER_TOKEN + "\r\n", "bearer with space", jwt(7200), ""])
# Half the time the exchange works, so that the API's answers are reached.
EXCHANGES = st.lists(
    st.builds(lambda token: (200, json.dumps({"token": token}), None), BEARERS) | ANSWER, min_size=1, max_size=3
)
# API tokens as users paste them, odd characters included.
API_TOKENS = st.sampled_from([API_TOKEN, API_TOKEN + "\u200b", API_TOKEN + "\n", "tk-us-\u00e9t\u00e9", " " + API_TOKEN])
# What the cache file may hold when the task starts: nothing, a good token, one about to expire, or any bytes.
CACHE_CONTENTS = st.none() | st.sampled_from([CACHED_JWT.encode(), jwt(10).encode(), b"\xff", b"a.b.c\r\n"]) | st.binary(
    max_size=64)
TEXT_OR_NOTHING = st.none() | st.text(max_size=60) | st.sampled_from(["", " ", "orders-production", "a" * 49])
CONNECTION_OPTIONS = {
    "timeout": st.sampled_from([0, -1, 0.5, 30, "soon", None]),
    "retries": st.sampled_from([0, 1, 3, -2, "x"]),
    "retry_max_wait": st.sampled_from([0, 5, -1.5]),
    "validate_certs": st.sampled_from([True, False, "maybe"]),
    "api_url": st.sampled_from([API_URL, "http://api.example.org", "ftp://x", "", "not a url", "http://127.0.0.1:1"]),
    "region": st.sampled_from(["osc-fr1", "mars-1"]),
    "token_cache": st.booleans(),
}
NAMES = st.text(max_size=60) | st.sampled_from(["orders-production", "abcdef", "54100930736f7563d5030000"])
# Values worth trying for options whose name says what they hold, whichever module has them; every other option
# gets values of its type (of_type), so that a new module is covered without being listed here.
CHOSEN = dict(
    CONNECTION_OPTIONS,
    name=NAMES,
    plan=TEXT_OR_NOTHING | st.sampled_from(["postgresql-dr-starter-4096", "postgresql-dr-business-4096"]),
    project_id=TEXT_OR_NOTHING,
    technology=st.sampled_from(["postgresql-ng", "mysql", 3]),
    state=st.sampled_from(["present", "absent", None]),
    wait_timeout=st.sampled_from([0, 1, -1, "long"]),
)
# Set by the test itself.
FIXED = ("api_token", "auth_url")


def of_type(option: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values for an option: mostly of its type or among its choices, some not."""
    if "choices" in option:
        return st.sampled_from(list(option["choices"]) + ["not-a-choice", None])
    kind = option.get("type", "str")
    typed = {
        "bool": st.booleans(),
        "int": st.integers(min_value=-5, max_value=5000),
        "float": st.floats(min_value=-5, max_value=5000),
        "str": TEXT_OR_NOTHING,
        "list": st.lists(JSON_VALUES, max_size=4),
        "dict": st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3),
    }.get(kind, JSON_VALUES)
    return typed | JSON_VALUES


def params_of(module: ModuleType) -> st.SearchStrategy[dict[str, Any]]:
    spec = module.DECLARATION.argument_spec()
    strategies = {
        name: CHOSEN[name] if name in CHOSEN else of_type(option) for name, option in spec.items() if name not in FIXED
    }
    required = {name: value for name, value in strategies.items() if spec[name].get("required")}
    optional = {name: value for name, value in strategies.items() if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def answering(answers: list[tuple[int, str, Any]]) -> Callable[[Any], tuple[int, dict[str, str], str]]:
    remaining = list(answers)

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        status, body, retry_after = remaining.pop(0) if remaining else (503, "", None)
        return status, ({"Retry-After": retry_after} if retry_after else {}), body

    return answer


def serve(api: responses.RequestsMock, exchanges: list[tuple[int, str, Any]], answers: list[tuple[int, str, Any]]) -> None:
    api.add_callback(responses.POST, AUTH_URL + "/v1/tokens/exchange", callback=answering(exchanges))
    api_answer = answering(answers)
    for method in (responses.GET, responses.POST):
        api.add_callback(method, re.compile(r"https?://.*"), callback=api_answer)


def check_outcome(outcome: ModuleOutcome, api_token: str) -> None:
    text = json.dumps(outcome.result, default=str) + json.dumps(outcome.warnings)
    for secret in (api_token, API_TOKEN, BEARER_TOKEN, CACHED_JWT):
        assert secret.strip() not in text
    if outcome.failed:
        assert isinstance(outcome.result["msg"], str) and outcome.result["msg"]
        assert "Traceback" not in outcome.result["msg"]
    else:
        assert outcome.result["changed"] in (True, False)


@pytest.mark.parametrize("name", MODULE_NAMES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(), exchanges=EXCHANGES, answers=ANSWERS, check_mode=st.booleans(), api_token=API_TOKENS,
    cached=CACHE_CONTENTS,
)
def test_no_traceback_and_no_token_whatever_happens(
    run_module: RunModule,
    private_cache_home: Path,
    name: str,
    data: st.DataObject,
    exchanges: list[tuple[int, str, Any]],
    answers: list[tuple[int, str, Any]],
    check_mode: bool,
    api_token: str,
    cached: Optional[bytes],
) -> None:
    module = module_named(name)
    params = data.draw(params_of(module), label="params")
    args = {key: value for key, value in params.items() if value is not None}
    args.setdefault("api_url", API_URL)
    args.update(api_token=api_token, auth_url=AUTH_URL)
    put_in_cache(private_cache_home, api_token, cached)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        serve(api, exchanges, answers)
        outcome = run_module(module.main, args, check_mode=check_mode, diff=True)
    check_outcome(outcome, api_token)


def put_in_cache(home: Path, api_token: str, content: Optional[bytes]) -> None:
    folder = home / "scalingo.cloud"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    entry = folder / ("bearer-" + BearerTokenCache.key(api_token, AUTH_URL))
    if content is None:
        entry.unlink(missing_ok=True)
        return
    entry.write_bytes(content)
    entry.chmod(0o600)
