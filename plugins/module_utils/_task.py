# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a scalingo.cloud module's logic ends a task that cannot go on.

Private to the scalingo.cloud collection. The logic of each module runs in one
of two places: in the module's own process on the target, or, when the task
runs on the controller, in Ansible's worker process (see the collection's
action plugins). It raises TaskFailed rather than calling ``fail_json``, and
whichever runs it turns the failure into the task's result.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError


class TaskFailed(Exception):
    """The task fails with ``msg``, a sentence for the user; ``details`` are returned with it (a database, say)."""

    def __init__(self, msg: str, **details: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details


@contextmanager
def api_errors_fail_task(action: str, if_applied: str = "", **details: Any) -> Iterator[None]:
    """An API error inside the block fails the task with a sentence naming ``action``, e.g. "create database 'x'".

    ``details`` are returned with the failure; a request that may have been applied makes it ``changed``, and
    its message ends with ``if_applied``: what to check. Left out, it says to run the task again, which is right
    for a declared state only; a one-shot action (a restore, a backup) says how to see whether it happened.
    """
    try:
        yield
    except ScalingoAPIError as error:
        message = error.sentence(action)
        if error.may_have_applied:
            details = dict(details, changed=True)
            # Unless the caller looked and found it applied: then its message says what follows.
            if not error.known_applied:
                message += ("" if message.endswith(".") else ".") + (if_applied or MAY_HAVE_APPLIED)
        # The sentence says all; the client's traceback would only repeat it.
        raise TaskFailed(message, **details) from None


# What a failure after a request that may have been applied says to do: the modules read before they write.
MAY_HAVE_APPLIED = " The request may have been applied all the same: run the task again to see, as it reads what is there first."
