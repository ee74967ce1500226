# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account's projects and a database's private network, as the API notes describe them.

Projects: ``GET|POST /v1/projects``, ``GET|PATCH|DELETE /v1/projects/{id}``,
bodies wrapped in ``project``; a PATCH with a null is refused (go-scalingo
leaves nulls out because the API cannot take them); a DELETE of a project that
still holds databases answers 409. Private networking, on the main API with the
user's bearer: ``GET /v1/databases/{id}/network_configuration``, ``GET|POST
/v1/databases/{id}/net_peerings`` (the create body unwrapped,
``{"outscale_net_peering_id"}``), ``GET|DELETE .../net_peerings/{id}``. A
deleted peering stays listed with status ``deleted``, as go-scalingo's
statuses (``active``, ``deleted``) suggest.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from typing import TYPE_CHECKING, Any, Optional

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from .app import DatabaseRecord, ScalingoSimulator

OUTSCALE_ACCOUNT_ID = "439950431190"
ACTIVE = "active"
DELETED = "deleted"


def private_range_errors(text: Any) -> Optional[list[str]]:
    """Why ``text`` cannot be a database's private range (an IPv4 network of private addresses), or None."""
    if not isinstance(text, str):
        return ["must be a string"]
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        return ["is not a valid IPv4 CIDR"]
    if not network.is_private:
        return ["must be a private range"]
    if network.prefixlen > 25:
        # The CLI's rule: a private network of 128 addresses or more.
        return ["must be a /25 or larger"]
    return None


class NetworkingRoutes:
    """The routes; each is called with the simulator's lock held, as its own are."""

    def __init__(self, app: "ScalingoSimulator") -> None:
        self.app = app

    def rules(self) -> list[Rule]:
        return [
            Rule("/v1/projects", methods=["GET"], endpoint=self.list_projects),
            Rule("/v1/projects", methods=["POST"], endpoint=self.create_project),
            Rule("/v1/projects/<project_id>", methods=["GET"], endpoint=self.get_project),
            Rule("/v1/projects/<project_id>", methods=["PATCH"], endpoint=self.update_project),
            Rule("/v1/projects/<project_id>", methods=["DELETE"], endpoint=self.delete_project),
            Rule("/v1/databases/<app_id>/network_configuration", methods=["GET"], endpoint=self.network_configuration),
            Rule("/v1/databases/<app_id>/net_peerings", methods=["GET"], endpoint=self.list_peerings),
            Rule("/v1/databases/<app_id>/net_peerings", methods=["POST"], endpoint=self.create_peering),
            Rule("/v1/databases/<app_id>/net_peerings/<peering_id>", methods=["GET"], endpoint=self.get_peering),
            Rule("/v1/databases/<app_id>/net_peerings/<peering_id>", methods=["DELETE"], endpoint=self.delete_peering),
        ]

    # --- projects ----------------------------------------------------------

    @property
    def projects(self) -> dict[str, dict[str, Any]]:
        return self.app.state.projects

    def list_projects(self, request: Request, body: Any) -> Response:
        return _json({"projects": [dict(project) for project in self.projects.values()]}, 200)

    def get_project(self, request: Request, body: Any, project_id: str) -> Response:
        project = self.projects.get(project_id)
        if project is None:
            return _json({"resource": "project", "error": "not found"}, 404)
        return _json({"project": dict(project)}, 200)

    def create_project(self, request: Request, body: Any) -> Response:
        spec = body.get("project") if isinstance(body, dict) else None
        if not isinstance(spec, dict):
            return _json({"error": "missing project parameter"}, 400)
        errors = _project_errors(spec, creating=True)
        if errors:
            return _json({"errors": errors}, 422)
        project = {"id": "pr-" + secrets.token_hex(16), "name": spec["name"], "default": False,
                   "flags": {}, "created_at": _now()}
        self.projects[project["id"]] = project
        if spec.get("default") is True:
            self._make_default(project["id"])
        return _json({"project": dict(project)}, 201)

    def update_project(self, request: Request, body: Any, project_id: str) -> Response:
        project = self.projects.get(project_id)
        if project is None:
            return _json({"resource": "project", "error": "not found"}, 404)
        spec = body.get("project") if isinstance(body, dict) else None
        if not isinstance(spec, dict):
            return _json({"error": "missing project parameter"}, 400)
        errors = _project_errors(spec, creating=False)
        if spec.get("default") is False and project["default"]:
            errors["default"] = ["an account keeps a default project: make another one the default"]
        if errors:
            return _json({"errors": errors}, 422)
        if "name" in spec:
            project["name"] = spec["name"]
        if spec.get("default") is True:
            self._make_default(project_id)
        return _json({"project": dict(project)}, 200)

    def delete_project(self, request: Request, body: Any, project_id: str) -> Response:
        project = self.projects.get(project_id)
        if project is None:
            return _json({"resource": "project", "error": "not found"}, 404)
        if any(record.project_id == project_id for record in self.app.state.databases.values()):
            return _json({"error": "the project still contains resources"}, self.app.state.project_in_use_status)
        if project["default"]:
            return _json({"error": "the default project cannot be deleted"}, 422)
        del self.projects[project_id]
        return Response(status=204)

    def _make_default(self, project_id: str) -> None:
        for identifier, project in self.projects.items():
            project["default"] = identifier == project_id

    # --- private networking ------------------------------------------------

    def network_configuration(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.app.state.databases.get(app_id)
        if record is None:
            return _json({"error": "Database not found"}, 404)
        if record.ip_range is None:
            return _json({"error": "this database has no private network"}, 404)
        return _json({"network_configuration": {
            "outscale_account_id": OUTSCALE_ACCOUNT_ID, "outscale_net_id": record.outscale_net_id,
            "ip_range": record.ip_range,
        }}, 200)

    def list_peerings(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.app.state.databases.get(app_id)
        if record is None:
            return _json({"error": "Database not found"}, 404)
        return _json({"net_peerings": [dict(peering) for peering in record.net_peerings]}, 200)

    def get_peering(self, request: Request, body: Any, app_id: str, peering_id: str) -> Response:
        record = self.app.state.databases.get(app_id)
        peering = _peering(record, peering_id)
        if peering is None:
            return _json({"resource": "net_peering", "error": "not found"}, 404)
        return _json({"net_peering": dict(peering)}, 200)

    def create_peering(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.app.state.databases.get(app_id)
        if record is None:
            return _json({"error": "Database not found"}, 404)
        outscale_id = body.get("outscale_net_peering_id") if isinstance(body, dict) else None
        if not isinstance(outscale_id, str) or not outscale_id.startswith("pcx-") or len(outscale_id) < 8:
            return _json({"errors": {"outscale_net_peering_id": ["is invalid"]}}, 422)
        if record.ip_range is None:
            return _json({"error": "this database has no private network to peer"}, 422)
        if any(peering["outscale_net_peering_id"] == outscale_id and peering["status"] != DELETED
               for peering in record.net_peerings):
            return _json({"errors": {"outscale_net_peering_id": ["has already been taken"]}}, 422)
        peering = {
            "id": "np-" + secrets.token_hex(8), "database_id": record.id, "status": ACTIVE,
            "outscale_net_peering_id": outscale_id, "outscale_source_net_id": "vpc-" + secrets.token_hex(4),
            "outscale_source_net_ip_range": "10.100.0.0/16", "outscale_source_account_id": "118287463550",
            "created_at": _now(), "updated_at": _now(),
        }
        record.net_peerings.append(peering)
        return _json({"net_peering": dict(peering)}, 201)

    def delete_peering(self, request: Request, body: Any, app_id: str, peering_id: str) -> Response:
        record = self.app.state.databases.get(app_id)
        peering = _peering(record, peering_id)
        if peering is None or peering["status"] == DELETED:
            return _json({"resource": "net_peering", "error": "not found"}, 404)
        peering.update(status=DELETED, updated_at=_now())
        return Response(status=204)


def _project_errors(spec: dict[str, Any], creating: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in spec.items():
        if value is None:
            # go-scalingo: the API does not handle a null, so the client leaves it out.
            errors[key] = ["can't be null"]
    name = spec.get("name")
    if (creating or "name" in spec) and "name" not in errors and (not isinstance(name, str) or not name.strip()):
        errors["name"] = ["can't be blank"]
    if "default" in spec and "default" not in errors and not isinstance(spec["default"], bool):
        errors["default"] = ["must be true or false"]
    return errors


def _peering(record: Optional["DatabaseRecord"], peering_id: str) -> Optional[dict[str, Any]]:
    if record is None:
        return None
    return next((peering for peering in record.net_peerings if peering["id"] == peering_id), None)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _json(payload: Any, status: int) -> Response:
    from .app import _json as as_json  # one way of answering for the whole simulator

    return as_json(payload, status)
