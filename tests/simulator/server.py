# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Serve the simulator over real HTTP on loopback, in background threads.

The server (cheroot) keeps HTTP/1.1 connections open between requests, as
Scalingo's front ends do, so a client that reuses its connections can be seen
doing so: every request is recorded with the number of the connection it came
on. A :class:`ModeledNetwork` makes loopback behave like a distant API: each
request costs a round trip, each new connection its TCP and TLS set-up.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, Iterable, Optional

from cheroot import wsgi

from .app import CONNECTION_NUMBER, CONNECTION_SOCKET, ScalingoSimulator
from .database_api import DatabaseAPISimulator

LOOPBACK = "127.0.0.1"
_CONNECTION = "simulator.connection_object"
# How often the serving loop looks up from its connections: also how long stop() waits for it.
SERVING_TICK = 0.05

# The modeled network's wait, replaceable by the tests of the model.
_sleep = time.sleep

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class ModeledNetwork:
    """Seconds a request's round trip takes, and the set-up a new connection costs before its first request.

    On the Internet, a TCP handshake costs one round trip and a TLS 1.3 one
    another: ``connection_setup`` is commonly twice ``round_trip``.
    """

    round_trip: float = 0.0
    connection_setup: float = 0.0


LOOPBACK_ONLY = ModeledNetwork()


class ConnectionLog:
    """Numbers the connections clients open, from 1, across the servers that share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
        self.opened = 0

    def number_of(self, connection: Any) -> tuple[int, bool]:
        """The connection's number, and whether this is its first request."""
        with self._lock:
            number = self._numbers.get(connection)
            if number is not None:
                return number, False
            self.opened += 1
            self._numbers[connection] = self.opened
            return self.opened, True


class _Gateway(wsgi.Gateway_10):
    """cheroot's WSGI gateway, also telling the app which connection a request came on."""

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ[CONNECTION_SOCKET] = self.req.conn.socket
        environ[_CONNECTION] = self.req.conn
        return environ


class _OverTheNetwork:
    """Numbers each request's connection and holds the request back as the modeled network would."""

    def __init__(self, app: WSGIApp, connections: ConnectionLog, network: ModeledNetwork) -> None:
        self.app = app
        self.connections = connections
        self.network = network

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        number, first_request = self.connections.number_of(environ.pop(_CONNECTION))
        environ[CONNECTION_NUMBER] = number
        delay = self.network.round_trip + (self.network.connection_setup if first_request else 0.0)
        if delay:
            _sleep(delay)
        return self.app(environ, start_response)


class RunningSimulator:
    """``with RunningSimulator() as sim:`` serves ``sim.app`` at ``sim.url`` until the block ends."""

    def __init__(
        self,
        app: Optional[ScalingoSimulator] = None,
        port: int = 0,
        database_api_port: int = 0,
        network: ModeledNetwork = LOOPBACK_ONLY,
    ) -> None:
        self.app = app or ScalingoSimulator()
        self.network = network
        self.connections = ConnectionLog()
        # Loopback only: the simulator is never reachable from another machine. The Database API is a host of
        # its own, as Scalingo's is.
        self._servers = [
            self._server(port, self.app),
            self._server(database_api_port, DatabaseAPISimulator(self.app)),
        ]
        self._threads = [
            threading.Thread(target=server.serve, name="scalingo-simulator", daemon=True) for server in self._servers
        ]

    def _server(self, port: int, app: WSGIApp) -> wsgi.Server:
        server = wsgi.Server((LOOPBACK, port), _OverTheNetwork(app, self.connections, self.network))
        server.gateway = _Gateway
        server.expiration_interval = SERVING_TICK
        server.prepare()
        return server

    @property
    def url(self) -> str:
        """The main API and the auth service."""
        return "http://%s:%d" % (LOOPBACK, self._servers[0].bind_addr[1])

    @property
    def database_api_url(self) -> str:
        return "http://%s:%d" % (LOOPBACK, self._servers[1].bind_addr[1])

    def start(self) -> "RunningSimulator":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "RunningSimulator":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()
