# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Constants and small helpers shared by the unit tests."""

from __future__ import annotations

import base64
import json
from typing import Any

import responses

API_URL = "https://api.test.invalid"
AUTH_URL = "https://auth.test.invalid"
API_TOKEN = "tk-us-unit-test-secret"
BEARER_TOKEN = "bearer-unit-test-secret"
EXCHANGE_URL = AUTH_URL + "/v1/tokens/exchange"
CONNECTION_ARGS = {"api_token": API_TOKEN, "api_url": API_URL, "auth_url": AUTH_URL}


def expect_exchange(api: responses.RequestsMock, token: str = BEARER_TOKEN) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"token": token}, status=200)


def basic_auth_header(token: str) -> str:
    return "Basic " + base64.b64encode((":" + token).encode()).decode()


def json_body(call: Any) -> Any:
    return json.loads(call.request.body)


# The database and addon the unit tests of the modules about a database find, as their results name them.
DATABASE_ID = "54100930736f7563d5030000"
ADDON_ID = "ad-1"


def reached(result: dict[str, Any], database_id: str = DATABASE_ID, addon_id: Any = ADDON_ID) -> dict[str, Any]:
    """``result`` as a module about a database returns it: with the IDs the next task can be given."""
    ids = {"database_id": database_id, "addon_id": addon_id}
    return dict(result, **{key: value for key, value in ids.items() if value is not None})
