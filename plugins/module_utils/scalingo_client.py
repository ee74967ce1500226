# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection, for the Scalingo API v1.

This file is private to the scalingo.cloud collection: it is not an API for
other collections and may change in any release. It knows HTTP and the
Scalingo API; it knows nothing of Ansible results.
"""

from __future__ import annotations

import traceback
from typing import Any, Optional
from urllib.parse import urlsplit

REQUESTS_IMPORT_ERROR: Optional[str]
try:
    import requests
except ImportError:  # reported by the modules through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

COLLECTION_NAME = "scalingo.cloud"
COLLECTION_VERSION = "0.1.0"
USER_AGENT = "%s/%s" % (COLLECTION_NAME, COLLECTION_VERSION)

DEFAULT_AUTH_URL = "https://auth.scalingo.com"
DEFAULT_REGION = "osc-fr1"
REGIONS = ("osc-fr1", "osc-secnum-fr1")
TOKEN_EXCHANGE_PATH = "/v1/tokens/exchange"

# Longest piece of a non-JSON answer quoted back to the user: enough for a
# proxy's one-line reason, short enough to keep a whole HTML page out of a
# failure message.
_MAX_QUOTED_BODY = 200


def api_url_for_region(region: str) -> str:
    return "https://api.%s.scalingo.com" % region


class ScalingoAPIError(Exception):
    """A request to Scalingo that did not give the answer we needed.

    ``status`` is the HTTP status of an answer that refused the request, or
    None when there was no usable answer (connection refused, timeout, TLS
    failure, a body of an unexpected shape).
    """

    def __init__(self, method: str, path: str, status: Optional[int], message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.status is None:
            return "%s %s: %s" % (self.method, self.path, self.message)
        return "%s %s (%s): %s" % (self.method, self.path, self.status, self.message)

    def sentence(self, action: str) -> str:
        """A failure message a person understands, e.g. for action "create database 'x'"."""
        if self.status is None:
            return "Could not %s on Scalingo: %s" % (action, self.message)
        return "Scalingo API refused to %s (%d): %s" % (action, self.status, self.message)

    @property
    def is_not_found(self) -> bool:
        return self.status == 404


def describe_error_body(response: "requests.Response") -> str:
    """The API's own explanation of a failed request, as one line of text.

    Scalingo answers ``{"error": "..."}`` or ``{"errors": {field: [msgs]}}``;
    proxies in front of it answer HTML or plain text.
    """
    try:
        body = response.json()
    except ValueError:
        return _describe_text_body(response.text)
    if isinstance(body, dict):
        if body.get("error"):
            return str(body["error"])
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            return "; ".join(_field_messages(field, messages) for field, messages in errors.items())
        if isinstance(errors, list) and errors:
            return "; ".join(str(message) for message in errors)
    return "unexpected answer %s" % _truncate(response.text)


def _field_messages(field: str, messages: Any) -> str:
    if isinstance(messages, list):
        return "%s %s" % (field, ", ".join(str(message) for message in messages))
    return "%s %s" % (field, messages)


def _describe_text_body(text: str) -> str:
    text = text.strip()
    if not text:
        return "empty answer"
    if text.lstrip().lower().startswith(("<!doctype", "<html")):
        return "an HTML page instead of JSON (a proxy or gateway error)"
    return _truncate(text)


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX_QUOTED_BODY:
        return text[:_MAX_QUOTED_BODY] + "..."
    return text


class ScalingoClient:
    """Exchanges the API token for a bearer token and speaks JSON to the API.

    The bearer token is fetched on the first API call, not at construction,
    so that building a client sends nothing.
    """

    def __init__(
        self,
        api_token: str,
        api_url: str,
        auth_url: str = DEFAULT_AUTH_URL,
        validate_certs: bool = True,
        timeout: float = 30,
        session: Optional["requests.Session"] = None,
    ) -> None:
        self._api_token = api_token
        self.api_url = api_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self.timeout = timeout
        self.validate_certs = validate_certs
        self._bearer_token: Optional[str] = None
        self._session = session or requests.Session()
        self._session.headers.update(
            {
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Content-Type": "application/json",
            }
        )

    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, body=body)

    def request(
        self,
        method: str,
        path: str,
        body: Optional[dict[str, Any]] = None,
        params: Optional[dict[str, Any]] = None,
    ) -> Any:
        """Send one API call and return its decoded JSON answer.

        A 401 means the bearer token expired or was revoked: exchange the API
        token once more and retry once before giving up.
        """
        response = self._send_authenticated(method, path, body, params)
        if response.status_code == 401:
            self._bearer_token = None
            response = self._send_authenticated(method, path, body, params)
        return self._decode(method, path, response)

    def _send_authenticated(
        self,
        method: str,
        path: str,
        body: Optional[dict[str, Any]],
        params: Optional[dict[str, Any]],
    ) -> "requests.Response":
        headers = {"Authorization": "Bearer %s" % self._bearer()}
        return self._send(method, self.api_url + path, path, headers=headers, json=body, params=params)

    def _bearer(self) -> str:
        if self._bearer_token is None:
            self._bearer_token = self._exchange_token()
        return self._bearer_token

    def _exchange_token(self) -> str:
        url = self.auth_url + TOKEN_EXCHANGE_PATH
        response = self._send("POST", url, TOKEN_EXCHANGE_PATH, auth=("", self._api_token), json={})
        if response.status_code == 401:
            raise ScalingoAPIError(
                "POST", TOKEN_EXCHANGE_PATH, 401, "the API token was refused (wrong, expired or revoked token)"
            )
        answer = self._decode("POST", TOKEN_EXCHANGE_PATH, response)
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ScalingoAPIError("POST", TOKEN_EXCHANGE_PATH, None, "unexpected answer: no token")
        return token

    def _send(self, method: str, url: str, path: str, **kwargs: Any) -> "requests.Response":
        try:
            # verify goes with each request: a Session-level value loses to REQUESTS_CA_BUNDLE.
            return self._session.request(method, url, timeout=self.timeout, verify=self.validate_certs, **kwargs)
        except requests.exceptions.Timeout:
            raise ScalingoAPIError(method, path, None, "no answer within %s seconds" % self.timeout) from None
        except requests.exceptions.SSLError:
            raise ScalingoAPIError(
                method, path, None, "the TLS certificate of %s could not be verified" % _host_of(url)
            ) from None
        except requests.exceptions.RequestException:
            raise ScalingoAPIError(method, path, None, "could not connect to %s" % _host_of(url)) from None

    def _decode(self, method: str, path: str, response: "requests.Response") -> Any:
        if not 200 <= response.status_code < 300:
            raise ScalingoAPIError(method, path, response.status_code, describe_error_body(response))
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ScalingoAPIError(
                method, path, None, "unexpected answer, not JSON: %s" % describe_error_body(response)
            ) from None


def _host_of(url: str) -> str:
    # Only scheme and host: a URL given by a user could carry credentials.
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.hostname or "")
