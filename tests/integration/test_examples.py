# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The examples users copy, and the databases role, run as written against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import MODULE_NAMES, REPO_ROOT, module_named
from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import RunningSimulator

EXAMPLES = REPO_ROOT / "examples"
# The variables the modules' examples take from a vault.
VAULT = {
    "vault_reporting_password": "reporting-password-from-the-vault-1",
    "vault_reporting_new_password": "reporting-password-from-the-vault-2",
}


def names(simulator: RunningSimulator) -> list[str]:
    return sorted(database["name"] for database in simulator.app.databases())


def test_the_modules_examples_run(simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path) -> None:
    tasks = [task for name in MODULE_NAMES for task in yaml.safe_load(module_named(name).EXAMPLES)]
    playbook = tmp_path / "examples.yml"
    play = {"name": "Module examples", "hosts": "localhost", "gather_facts": False, "vars": VAULT, "tasks": tasks}
    playbook.write_text(yaml.safe_dump([play]))
    # The examples of backups and restores take a database that runs, as the one they name would; the database
    # examples name a project of the account.
    simulator.app.set_provisioning_polls(0)
    simulator.app.add_project("analytics")

    run = run_playbook(playbook)

    assert run.succeeded, run.output
    # orders-reporting was created, then deleted.
    assert names(simulator) == ["analytics-warehouse", "orders-production", "orders-staging"]
    warehouse = simulator.app.record("analytics-warehouse")
    assert warehouse.ip_range == "10.20.0.0/24" and warehouse.net_peerings[0]["status"] == "deleted"
    assert [project["name"] for project in simulator.app.projects() if project["default"]] == ["analytics"]
    assert simulator.app.record("orders-staging").plan == "postgresql-dr-starter-8192"
    production = simulator.app.record("orders-production")
    assert sorted(rule["cidr"] or rule["range_id"] for rule in production.firewall_rules) == [
        "203.0.113.0/24", "man-osc-fr1-egress"]
    assert sorted(production.users) == ["orders-app", "orders-production", "reporting"]
    assert production.users["reporting"]["password"] == VAULT["vault_reporting_new_password"]


@pytest.mark.every_line
def test_provision_converges_then_changes_nothing(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    first = run_playbook(EXAMPLES / "provision.yml")
    second = run_playbook(EXAMPLES / "provision.yml")

    assert first.succeeded, first.output
    assert '"created: orders-production, orders-staging"' in first.output
    assert '"projects created: orders"' in first.output and '"projects created: -"' in second.output
    orders = [project for project in simulator.app.projects() if project["name"] == "orders"]
    assert len(orders) == 1 and simulator.app.record("orders-production").project_id == orders[0]["id"]
    assert second.succeeded, second.output
    assert "changed=0" in second.output
    assert '"created: -"' in second.output
    assert '"already there: orders-production, orders-staging"' in second.output
    assert len(simulator.app.requests_to("POST", "/v1/databases")) == 2
    assert '"firewall rules changed: orders-production"' in first.output
    assert '"users changed: orders-production: reporting"' in first.output
    assert '"firewall rules changed: -"' in second.output and '"users changed: -"' in second.output
    assert '"maintenance window or periodic backups changed: orders-production"' in first.output
    assert '"maintenance window or periodic backups changed: -"' in second.output
    production = simulator.app.record("orders-production")
    assert sorted(rule["cidr"] or rule["range_id"] for rule in production.firewall_rules) == [
        "203.0.113.0/24", "man-osc-fr1-egress"]
    assert production.users["reporting"]["read_only"] is True
    assert production.maintenance_window["weekday_utc"] == 0 and production.periodic_backups_scheduled_at == [1]


def test_recovery_backs_up_shows_the_window_and_restores(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database("orders-production")

    run = run_playbook(EXAMPLES / "recovery.yml")

    assert run.succeeded, run.output
    assert "backups: 2, of which manual: 1" in run.output
    assert "daily backups: at 02:00 UTC" in run.output
    assert "orders-production restored to 20" in run.output and "; it is running" in run.output
    # The simulator's operations end as the Database API's do.
    assert "the restore's operation: finished" in run.output
    record = simulator.app.record("orders-production")
    assert len(simulator.app.recovery.of(record).restored_to) == 1


def test_access_rotates_a_password_and_shows_who_may_connect(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    assert run_playbook(EXAMPLES / "provision.yml").succeeded
    before = simulator.app.record("orders-production").users["reporting"]["password"]

    run = run_playbook(EXAMPLES / "access.yml")

    assert run.succeeded, run.output
    assert simulator.app.record("orders-production").users["reporting"]["password"] != before
    assert "reporting has a new password of" in run.output
    assert "networks: 203.0.113.0/24" in run.output and "managed ranges: man-osc-fr1-egress" in run.output
    assert "users: orders-production, reporting" in run.output


def test_report_prints_every_database_as_a_table(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database("orders-production")
    simulator.app.add_database("analytics-warehouse", plan="postgresql-dr-business-4096", status="provisioning",
                               polls_until_running=3)

    run = run_playbook(EXAMPLES / "report.yml")

    assert run.succeeded, run.output
    header = "%-32s %-34s %-13s %s" % ("NAME", "PLAN", "STATUS", "PROJECT")
    assert header in run.output
    assert "%-32s %-34s %-13s" % ("analytics-warehouse", "postgresql-dr-business-4096", "provisioning") in run.output
    assert run.output.index("analytics-warehouse  ") < run.output.index("orders-production  ")


def test_teardown_deletes_then_finds_nothing_to_do(simulator: RunningSimulator, run_playbook: RunPlaybook) -> None:
    simulator.app.add_database("orders-production")
    simulator.app.add_database("orders-staging")

    first = run_playbook(EXAMPLES / "teardown.yml")
    second = run_playbook(EXAMPLES / "teardown.yml")

    assert first.succeeded, first.output
    assert '"deleted: orders-staging"' in first.output
    assert second.succeeded, second.output
    assert '"already gone: orders-staging"' in second.output
    assert "changed=0" in second.output
    assert names(simulator) == ["orders-production"]


@pytest.mark.every_line
@pytest.mark.parametrize(
    "databases, message",
    [
        ([{"plan": "postgresql-dr-starter-4096"}], "missing required arguments: name"),
        ([{"name": "orders-production", "state": "gone"}], "value of state must be one of: present, absent, got: gone"),
        ("orders-production", "scalingo_databases"),
        (
            [{"name": "orders-production", "firewall_rules": [{"cidr": "203.0.113.0/24", "managed_range": "x"}]}],
            "parameters are mutually exclusive: cidr|managed_range",
        ),
        ([{"name": "orders-production", "users": [{"read_only": True}]}], "missing required arguments: name"),
    ],
    ids=["no-name", "unknown-state", "not-a-list", "rule-both-ways", "user-without-name"],
)
def test_the_role_refuses_wrong_variables_before_anything_runs(
    simulator: RunningSimulator, run_playbook: RunPlaybook, databases: object, message: str
) -> None:
    run = run_playbook(EXAMPLES / "provision.yml", "-e", json.dumps({"scalingo_databases": databases}))

    assert not run.succeeded
    assert "Validating arguments against arg spec 'main'" in run.output
    assert message in run.output
    assert simulator.app.state.requests == []


@pytest.mark.every_line
def test_the_role_checks_every_entry_before_its_first_change(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    databases = [
        {"name": "orders-production", "plan": "postgresql-dr-starter-4096"},
        {"name": "orders-staging", "plan": "postgresql-dr-starter-4096", "maintenance_hour": 25},
        {"name": "orders-private", "plan": "postgresql-dr-starter-4096", "ip_range": "203.0.113.0/24",
         "net_peerings": ["pcx-nothex"]},
        {"name": "orders-reports", "plan": "postgresql-dr-starter-4096", "periodic_backups_hour": -1,
         "users": [{"name": "reporting", "password": "too-short-a-secret"}]},
        {"name": "orders-archive", "plan": "postgresql-dr-starter-4096"},
        {"name": "orders-archive", "state": "absent"},
    ]
    run = run_playbook(EXAMPLES / "provision.yml", "-e", json.dumps({"scalingo_databases": databases}))

    assert not run.succeeded
    for said in ("scalingo_databases[1] (orders-staging): Option maintenance_hour is 25",
                 "scalingo_databases[2] (orders-private): Option ip_range is 203.0.113.0/24: it must lie in a private",
                 "scalingo_databases[2] (orders-private): Net peering 'pcx-nothex' is not an Outscale net peering ID",
                 "scalingo_databases[3] (orders-reports): Option periodic_backups_hour is -1",
                 "scalingo_databases[3] (orders-reports): Option password must be 24 to 64 characters long; it has 18.",
                 "scalingo_databases names orders-archive more than once", "Nothing was changed."):
        assert said in run.output
    assert "too-short-a-secret" not in run.output
    assert simulator.app.state.requests == []


@pytest.mark.every_line
def test_the_role_takes_the_connection_from_its_variables(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    variables = {
        "scalingo_api_token": simulator.app.secrets()[0],
        "scalingo_api_url": simulator.url,
        "scalingo_auth_url": simulator.url,
        "scalingo_databases": [{"name": "orders-production", "plan": "postgresql-dr-starter-4096"}],
    }
    run = run_playbook(EXAMPLES / "provision.yml", "-e", json.dumps(variables), api_token=None)

    assert run.succeeded, run.output
    assert names(simulator) == ["orders-production"]


@pytest.mark.every_line
def test_provision_in_check_mode_creates_nothing_and_skips_what_is_not_there_yet(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    run = run_playbook(EXAMPLES / "provision.yml", "--check")

    assert run.succeeded, run.output
    assert '"created: orders-production, orders-staging"' in run.output
    assert simulator.app.databases() == []
    writes = [request for request in simulator.app.state.requests if request.method != "GET"]
    assert [request.path for request in writes] == ["/v1/tokens/exchange"]


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_the_role_creates_every_database_before_it_waits_for_any(
    simulator: RunningSimulator, run_playbook: RunPlaybook
) -> None:
    simulator.app.set_provisioning_polls(2)

    run = run_playbook(EXAMPLES / "provision.yml", "-e", json.dumps({"scalingo_wait": True}))

    assert run.succeeded, run.output
    assert '"created: orders-production, orders-staging"' in run.output
    requests = [(request.method, request.path) for request in simulator.app.state.requests]
    creates = [index for index, (method, path) in enumerate(requests) if (method, path) == ("POST", "/v1/databases")]
    own_routes = tuple("/databases/%s" % simulator.app.record(record["name"]).addon_id
                       for record in simulator.app.databases())
    status_reads = [index for index, (method, path) in enumerate(requests) if method == "GET" and path.endswith(own_routes)]
    assert len(creates) == 2 and creates[-1] < status_reads[0]
    # Every read a creation takes was made: each database was seen running by itself, not by its addon.
    assert all(simulator.app.record(record["name"]).pending == [] for record in simulator.app.databases())


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_the_role_changes_every_plan_before_it_waits_for_any(
    simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path
) -> None:
    for name in ("orders-production", "orders-staging"):
        simulator.app.add_database(name, plan="postgresql-dr-starter-4096")
    simulator.app.set_provisioning_polls(2)
    entries = [{"name": name, "plan": "postgresql-dr-starter-8192", "allow_plan_change": True}
               for name in ("orders-production", "orders-staging")]
    playbook = tmp_path / "plans.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Plans", "hosts": "localhost", "gather_facts": False, "roles": [
        {"role": "scalingo.cloud.databases", "vars": {"scalingo_databases": entries, "scalingo_wait": True}}]}]))

    run = run_playbook(playbook)

    assert run.succeeded, run.output
    assert '"created: -"' in run.output
    assert '"plan or project changed: orders-production, orders-staging"' in run.output
    first = simulator.app.record("orders-production")
    requests = [(request.method, request.path) for request in simulator.app.state.requests]
    changes = [index for index, (method, path) in enumerate(requests) if method == "PATCH"]
    first_status_reads = [index for index, (method, path) in enumerate(requests)
                          if method == "GET" and path.endswith("/databases/%s" % first.addon_id)]
    # Side by side: the first database's status is read once (before its change) until the last change is sent.
    assert len(changes) == 2 and [index for index in first_status_reads if index < changes[-1]] == first_status_reads[:1]
    assert all(simulator.app.record(entry["name"]).plan == "postgresql-dr-starter-8192" for entry in entries)
    # The waits (a later task) were told of the change: each saw it start ("running", "updating"...) and end.
    assert all(simulator.app.record(entry["name"]).pending == [] for entry in entries)
