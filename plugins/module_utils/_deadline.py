# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A deadline for a whole answer, headers included, below requests.

Private to the scalingo.cloud collection. requests' timeout bounds each read
of the socket: a server that sends its headers a byte at a time, each within
the timeout, holds the request for as long as it likes. A Deadline started
before a request shuts the socket of the connection that carries it when the
time is up: the read under way then ends at once, and the caller reports a
timeout. The connections of a session mounted with WatchedAdapter say which
socket that is.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Optional

try:
    import requests.adapters
    import urllib3.connection
    import urllib3.connectionpool
except ImportError:  # the client reports a missing requests
    HAS_DEPENDENCIES = False
else:
    HAS_DEPENDENCIES = True

# The deadline of the request this thread is sending, for its connection to report to.
_CURRENT = threading.local()


class Deadline:
    """Used as ``with Deadline(seconds):`` around a request and the read of its answer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.connection: Optional[Any] = None
        self._timer = threading.Timer(seconds, self._expire)
        # The timer must never keep a module's process alive.
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        _CURRENT.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._timer.cancel()
        _CURRENT.deadline = None

    def _expire(self) -> None:
        self.expired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed meanwhile: the read has ended anyway


def _report(connection: Any) -> None:
    deadline = getattr(_CURRENT, "deadline", None)
    if deadline is not None:
        deadline.connection = connection


if HAS_DEPENDENCIES:

    class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            _report(self)
            return super().request(*args, **kwargs)

    class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            _report(self)
            return super().request(*args, **kwargs)

    class _WatchedHTTPConnectionPool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = _WatchedHTTPConnection

    class _WatchedHTTPSConnectionPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = _WatchedHTTPSConnection

    _WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}

    class WatchedAdapter(requests.adapters.HTTPAdapter):
        """requests' adapter, whose connections (direct or through an HTTP proxy) report to the Deadline."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if hasattr(manager, "pool_classes_by_scheme"):
                manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
            return manager
