# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's one error type for the Scalingo API, and how an answer's words become its message.

Private to the scalingo.cloud collection. Knows HTTP answers, never Ansible results. Whatever an answer says
reaches a message only through ``redact``, which masks the tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:  # only for annotations: the modules report a missing requests themselves
    import requests

_HTML_ANSWER = "an HTML page instead of JSON (a proxy or gateway error)"
# Longest piece of a non-JSON answer quoted back to the user: enough for a
# proxy's one-line reason, short enough to keep a whole HTML page out of a
# failure message.
_MAX_QUOTED_BODY = 200


class ScalingoAPIError(Exception):
    """A request to Scalingo that did not give the answer we needed.

    ``status`` is the HTTP status of an answer that refused the request, or
    None when there was no usable answer (connection refused, timeout, TLS
    failure, a body of an unexpected shape). ``field_errors`` holds the API's
    per-field reasons of a 422. ``may_have_applied`` is true when a request
    with side effects failed in a way that does not tell whether the server
    acted on it (a lost answer, a gateway error). ``is_not_found`` is true
    only for the API's own answer that what was asked for does not exist: a
    404 with the API's JSON error, never a router's or a proxy's page.
    ``no_such_route`` is true for the answers that say the address itself is
    wrong: a 404 that is not the API's JSON, a host that does not resolve or
    refuses connections.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: Optional[int],
        message: str,
        field_errors: Optional[dict[str, list[str]]] = None,
        may_have_applied: bool = False,
        is_not_found: bool = False,
        no_such_route: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.field_errors = field_errors or {}
        self.may_have_applied = may_have_applied
        self.is_not_found = is_not_found
        self.no_such_route = no_such_route
        # Set by a caller that looked and found the request applied (with may_have_applied).
        self.known_applied = False
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

    def has_field_error(self, field: str, message: str) -> bool:
        return self.status == 422 and message in self.field_errors.get(field, [])


def error_details(response: "requests.Response", redact: Callable[[str], str]) -> tuple[str, dict[str, list[str]]]:
    """The API's own explanation of a failed request, as one line, and its per-field reasons.

    Scalingo answers ``{"error": "..."}`` or ``{"errors": {field: [msgs]}}``;
    proxies in front of it answer HTML or plain text, quoted shortened. A JSON
    body of another shape is not quoted: it may hold anything. ``redact``
    takes the secrets out of the text before anything is cut, so that no cut
    can hide a token from it.
    """
    try:
        body = response.json()
    except ValueError:
        return _describe_text_body(redact(response.text)), {}
    if isinstance(body, dict):
        if body.get("error"):
            return redact(str(body["error"])), {}
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            field_errors = {
                redact(str(field)): [redact(message) for message in _as_messages(messages)]
                for field, messages in errors.items()
            }
            text = "; ".join("%s %s" % (field, ", ".join(messages)) for field, messages in field_errors.items())
            return text, field_errors
        if isinstance(errors, list) and errors:
            return redact("; ".join(str(message) for message in errors)), {}
    return "unexpected answer: JSON without an error message", {}


def is_the_apis_error(response: "requests.Response") -> bool:
    """Whether a failed answer is the Scalingo API's own JSON error (``{"error": "..."}``), not a router's page."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), str)


def describe_foreign_answer(response: "requests.Response") -> str:
    """What a failed answer that is not the API's was, in a few words, quoting nothing of it."""
    text = response.text
    if not text.strip():
        return "an empty answer"
    if _is_html(text):
        return "an HTML page"
    try:
        response.json()
    except ValueError:
        return "a plain-text answer"
    return "JSON that is not the API's error"


def _as_messages(messages: Any) -> list[str]:
    if isinstance(messages, list):
        return [str(message) for message in messages]
    return [str(messages)]


def unquoted_error_details(response: "requests.Response") -> str:
    """What a failed request to an endpoint whose answers hold secrets was, quoting nothing of it."""
    if _is_html(response.text):
        return _HTML_ANSWER
    return "an answer that is not shown, since this endpoint's answers hold secrets"


def _describe_text_body(text: str) -> str:
    text = text.strip()
    if not text:
        return "empty answer"
    if _is_html(text):
        return _HTML_ANSWER
    return _truncate(text)


def _is_html(text: str) -> bool:
    return text.strip().lower().startswith(("<!doctype", "<html"))


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX_QUOTED_BODY:
        return text[:_MAX_QUOTED_BODY] + "..."
    return text


# The shortest piece of a token that is masked where it appears alone: long enough that ordinary words of an
# answer are left alone, short enough that no useful part of a token gets through.
_SECRET_PIECE = 12
REDACTED = "********"


def redact_secrets(text: str, secrets: list[str]) -> str:
    """``text`` with every secret, and every piece of one at least _SECRET_PIECE characters long, masked."""
    masked = [False] * len(text)
    for secret in secrets:
        width = min(len(secret), _SECRET_PIECE)
        pieces = {secret[start:start + width] for start in range(len(secret) - width + 1)}
        for start in range(len(text) - width + 1):
            if text[start:start + width] in pieces:
                masked[start:start + width] = [True] * width
    redacted: list[str] = []
    for index, character in enumerate(text):
        if not masked[index]:
            redacted.append(character)
        elif index == 0 or not masked[index - 1]:
            redacted.append(REDACTED)
    return "".join(redacted)
