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
  the API refuses it (401);
- read without following links, from a file that is its owner's and no one
  else's, at most a few kilobytes of it; an entry that is not a token of the
  JWT alphabet with a readable expiry is dropped, so that no content can
  break the tasks that come after.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import string
import tempfile
import time
from typing import Callable, Optional

# A token this close to its expiry is exchanged anew, as the official clients do.
EXPIRY_MARGIN = 300
# A bearer token is a few hundred characters: a larger file holds something else.
MAX_ENTRY_BYTES = 8192
# The three parts of a JWT are base64url, joined by dots.
JWT_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_.")


def is_jwt_shaped(token: str) -> bool:
    """Whether ``token`` holds only what a JWT holds, so that it can go into an HTTP header as it is."""
    return bool(token) and all(character in JWT_CHARACTERS for character in token)


def default_cache_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scalingo.cloud")


class BearerTokenCache:
    def __init__(
        self, directory: str, clock: Callable[[], float] = time.time, warn: Optional[Callable[[str], None]] = None
    ) -> None:
        self.directory = directory
        self._clock = clock
        self._warn = warn
        self._warned = False

    @staticmethod
    def key(api_token: str, auth_url: str, scope: str = "") -> str:
        """The name of a token's entry; ``scope`` tells apart the tokens of one API token (an addon's id)."""
        parts = [auth_url, api_token] + ([scope] if scope else [])
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def load(self, key: str) -> Optional[str]:
        """The cached bearer token, when there is one that stays valid for five more minutes."""
        if not self._directory_is_private():
            return None
        path = self._path(key)
        content = _read_private_file(path)
        if content is None:
            return None
        token = _as_token(content)
        if token is None:
            # Whatever it holds, no task can use it: make room for the next token.
            _remove(path)
            return None
        expiry = token_expiry(token)
        if expiry is None or expiry - self._clock() < EXPIRY_MARGIN:
            return None
        return token

    def store(self, key: str, token: str) -> None:
        """Keep a bearer token for the next tasks; a token without a readable expiry is not kept."""
        if not is_jwt_shaped(token) or token_expiry(token) is None or not self._prepare_directory():
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

    def store_word(self, key: str, word: str) -> None:
        """Keep a short setting found by asking the API (which layout serves), under ``key``, for later tasks."""
        if not self._prepare_directory():
            return
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".word-")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as cached:
                cached.write(word)
            os.replace(temporary, self._word_path(key))
        except OSError:
            _remove(temporary)

    def load_word(self, key: str, choices: tuple[str, ...], max_age: float) -> Optional[str]:
        """A word kept with store_word less than ``max_age`` seconds ago, when it is one of ``choices``."""
        if not self._directory_is_private():
            return None
        path = self._word_path(key)
        content = _read_private_file(path)
        try:
            age = self._clock() - os.stat(path).st_mtime
        except OSError:
            return None
        word = content.decode("ascii", "replace").strip() if content is not None else None
        return word if word in choices and 0 <= age < max_age else None

    def drop_word(self, key: str) -> None:
        _remove(self._word_path(key))

    def _word_path(self, key: str) -> str:
        return os.path.join(self.directory, "word-%s" % key)

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
        if stat.S_ISDIR(status.st_mode) and _is_private(status):
            return True
        if self._warn is not None and not self._warned:
            self._warned = True
            self._warn(
                "token_cache: the folder %s is open to others or not yours, so no bearer token is kept there; make "
                "it private (chmod 700) or set token_cache: false." % self.directory
            )
        return False


def _is_private(status: os.stat_result) -> bool:
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def _read_private_file(path: str) -> Optional[bytes]:
    """The first bytes of a regular file of ours that no one else may read; None for anything else."""
    try:
        # O_NOFOLLOW: a link planted at this name is not followed to a file of someone else's choosing.
        # O_NONBLOCK: a FIFO planted there does not hold the task until someone writes to it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        # Checked on the descriptor, before any read: a directory, a FIFO or a device is no entry of ours.
        status = os.fstat(descriptor)
        if not (stat.S_ISREG(status.st_mode) and _is_private(status)):
            return None
        return os.read(descriptor, MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _as_token(content: bytes) -> Optional[str]:
    if len(content) > MAX_ENTRY_BYTES:
        return None
    try:
        token = content.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return token if is_jwt_shaped(token) else None


def token_is_fresh(token: str, clock: Callable[[], float] = time.time) -> bool:
    """Whether a token stays valid five more minutes; one without a readable expiry is taken as valid."""
    expiry = token_expiry(token)
    return expiry is None or expiry - clock() >= EXPIRY_MARGIN


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
