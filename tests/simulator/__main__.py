# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run the simulator until interrupted: ``python -m tests.simulator --url-file FILE``.

It listens on 127.0.0.1 and, once it accepts connections, writes to
``--url-file`` two lines: the base URL of the API and the auth service, then
that of the Database API, so a script can wait for that file.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Optional

from .app import DEFAULT_API_TOKEN, ScalingoSimulator
from .server import ModeledNetwork, RunningSimulator


def parse_arguments(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--api-token", default=DEFAULT_API_TOKEN, help="the API token the simulator accepts")
    parser.add_argument("--url-file", type=Path, help="file to write the base URL to once listening")
    parser.add_argument("--round-trip-ms", type=float, default=0.0,
                        help="hold every request back this long, as a distant API's round trip (default: 0)")
    parser.add_argument("--connection-setup-ms", type=float, default=0.0,
                        help="hold the first request of every new connection back this much more, as TCP and TLS "
                        "set-up (default: 0)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> None:
    arguments = parse_arguments(argv)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    network = ModeledNetwork(arguments.round_trip_ms / 1000, arguments.connection_setup_ms / 1000)
    app = ScalingoSimulator(api_tokens=[arguments.api_token])
    with RunningSimulator(app, port=arguments.port, network=network) as simulator:
        if arguments.url_file:
            arguments.url_file.write_text("%s\n%s\n" % (simulator.url, simulator.database_api_url))
        print("Scalingo simulator listening on %s (Database API: %s)" % (simulator.url, simulator.database_api_url),
              flush=True)
        stopped.wait()


if __name__ == "__main__":
    main()
