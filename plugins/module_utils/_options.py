# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every scalingo.cloud module shares.

Private to the scalingo.cloud collection. The matching documentation lives in
the ``scalingo.cloud.scalingo`` doc fragment; the two must list the same
options (a unit test compares them).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.scalingo.cloud.plugins.module_utils._client import (
    AUTO_LAYOUT,
    DATABASE_API_LAYOUTS,
    DEFAULT_AUTH_URL,
    DEFAULT_REGION,
    REGIONS,
    ScalingoClient,
    api_url_for_region,
    database_api_url_for_region,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._retries import DEFAULT_RETRIES, DEFAULT_RETRY_MAX_WAIT
from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import (
    BearerTokenCache,
    default_cache_directory,
)


def scalingo_argument_spec() -> dict[str, Any]:
    return dict(
        api_token=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["SCALINGO_API_TOKEN"])),
        region=dict(type="str", default=DEFAULT_REGION, choices=list(REGIONS), fallback=(env_fallback, ["SCALINGO_REGION"])),
        api_url=dict(type="str", fallback=(env_fallback, ["SCALINGO_API_URL"])),
        auth_url=dict(type="str", default=DEFAULT_AUTH_URL, fallback=(env_fallback, ["SCALINGO_AUTH_URL"])),
        # SCALINGO_DB_URL is the Scalingo CLI's name for the same URL.
        database_api_url=dict(type="str", fallback=(env_fallback, ["SCALINGO_DATABASE_API_URL", "SCALINGO_DB_URL"])),
        database_api=dict(type="str", default=AUTO_LAYOUT, choices=[AUTO_LAYOUT] + list(DATABASE_API_LAYOUTS),
                          fallback=(env_fallback, ["SCALINGO_DATABASE_API"])),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=DEFAULT_RETRIES),
        retry_max_wait=dict(type="float", default=DEFAULT_RETRY_MAX_WAIT),
        token_cache=dict(type="bool", default=True),
    )


def client_from_params(params: dict[str, Any], warn: Optional[Callable[[str], None]] = None) -> ScalingoClient:
    """The client for a task's options; ``warn`` tells the user what the task cannot do as asked (a cache)."""
    return ScalingoClient(
        api_token=params["api_token"],
        api_url=params["api_url"] or api_url_for_region(params["region"]),
        auth_url=params["auth_url"],
        validate_certs=params["validate_certs"],
        timeout=params["timeout"],
        retries=params["retries"],
        retry_max_wait=params["retry_max_wait"],
        token_cache=BearerTokenCache(default_cache_directory(), warn=warn) if params["token_cache"] else None,
        database_api_url=params["database_api_url"] or database_api_url_for_region(params["region"]),
        database_api_layout=params["database_api"],
    )


# An hour for one request, a day of waiting between retries: more is a mistake (1e300, inf), not a wish.
MAX_TIMEOUT = 3600
MAX_RETRY_WAIT = 86400

# Options whose empty value means "not set": an AWX credential injects a URL empty when its field is left blank.
EMPTY_MEANS_UNSET = ("api_url", "database_api_url")


def invalid_input_reason(params: dict[str, Any], argument_spec: dict[str, Any]) -> Optional[str]:
    """A sentence saying what is wrong with the options, or None; checked before any request."""
    return next((reason for reason in _input_reasons(params, argument_spec) if reason), None)


def _input_reasons(params: dict[str, Any], argument_spec: dict[str, Any]) -> Iterator[Optional[str]]:
    # A generator: each check runs only once those before it passed (the URL checks read options known not blank).
    yield _empty_option_reason(params, _free_text_options(argument_spec))
    yield _boolean_for_a_number_reason(params, argument_spec)
    yield _api_token_reason(params["api_token"])
    yield _url_reason("api_url", params["api_url"] or None)
    yield _url_reason("auth_url", params["auth_url"])
    yield _url_reason("database_api_url", params["database_api_url"] or None)
    yield _number_reason(params)


def insecure_settings_warning(params: dict[str, Any]) -> Optional[str]:
    if params["validate_certs"]:
        return None
    return (
        "validate_certs is false: the TLS certificates of the Scalingo API are not verified, so the API token "
        "could be sent to an impostor. Use it only against a test server."
    )


def _free_text_options(argument_spec: dict[str, Any]) -> tuple[str, ...]:
    """The options a user types freely, in the order of the spec: a blank value there is a mistake, never a choice."""
    return tuple(
        name
        for name, option in argument_spec.items()
        if option.get("type", "str") == "str" and "choices" not in option and name not in EMPTY_MEANS_UNSET
    )


def _empty_option_reason(params: dict[str, Any], names: tuple[str, ...]) -> Optional[str]:
    for name in names:
        value = params.get(name)
        if isinstance(value, str) and not value.strip():
            return "Option %s must not be empty: give a value or leave it out." % name
    return None


def _boolean_for_a_number_reason(params: dict[str, Any], argument_spec: dict[str, Any]) -> Optional[str]:
    reasons = (boolean_for_a_number_reason(name, params.get(name))
               for name, option in argument_spec.items() if option.get("type") == "int")
    return next((reason for reason in reasons if reason), None)


def boolean_for_a_number_reason(option: str, value: Any) -> Optional[str]:
    """The sentence for true or false given where a whole number goes, or None.

    ansible-core's int check takes them as they are (a bool is an int to Python): they would be sent as JSON
    booleans.
    """
    if isinstance(value, bool):
        return "Option %s is %s, a boolean: give a whole number." % (option, "true" if value else "false")
    return None


def _api_token_reason(token: str) -> Optional[str]:
    # An API token is printable ASCII; anything else was pasted with it, and would fail deep in HTTP. Never
    # quote the token, not even its odd character.
    if all("!" <= character <= "~" for character in token):
        return None
    return (
        "Option api_token holds a character no API token has: a space, a line break or an invisible character "
        "pasted with it?"
    )


def _url_reason(option: str, url: Optional[str]) -> Optional[str]:
    if url is None:
        return None
    parts = urlsplit(url)
    # Name the host only: a URL can carry credentials.
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Option %s must be an https:// URL with a host name." % option
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return (
            "Option %s uses plain http:// to %s, which would send the API token unencrypted. Use https://; "
            "http:// is accepted only for a loopback address such as 127.0.0.1." % (option, parts.hostname)
        )
    if "@" in parts.netloc:
        # requests would send them in place of the tokens, and they would show in the task's invocation.
        return (
            "Option %s must not hold a user name or password (user:password@): the API token goes in api_token."
            % option
        )
    if not _has_valid_port(parts):
        return "Option %s has an invalid port: give a number from 1 to 65535." % option
    if "?" in url or "#" in url:
        # Paths are added to the URL: a query or a fragment would swallow them.
        return "Option %s must not hold a query (?...) or a fragment (#...): give the API's base URL only." % option
    return None


def _has_valid_port(parts: Any) -> bool:
    try:
        port = parts.port
    except ValueError:  # not a number, or past 65535
        return False
    return port is None or port > 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _number_reason(params: dict[str, Any]) -> Optional[str]:
    # not (a < x <= b) also refuses NaN, which every comparison answers false.
    if not 0 < params["timeout"] <= MAX_TIMEOUT:
        return "Option timeout must be a number of seconds greater than 0 and at most %d." % MAX_TIMEOUT
    if params["retries"] < 0:
        return "Option retries must be 0 or more."
    if not 0 <= params["retry_max_wait"] <= MAX_RETRY_WAIT:
        return "Option retry_max_wait must be a number of seconds from 0 to %d." % MAX_RETRY_WAIT
    return None


def invalid_wait_timeout_reason(params: dict[str, Any]) -> Optional[str]:
    """The sentence for a wait of fewer than 0 seconds, the same in every module that waits."""
    wait_timeout = params["wait_timeout"]
    return None if wait_timeout >= 0 else "Option wait_timeout is %d: it must be 0 or more seconds." % wait_timeout
