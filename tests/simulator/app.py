# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stateful stand-in for Scalingo's auth service and Databases API.

It enforces what the API documents for the endpoints the collection uses:
the token exchange, 401 without a valid bearer token, 404 and 422 bodies of
the documented shapes, 201 on create, the default project, and lookup by ID
or by name. One WSGI application serves both the auth and the API paths, so
``auth_url`` and ``api_url`` may point at the same address.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import secrets
import socket
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .networking import NetworkingRoutes, private_range_errors

DEFAULT_API_TOKEN = "tk-us-simulator-0000000000000000"
# The project of the API documentation's examples, so that documented examples run as they are.
DEFAULT_PROJECT_ID = "pr-82a3cac5-9b25-473e-b33d-6272b87e636f"
OTHER_PROJECT_ID = "pr-00000000-0000-4000-8000-000000000002"
PLANS = (
    "postgresql-dr-tiny-starter-1024",
    "postgresql-dr-starter-4096",
    "postgresql-dr-starter-8192",
    "postgresql-dr-starter-16384",
    "postgresql-dr-business-4096",
    "postgresql-dr-enterprise-4096",
    "postgresql-dr-enterprise-8192",
)
# Offered by the addon provider but closed to new databases and plan changes.
DISABLED_PLANS = ("postgresql-dr-legacy-2048",)
PLAN_IDS = {name: "5c1e%020d" % index for index, name in enumerate(PLANS + DISABLED_PLANS, start=1)}
TECHNOLOGIES = ("postgresql-ng",)
BEARER_LIFETIME = 3600
# The API documentation: "between 6 and 48 lower case alphanumerical characters and hyphens".
NAME_CHARACTERS = frozenset(string.ascii_lowercase + string.digits + "-")
# What the server adds to each request's WSGI environ: the number of its connection, and the connection's socket.
CONNECTION_NUMBER = "simulator.connection"
CONNECTION_SOCKET = "simulator.socket"
# What a read of a database being created may answer instead of a status, as the API notes warn: a 404, or an
# empty database object.
NOT_YET_KNOWN = "(404: not yet known)"
EMPTY_OBJECT = "(an empty database object)"
RUNNING = "running"


@dataclass
class Fault:
    """A wrong answer the simulator gives to matching requests, ``times`` times.

    ``method`` and ``path`` match like shell patterns (``*``); the Database
    API's paths are written ``db-api:/api/...``. ``body`` is
    sent as JSON when it is a dict or a list, as it is otherwise (HTML when it
    starts with ``<``). ``delay`` holds the answer back that many seconds;
    ``drop`` closes the connection instead of answering; ``apply_first``
    handles the request as usual before answering with the fault, as a
    gateway that loses the API's answer does. A ``status`` of None gives the
    usual answer, as of the moment the request came, ``delay`` seconds late:
    a slow network rather than a broken API. ``headers`` are added to the
    answer (a redirect's ``Location``, say); ``trickle`` sends its body one
    byte every that many seconds, as a stalled link does.
    """

    method: str = "*"
    path: str = "*"
    status: Optional[int] = 503
    body: Any = None
    times: int = 1
    retry_after: Optional[str] = None
    delay: float = 0.0
    drop: bool = False
    apply_first: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0

    def matches(self, request: Request, prefix: str = "") -> bool:
        """Whether ``request`` gets this fault; a Database API path is matched as ``db-api:/api/...``."""
        return self.times > 0 and fnmatch.fnmatchcase(request.method, self.method) and fnmatch.fnmatchcase(
            prefix + request.path, self.path
        )

    def response(self) -> Response:
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        if isinstance(self.body, (dict, list)):
            content, mimetype = json.dumps(self.body), "application/json"
        else:
            content = "" if self.body is None else str(self.body)
            mimetype = "text/html" if content.lstrip().startswith("<") else "text/plain"
        if not self.trickle:
            return Response(content, self.status, headers, mimetype=mimetype)
        data = content.encode()
        headers["Content-Length"] = str(len(data))
        return Response(self._trickled(data), self.status, headers, mimetype=mimetype, direct_passthrough=True)

    def _trickled(self, data: bytes) -> Iterator[bytes]:
        for index in range(len(data)):
            time.sleep(self.trickle)
            yield data[index:index + 1]


@dataclass
class DatabaseRecord:
    """A dedicated database and the app and addon behind it."""

    name: str
    plan: str
    project_id: str
    technology: str = TECHNOLOGIES[0]
    id: str = field(default_factory=lambda: secrets.token_hex(12))
    addon_id: str = field(default_factory=lambda: "ad-" + secrets.token_hex(8))
    # The database's status as the Database API tells it (database.status): the one it settles on, the answers
    # reads get before that (one per read), or, when set, the moment (time.time()) until which reads see
    # ``phase``. The addon itself says "running" from the start, as the notes warn a real one may.
    status: str = RUNNING
    pending: list[str] = field(default_factory=list)
    running_at: Optional[float] = None
    phase: str = "creating"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # What the Database API knows of it: its own id, firewall rules, users (the default one is protected).
    database_api_id: str = field(default_factory=lambda: secrets.token_hex(12))
    firewall_rules: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Its settings, as the Database API shows them (see recovery.py for the routes that change them).
    created_at: float = field(default_factory=time.time)
    maintenance_window: dict[str, int] = field(
        default_factory=lambda: {"weekday_utc": 1, "starting_hour_utc": 3, "duration_in_hour": 8})
    periodic_backups_enabled: bool = True
    periodic_backups_scheduled_at: list[int] = field(default_factory=lambda: [2])
    # Its private network, when it was created on one (ip_range), and its Outscale net peerings (networking.py).
    ip_range: Optional[str] = None
    outscale_net_id: str = field(default_factory=lambda: "vpc-" + secrets.token_hex(4))
    net_peerings: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.users.setdefault(self.default_user, {"name": self.default_user, "read_only": False, "protected": True,
                                                  "password": self.password})

    @property
    def default_user(self) -> str:
        """The user made with the database, named after it within the 32 characters a user name takes."""
        return self.name[:32].rstrip("-")

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_id": self.project_id,
            "technology": self.technology,
            "plan": self.plan,
        }

    def addon(self) -> dict[str, Any]:
        return {
            "id": self.addon_id,
            "addon_provider": {"id": self.technology, "name": "PostgreSQL"},
            "plan": {"id": PLAN_IDS[self.plan], "name": self.plan},
            "status": RUNNING,
        }

    @property
    def url(self) -> str:
        return "postgres://%s:%s@%s.postgresql.simulator.invalid:30000/%s" % (
            self.default_user, self.password, self.id, self.name.replace("-", "_"))

    def database_api_view(self, status: str) -> dict[str, Any]:
        """The database as the Database API describes it, with ``status``."""
        return {
            "id": self.database_api_id, "resource_id": self.addon_id, "plan": self.plan,
            "status": status, "readable_version": "16.4.0",
            "features": [{"name": "force-ssl", "status": "ACTIVATED"}],
            "maintenance_window": dict(self.maintenance_window),
            "periodic_backups_enabled": self.periodic_backups_enabled,
            "periodic_backups_scheduled_at": list(self.periodic_backups_scheduled_at),
        }

    def read_status(self) -> str:
        """The status one read of the Database API sees; each read moves a change along."""
        if self.running_at is not None:
            if time.time() < self.running_at:
                return self.phase
            self.running_at = None
        if self.pending:
            return self.pending.pop(0)
        return self.status

    def current_status(self) -> str:
        """The status a read would see now, without moving anything along."""
        if self.running_at is not None and time.time() < self.running_at:
            return self.phase
        return self.pending[0] if self.pending else self.status


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any
    authorization: Optional[str]
    # The number of the connection the request came on (see server.ConnectionLog); 0 when served without one.
    connection: int = 0


@dataclass
class SimulatorState:
    api_tokens: set[str]
    # The account's projects by ID (see networking.py); names need not be unique.
    projects: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        DEFAULT_PROJECT_ID: {"id": DEFAULT_PROJECT_ID, "name": "default", "default": True, "flags": {}},
        OTHER_PROJECT_ID: {"id": OTHER_PROJECT_ID, "name": "other", "default": False, "flags": {}},
    })
    databases: dict[str, DatabaseRecord] = field(default_factory=dict)
    # Status reads a new database, or a plan change, spends before "running"; or, when set, seconds it takes.
    provisioning_polls: int = 1
    provisioning_seconds: Optional[float] = None
    bearer_tokens: set[str] = field(default_factory=set)
    # Every bearer token ever issued, valid or not: tests look for them in output.
    issued_bearer_tokens: list[str] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    expire_bearer_tokens: bool = False
    faults: list[Fault] = field(default_factory=list)
    # Addon tokens for the Database API: token -> (addon id, expiry).
    addon_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    issued_addon_tokens: list[str] = field(default_factory=list)
    # The layouts of the Database API that exist (see database_api.LAYOUTS); without "legacy", its host answers
    # 404 to every path.
    database_api_layouts: set[str] = field(default_factory=lambda: {"legacy", "main-api", "main"})
    # How a firewall rule's label is changed: "patch" in place; "no-route" where the route does not exist (the
    # router's 404); "no-patch" where the rule's route exists without PATCH (405).
    firewall_label_updates: str = "patch"
    # Whether a user's create and update take the addon ID as database_id (as the CLI sends) rather than the
    # Database API's own id of the database (as the docs show).
    users_take_addon_id: bool = False
    # Backups and restores (see recovery.py): whether the API takes backups of dedicated databases at all, the
    # reads of the list a backup spends before it ends and how it ends ("done", "error", "cancelled"), the reads
    # of its operation a restore spends and how it ends ("finished", "error", "user-error", "cancelled", or
    # "done" as an app operation would), whether a restore answers its operation_id only (the older docs), and
    # whether its answer points to the operation with a Location header.
    backups_apply: bool = True
    backup_reads: int = 1
    backup_outcome: str = "done"
    restore_reads: int = 1
    restore_outcome: str = "finished"
    restore_answers_operation_id: bool = False
    restore_gives_location: bool = True
    # Whether the maintenance history gives its next page flat (meta.next_page, as scalingo.js reads it) rather
    # than under meta.pagination (go-scalingo, the docs).
    flat_pagination: bool = False
    # Whether a create applies ip_range: the documented create names none, so a server may drop it.
    create_applies_ip_range: bool = True
    # The status of a refused delete of a project that still holds resources: 409, or 422 as another reading has it.
    project_in_use_status: int = 409
    # Whether the main API answers a path under /v1 it has no route for with its JSON 404 (as the API's own "not
    # found"), rather than the router's plain-text page: the notes do not say which.
    main_api_json_404: bool = False
    recoveries: dict[str, Any] = field(default_factory=dict)
    issued_download_secrets: list[str] = field(default_factory=list)


class ScalingoSimulator:
    """The WSGI application. Its state is readable by tests through ``state``."""

    def __init__(self, api_tokens: Iterable[str] = (DEFAULT_API_TOKEN,)) -> None:
        from .database_api import MAIN, MAIN_API, DatabaseAPISimulator  # it builds on this module
        from .recovery import RecoveryRoutes

        self.state = SimulatorState(api_tokens=set(api_tokens))
        self._lock = threading.Lock()
        # The Database API's layouts on this (the main) host.
        self.recovery = RecoveryRoutes(self)
        self.networking = NetworkingRoutes(self)
        self._database_api_layouts = [DatabaseAPISimulator(self, MAIN_API), DatabaseAPISimulator(self, MAIN)]
        self._routes = Map(
            [
                Rule("/v1/tokens/exchange", methods=["POST"], endpoint=self._exchange_token),
                Rule("/v1/databases", methods=["GET"], endpoint=self._list_databases),
                Rule("/v1/databases", methods=["POST"], endpoint=self._create_database),
                Rule("/v1/databases/<ref>", methods=["GET"], endpoint=self._get_database),
                Rule("/v1/apps/<app_id>", methods=["DELETE"], endpoint=self._delete_app),
                Rule("/v1/apps/<app_id>", methods=["PUT"], endpoint=self._update_app),
                Rule("/v1/apps/<app_id>/addons/<addon_id>/token", methods=["POST"], endpoint=self._addon_token),
                Rule("/v1/databases/<app_id>/endpoints", methods=["GET"], endpoint=self._list_endpoints),
                Rule("/v1/apps/<app_id>/addons", methods=["GET"], endpoint=self._list_addons),
                Rule("/v1/apps/<app_id>/addons/<addon_id>", methods=["PATCH"], endpoint=self._update_addon),
                Rule("/v1/apps/<app_id>/variables", methods=["GET"], endpoint=self._list_variables),
                Rule("/v1/addon_providers/<provider>/plans", methods=["GET"], endpoint=self._list_plans),
            ]
            + self.networking.rules()
        )

    # --- helpers for tests -------------------------------------------------

    def add_database(
        self,
        name: str,
        plan: str = PLANS[1],
        project_id: str = DEFAULT_PROJECT_ID,
        status: str = "running",
        polls_until_running: int = 0,
        ip_range: Optional[str] = None,
    ) -> dict[str, Any]:
        """A database; one whose ``status`` is not "running" nor "stopped" runs after ``polls_until_running`` reads."""
        record = DatabaseRecord(name, plan, project_id, ip_range=ip_range)
        if status in (RUNNING, "stopped"):
            record.status = status
        else:
            record.pending = [status] * polls_until_running
        with self._lock:
            self.state.databases[record.id] = record
        return record.public()

    def serve_database_api_layouts(self, *layouts: str) -> None:
        """Serve the Database API in these layouts only; the others answer as unknown paths do."""
        with self._lock:
            self.state.database_api_layouts = set(layouts)

    def set_provisioning_polls(self, polls: int) -> None:
        with self._lock:
            self.state.provisioning_polls = polls

    def set_provisioning_seconds(self, seconds: float) -> None:
        """New databases and plan changes take ``seconds`` of wall-clock time, as real ones take minutes."""
        with self._lock:
            self.state.provisioning_seconds = seconds

    def record(self, name: str) -> DatabaseRecord:
        with self._lock:
            return next(record for record in self.state.databases.values() if record.name == name)

    def inject(self, fault: Fault) -> Fault:
        """Answer matching requests with ``fault`` (faults added first match first)."""
        with self._lock:
            self.state.faults.append(fault)
        return fault

    def expire_bearer_tokens_on_next_call(self) -> None:
        """Let the next API call find every issued bearer token expired."""
        with self._lock:
            self.state.expire_bearer_tokens = True

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.state.requests if r.method == method and r.path == path]

    def secrets(self) -> list[str]:
        """The accepted API tokens, every bearer and addon token issued so far, every user's password, and the
        signatures of every backup download link."""
        with self._lock:
            passwords = [
                user["password"] for record in self.state.databases.values() for user in record.users.values()
            ]
            tokens = sorted(self.state.api_tokens) + list(self.state.issued_bearer_tokens)
            return tokens + list(self.state.issued_addon_tokens) + passwords + list(self.state.issued_download_secrets)

    def add_firewall_rule(self, name: str, **rule: Any) -> dict[str, Any]:
        with self._lock:
            record = next(record for record in self.state.databases.values() if record.name == name)
            stored = dict({"id": "fw-" + secrets.token_hex(6), "label": "", "cidr": None, "range_id": None},
                          database_id=record.database_api_id, **rule)
            record.firewall_rules.append(stored)
            return stored

    def add_user(self, name: str, user: str, read_only: bool = False) -> dict[str, Any]:
        with self._lock:
            record = next(record for record in self.state.databases.values() if record.name == name)
            record.users[user] = {"name": user, "read_only": read_only, "protected": False,
                                  "password": secrets.token_urlsafe(24)}
            return record.users[user]

    def expire_addon_tokens(self) -> None:
        with self._lock:
            self.state.addon_tokens = {token: (addon, 0.0) for token, (addon, _expiry) in self.state.addon_tokens.items()}

    def add_project(self, name: str, default: bool = False) -> dict[str, Any]:
        """A project of the account; its ID is made up."""
        with self._lock:
            project = {"id": "pr-" + secrets.token_hex(16), "name": name, "default": False, "flags": {}}
            self.state.projects[project["id"]] = project
            if default:
                for other in self.state.projects.values():
                    other["default"] = other is project
            return dict(project)

    def projects(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(project) for project in self.state.projects.values()]

    def databases(self) -> list[dict[str, Any]]:
        with self._lock:
            return [record.public() for record in self.state.databases.values()]

    def clear_requests(self) -> None:
        with self._lock:
            self.state.requests.clear()

    # --- WSGI --------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_json(silent=True)
        fault = self.record_and_take_fault(request, body)
        if fault is None:
            return self._dispatch(request, body)(environ, start_response)
        if fault.status is None:
            response = self._dispatch(request, body)
            time.sleep(fault.delay)
            return response(environ, start_response)
        if fault.apply_first:
            self._dispatch(request, body)
        time.sleep(fault.delay)
        if fault.drop:
            _drop_connection(environ)
            # Writing to the shut socket fails with a ConnectionError that the server takes quietly.
            start_response("502 Bad Gateway", [])
            return [b""]
        return fault.response()(environ, start_response)

    def record_and_take_fault(self, request: Request, body: Any, prefix: str = "") -> Optional[Fault]:
        """Record the request (its path after ``prefix``, the API it went to) and take the first fault it gets."""
        recorded = RecordedRequest(request.method, prefix + request.path, body, request.headers.get("Authorization"),
                                   request.environ.get(CONNECTION_NUMBER, 0))
        with self._lock:
            self.state.requests.append(recorded)
            fault = next((fault for fault in self.state.faults if fault.matches(request, prefix)), None)
            if fault is not None:
                fault.times -= 1
            return fault

    def _dispatch(self, request: Request, body: Any) -> Response:
        layout = next((layout for layout in self._database_api_layouts if layout.serves(request)), None)
        if layout is not None:
            return layout.dispatch(request, body)
        try:
            endpoint, arguments = self._routes.bind_to_environ(request.environ).match()
        except NotFound:
            if self.state.main_api_json_404 and request.path.startswith("/v1/"):
                # As an API framework may answer a path under its prefix that it has no route for.
                return _json({"error": "not found"}, 404)
            # No route at all: the router's own plain-text page, as a Go HTTP server answers, not an API error.
            return Response("404 page not found\n", 404, mimetype="text/plain")
        except HTTPException as error:
            return _json({"error": error.description or error.name}, error.code or 500)
        if endpoint != self._exchange_token and not self.bearer_is_valid(request):
            return _json({"error": "You are not authorized to do this operation"}, 401)
        with self._lock:
            return endpoint(request, body, **arguments)

    def bearer_is_valid(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, token = header.partition(" ")[::2]
        with self._lock:
            if self.state.expire_bearer_tokens:
                self.state.expire_bearer_tokens = False
                self.state.bearer_tokens.clear()
            return scheme == "Bearer" and token in self.state.bearer_tokens

    # --- endpoints (called with the lock held) -----------------------------

    def _exchange_token(self, request: Request, body: Any) -> Response:
        authorization = request.authorization
        if authorization is None or authorization.type != "basic" or authorization.password not in self.state.api_tokens:
            return _json({"error": "invalid token"}, 401)
        token = _new_bearer_token()
        self.state.bearer_tokens.add(token)
        self.state.issued_bearer_tokens.append(token)
        return _json({"token": token}, 200)

    def _list_databases(self, request: Request, body: Any) -> Response:
        return _json({"databases": [record.public() for record in self.state.databases.values()]}, 200)

    def _get_database(self, request: Request, body: Any, ref: str) -> Response:
        record = self._find(ref)
        if record is None:
            return _json({"error": "Database not found"}, 404)
        return _json({"database": record.public()}, 200)

    def _create_database(self, request: Request, body: Any) -> Response:
        spec = body.get("database") if isinstance(body, dict) else None
        if not isinstance(spec, dict):
            return _json({"error": "missing database parameter"}, 400)
        errors = self._creation_errors(spec)
        if errors:
            return _json({"errors": errors}, 422)
        record = DatabaseRecord(
            spec["name"],
            spec["plan"],
            spec.get("project_id") or self._default_project_id(),
            technology=spec["technology"],
            # Timed (set_provisioning_seconds), or a number of reads.
            pending=[] if self._running_at() else _creation_reads(self.state.provisioning_polls),
            running_at=self._running_at(),
            ip_range=spec.get("ip_range") if self.state.create_applies_ip_range else None,
        )
        self.state.databases[record.id] = record
        return _json({"database": record.public()}, 201)

    def _delete_app(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None:
            return _json({"resource": "app", "error": "not found"}, 404)
        if request.args.get("current_name") != record.name:
            return _json({"error": "current_name must be the name of the app to delete"}, 400)
        del self.state.databases[app_id]
        return Response(status=204)

    def _update_app(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None:
            return _json({"resource": "app", "error": "not found"}, 404)
        project_id = body.get("project_id") if isinstance(body, dict) else None
        if project_id not in self.state.projects:
            return _json({"errors": {"project_id": ["is not a project of yours"]}}, 422)
        record.project_id = project_id
        return _json({"app": {"id": record.id, "name": record.name, "project": {"id": project_id}}}, 200)

    def _addon_token(self, request: Request, body: Any, app_id: str, addon_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None or record.addon_id != addon_id:
            return _json({"resource": "addon", "error": "not found"}, 404)
        token = _new_bearer_token()
        self.state.addon_tokens[token] = (addon_id, time.time() + BEARER_LIFETIME)
        self.state.issued_addon_tokens.append(token)
        return _json({"addon": {"id": addon_id, "token": token}}, 200)

    def _list_endpoints(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None:
            return _json({"error": "Database not found"}, 404)
        endpoints = [
            {"id": "ep-" + record.id[:8], "database_id": record.id, "hostname": "%s.postgresql.simulator.invalid" % record.id,
             "port": 30000, "type": "public-rw"},
        ]
        return _json({"endpoints": endpoints}, 200)

    def _list_addons(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None:
            return _json({"resource": "app", "error": "not found"}, 404)
        return _json({"addons": [record.addon()]}, 200)

    def _update_addon(self, request: Request, body: Any, app_id: str, addon_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None or record.addon_id != addon_id:
            return _json({"resource": "addon", "error": "not found"}, 404)
        plan_id = (body.get("addon") or {}).get("plan_id") if isinstance(body, dict) else None
        plan = next((name for name, known_id in PLAN_IDS.items() if known_id == plan_id), None)
        if plan is None or plan in DISABLED_PLANS:
            return _json({"errors": {"plan_id": ["is not a valid plan"]}}, 422)
        status = record.current_status()
        if status != RUNNING:
            return _json({"error": "the database is %s, retry once it is running" % status}, 400)
        record.plan = plan
        # The change starts a moment after the answer: the first read still sees the database running.
        record.phase = "updating"
        record.running_at = self._running_at()
        if record.running_at is None:
            record.pending = [RUNNING] + ["updating"] * self.state.provisioning_polls
        return _json({"addon": record.addon()}, 200)

    def _list_variables(self, request: Request, body: Any, app_id: str) -> Response:
        record = self.state.databases.get(app_id)
        if record is None:
            return _json({"resource": "app", "error": "not found"}, 404)
        variables = [
            {"id": "var-1", "name": "SCALINGO_POSTGRESQL_URL", "value": record.url},
            {"id": "var-2", "name": "TZ", "value": "Europe/Paris"},
        ]
        return _json({"variables": variables}, 200)

    def _list_plans(self, request: Request, body: Any, provider: str) -> Response:
        if provider not in TECHNOLOGIES:
            return _json({"resource": "addon_provider", "error": "not found"}, 404)
        plans = [
            {"id": plan_id, "name": name, "display_name": name, "disabled": name in DISABLED_PLANS}
            for name, plan_id in PLAN_IDS.items()
        ]
        return _json({"plans": plans}, 200)

    def _creation_errors(self, spec: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        name = spec.get("name")
        if not _is_valid_name(name):
            errors["name"] = ["is invalid"]
        elif self._find(name) is not None:
            errors["name"] = ["has already been taken"]
        if spec.get("technology") not in TECHNOLOGIES:
            errors["technology"] = ["is not supported"]
        plan = spec.get("plan")
        if not plan:
            errors["plan"] = ["can't be blank"]
        elif plan not in PLANS:
            errors["plan"] = ["is not a valid plan"]
        project_id = spec.get("project_id")
        if project_id is not None and project_id not in self.state.projects:
            errors["project_id"] = ["is not a project of yours"]
        if "ip_range" in spec:
            range_errors = private_range_errors(spec["ip_range"])
            if range_errors:
                errors["ip_range"] = range_errors
        return errors

    def _default_project_id(self) -> str:
        return next((project_id for project_id, project in self.state.projects.items() if project["default"]),
                    DEFAULT_PROJECT_ID)

    def _running_at(self) -> Optional[float]:
        seconds = self.state.provisioning_seconds
        return None if seconds is None else time.time() + seconds

    def _find(self, ref: str) -> Optional[DatabaseRecord]:
        if ref in self.state.databases:
            return self.state.databases[ref]
        return next((record for record in self.state.databases.values() if record.name == ref), None)


def _creation_reads(polls: int) -> list[str]:
    """What the reads of a new database see before it runs: not known yet, then an empty object, then creating."""
    return ([NOT_YET_KNOWN, EMPTY_OBJECT] + ["creating"] * max(0, polls - 2))[:max(polls, 0)]


def _is_valid_name(name: Any) -> bool:
    return isinstance(name, str) and 6 <= len(name) <= 48 and all(character in NAME_CHARACTERS for character in name)


def _drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection without a word, as a crashed proxy does."""
    try:
        environ[CONNECTION_SOCKET].shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _new_bearer_token() -> str:
    """A JWT-shaped token with an ``exp`` claim, as Scalingo's auth service issues."""
    header = _b64url({"alg": "HS256", "typ": "JWT"})
    payload = _b64url({"exp": int(time.time()) + BEARER_LIFETIME, "jti": secrets.token_hex(8)})
    return "%s.%s.%s" % (header, payload, secrets.token_urlsafe(32))


def _b64url(claims: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()


def _json(payload: Any, status: int) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")
