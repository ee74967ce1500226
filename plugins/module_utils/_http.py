# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a request or an answer is in HTTP terms: the bearer auth, answers read in pieces, where a Location points,
which paths' answers hold secrets, and URLs said back without what they may hide.

Private to the scalingo.cloud collection; the client (``_client``) is its one user.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional
from urllib.parse import urljoin, urlsplit

try:
    import requests
    import urllib3
except ImportError:  # the client reports it; the modules through missing_required_lib
    HAS_REQUESTS = False
else:
    HAS_REQUESTS = True

TOKEN_EXCHANGE_PATH = "/v1/tokens/exchange"
# How much of an answer one read asks for.
READ_SIZE = 65536


def bearer_auth(token: str) -> Callable[[Any], Any]:
    """A requests auth that sends the bearer token; requests takes any callable that fills in a request."""

    def authorize(request: Any) -> Any:
        request.headers["Authorization"] = "Bearer %s" % token
        return request

    return authorize


# Requests that fail the same way every time: a URL or a header requests cannot send, a redirect loop.
NEVER_SUCCEED: tuple[type[Exception], ...] = (
    (
        requests.exceptions.TooManyRedirects,
        requests.exceptions.InvalidHeader,
        requests.exceptions.InvalidURL,
        requests.exceptions.InvalidSchema,
        requests.exceptions.MissingSchema,
    )
    if HAS_REQUESTS
    else ()
)


def hopeless_reason(exception: Exception, url: str, option: str) -> str:
    # requests's own words may quote a header, that is a token: never repeat them.
    if isinstance(exception, requests.exceptions.InvalidHeader):
        return "a header HTTP cannot carry, a token with a space or a line break in it"
    if isinstance(exception, requests.exceptions.TooManyRedirects):
        return "too many redirects at %s: check %s" % (url_of(url), option)
    return "a URL requests cannot use, %s: check %s" % (url_of(url), option)


def redirect_reason(response: "requests.Response", option: str) -> str:
    target = urljoin(response.url or "", response.headers.get("Location", ""))
    return "answered %d, a redirect to %s; the Scalingo API does not redirect: check %s" % (
        response.status_code, host_of(target), option)


def answers_hold_secrets(path: str) -> bool:
    # The token exchange answers with bearer tokens, an addon's token call with its token, an app's variables
    # with its connection URL, a backup's archive with its download link.
    return path == TOKEN_EXCHANGE_PATH or path.endswith(("/variables", "/token", "/archive"))


def successes_hold_secrets(path: str) -> bool:
    # Besides those, a database's users answer a create or a password reset with the password; their refusals
    # ({"error": ...}, field errors) hold none, and are quoted.
    return answers_hold_secrets(path) or "/users" in path


class AnswerTooLarge(Exception):
    """An answer longer than MAX_ANSWER_BYTES: reading on would only fill the memory."""


def pieces_of(response: "requests.Response") -> Iterator[bytes]:
    """An answer's body as it arrives, each piece what one read of the socket gave.

    urllib3 2's read1 returns after one read; a plain read waits until it has
    the whole size asked for, a byte a second included. Older urllib3 has
    only that, and the timeout then bounds each read.
    """
    read_once = getattr(response.raw, "read1", None)
    if read_once is None:
        yield from response.iter_content(chunk_size=READ_SIZE)
        return
    while True:
        piece = read_once(READ_SIZE)
        if not piece:
            return
        yield piece


def never_sent(exception: Exception) -> bool:
    """True when the connection failed before the request left (refused, DNS failure)."""
    reason = exception.args[0] if exception.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def has_dot_segment(path: str) -> bool:
    return any(segment in (".", "..") for segment in urlsplit(path).path.split("/"))


def location_under(response: "requests.Response", base_url: str) -> Optional[str]:
    """The path, under ``base_url``, that the answer's Location header names; None when it names another place.

    The tokens go only where they were sent: a Location on another host, scheme or port, or outside the service's
    prefix, is not followed.
    """
    location = response.headers.get("Location")
    if not location:
        return None
    target = urlsplit(urljoin(response.url or base_url, location))
    base = urlsplit(base_url)
    prefix = base.path.rstrip("/") + "/"
    if (target.scheme, target.netloc) != (base.scheme, base.netloc) or not target.path.startswith(prefix):
        return None
    segments = target.path[len(prefix):].split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        return None
    return "/" + "/".join(segments)


def url_of(url: str) -> str:
    """Scheme, host, port and path: what says where a request went, without credentials or query."""
    return host_of(url) + urlsplit(url).path


def host_of(url: str) -> str:
    # Only scheme, host and port: a URL given by a user could carry credentials.
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host  # an IPv6 address, written as in a URL
    try:
        port = parts.port
    except ValueError:
        port = None
    return "%s://%s%s" % (parts.scheme, host, "" if port is None else ":%d" % port)
