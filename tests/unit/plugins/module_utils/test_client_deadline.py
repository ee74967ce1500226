# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The timeout bounds the whole answer, headers included: a real server on loopback that trickles its headers."""

from __future__ import annotations

import contextlib
import json
import socketserver
import threading
import time
from typing import Any, Iterator

import pytest

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import find_database

TOKEN = "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"
DATABASE = {"id": "5410", "name": "orders-production", "project_id": "pr-1", "technology": "postgresql-ng",
            "plan": "postgresql-dr-starter-4096"}


class TricklingHandler(socketserver.StreamRequestHandler):
    """Answers the token exchange at once, and a lookup with its headers a byte every ``pause`` seconds."""

    pause = 0.0

    def handle(self) -> None:
        while True:
            request_line = self.rfile.readline()
            if not request_line:
                return
            length = 0
            for line in iter(self.rfile.readline, b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            self.rfile.read(length)
            exchange = b"/tokens/exchange" in request_line
            body = json.dumps({"token": TOKEN} if exchange else {"database": DATABASE}).encode()
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            try:
                self._send(head, 0.0 if exchange else self.pause)
                self.wfile.write(body)
            except OSError:
                return  # the client gave up and closed the connection

    def _send(self, head: bytes, pause: float) -> None:
        if not pause:
            self.wfile.write(head)
            return
        for byte in head:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(pause)


@contextlib.contextmanager
def running_trickling_server() -> Iterator[Any]:
    """A TricklingHandler server on a free port of 127.0.0.1; set its handler's ``pause``."""
    handler = type("Handler", (TricklingHandler,), {})
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[Any]:
    with running_trickling_server() as httpd:
        yield httpd


def client_of(httpd: Any, timeout: float) -> ScalingoClient:
    url = "http://127.0.0.1:%d" % httpd.server_address[1]
    return ScalingoClient("tk-us-deadline-test", url, auth_url=url, timeout=timeout, retries=0)


def test_headers_trickling_past_the_timeout_fail_as_a_timeout(server: Any) -> None:
    # Each byte within the timeout, the whole head (about 80 bytes) far past it.
    server.RequestHandlerClass.pause = 0.1
    started = time.monotonic()

    with pytest.raises(ScalingoAPIError) as raised:
        find_database(client_of(server, timeout=1), "orders-production")

    assert raised.value.message == "no answer within 1 seconds (gave up after 1 attempt over 0 seconds)"
    assert time.monotonic() - started < 4


def test_headers_within_the_timeout_are_read(server: Any) -> None:
    server.RequestHandlerClass.pause = 0.001

    assert find_database(client_of(server, timeout=5), "orders-production") == DATABASE
