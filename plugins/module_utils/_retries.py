# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""When a request to the Scalingo API is sent again, and how long the client waits first.

Private to the scalingo.cloud collection.
"""

from __future__ import annotations

import datetime
import email.utils
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:  # only for annotations
    import requests

DEFAULT_RETRIES = 8
# Long enough to ride out Scalingo's one-minute rate-limit window with room to spare.
DEFAULT_RETRY_MAX_WAIT = 150.0
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# Answers after which a request with side effects may or may not have been applied.
AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_BACKOFF_BASE = 1.0
_BACKOFF_CAP = 30.0


@dataclass(frozen=True)
class Effect:
    """What sending a request does: ``harmless`` ones change nothing (a read, minting a token); ``repeatable``
    ones may be sent again after a failure that does not tell whether they were applied (a PUT, a DELETE)."""

    harmless: bool
    repeatable: bool


HARMLESS = Effect(harmless=True, repeatable=True)


def effect_of(method: str, harmless: bool = False, repeatable: bool = False) -> Effect:
    if harmless or method in SAFE_METHODS:
        return HARMLESS
    return Effect(harmless=False, repeatable=repeatable or method in IDEMPOTENT_METHODS)


class RetryBudget:
    """How many more times, and for how many more seconds, one operation may retry.

    Without a Retry-After from the server, waits grow exponentially from
    about one second up to 30, with jitter so that many hosts hitting the
    same limit do not come back in step.
    """

    def __init__(self, retries: int, max_wait: float, rng: Callable[[], float] = random.random) -> None:
        self.retries_left = retries
        self.wait_left = max_wait
        self.attempts = 1
        self.waited = 0.0
        self._rng = rng

    def next_delay(self, retry_after: Optional[float] = None) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the budget is spent."""
        if self.retries_left <= 0:
            return None
        if retry_after is None:
            ceiling = min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** (self.attempts - 1))
            delay = ceiling / 2 + self._rng() * ceiling / 2
        else:
            delay = retry_after
        if delay > self.wait_left:
            return None
        self.retries_left -= 1
        self.wait_left -= delay
        self.waited += delay
        self.attempts += 1
        return delay

    def describe(self) -> str:
        attempts = "1 attempt" if self.attempts == 1 else "%d attempts" % self.attempts
        return "gave up after %s over %.0f seconds" % (attempts, self.waited)


def retry_after_seconds(response: "requests.Response") -> Optional[float]:
    """Seconds from a Retry-After header, given either as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
