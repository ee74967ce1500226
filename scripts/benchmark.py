# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Side-by-side benchmark of scalingo_database against hand-written ansible.builtin.uri playbooks.

Against the simulator on 127.0.0.1, with N existing databases (the steady
state: nothing to change), it times in interleaved rounds:

  A  a loop of scalingo.cloud.scalingo_database over the N names;
  B  what a user writes without the collection: ansible.builtin.uri exchanges
     the token once, GETs each database, POSTs when a GET says 404;
  F  one ansible.builtin.uri GET per database, bearer token ready;
  T  the loop of A with the module run as on a remote target, in a process of
     its own per item (through a local connection under another name): what A
     costs where the collection's action cannot run the module in the worker;
  P  a no-op module (ansible.builtin.ping) per database: what any task costs,
     so that (T - P) / N is what scalingo_database itself adds to a task;
  D  Ansible's own floor: an ansible.builtin.debug loop of the same length,
     so that (A - D) / N is what an item of A costs over Ansible's own.

It does so twice: on plain loopback, then on a modeled network, where the
simulator holds every request back a round trip (40 ms unless told) and the
first request of each new connection its TCP and TLS set-up (80 ms more), as
a distant API over TLS would. For each it reports the per-item cost of A over
D in milliseconds and in round trips, and the connections each loop opened.

It does so for each N asked (20 and 200 unless told); for a large N (more
than 50), in fewer rounds and with A, B, F and D only, the plays whose
figures the report compares.

Then a cold run that creates the N databases (A and B only, on loopback).
Then the databases role: one database, then three, created with
``scalingo_wait: true`` on a simulator whose databases take a few seconds to
provision (side by side, three should take about as long as one); and the
requests a fully declared database (named project, plan, a network and a
managed range, two users) costs in steady state, next to one request per
resource, as the Terraform provider reads them.
Run it with ``make benchmark`` (or ``python scripts/benchmark.py --help``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.integration.conftest import TARGET_CONNECTION  # noqa: E402
from tests.simulator import (  # noqa: E402
    DEFAULT_API_TOKEN, LOOPBACK_ONLY, PLANS, ModeledNetwork, RunningSimulator, ScalingoSimulator
)

CONNECTION_PLUGINS = REPO_ROOT / "tests" / "integration" / "connection_plugins"

PLAN = PLANS[1]
MANAGED_RANGE = "man-osc-fr1-egress"
# From this many databases on, fewer rounds and fewer plays: a module process per item of 200 takes minutes a run.
LARGE = 50
LARGE_PLAYS = ("A", "B", "F", "D")
PLAYS = {
    "A": [
        {
            "name": "A: scalingo.cloud.scalingo_database",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Ensure each database exists",
                    "scalingo.cloud.scalingo_database": {"name": "{{ item }}", "plan": PLAN},
                    "loop": "{{ names }}",
                }
            ],
        }
    ],
    "T": [
        {
            "name": "T: scalingo.cloud.scalingo_database, the module on a target",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"ansible_connection": TARGET_CONNECTION},
            "tasks": [
                {
                    "name": "Ensure each database exists",
                    "scalingo.cloud.scalingo_database": {"name": "{{ item }}", "plan": PLAN},
                    "loop": "{{ names }}",
                }
            ],
        }
    ],
    "B": [
        {
            "name": "B: ansible.builtin.uri, by hand",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Exchange the API token",
                    "ansible.builtin.uri": {
                        "url": "{{ api }}/v1/tokens/exchange",
                        "method": "POST",
                        "headers": {"Authorization": "Basic {{ (':' + api_token) | b64encode }}"},
                        "body_format": "json",
                        "body": {},
                    },
                    "register": "exchange",
                    "no_log": True,
                },
                {
                    "name": "Look each database up",
                    "ansible.builtin.uri": {
                        "url": "{{ api }}/v1/databases/{{ item }}",
                        "headers": {"Authorization": "Bearer {{ exchange.json.token }}"},
                        "status_code": [200, 404],
                    },
                    "loop": "{{ names }}",
                    "register": "lookups",
                },
                {
                    "name": "Create the missing ones",
                    "ansible.builtin.uri": {
                        "url": "{{ api }}/v1/databases",
                        "method": "POST",
                        "headers": {"Authorization": "Bearer {{ exchange.json.token }}"},
                        "body_format": "json",
                        "body": {"database": {"name": "{{ item.item }}", "technology": "postgresql-ng", "plan": PLAN}},
                        "status_code": 201,
                    },
                    "loop": "{{ lookups.results | selectattr('status', 'eq', 404) }}",
                    "loop_control": {"label": "{{ item.item }}"},
                    "changed_when": True,
                },
            ],
        }
    ],
    "P": [
        {
            "name": "P: a no-op module per database",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": "Ping once per database", "ansible.builtin.ping": {}, "loop": "{{ names }}"}],
        }
    ],
    "D": [
        {
            "name": "D: Ansible's own floor, a debug loop",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": "Name each database", "ansible.builtin.debug": {"msg": "{{ item }}"},
                       "loop": "{{ names }}"}],
        }
    ],
    "F": [
        {
            "name": "F: one ansible.builtin.uri GET per database",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Get each database",
                    "ansible.builtin.uri": {
                        "url": "{{ api }}/v1/databases/{{ item }}",
                        "headers": {"Authorization": "Bearer {{ bearer }}"},
                    },
                    "loop": "{{ names }}",
                }
            ],
        }
    ],
}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", "-n", type=int, nargs="+", default=[20, 200],
                        help="databases per run, one benchmark per number (default: 20 200)")
    parser.add_argument("--rounds", "-r", type=int, default=5, help="interleaved steady-state rounds (default: 5)")
    parser.add_argument("--large-rounds", type=int, default=1,
                        help="rounds for more than %d databases, with plays A, B, F and D only (default: 1)" % LARGE)
    parser.add_argument(
        "--provisioning-seconds", type=float, default=6.0,
        help="how long a new database takes to provision, for the role's side-by-side run (default: 6)",
    )
    parser.add_argument("--round-trip-ms", type=float, default=40.0,
                        help="the modeled network's round trip, in milliseconds (default: 40)")
    parser.add_argument("--connection-setup-ms", type=float, default=80.0,
                        help="the modeled network's cost of a new connection, in milliseconds (default: 80)")
    parser.add_argument(
        "--collections-path",
        type=Path,
        default=REPO_ROOT / "build" / "collections",
        help="where scalingo.cloud is installed (default: build/collections)",
    )
    return parser.parse_args()


class Bench:
    def __init__(self, workdir: Path, collections_path: Path) -> None:
        self.workdir = workdir
        self.collections_path = collections_path
        self.names: list[str] = []
        self.python = sys.executable
        self.playbook_bin = str(Path(sys.executable).parent / "ansible-playbook")
        for label, play in PLAYS.items():
            (workdir / ("%s.yml" % label)).write_text(yaml.safe_dump(play, sort_keys=False))

    def use(self, names: list[str]) -> None:
        """The databases the plays loop over from now on."""
        self.names = names
        (self.workdir / "names.yml").write_text(yaml.safe_dump({"names": names}))

    def run(self, label: str, simulator: RunningSimulator, bearer: str = "") -> float:
        """Seconds one ansible-playbook run of play ``label`` takes."""
        started = time.perf_counter()
        self.play(label, simulator, bearer)
        return time.perf_counter() - started

    def play(self, label: str, simulator: RunningSimulator, bearer: str = "", *options: str) -> str:
        """The output of one ansible-playbook run of play ``label``; stops the benchmark if it fails."""
        extra = {"api": simulator.url, "api_token": DEFAULT_API_TOKEN, "bearer": bearer}
        (self.workdir / "extra.yml").write_text(yaml.safe_dump(extra))
        command = [
            self.playbook_bin, str(self.workdir / ("%s.yml" % label)), "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % self.python,
            "-e", "@%s" % (self.workdir / "names.yml"), "-e", "@%s" % (self.workdir / "extra.yml"), *options,
        ]
        completed = subprocess.run(command, env=self.environment(simulator), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, check=False)
        if completed.returncode != 0:
            raise SystemExit("Play %s failed:\n%s" % (label, completed.stdout[-3000:]))
        return completed.stdout

    def run_role(self, simulator: RunningSimulator, entries: list[dict[str, object]], wait: bool = False) -> float:
        """Seconds one run of the databases role takes, bringing the account to ``entries``."""
        play = [{"name": "R: the databases role", "hosts": "localhost", "gather_facts": False, "roles": [
            {"role": "scalingo.cloud.databases", "vars": {"scalingo_databases": entries, "scalingo_wait": wait}}]}]
        (self.workdir / "R.yml").write_text(yaml.safe_dump(play, sort_keys=False))
        return self.run("R", simulator)

    def check_where_the_module_runs(self, simulator: RunningSimulator, labels: tuple[str, ...]) -> None:
        """A must run the module's code in Ansible's worker and T in module processes, or the figures mislead."""
        # -vvv names every module file Ansible sends to a target.
        for label, sends_modules in (("A", False), ("T", True)):
            if label not in labels:
                continue
            sent = self.play(label, simulator, "", "-vvv").count("AnsiballZ_scalingo_database.py") > 0
            if sent != sends_modules:
                raise SystemExit("Play %s did not run the module where it should (module processes: %s)" % (label, sent))

    def environment(self, simulator: RunningSimulator) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith(("SCALINGO_", "ANSIBLE_"))}
        env.update(
            ANSIBLE_COLLECTIONS_PATH=str(self.collections_path),
            ANSIBLE_CONNECTION_PLUGINS=str(CONNECTION_PLUGINS),
            ANSIBLE_LOCAL_TEMP=str(self.workdir / "tmp"),
            SCALINGO_API_URL=simulator.url,
            SCALINGO_AUTH_URL=simulator.url,
            SCALINGO_DATABASE_API_URL=simulator.database_api_url,
            SCALINGO_API_TOKEN=DEFAULT_API_TOKEN,
            XDG_CACHE_HOME=str(self.workdir / "cache"),
        )
        return env


def api_requests(simulator: RunningSimulator) -> int:
    return len(simulator.app.state.requests)


@dataclass(frozen=True)
class Measured:
    seconds: float
    requests: int
    connections: int


def measure(run: Callable[[], float], simulator: RunningSimulator) -> Measured:
    simulator.app.clear_requests()
    opened = simulator.connections.opened
    seconds = run()
    return Measured(seconds, api_requests(simulator), simulator.connections.opened - opened)


@dataclass
class SteadyState:
    """The runs of each play on one network, and what a round trip costs there."""

    network: ModeledNetwork
    round_trip: float
    runs: dict[str, list[Measured]]

    def median(self, label: str, figure: str) -> float:
        return statistics.median(getattr(run, figure) for run in self.runs[label])


def steady_state(bench: Bench, rounds: int, network: ModeledNetwork, labels: tuple[str, ...]) -> SteadyState:
    app = ScalingoSimulator()
    for name in bench.names:
        app.add_database(name, plan=PLAN)
    results: dict[str, list[Measured]] = {label: [] for label in labels}
    with RunningSimulator(app, network=network) as simulator:
        bearer = exchange_once(simulator)
        round_trip = time_a_round_trip(simulator)
        # Runs of A and T first, as every scheduled run after the first: the bearer token is in the cache.
        bench.check_where_the_module_runs(simulator, labels)
        order = list(labels)
        for round_number in range(rounds):
            # Rotate the order each round, so that the machine's drift weighs on all plays alike.
            shift = round_number % len(order)
            for label in order[shift:] + order[:shift]:
                results[label].append(measure(lambda: bench.run(label, simulator, bearer), simulator))
    return SteadyState(network, round_trip, results)


def time_a_round_trip(simulator: RunningSimulator, samples: int = 25) -> float:
    """Seconds a request takes on a connection already open: the network's round trip, as a client sees it."""
    import requests

    with requests.Session() as session:

        def one_request() -> float:
            started = time.perf_counter()
            session.get(simulator.url + "/v1/databases", timeout=10)
            return time.perf_counter() - started

        one_request()  # opens the connection
        return statistics.median(one_request() for _sample in range(samples))


def cold(bench: Bench) -> dict[str, Measured]:
    results = {}
    for label in ("A", "B"):
        with RunningSimulator() as simulator:
            (bench.workdir / "cache").mkdir(exist_ok=True)
            for cached in (bench.workdir / "cache").rglob("bearer-*"):
                cached.unlink()
            results[label] = measure(lambda: bench.run(label, simulator), simulator)
            assert len(simulator.app.databases()) == len(bench.names)
    return results


def side_by_side(bench: Bench, provisioning_seconds: float) -> dict[int, float]:
    """Seconds the role takes to create and wait for one database, and for three."""
    seconds = {}
    for count in (1, 3):
        with RunningSimulator() as simulator:
            simulator.app.set_provisioning_seconds(provisioning_seconds)
            entries: list[dict[str, object]] = [{"name": "bench-wait-%d" % index, "plan": PLAN} for index in range(count)]
            seconds[count] = bench.run_role(simulator, entries, wait=True)
            assert all(simulator.app.record(entry["name"]).current_status() == "running"  # type: ignore
                       for entry in entries)
    return seconds


FULLY_DECLARED = {
    "name": "bench-declared",
    "plan": PLAN,
    "project": "bench-project",
    "firewall_rules": [{"cidr": "203.0.113.0/24", "label": "office"}, {"managed_range": MANAGED_RANGE}],
    "users": [{"name": "reporting", "read_only": True}, {"name": "orders-app"}],
}
# What the Terraform provider reads for the same entry: each resource once, the project, the database, each rule and
# each user.
ONE_REQUEST_PER_RESOURCE = 2 + len(FULLY_DECLARED["firewall_rules"]) + len(FULLY_DECLARED["users"])


def fully_declared(bench: Bench) -> dict[str, int]:
    """What one steady-state run of the role costs for a database declared whole: project, rules, users."""
    with RunningSimulator() as simulator:
        # A new database takes its rules and users once it runs.
        bench.run_role(simulator, [FULLY_DECLARED], wait=True)
        simulator.app.clear_requests()
        bench.run_role(simulator, [FULLY_DECLARED])
        sent = simulator.app.state.requests
        return {
            "requests": len(sent),
            "exchanges": sum(request.path == "/v1/tokens/exchange" for request in sent),
            "addon tokens": sum(request.path.endswith("/token") for request in sent),
            "writes": sum(request.method not in ("GET", "HEAD") and not request.path.endswith(("/exchange", "/token"))
                          for request in sent),
        }


def exchange_once(simulator: RunningSimulator) -> str:
    import requests

    answer = requests.post(simulator.url + "/v1/tokens/exchange", auth=("", DEFAULT_API_TOKEN), json={}, timeout=10)
    return str(answer.json()["token"])


def describe(network: ModeledNetwork) -> str:
    if network == LOOPBACK_ONLY:
        return "on loopback"
    return "on a modeled network (%.0f ms a round trip, %.0f ms more for a new connection)" % (
        network.round_trip * 1000, network.connection_setup * 1000)


TITLES = {
    "A": "A  scalingo.cloud.scalingo_database loop",
    "T": "T  the same, module on a target",
    "B": "B  ansible.builtin.uri by hand",
    "F": "F  one uri GET per database (Terraform-style)",
    "P": "P  no-op module (ping) per database",
    "D": "D  floor: a debug loop",
}


def report_steady_state(n: int, steady: SteadyState) -> None:
    labels = list(steady.runs)
    seconds = {label: steady.median(label, "seconds") for label in labels}
    per_database = {label: steady.median(label, "requests") / n for label in labels}
    connections = {label: steady.median(label, "connections") for label in labels}
    print("\nSteady state %s: %d existing databases, %d interleaved rounds (median per run)"
          % (describe(steady.network), n, len(steady.runs["A"])))
    print("  %-48s %8s %14s %12s" % ("play", "seconds", "requests/db", "connections"))
    for label in labels:
        print("  %-48s %8.2f %14.2f %12.0f" % (TITLES[label], seconds[label], per_database[label], connections[label]))
    print("  A/B = %.3f   (target <= 0.85)" % (seconds["A"] / seconds["B"]))
    print("  A/F = %.3f   (target <= 1.10)" % (seconds["A"] / seconds["F"]))
    print("  API requests per database in A = %.3f%s; uri by hand (B) %.2f, one request per resource (F) %.2f"
          % (per_database["A"], "   (target < 0.10)" if n >= 200 else "", per_database["B"], per_database["F"]))
    if "T" in seconds:
        print("  on a target: T/B = %.3f, T/F = %.3f, %.2f requests per database"
              % (seconds["T"] / seconds["B"], seconds["T"] / seconds["F"], per_database["T"]))
    over_floor = {label: (seconds[label] - seconds["D"]) / n for label in labels}
    # The targets are the modeled network's: on loopback a round trip is too short to count in.
    modeled = steady.network != LOOPBACK_ONLY
    print("  a round trip, as a client sees it: %.1f ms" % (steady.round_trip * 1000))
    on_target = "; T %+.0f ms = %.2f round trips" % (
        over_floor["T"] * 1000, over_floor["T"] / steady.round_trip) if "T" in seconds else ""
    print("  per item over the debug floor: A %+.0f ms = %.2f round trips%s%s; uri (F) %+.0f ms = %.2f round trips"
          % (over_floor["A"] * 1000, over_floor["A"] / steady.round_trip,
             "   (target <= 1.10)" if modeled else "", on_target,
             over_floor["F"] * 1000, over_floor["F"] / steady.round_trip))
    print("  connections opened per loop of %d items: A %.0f%s%s, F %.0f"
          % (n, connections["A"], "   (target <= 3)" if modeled else "",
             ", T %.0f" % connections["T"] if "T" in connections else "", connections["F"]))


def report(
    steady_states: dict[int, list[SteadyState]],
    n: int,
    cold_runs: dict[str, Measured],
    waits: dict[int, float],
    declared: dict[str, int],
) -> None:
    for count, states in steady_states.items():
        for steady in states:
            report_steady_state(count, steady)
    print("\nCold run on loopback: creates the %d databases" % n)
    for label in ("A", "B"):
        print("  %s  %6.2f s   %.2f requests/db" % (label, cold_runs[label].seconds, cold_runs[label].requests / n))
    print("  A/B = %.3f" % (cold_runs["A"].seconds / cold_runs["B"].seconds))
    print("\nThe databases role with scalingo_wait: true (each database provisions in the same few seconds)")
    print("  1 database %.2f s, 3 databases %.2f s: 3/1 = %.2f   (target <= 1.40)" % (waits[1], waits[3], waits[3] / waits[1]))
    print("  a fully declared database in steady state (a project, 2 rules, 2 users): %d API requests   (target <= 5), "
          "%d token exchanges, %d addon tokens, %d writes; one request per resource (Terraform-style): %d"
          % (declared["requests"], declared["exchanges"], declared["addon tokens"], declared["writes"],
             ONE_REQUEST_PER_RESOURCE))


def main() -> None:
    arguments = parse_arguments()
    modeled = ModeledNetwork(arguments.round_trip_ms / 1000, arguments.connection_setup_ms / 1000)
    with tempfile.TemporaryDirectory(prefix="scalingo-benchmark-") as workdir:
        bench = Bench(Path(workdir), arguments.collections_path)
        steady_states = {}
        for count in arguments.databases:
            bench.use(["bench-db-%03d" % number for number in range(1, count + 1)])
            large = count > LARGE
            rounds, labels = (arguments.large_rounds, LARGE_PLAYS) if large else (arguments.rounds, tuple(PLAYS))
            steady_states[count] = [steady_state(bench, rounds, network, labels) for network in (LOOPBACK_ONLY, modeled)]
        # The cold run creates as many databases as the first steady state had.
        bench.use(["bench-db-%03d" % number for number in range(1, arguments.databases[0] + 1)])
        cold_runs = cold(bench)
        waits = side_by_side(bench, arguments.provisioning_seconds)
        declared = fully_declared(bench)
    report(steady_states, arguments.databases[0], cold_runs, waits, declared)


if __name__ == "__main__":
    main()
