# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark script runs and counts the API requests of a steady state.

No timing is asserted here: speed goals belong to the benchmark's own report.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT


def test_the_benchmark_runs_and_reports_its_figures() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "benchmark.py"), "--databases", "2", "--rounds", "1",
         "--provisioning-seconds", "2", "--collections-path", str(COLLECTIONS_ROOT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, check=False,
    )

    assert completed.returncode == 0, completed.stdout
    assert re.search(r"A/B = \d+\.\d+", completed.stdout)
    assert re.search(r"A/F = \d+\.\d+", completed.stdout)
    # A lookup, then one list for the rest of the loop: 2 requests for 2 databases, on loopback and the modeled network.
    assert completed.stdout.count("API requests per database in A = 1.000; uri by hand (B) 1.50, one request per "
                                  "resource (F) 1.00") == 2
    assert "Steady state on a modeled network (40 ms a round trip, 80 ms more for a new connection)" in completed.stdout
    assert re.search(r"per item over the debug floor: A [+-]\d+ ms = -?\d+\.\d+ round trips   \(target <= 1\.10\)",
                     completed.stdout)
    # The worker's loop keeps its connection; a module on a target opens one per item.
    assert completed.stdout.count("connections opened per loop of 2 items: A 1") == 2
    assert "A 1   (target <= 3), T 2, F 2" in completed.stdout
    assert re.search(r"on a target: T/B = \d+\.\d+, T/F = \d+\.\d+, 1\.00 requests per database", completed.stdout)
    # Cold: 1 exchange, 2 creates each after its lookup, and the list the second lookup reads first.
    assert re.search(r"A +\d+\.\d+ s +3\.00 requests/db", completed.stdout)
    assert re.search(r"1 database \d+\.\d+ s, 3 databases \d+\.\d+ s: 3/1 = \d+\.\d+", completed.stdout)
    # The project, the database, its addon, its rules and its users, each read once.
    assert "a fully declared database in steady state (a project, 2 rules, 2 users): 5 API requests" in completed.stdout
    assert "one request per resource (Terraform-style): 6" in completed.stdout
    assert "0 token exchanges, 0 addon tokens, 0 writes" in completed.stdout
