# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account's projects, through the main API.

Private to the scalingo.cloud collection. A project has an ID (``pr-...``), a
name, which the API does not require to be unique, and a ``default`` flag: new
databases go to the default project. Functions here give back plain dicts.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._creates import create_once
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import get_list

PROJECTS_PATH = "/v1/projects"
PROJECT_FIELDS = ("id", "name", "default")


def list_projects(client: ScalingoClient) -> list[dict[str, Any]]:
    return [project_view(item, "GET", PROJECTS_PATH) for item in get_list(client, PROJECTS_PATH, "projects")[1]]


def project_view(item: Any, method: str, path: str) -> dict[str, Any]:
    """The documented fields of one project; an ID and a name are required."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a project without an id or a name")
    return {"id": item["id"], "name": item["name"], "default": item.get("default") is True}


def projects_named(projects: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [project for project in projects if project["name"] == name]


def unresolved_project_reason(projects: list[dict[str, Any]], name: str) -> Optional[str]:
    """Why ``name`` does not name exactly one of ``projects``, naming the candidates; None when it does."""
    matches = projects_named(projects, name)
    if len(matches) == 1:
        return None
    if matches:
        return "Project name '%s' is shared by %d projects (%s): name the one meant by its ID, with project_id." % (
            name, len(matches), ", ".join(project["id"] for project in matches))
    return "Project '%s' is not one of the account's projects. Its projects: %s." % (name, described(projects))


def described(projects: list[dict[str, Any]]) -> str:
    return ", ".join("%s (%s)" % (project["name"], project["id"]) for project in projects) or "none"


def create_project(client: ScalingoClient, name: str, default: bool) -> tuple[dict[str, Any], bool]:
    """Create a project a list just found missing, never sending it twice (see create_once).

    The project, and whether our request can have made it: one another run made since our list is theirs.
    """
    creation = create_once(
        client,
        lambda: _applied_view(client.post(PROJECTS_PATH, {"project": {"name": name, "default": default}}), "POST",
                              PROJECTS_PATH),
        lambda: _the_one_named(client, name),
        taken=("name",),
    )
    return (creation.answer if creation.found is None else creation.found), creation.made_by_us


def _the_one_named(client: ScalingoClient, name: str) -> Optional[dict[str, Any]]:
    found = projects_named(list_projects(client), name)
    return found[0] if len(found) == 1 else None


def update_project(client: ScalingoClient, project: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Send ``changes`` (a new name, or default), never a null; the project as it is after them."""
    path = project_path(project["id"])
    changes = {key: value for key, value in changes.items() if value is not None}
    answer = client.patch(path, {"project": changes})
    if not answer or not _unwrapped(answer):
        # Applied (a 2xx) and described by nothing: the project is the one we had, changed.
        return dict(project, **changes)
    return _applied_view(answer, "PATCH", path)


class ProjectHoldsResources(Exception):
    """The API refused to delete a project because it still holds resources (a 409, or a 422 in another reading
    of the API); ``reason`` is its word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def delete_project(client: ScalingoClient, project: dict[str, Any]) -> bool:
    """Delete a project; False when the API says it was already gone.

    Raises ProjectHoldsResources when the project is not empty.
    """
    try:
        client.delete(project_path(project["id"]))
    except ScalingoAPIError as error:
        if error.is_not_found:
            return False
        if error.status in (409, 422):
            raise ProjectHoldsResources(error.message) from None
        raise
    return True


def project_path(project_id: str) -> str:
    return "%s/%s" % (PROJECTS_PATH, quote(project_id, safe=""))


def _applied_view(answer: Any, method: str, path: str) -> dict[str, Any]:
    """The project a write's 2xx answer describes; an answer of another shape still says the write was applied."""
    try:
        return project_view(_unwrapped(answer), method, path)
    except ScalingoAPIError as error:
        # A 2xx: the write was applied, whatever its answer says.
        error.may_have_applied = error.known_applied = True
        raise


def _unwrapped(answer: Any) -> Any:
    # go-scalingo reads {"project": {...}}; the project alone is taken too.
    return answer.get("project", answer) if isinstance(answer, dict) else answer
