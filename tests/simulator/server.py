# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Serve the simulator over real HTTP on loopback, in a background thread."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Optional

from werkzeug.serving import make_server

from .app import ScalingoSimulator
from .database_api import DatabaseAPISimulator

LOOPBACK = "127.0.0.1"


class RunningSimulator:
    """``with RunningSimulator() as sim:`` serves ``sim.app`` at ``sim.url`` until the block ends."""

    def __init__(self, app: Optional[ScalingoSimulator] = None, port: int = 0, database_api_port: int = 0) -> None:
        self.app = app or ScalingoSimulator()
        # One line per request drowns the output of the demo and the benchmark; tests read app.state instead.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # Loopback only: the simulator is never reachable from another machine. The Database API is a host of
        # its own, as Scalingo's is.
        self._servers = [
            make_server(LOOPBACK, port, self.app, threaded=True),
            make_server(LOOPBACK, database_api_port, DatabaseAPISimulator(self.app), threaded=True),
        ]
        self._threads = [
            threading.Thread(target=server.serve_forever, name="scalingo-simulator", daemon=True)
            for server in self._servers
        ]

    @property
    def url(self) -> str:
        """The main API and the auth service."""
        return "http://%s:%d" % (LOOPBACK, self._servers[0].server_port)

    @property
    def database_api_url(self) -> str:
        return "http://%s:%d" % (LOOPBACK, self._servers[1].server_port)

    def start(self) -> "RunningSimulator":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server, thread in zip(self._servers, self._threads):
            server.shutdown()
            server.server_close()
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
