# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection, for the Scalingo API v1: the token exchange, sending and reading.

This file is private to the scalingo.cloud collection: it is not an API for
other collections and may change in any release. It knows HTTP and the
Scalingo API; it knows nothing of Ansible results. Its neighbours: the one
error type and how answers become messages (``_errors``), when a request is
sent again (``_retries``), and the Database API's layouts (``_database_api``).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._deadline import Deadline
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import (
    ScalingoAPIError,
    describe_foreign_answer,
    error_details,
    is_the_apis_error,
    redact_secrets,
    unquoted_error_details,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._http import (
    TOKEN_EXCHANGE_PATH,
    NEVER_SUCCEED,
    AnswerTooLarge,
    answers_hold_secrets,
    bearer_auth,
    has_dot_segment,
    host_of,
    hopeless_reason,
    location_under,
    never_sent,
    pieces_of,
    redirect_reason,
    successes_hold_secrets,
    url_of,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._retries import (
    AMBIGUOUS_STATUSES,
    DEFAULT_RETRIES,
    DEFAULT_RETRY_MAX_WAIT,
    HARMLESS,
    RETRYABLE_STATUSES,
    Effect,
    RetryBudget,
    effect_of,
    retry_after_seconds,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import (
    BearerTokenCache,
    is_jwt_shaped,
    token_is_fresh,
)

if TYPE_CHECKING:
    from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI

REQUESTS_IMPORT_ERROR: Optional[str]
try:
    import requests
    import urllib3
except ImportError:  # reported by the modules through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
    from ansible_collections.scalingo.cloud.plugins.module_utils._deadline import WatchedAdapter

COLLECTION_NAME = "scalingo.cloud"
COLLECTION_VERSION = "1.0.0"
USER_AGENT = "%s/%s" % (COLLECTION_NAME, COLLECTION_VERSION)

DEFAULT_AUTH_URL = "https://auth.scalingo.com"
DEFAULT_DATABASE_API_URL = "https://db-api.osc-fr1.scalingo.com"
DEFAULT_REGION = "osc-fr1"
REGIONS = ("osc-fr1", "osc-secnum-fr1")

# The three layouts of the Database API's routes, in the order ``auto`` tries them. ``main-api`` is the main API
# host under /api with the user's bearer token (Scalingo's dashboard client); ``main`` the main API under /v1 with
# the bearer token (go-scalingo's move off the old host); ``legacy`` the db-api host under /api with an addon token.
DATABASE_API_LAYOUTS = ("main-api", "main", "legacy")
AUTO_LAYOUT = "auto"
# How long a layout found to serve is remembered between tasks: about a run, as long as a bearer token lives.
LAYOUT_MEMORY_SECONDS = 3600
_SHARED_LAYOUTS: dict[str, str] = {}

# Seconds past the timeout after which a request still without its whole answer is cut off.
_DEADLINE_GRACE = 1.0
# The largest answer read: far above any of the API's (a list of hundreds of databases is a few hundred kB), far
# below what would strain the machine running the task.
MAX_ANSWER_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A decoded 2xx answer, and where its ``Location`` header points: a path under the base URL of the service
    that answered (to send to that service), or None when there is no such header or it points elsewhere."""

    body: Any
    location: Optional[str]


@dataclass(frozen=True)
class _Reply:
    """The answer ``_send`` settled on, and whether an earlier attempt of the same request may have been applied:
    then a 404 to a delete, say, may be that attempt's doing."""

    response: "requests.Response"
    after_ambiguous: bool


def api_url_for_region(region: str) -> str:
    return "https://api.%s.scalingo.com" % region


def database_api_url_for_region(region: str) -> str:
    return "https://db-api.%s.scalingo.com" % region


class ScalingoClient:
    """Exchanges the API token for a bearer token and speaks JSON to the API.

    The bearer token is fetched on the first API call, not at construction,
    so that building a client sends nothing. Rate limits (429), gateway errors
    (502, 503, 504), timeouts and connection failures are retried within a
    budget of ``retries`` attempts and ``retry_max_wait`` seconds of waiting,
    except where a retry could apply a request twice: those fail at once with
    ``may_have_applied`` set, for the caller to check what happened.
    """

    def __init__(
        self,
        api_token: str,
        api_url: str,
        auth_url: str = DEFAULT_AUTH_URL,
        validate_certs: bool = True,
        timeout: float = 30,
        retries: int = DEFAULT_RETRIES,
        retry_max_wait: float = DEFAULT_RETRY_MAX_WAIT,
        session: Optional["requests.Session"] = None,
        sleep: Optional[Callable[[float], None]] = None,
        token_cache: Optional[BearerTokenCache] = None,
        database_api_url: Optional[str] = None,
        database_api_layout: str = AUTO_LAYOUT,
    ) -> None:
        self._api_token = api_token
        self.api_url = api_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self.database_api_url = (database_api_url or DEFAULT_DATABASE_API_URL).rstrip("/")
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.retries = retries
        self.retry_max_wait = retry_max_wait
        self.sleep = sleep or _wait
        self._bearer_token: Optional[str] = None
        # Addon tokens this client was given: secrets to redact like the others.
        self._addon_tokens: list[str] = []
        self._token_cache = token_cache
        self._cache_key = BearerTokenCache.key(api_token, self.auth_url)
        self._main_api = _Service(self.api_url, "api_url", self._bearer, self._forget_bearer)
        self.database_api_layout = database_api_layout
        self._layout_key = BearerTokenCache.key(
            api_token, self.auth_url, scope="layout:%s %s" % (self.api_url, self.database_api_url))
        # Who this client speaks as, and to what: what clients of one process may share.
        self.identity = (self._cache_key, self.api_url, self.database_api_url, validate_certs, database_api_layout)
        self._session = session or _shared_session(self.identity)
        # Bytes of answers read so far: what bounds a listing of many pages as a whole.
        self.bytes_read = 0

    def retry_budget(self) -> RetryBudget:
        return RetryBudget(self.retries, self.retry_max_wait)

    def cache_key(self, scope: str) -> str:
        """The key under which a token of this API token, for ``scope`` (an addon, say), is kept."""
        return BearerTokenCache.key(self._api_token, self.auth_url, scope=scope)

    def main_api_service(self, prefix: str, has_fallback: bool) -> "_Service":
        """The main API under ``prefix`` (/api, /v1), opened by the user's bearer token."""
        return _Service(self.api_url + prefix, "api_url", self._bearer, self._forget_bearer, has_fallback)

    def keep_secret(self, token: str) -> None:
        """A token this client was handed for another service: redacted from every message, as its own are."""
        self._addon_tokens.append(token)

    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("PATCH", path, body=body)

    def delete(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        return self.request("DELETE", path, params=params)

    def request(
        self,
        method: str,
        path: str,
        body: Optional[dict[str, Any]] = None,
        params: Optional[dict[str, Any]] = None,
        service: Optional["_Service"] = None,
        harmless: bool = False,
        repeatable: bool = False,
    ) -> Any:
        """Send one call to ``service`` (the main API unless said) and return its decoded JSON answer.

        A 401 means the token expired or was revoked: get a new one and retry
        once before giving up. ``harmless`` says that the call changes nothing, whatever its method (minting a
        token, say): it is retried as a GET is, and a failure never says it may have changed anything.
        ``repeatable`` says that sending it twice does what sending it once does (setting a password): it is
        retried as a PUT is.
        """
        return self.answer(method, path, body, params, service, harmless, repeatable).body

    def answer(
        self,
        method: str,
        path: str,
        body: Optional[dict[str, Any]] = None,
        params: Optional[dict[str, Any]] = None,
        service: Optional["_Service"] = None,
        harmless: bool = False,
        repeatable: bool = False,
    ) -> Answer:
        """As ``request``, with where the answer's ``Location`` header points."""
        if has_dot_segment(path):
            # HTTP libraries resolve "." and ".." in a path: an ID that is one would address another resource.
            raise ScalingoAPIError(method, path, None, "an ID that is '.' or '..' names no resource: nothing was sent")
        service = service or self._main_api
        effect = effect_of(method, harmless, repeatable)
        reply = self._call(service, method, path, body, params, effect)
        if reply.response.status_code == 401:
            service.forget_token()
            reply = self._call(service, method, path, body, params, effect)
        decoded = self._decode(method, path, reply, effect, service.option)
        return Answer(decoded, location_under(reply.response, service.base_url))

    def database_api(self, app_id: str, addon_id: str) -> "DatabaseAPI":
        """The Database API's calls about the database behind ``addon_id`` of app ``app_id``."""
        # Imported here: the Database API builds on this client.
        from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI

        return DatabaseAPI(self, app_id, addon_id)

    def _call(
        self,
        service: "_Service",
        method: str,
        path: str,
        body: Optional[dict[str, Any]],
        params: Optional[dict[str, Any]],
        effect: "Effect",
    ) -> _Reply:
        return self._send(
            method,
            service.base_url + path,
            path,
            effect,
            service.option,
            unreachable_is_final=service.has_fallback,
            # As an auth, not a header: requests then never puts ~/.netrc or a URL's user:password in its place.
            auth=bearer_auth(service.token()),
            json=body,
            params=params,
        )

    def _bearer(self) -> str:
        if self._bearer_token is None:
            self._bearer_token = self.remembered_token(self._cache_key) or self._fresh_bearer()
        return self._bearer_token

    def _fresh_bearer(self) -> str:
        token = self._exchange_token()
        self.remember_token(self._cache_key, token)
        return token

    def _forget_bearer(self) -> None:
        self._bearer_token = None
        self.forget_token(self._cache_key)

    def remembered_token(self, key: str) -> Optional[str]:
        """A token kept under ``key``: in this process first, then in the token cache; None when there is none."""
        token = _SHARED_TOKENS.get(key)
        if token is not None and not token_is_fresh(token):
            # About to expire: as if it were not there.
            del _SHARED_TOKENS[key]
            token = None
        if token is None and self._token_cache:
            token = self._token_cache.load(key)
        if token is not None:
            _SHARED_TOKENS[key] = token
        return token

    def remember_token(self, key: str, token: str) -> None:
        _SHARED_TOKENS[key] = token
        if self._token_cache:
            self._token_cache.store(key, token)

    def forget_token(self, key: str) -> None:
        _SHARED_TOKENS.pop(key, None)
        if self._token_cache:
            self._token_cache.drop(key)

    def database_api_candidates(self) -> tuple[str, ...]:
        """The layouts of the Database API to try, in order: the pinned one, the one found earlier, or all."""
        if self.database_api_layout != AUTO_LAYOUT:
            return (self.database_api_layout,)
        layout = _SHARED_LAYOUTS.get(self._layout_key)
        if layout is None and self._token_cache:
            layout = self._token_cache.load_word(self._layout_key, DATABASE_API_LAYOUTS, LAYOUT_MEMORY_SECONDS)
        return (layout,) if layout in DATABASE_API_LAYOUTS else DATABASE_API_LAYOUTS

    def remember_layout(self, layout: str) -> None:
        if self.database_api_layout != AUTO_LAYOUT or _SHARED_LAYOUTS.get(self._layout_key) == layout:
            return
        _SHARED_LAYOUTS[self._layout_key] = layout
        if self._token_cache:
            self._token_cache.store_word(self._layout_key, layout)

    def forget_layout(self) -> None:
        _SHARED_LAYOUTS.pop(self._layout_key, None)
        if self._token_cache:
            self._token_cache.drop_word(self._layout_key)

    def _exchange_token(self) -> str:
        url = self.auth_url + TOKEN_EXCHANGE_PATH
        # Exchanging twice only mints two bearer tokens: safe to retry like a GET.
        reply = self._send("POST", url, TOKEN_EXCHANGE_PATH, HARMLESS, "auth_url", auth=("", self._api_token), json={})
        if reply.response.status_code == 401:
            raise ScalingoAPIError(
                "POST", TOKEN_EXCHANGE_PATH, 401, "the API token was refused (wrong, expired or revoked token)"
            )
        if reply.response.status_code == 404:
            # Whatever its body says: there is no exchange at this address, which is a setting to fix.
            message = "%s has no token exchange (404): check auth_url, usually %s" % (url_of(url), DEFAULT_AUTH_URL)
            raise ScalingoAPIError("POST", TOKEN_EXCHANGE_PATH, None, message)
        answer = self._decode("POST", TOKEN_EXCHANGE_PATH, reply, HARMLESS, "auth_url")
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ScalingoAPIError("POST", TOKEN_EXCHANGE_PATH, None, "unexpected answer: no token")
        if not is_jwt_shaped(token):
            # It could not go into a header, and asking again would give the same.
            raise ScalingoAPIError(
                "POST", TOKEN_EXCHANGE_PATH, None, "unexpected answer: a token with characters no bearer token has"
            )
        return token

    def _send(
        self, method: str, url: str, path: str, effect: "Effect", option: str, unreachable_is_final: bool = False,
        **kwargs: Any
    ) -> _Reply:
        """Send a request until it gets an answer worth returning, within the retry budget.

        ``option`` names the setting behind ``url``, for the failures a setting causes. With
        ``unreachable_is_final``, a host that refuses connections or does not resolve fails at once: the caller
        has another address to try.
        """
        budget = self.retry_budget()
        after_ambiguous = False
        while True:
            try:
                # verify goes with each request: a Session-level value loses to REQUESTS_CA_BUNDLE.
                # The API does not redirect: a redirect is never followed, so no answer comes from elsewhere.
                started = _now()
                # Each read is bounded by requests' timeout, the body as a whole by _read_body, and everything up
                # to its end, headers included, by the deadline (a little later, so that the others speak first).
                with Deadline(self.timeout + _DEADLINE_GRACE) as deadline:
                    try:
                        response = self._session.request(
                            method, url, timeout=self.timeout, verify=self.validate_certs, allow_redirects=False,
                            stream=True, **kwargs
                        )
                        self._read_body(response, started)
                    except requests.exceptions.RequestException:
                        if not deadline.expired:
                            raise
                if deadline.expired:
                    # Whatever was read before the cut (a part of the headers, say) is no answer.
                    raise requests.exceptions.ReadTimeout("the answer took longer than the timeout")
            except AnswerTooLarge:
                raise ScalingoAPIError(method, path, None, "the answer was larger than %d MiB, more than any of the "
                                       "Scalingo API's: check %s" % (MAX_ANSWER_BYTES // 1024 // 1024, option),
                                       may_have_applied=not effect.harmless) from None
            except requests.exceptions.SSLError:
                # A certificate that failed verification fails the same way next time: no retry.
                message = "the TLS certificate of %s could not be verified" % host_of(url)
                raise ScalingoAPIError(method, path, None, message) from None
            except NEVER_SUCCEED as exception:
                raise ScalingoAPIError(method, path, None, hopeless_reason(exception, url, option)) from None
            except requests.exceptions.RequestException as exception:
                failure, retry_after = self._transport_failure(method, path, url, exception, effect), None
            else:
                if response.is_redirect:
                    raise ScalingoAPIError(method, path, None, redirect_reason(response, option))
                if response.status_code not in RETRYABLE_STATUSES:
                    return _Reply(response, after_ambiguous)
                failure = self._answer_failure(method, path, response, effect, option, after_ambiguous)
                retry_after = retry_after_seconds(response)
            failure.may_have_applied = failure.may_have_applied or after_ambiguous
            if (failure.may_have_applied and not effect.repeatable) or (unreachable_is_final and failure.no_such_route):
                raise failure
            after_ambiguous = failure.may_have_applied
            delay = budget.next_delay(retry_after)
            if delay is None:
                failure.message = "%s (%s)" % (failure.message, budget.describe())
                raise failure
            self.sleep(delay)

    def _read_body(self, response: "requests.Response", started: float) -> None:
        """Read the whole answer, within ``timeout`` seconds of sending the request.

        requests' own timeout bounds each read, so a server that trickles its
        answer could hold a task for ever; here the answer as a whole gets
        ``timeout`` seconds (one read more at worst).
        """
        chunks = []
        size = 0
        try:
            for chunk in pieces_of(response):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    response.close()
                    raise AnswerTooLarge()
                if _now() - started > self.timeout:
                    response.close()
                    raise requests.exceptions.ReadTimeout("the answer took longer than the timeout")
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(error) from None
        except urllib3.exceptions.HTTPError as error:
            # What iter_content would have turned into a requests error, had it read the answer.
            raise requests.exceptions.ConnectionError(error) from None
        self.bytes_read += size
        # requests has no public way to hand back a body read in pieces: Response.content fills this attribute.
        response._content = b"".join(chunks)

    def _transport_failure(
        self, method: str, path: str, url: str, exception: Exception, effect: "Effect"
    ) -> ScalingoAPIError:
        if never_sent(exception):
            # Refused, or a host name that does not resolve: no server of that address exists.
            return ScalingoAPIError(method, path, None, "could not connect to %s" % host_of(url), no_such_route=True)
        if isinstance(exception, requests.exceptions.ConnectTimeout):
            return ScalingoAPIError(method, path, None, "could not connect to %s" % host_of(url))
        if isinstance(exception, requests.exceptions.Timeout):
            message = "no answer within %s seconds" % self.timeout
        else:
            message = "the connection to %s was lost before an answer came" % host_of(url)
        return ScalingoAPIError(method, path, None, message, may_have_applied=not effect.harmless)

    def _answer_failure(
        self, method: str, path: str, response: "requests.Response", effect: "Effect", option: str,
        after_ambiguous: bool,
    ) -> ScalingoAPIError:
        if response.status_code == 404 and not is_the_apis_error(response):
            # A router or a proxy, not the API: the URL is wrong, and nothing may be taken as absent.
            message = "%s answered 404 with %s, not the Scalingo API's own answer: check %s" % (
                url_of(response.url or path), describe_foreign_answer(response), option)
            return ScalingoAPIError(method, path, None, message, no_such_route=True)
        field_errors: dict[str, list[str]] = {}
        if answers_hold_secrets(path):
            message = unquoted_error_details(response)
        else:
            message, field_errors = error_details(response, self._redact)
        return ScalingoAPIError(
            method,
            path,
            response.status_code,
            message,
            field_errors=field_errors,
            may_have_applied=not effect.harmless and (response.status_code in AMBIGUOUS_STATUSES or after_ambiguous),
            is_not_found=response.status_code == 404,
        )

    def _decode(self, method: str, path: str, reply: _Reply, effect: "Effect", option: str) -> Any:
        response = reply.response
        if not 200 <= response.status_code < 300:
            raise self._answer_failure(method, path, response, effect, option, reply.after_ambiguous)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            # A 2xx says a write was applied, whatever its body.
            applied = not effect.harmless
            if successes_hold_secrets(path):
                failure = ScalingoAPIError(
                    method, path, None, "unexpected answer: " + unquoted_error_details(response), may_have_applied=applied)
            else:
                message = "unexpected answer, not JSON: %s" % error_details(response, self._redact)[0]
                failure = ScalingoAPIError(method, path, None, message, may_have_applied=applied)
            # Not "may have": the 2xx said it was.
            failure.known_applied = applied
            raise failure from None

    def _redact(self, text: str) -> str:
        # An API or a proxy may echo what it was sent; never pass a token on, whole or in part.
        secrets = [self._api_token, self._bearer_token] + self._addon_tokens
        return redact_secrets(text, [secret for secret in secrets if secret])


# What a client leaves for the next client of the same process: in Ansible's worker, the next loop item of the same
# task. HTTP sessions (and the connections they hold open) are keyed by the API token's hash, the URLs and the
# certificate setting, tokens by their cache key: nothing passes between different tokens. On a target, every
# process is one loop item, and these stay empty.
_SHARED_SESSIONS: dict[tuple[Any, ...], "requests.Session"] = {}
_SHARED_TOKENS: dict[str, str] = {}


def _shared_session(key: tuple[Any, ...]) -> "requests.Session":
    session = _SHARED_SESSIONS.get(key)
    if session is None:
        session = requests.Session()
        # Its connections report to the Deadline of each request, which can then cut off a trickle of headers.
        adapter = WatchedAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers.update(
            {
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Content-Type": "application/json",
            }
        )
        _SHARED_SESSIONS[key] = session
    return session


def forget_shared_state() -> None:
    """Close the sessions and forget the tokens this process keeps (between unit tests, say)."""
    for session in _SHARED_SESSIONS.values():
        session.close()
    _SHARED_SESSIONS.clear()
    _SHARED_TOKENS.clear()
    _SHARED_LAYOUTS.clear()


class _Service:
    """Where a family of calls goes, which option sets it, and the token that opens it.

    ``has_fallback`` says that another address serves the same calls, should this one not exist.
    """

    def __init__(
        self,
        base_url: str,
        option: str,
        token: Callable[[], str],
        forget_token: Callable[[], None],
        has_fallback: bool = False,
    ) -> None:
        self.base_url = base_url
        self.option = option
        self.token = token
        self.forget_token = forget_token
        self.has_fallback = has_fallback


def _wait(seconds: float) -> None:
    time.sleep(seconds)


def _now() -> float:
    return time.monotonic()
