# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A cache of short-lived bearer tokens, so that one exchange serves a whole run.

Private to the scalingo.cloud collection. Every task is a new process, so
without it each task would exchange the API token again: one more request per
task, out of the account's 60 a minute. What is stored, and how:

- the bearer token only (valid one hour), never the API token;
- in a file readable by its owner only (0600), in a folder only its owner can
  enter (0700); a folder that is anyone else's, or open to others, is not used;
- under a name that is a SHA-256 hash of the auth URL and the API token, so the
  file name tells nothing of either, and another token never reads it;
- reused until five minutes before the token's expiry, and dropped as soon as
  the API refuses it (401).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import tempfile
import time
from typing import Callable, Optional

# A token this close to its expiry is exchanged anew, as the official clients do.
EXPIRY_MARGIN = 300


def default_cache_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scalingo.cloud")


class BearerTokenCache:
    def __init__(self, directory: str, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self._clock = clock

    @staticmethod
    def key(api_token: str, auth_url: str) -> str:
        return hashlib.sha256(("%s\n%s" % (auth_url, api_token)).encode("utf-8")).hexdigest()

    def load(self, key: str) -> Optional[str]:
        """The cached bearer token, when there is one that stays valid for five more minutes."""
        if not self._directory_is_private():
            return None
        try:
            with open(self._path(key), encoding="utf-8") as cached:
                token = cached.read().strip()
        except OSError:
            return None
        expiry = token_expiry(token)
        if expiry is None or expiry - self._clock() < EXPIRY_MARGIN:
            return None
        return token

    def store(self, key: str, token: str) -> None:
        """Keep a bearer token for the next tasks; a token without a readable expiry is not kept."""
        if token_expiry(token) is None or not self._prepare_directory():
            return
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".bearer-")  # created 0600
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as cached:
                cached.write(token)
            # Rename is atomic: parallel tasks never read a half-written file.
            os.replace(temporary, self._path(key))
        except OSError:
            _remove(temporary)

    def drop(self, key: str) -> None:
        _remove(self._path(key))

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, "bearer-%s" % key)

    def _prepare_directory(self) -> bool:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
        except OSError:
            return False
        return self._directory_is_private()

    def _directory_is_private(self) -> bool:
        try:
            status = os.lstat(self.directory)
        except OSError:
            return False
        return (
            stat.S_ISDIR(status.st_mode)
            and status.st_uid == os.getuid()
            and not status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        )


def token_expiry(token: str) -> Optional[float]:
    """The ``exp`` claim of a JWT, read without verifying it (it is only a hint of when to renew)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    return float(expiry) if isinstance(expiry, (int, float)) and not isinstance(expiry, bool) else None


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
