# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark script runs and counts one API request per database in steady state.

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
    assert completed.stdout.count("API requests per database in A = 1.00") == 2  # on loopback and the modeled network
    assert "Steady state on a modeled network (40 ms a round trip, 80 ms more for a new connection)" in completed.stdout
    assert re.search(r"per item over the debug floor: A [+-]\d+ ms = -?\d+\.\d+ round trips   \(target <= 1\.50\)",
                     completed.stdout)
    # The worker's loop keeps its connection; a module on a target opens one per item.
    assert completed.stdout.count("connections opened per loop of 2 items: A 1") == 2
    assert "A 1   (target <= 3), T 2, F 2" in completed.stdout
    assert re.search(r"on a target: T/B = \d+\.\d+, T/F = \d+\.\d+, 1\.00 requests per database", completed.stdout)
    assert re.search(r"A +\d+\.\d+ s +2\.50 requests/db", completed.stdout)  # cold: 2 lookups, 2 creates, 1 exchange
    assert re.search(r"1 database \d+\.\d+ s, 3 databases \d+\.\d+ s: 3/1 = \d+\.\d+", completed.stdout)
    assert "a fully declared database in steady state (2 rules, 2 users): 8 API requests" in completed.stdout
    assert "0 token exchanges, 0 addon tokens, 0 writes" in completed.stdout
