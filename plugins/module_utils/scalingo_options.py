# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every scalingo.cloud module shares.

Private to the scalingo.cloud collection. The matching documentation lives in
the ``scalingo.cloud.scalingo`` doc fragment; the two must list the same
options (a unit test compares them).
"""

from __future__ import annotations

from typing import Any, Optional

from ansible.module_utils.basic import env_fallback

from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_client import (
    DEFAULT_AUTH_URL,
    DEFAULT_REGION,
    REGIONS,
    ScalingoClient,
    api_url_for_region,
)


def scalingo_argument_spec() -> dict[str, Any]:
    return dict(
        api_token=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["SCALINGO_API_TOKEN"])),
        region=dict(type="str", default=DEFAULT_REGION, choices=list(REGIONS), fallback=(env_fallback, ["SCALINGO_REGION"])),
        api_url=dict(type="str", fallback=(env_fallback, ["SCALINGO_API_URL"])),
        auth_url=dict(type="str", default=DEFAULT_AUTH_URL, fallback=(env_fallback, ["SCALINGO_AUTH_URL"])),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="float", default=30),
    )


def client_from_params(params: dict[str, Any]) -> ScalingoClient:
    return ScalingoClient(
        api_token=params["api_token"],
        api_url=params["api_url"] or api_url_for_region(params["region"]),
        auth_url=params["auth_url"],
        validate_certs=params["validate_certs"],
        timeout=params["timeout"],
    )


def empty_option_reason(params: dict[str, Any], names: tuple[str, ...]) -> Optional[str]:
    """A sentence naming the first of ``names`` that was given as an empty string, or None."""
    for name in names:
        value = params.get(name)
        if isinstance(value, str) and not value.strip():
            return "Option %s must not be empty: give a value or leave it out." % name
    return None
