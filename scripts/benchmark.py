# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Side-by-side benchmark of scalingo_database against hand-written ansible.builtin.uri playbooks.

Against the simulator on 127.0.0.1, with N existing databases (the steady
state: nothing to change), it times in interleaved rounds:

  A  a loop of scalingo.cloud.scalingo_database over the N names;
  B  what a user writes without the collection: ansible.builtin.uri exchanges
     the token once, GETs each database, POSTs when a GET says 404;
  F  the floor: one ansible.builtin.uri GET per database, bearer token ready;
  T  the loop of A with the module run as on a remote target, in a process of
     its own per item (through a local connection under another name): what A
     costs where the collection's action cannot run the module in the worker;
  P  a no-op module (ansible.builtin.ping) per database: what any task costs,
     so that (T - P) / N is what scalingo_database itself adds to a task.

Then the same for a cold run that creates the N databases (A and B only).
Then the databases role: one database, then three, created with
``scalingo_wait: true`` on a simulator whose databases take a few seconds to
provision (side by side, three should take about as long as one); and the
requests a fully declared database (two firewall rules, two users) costs in
steady state.
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
from pathlib import Path
from typing import Callable

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.integration.conftest import TARGET_CONNECTION  # noqa: E402
from tests.simulator import DEFAULT_API_TOKEN, PLANS, RunningSimulator, ScalingoSimulator  # noqa: E402

CONNECTION_PLUGINS = REPO_ROOT / "tests" / "integration" / "connection_plugins"

PLAN = PLANS[1]
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
    parser.add_argument("--databases", "-n", type=int, default=20, help="databases per run (default: 20)")
    parser.add_argument("--rounds", "-r", type=int, default=5, help="interleaved steady-state rounds (default: 5)")
    parser.add_argument(
        "--provisioning-seconds", type=float, default=6.0,
        help="how long a new database takes to provision, for the role's side-by-side run (default: 6)",
    )
    parser.add_argument(
        "--collections-path",
        type=Path,
        default=REPO_ROOT / "build" / "collections",
        help="where scalingo.cloud is installed (default: build/collections)",
    )
    return parser.parse_args()


class Bench:
    def __init__(self, workdir: Path, names: list[str], collections_path: Path) -> None:
        self.workdir = workdir
        self.collections_path = collections_path
        self.names = names
        self.python = sys.executable
        self.playbook_bin = str(Path(sys.executable).parent / "ansible-playbook")
        for label, play in PLAYS.items():
            (workdir / ("%s.yml" % label)).write_text(yaml.safe_dump(play, sort_keys=False))
        (workdir / "names.yml").write_text(yaml.safe_dump({"names": names}))

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

    def check_where_the_module_runs(self, simulator: RunningSimulator) -> None:
        """A must run the module's code in Ansible's worker and T in module processes, or the figures mislead."""
        # -vvv names every module file Ansible sends to a target.
        for label, sends_modules in (("A", False), ("T", True)):
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


def measure(run: Callable[[], float], simulator: RunningSimulator) -> tuple[float, int]:
    simulator.app.clear_requests()
    seconds = run()
    return seconds, api_requests(simulator)


def steady_state(bench: Bench, rounds: int) -> dict[str, list[tuple[float, int]]]:
    app = ScalingoSimulator()
    for name in bench.names:
        app.add_database(name, plan=PLAN)
    results: dict[str, list[tuple[float, int]]] = {label: [] for label in PLAYS}
    with RunningSimulator(app) as simulator:
        bearer = exchange_once(simulator)
        # Runs of A and T first, as every scheduled run after the first: the bearer token is in the cache.
        bench.check_where_the_module_runs(simulator)
        order = list(PLAYS)
        for round_number in range(rounds):
            # Rotate the order each round, so that the machine's drift weighs on all plays alike.
            shift = round_number % len(order)
            for label in order[shift:] + order[:shift]:
                results[label].append(measure(lambda: bench.run(label, simulator, bearer), simulator))
    return results


def cold(bench: Bench) -> dict[str, tuple[float, int]]:
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
            assert all(simulator.app.record(entry["name"]).status == "running" for entry in entries)  # type: ignore
    return seconds


FULLY_DECLARED = {
    "name": "bench-declared",
    "plan": PLAN,
    "firewall_rules": [{"cidr": "203.0.113.0/24", "label": "office"}, {"cidr": "198.51.100.0/24"}],
    "users": [{"name": "reporting", "read_only": True}, {"name": "orders-app"}],
}


def fully_declared(bench: Bench) -> dict[str, int]:
    """What one steady-state run of the role costs for a database with two rules and two users."""
    with RunningSimulator() as simulator:
        bench.run_role(simulator, [FULLY_DECLARED])
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


def report(
    names: list[str],
    steady: dict[str, list[tuple[float, int]]],
    cold_runs: dict[str, tuple[float, int]],
    waits: dict[int, float],
    declared: dict[str, int],
) -> None:
    n = len(names)
    median = {label: statistics.median(run[0] for run in runs) for label, runs in steady.items()}
    requests_per_database = {label: statistics.median(run[1] for run in runs) / n for label, runs in steady.items()}
    print("\nSteady state: %d existing databases, %d interleaved rounds (median seconds per run)" % (n, len(steady["A"])))
    print("  %-44s %8s %14s" % ("play", "seconds", "requests/db"))
    for label, title in (("A", "A  scalingo.cloud.scalingo_database loop"), ("T", "T  the same, module on a target"),
                         ("B", "B  ansible.builtin.uri by hand"), ("F", "F  floor: one uri GET per database"),
                         ("P", "P  no-op module (ping) per database")):
        print("  %-44s %8.2f %14.2f" % (title, median[label], requests_per_database[label]))
    print("  A/B = %.3f   (target <= 0.85)" % (median["A"] / median["B"]))
    print("  A/F = %.3f   (target <= 1.10)" % (median["A"] / median["F"]))
    print("  API requests per database in A = %.2f   (target <= 1.05)" % requests_per_database["A"])
    print("  on a target: T/B = %.3f, T/F = %.3f, %.2f requests per database"
          % (median["T"] / median["B"], median["T"] / median["F"], requests_per_database["T"]))
    print("  per item over a no-op module task: scalingo_database in the worker %+.0f ms, on a target %+.0f ms, uri %+.0f ms"
          % tuple((median[label] - median["P"]) / n * 1000 for label in ("A", "T", "F")))
    print("\nCold run: creates the %d databases" % n)
    for label in ("A", "B"):
        seconds, count = cold_runs[label]
        print("  %s  %6.2f s   %.2f requests/db" % (label, seconds, count / n))
    print("  A/B = %.3f" % (cold_runs["A"][0] / cold_runs["B"][0]))
    print("\nThe databases role with scalingo_wait: true (each database provisions in the same few seconds)")
    print("  1 database %.2f s, 3 databases %.2f s: 3/1 = %.2f   (target <= 1.40)" % (waits[1], waits[3], waits[3] / waits[1]))
    print("  a fully declared database in steady state (2 rules, 2 users): %d API requests   (target <= 8), "
          "%d token exchanges, %d addon tokens, %d writes"
          % (declared["requests"], declared["exchanges"], declared["addon tokens"], declared["writes"]))


def main() -> None:
    arguments = parse_arguments()
    names = ["bench-db-%03d" % number for number in range(1, arguments.databases + 1)]
    with tempfile.TemporaryDirectory(prefix="scalingo-benchmark-") as workdir:
        bench = Bench(Path(workdir), names, arguments.collections_path)
        steady = steady_state(bench, arguments.rounds)
        cold_runs = cold(bench)
        waits = side_by_side(bench, arguments.provisioning_seconds)
        declared = fully_declared(bench)
    report(names, steady, cold_runs, waits, declared)


if __name__ == "__main__":
    main()
