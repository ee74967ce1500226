# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Database API of one dedicated database, in whichever of its three layouts serves.

Private to the scalingo.cloud collection. Knows HTTP and the layouts, never Ansible results.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._client import (
    AUTO_LAYOUT,
    Answer,
    ScalingoClient,
    _Service,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._retries import RetryBudget
from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import is_jwt_shaped


class DatabaseAPI:
    """The calls about one dedicated database (its status, firewall rules and users), with ``get``, ``post``...

    The one place that knows where these calls go and what opens them. The
    same routes live in one of three layouts (DATABASE_API_LAYOUTS); with
    ``auto`` the first that serves is used and remembered, with the tokens,
    for the calls and tasks after it. A layout is passed over only on answers
    saying the address does not exist (a 404 that is not the API's JSON, a
    host that refuses connections or does not resolve), never on the API's
    own errors. The addon token of the legacy host is asked for only when
    that host is used, cached like the bearer token and dropped when refused.
    """

    def __init__(self, client: ScalingoClient, app_id: str, addon_id: str) -> None:
        self._client = client
        self.addon_id = addon_id
        self._token_path = "/v1/apps/%s/addons/%s/token" % (quote(app_id, safe=""), quote(addon_id, safe=""))
        self._addon_token: Optional[str] = None
        self._cache_key = client.cache_key("addon:" + addon_id)

    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any], repeatable: bool = False) -> Any:
        return self.request("POST", path, body=body, repeatable=repeatable)

    def patch(self, path: str, body: dict[str, Any], repeatable: bool = False) -> Any:
        return self.request("PATCH", path, body=body, repeatable=repeatable)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def retry_budget(self) -> RetryBudget:
        """A budget for an operation of several requests, as the client's settings allow."""
        return self._client.retry_budget()

    def sleep(self, seconds: float) -> None:
        self._client.sleep(seconds)

    @property
    def bytes_read(self) -> int:
        return self._client.bytes_read

    def request(
        self, method: str, path: str, body: Optional[dict[str, Any]] = None, params: Optional[dict[str, Any]] = None,
        repeatable: bool = False,
    ) -> Any:
        """Send ``path`` (``/databases/{addon}/...`` or ``/firewall/...``) in the layout that serves it.

        ``repeatable`` as ScalingoClient.request takes it.
        """
        return self.answer(method, path, body, params, repeatable).body

    def answer(
        self, method: str, path: str, body: Optional[dict[str, Any]] = None, params: Optional[dict[str, Any]] = None,
        repeatable: bool = False, paths: Optional[dict[str, str]] = None,
    ) -> Answer:
        """As ``request``, with where the answer's Location header points, under the layout that answered.

        ``paths`` gives, by layout, a path that layout serves instead of ``path`` (the legacy host keeps a
        database's operations at its root, say).
        """
        candidates = self._client.database_api_candidates()
        # An answer that may be the main API's own route rather than the Database API's, kept in case no later
        # layout exists: then it was the Database API's after all.
        ambiguous: Optional[ScalingoAPIError] = None
        remembered = len(candidates) == 1 and self._client.database_api_layout == AUTO_LAYOUT
        for position, layout in enumerate(candidates):
            has_fallback = position + 1 < len(candidates)
            try:
                answer = self._client.answer(
                    method, (paths or {}).get(layout, path), body, params, service=self._service(layout, has_fallback),
                    repeatable=repeatable)
            except ScalingoAPIError as error:
                if has_fallback and error.no_such_route:
                    continue
                if remembered and error.no_such_route:
                    # The layout found earlier is gone (Scalingo moved the routes meanwhile): look again.
                    self._client.forget_layout()
                    return self.answer(method, path, body, params, repeatable, paths)
                if has_fallback and error.is_not_found and not self._proven(layout, path):
                    # A JSON 404 from a layout not known to serve the Database API may be the main API's word
                    # about a path it does not have: it tells nothing, and the next layout is tried.
                    ambiguous = ambiguous or error
                    continue
                if error.no_such_route and ambiguous is not None:
                    raise ambiguous from None
                if not error.no_such_route and not error.is_not_found:
                    self._client.remember_layout(layout)
                raise
            self._client.remember_layout(layout)
            return answer
        raise AssertionError("no layout to try")  # candidates is never empty

    def _proven(self, layout: str, path: str) -> bool:
        """Whether a JSON 404 of ``layout`` to ``path`` is the Database API's own word, not the main API's.

        To the database's own path, the Database API answers so while the database is being created; only under
        /v1 is that path also the main API's lookup of a database, whose 404 to an addon ID tells nothing. To a
        sub-path, a layout not yet proven may be the main API answering for a path it does not have: a read of the
        database's own path decides, and a layout proven so is remembered.
        """
        own = "/databases/%s" % quote(self.addon_id, safe="")
        if path == own:
            return layout != "main"
        try:
            self._client.answer("GET", own, service=self._service(layout, has_fallback=True))
        except ScalingoAPIError as error:
            if error.is_not_found or error.no_such_route:
                return False
            raise
        self._client.remember_layout(layout)
        return True

    def _service(self, layout: str, has_fallback: bool) -> _Service:
        client = self._client
        if layout == "legacy":
            return _Service(client.database_api_url + "/api", "database_api_url", self._token, self._forget, has_fallback)
        return client.main_api_service("/api" if layout == "main-api" else "/v1", has_fallback)

    def _token(self) -> str:
        if self._addon_token is None:
            self._addon_token = self._client.remembered_token(self._cache_key) or self._fresh_token()
            self._client.keep_secret(self._addon_token)
        return self._addon_token

    def _fresh_token(self) -> str:
        # Minting an addon token changes nothing: safe to retry, and never a change to report.
        answer = self._client.request("POST", self._token_path, {}, harmless=True)
        addon = answer.get("addon") if isinstance(answer, dict) else None
        token = addon.get("token") if isinstance(addon, dict) else None
        if not isinstance(token, str) or not is_jwt_shaped(token):
            raise ScalingoAPIError("POST", self._token_path, None, "unexpected answer: no addon token")
        self._client.remember_token(self._cache_key, token)
        return token

    def _forget(self) -> None:
        self._addon_token = None
        self._client.forget_token(self._cache_key)
