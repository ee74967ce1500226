# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each module returns is what its RETURN documents, no more and no less."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import pytest
import responses
import yaml

from ansible_collections.scalingo.cloud.plugins.modules import (
    scalingo_database,
    scalingo_database_backup,
    scalingo_database_firewall,
    scalingo_database_info,
    scalingo_database_net_peering,
    scalingo_database_restore,
    scalingo_database_settings,
    scalingo_database_user,
    scalingo_project,
)
from tests.unit.conftest import ModuleOutcome
from tests.unit.helpers import API_URL, CONNECTION_ARGS, expect_exchange
from tests.unit.plugins.modules.test_scalingo_database_firewall import ADDON_TOKEN, DB_API, database_with_rules
from tests.unit.plugins.modules.test_scalingo_database_firewall import args as firewall_args
from tests.unit.plugins.modules.test_scalingo_database_backup import BACKUPS_URL, LINK, api_backup, database_found
from tests.unit.plugins.modules.test_scalingo_database_backup import args as backup_args
from tests.unit.plugins.modules.test_scalingo_database_restore import (
    OPERATION_URL,
    RESTORE_URL,
    WINDOW,
    operation,
    window_given,
)
from tests.unit.plugins.modules.test_scalingo_database_restore import args as restore_args
from tests.unit.plugins.modules.test_scalingo_database_settings import api_database, database_reads
from tests.unit.plugins.modules.test_scalingo_database_settings import args as settings_args
from tests.unit.plugins.modules.test_scalingo_database_user import USERS_URL, database_with_users
from tests.unit.plugins.modules.test_scalingo_database_user import args as user_args

RunModule = Callable[..., ModuleOutcome]

DATABASE = {
    "id": "54100930736f7563d5030000",
    "name": "orders-production",
    "project_id": "pr-82a3cac5-9b25-473e-b33d-6272b87e636f",
    "technology": "postgresql-ng",
    "plan": "postgresql-dr-starter-4096",
}
ADDONS_URL = API_URL + "/v1/apps/54100930736f7563d5030000/addons"
VARIABLES_URL = API_URL + "/v1/apps/54100930736f7563d5030000/variables"
ADDON = {"id": "ad-1", "addon_provider": {"id": "postgresql-ng"}, "plan": {"id": "p1", "name": "x"}, "status": "running"}
RULE = {"id": "fw-1", "type": "custom_range", "cidr": "203.0.113.0/24", "label": "office", "range_id": None}
USER = {"name": "reporting", "read_only": True, "protected": False, "dbms_attributes": {"password_encryption": "scram-sha-256"}}
PEERING = {"id": "np-1", "database_id": "d", "status": "active", "outscale_net_peering_id": "pcx-11111111",
           "outscale_source_net_id": "vpc-2", "outscale_source_net_ip_range": "10.10.0.0/16",
           "outscale_source_account_id": "2"}
# Keys every module result carries, documented by Ansible itself rather than by RETURN.
COMMON_KEYS = {"changed", "diff"}


def documented_shape(module: ModuleType) -> dict[str, Any]:
    def shape(entries: dict[str, Any]) -> dict[str, Any]:
        return {key: shape(entry.get("contains", {})) for key, entry in entries.items()}

    return shape(yaml.safe_load(module.RETURN))


def returned_shape(value: Any) -> Any:
    if isinstance(value, list):
        shapes = [returned_shape(item) for item in value]
        assert all(item == shapes[0] for item in shapes)
        return shapes[0] if shapes else {}
    if isinstance(value, dict):
        return {key: returned_shape(item) for key, item in value.items()}
    return {}


def test_scalingo_database_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/orders-production", json={"error": "Database not found"}, status=404)
    api.add(responses.POST, API_URL + "/v1/databases", json={"database": DATABASE}, status=201)
    api.add(responses.GET, ADDONS_URL, json={"addons": [ADDON]})
    api.add(responses.GET, API_URL + "/api/databases/ad-1", json={"database": {"id": "d", "status": "running"}})

    outcome = run_module(
        scalingo_database.main, dict(CONNECTION_ARGS, name="orders-production", plan=DATABASE["plan"], wait=True)
    )

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    # A create changes no plan: plan_changed comes with a plan change only (test_scalingo_database_lifecycle).
    documented = {key: value for key, value in documented_shape(scalingo_database).items() if key != "plan_changed"}
    assert returned_shape(result) == documented


@pytest.mark.parametrize("args", [{}, {"name": "orders-production"}])
def test_scalingo_database_info_returns_what_it_documents(
    api: responses.RequestsMock, run_module: RunModule, args: dict[str, str]
) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": [DATABASE]})
    api.add(responses.GET, API_URL + "/v1/databases/orders-production", json={"database": DATABASE})
    api.add(responses.GET, ADDONS_URL, json={"addons": [ADDON]})
    api.add(responses.GET, VARIABLES_URL, json={"variables": [{"name": "SCALINGO_POSTGRESQL_URL", "value": "postgres://x"}]})
    api.add(responses.GET, API_URL + "/v1/databases/%s/endpoints" % DATABASE["id"], json={"endpoints": [
        {"id": "ep-1", "database_id": DATABASE["id"], "hostname": "h.example", "port": 30000, "type": "public-rw"}]})
    api.add(responses.POST, ADDONS_URL + "/ad-1/token", json={"addon": {"id": "ad-1", "token": ADDON_TOKEN}})
    api.add(responses.GET, DB_API + "/api/databases/ad-1/firewall_rules", json={"rules": [RULE]})
    api.add(responses.GET, DB_API + "/api/databases/ad-1/users", json={"database-users": [USER]})
    api.add(responses.GET, DB_API + "/api/databases/ad-1", json=api_database())
    api.add(responses.GET, DB_API + "/api/databases/ad-1/backups", json={"database_backups": [api_backup()]})
    api.add(responses.GET, DB_API + "/api/databases/ad-1/pitr/recovery_window", json={"recovery_window": WINDOW})
    api.add(responses.GET, DB_API + "/api/databases/ad-1/maintenance", json={"maintenance": [
        {"id": "mt-1", "database_id": "d", "type": "postgresql-minor-upgrade", "status": "done",
         "started_at": "2026-11-01T03:00:00Z", "ended_at": "2026-11-01T03:30:00Z"}], "meta": {}})
    api.add(responses.GET, API_URL + "/v1/databases/%s/network_configuration" % DATABASE["id"], json={
        "network_configuration": {"outscale_account_id": "1", "outscale_net_id": "vpc-1", "ip_range": "10.0.0.0/24"}})
    api.add(responses.GET, API_URL + "/v1/databases/%s/net_peerings" % DATABASE["id"], json={"net_peerings": [PEERING]})
    details = ("status", "url", "endpoints", "firewall_rules", "users", "settings", "backups", "recovery_window",
               "maintenance", "network", "net_peerings")
    includes = {"include_%s" % detail: True for detail in details}

    outcome = run_module(
        scalingo_database_info.main, dict(CONNECTION_ARGS, database_api_url=DB_API, database_api="legacy", **includes, **args)
    )

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    returned = returned_shape(result)
    # Rules and users are documented by the modules that manage them.
    assert returned["databases"].pop("firewall_rules") == documented_shape(scalingo_database_firewall)["rules"]
    assert returned["databases"].pop("users") == documented_shape(scalingo_database_user)["user"]
    assert returned["databases"].pop("settings") == documented_shape(scalingo_database_settings)["settings"]
    assert returned["databases"].pop("backups") == documented_shape(scalingo_database_backup)["backup"]
    assert returned["databases"].pop("net_peerings") == documented_shape(scalingo_database_net_peering)["net_peerings"]
    documented = documented_shape(scalingo_database_info)
    for elsewhere in ("firewall_rules", "users", "settings", "backups", "net_peerings"):
        assert documented["databases"].pop(elsewhere) == {}
    assert returned == documented


def test_scalingo_database_firewall_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_rules(api, RULE)

    outcome = run_module(scalingo_database_firewall.main, firewall_args({"cidr": RULE["cidr"], "label": RULE["label"]}))

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_firewall)


def test_scalingo_database_user_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_with_users(api)
    api.add(responses.POST, USERS_URL, json={"database_user": dict(USER, password="generated-by-the-api-0123456789")},
            status=201)

    outcome = run_module(scalingo_database_user.main, user_args())

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_user)


def test_scalingo_database_settings_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_reads(api, api_database())

    outcome = run_module(scalingo_database_settings.main, settings_args(periodic_backups=True))

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_settings)


def test_scalingo_database_backup_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    database_found(api)
    api.add(responses.POST, BACKUPS_URL, json={"database_backup": api_backup()}, status=201)
    api.add(responses.GET, BACKUPS_URL, json={"database_backups": [api_backup(status="done")]})
    api.add(responses.GET, BACKUPS_URL + "/bk-2/archive", json={"download_url": LINK})

    outcome = run_module(scalingo_database_backup.main, backup_args(download_url=True))

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_backup)


def test_scalingo_database_restore_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    window_given(api)
    api.add(responses.POST, RESTORE_URL, json=operation("pending"), status=201)
    api.add(responses.GET, OPERATION_URL, json=operation("finished"))
    api.add(responses.GET, DB_API + "/api/databases/ad-1", json={"database": {"id": "d", "status": "running"}})

    outcome = run_module(scalingo_database_restore.main, restore_args())

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_restore)


def test_scalingo_project_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/projects", json={"projects": []})
    created = {"id": "pr-1", "name": "analytics", "default": False, "flags": {}}
    api.add(responses.POST, API_URL + "/v1/projects", json={"project": created}, status=201)

    outcome = run_module(scalingo_project.main, dict(CONNECTION_ARGS, name="analytics"))

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_project)


def test_scalingo_database_net_peering_returns_what_it_documents(api: responses.RequestsMock, run_module: RunModule) -> None:
    expect_exchange(api)
    api.add(responses.GET, API_URL + "/v1/databases/%s/net_peerings" % DATABASE["id"], json={"net_peerings": [PEERING]})

    # Given the addon's ID, the module returns it with the database's, as it documents.
    outcome = run_module(scalingo_database_net_peering.main, dict(
        CONNECTION_ARGS, database="orders-production", database_id=DATABASE["id"], addon_id="ad-1",
        peerings=["pcx-11111111"]))

    result = {key: value for key, value in outcome.result.items() if key not in COMMON_KEYS}
    assert returned_shape(result) == documented_shape(scalingo_database_net_peering)
