# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bearer token cache: what it keeps, where, how long, and for whom."""

from __future__ import annotations

import base64
import json
import os
import stat
import time
from pathlib import Path

import pytest
import responses

from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._token_cache import BearerTokenCache, token_expiry
from tests.unit.helpers import API_TOKEN, API_URL, AUTH_URL, EXCHANGE_URL
from tests.unit.plugins.module_utils.test_client import make_client

KEY = BearerTokenCache.key(API_TOKEN, AUTH_URL)


def jwt(expires_in: float) -> str:
    def part(claims: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    return "%s.%s.signature" % (part({"alg": "HS256"}), part({"exp": int(time.time() + expires_in)}))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_stored_token_is_read_back_from_a_private_file(tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "scalingo.cloud"))
    token = jwt(3600)

    cache.store(KEY, token)

    assert cache.load(KEY) == token
    [stored] = (tmp_path / "scalingo.cloud").iterdir()
    assert mode(tmp_path / "scalingo.cloud") == 0o700
    assert mode(stored) == 0o600
    assert stored.read_text() == token
    assert API_TOKEN not in stored.name and token not in stored.name


def test_a_token_five_minutes_from_expiry_is_not_used(tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    cache.store(KEY, jwt(299))

    assert cache.load(KEY) is None


def test_a_token_without_readable_expiry_is_not_kept(tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    cache.store(KEY, "not-a-jwt")

    assert cache.load(KEY) is None
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_another_api_token_or_auth_url_does_not_see_the_token(tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    cache.store(KEY, jwt(3600))

    assert cache.load(BearerTokenCache.key("tk-us-another", AUTH_URL)) is None
    assert cache.load(BearerTokenCache.key(API_TOKEN, "https://auth.elsewhere.invalid")) is None


def test_a_folder_open_to_others_is_not_used(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = BearerTokenCache(str(directory))
    cache.store(KEY, jwt(3600))
    directory.chmod(0o755)

    assert cache.load(KEY) is None
    cache.store(KEY, jwt(3600))
    assert len(list(directory.iterdir())) == 1


@pytest.mark.skipif(os.getuid() != 0, reason="changing a folder's owner needs root")
def test_a_folder_owned_by_someone_else_is_not_used(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = BearerTokenCache(str(directory))
    cache.store(KEY, jwt(3600))
    os.chown(directory, 65534, -1)

    assert cache.load(KEY) is None


def test_drop_forgets_the_token(tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    cache.store(KEY, jwt(3600))

    cache.drop(KEY)

    assert cache.load(KEY) is None


@pytest.mark.parametrize("token", ["a.b", "x.!!!.y", "a.%s.c" % base64.urlsafe_b64encode(b'{"exp": "soon"}').decode(), ""])
def test_odd_tokens_have_no_expiry(token: str) -> None:
    assert token_expiry(token) is None


def test_a_second_client_reuses_the_first_ones_bearer(api: responses.RequestsMock, tmp_path: Path) -> None:
    token = jwt(3600)
    api.add(responses.POST, EXCHANGE_URL, json={"token": token})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    cache = BearerTokenCache(str(tmp_path / "cache"))

    make_client(token_cache=cache).get("/v1/databases")
    make_client(token_cache=cache).get("/v1/databases")

    assert [call.request.url for call in api.calls] == [EXCHANGE_URL] + [API_URL + "/v1/databases"] * 2
    assert api.calls[2].request.headers["Authorization"] == "Bearer " + token


def test_a_refused_cached_bearer_is_dropped_and_replaced(api: responses.RequestsMock, tmp_path: Path) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    revoked, fresh = jwt(3600), jwt(3600) + "x"
    cache.store(KEY, revoked)
    api.add(responses.GET, API_URL + "/v1/databases", json={"error": "revoked"}, status=401)
    api.add(responses.POST, EXCHANGE_URL, json={"token": fresh})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})

    make_client(token_cache=cache).get("/v1/databases")

    assert [call.request.method for call in api.calls] == ["GET", "POST", "GET"]
    assert cache.load(KEY) == fresh


# --- whatever lies in the cache, the next task goes on -----------------------------------------


def cached_file(directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / ("bearer-%s" % KEY)


@pytest.mark.parametrize(
    "content",
    [b"\xff", b"\xff\xfe" + jwt(3600).encode(), (jwt(3600) + "\r\nX-Injected: 1").encode(), b"x" * (2 << 20), b""],
    ids=["not utf-8", "binary before a token", "line break in the token", "two megabytes", "empty"],
)
def test_an_unusable_cache_entry_is_dropped_and_the_token_exchanged(
    api: responses.RequestsMock, tmp_path: Path, content: bytes
) -> None:
    directory = tmp_path / "cache"
    path = cached_file(directory)
    path.write_bytes(content)
    path.chmod(0o600)
    fresh = jwt(3600)
    api.add(responses.POST, EXCHANGE_URL, json={"token": fresh})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})

    make_client(token_cache=BearerTokenCache(str(directory))).get("/v1/databases")

    assert api.calls[1].request.headers["Authorization"] == "Bearer " + fresh
    assert path.read_text() == fresh


def test_a_cache_entry_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "planted"
    elsewhere.write_text(jwt(3600))
    elsewhere.chmod(0o600)
    path = cached_file(tmp_path / "cache")
    path.symlink_to(elsewhere)

    assert BearerTokenCache(str(tmp_path / "cache")).load(KEY) is None


def test_a_cache_entry_others_can_read_is_not_used(tmp_path: Path) -> None:
    path = cached_file(tmp_path / "cache")
    path.write_text(jwt(3600))
    path.chmod(0o644)

    assert BearerTokenCache(str(tmp_path / "cache")).load(KEY) is None


@pytest.mark.parametrize("token", ["a.b.c\r\n", "a b.c.d", "ey\u200bJ.x.y"], ids=["line break", "space", "zero-width space"])
def test_a_token_outside_the_jwt_alphabet_is_never_stored(tmp_path: Path, token: str) -> None:
    cache = BearerTokenCache(str(tmp_path / "cache"))
    real = jwt(3600)
    head, payload, _signature = real.split(".")

    cache.store(KEY, "%s.%s.%s" % (head, payload, token))

    assert cache.load(KEY) is None
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_an_exchange_answer_with_a_line_break_in_the_token_fails_at_once(
    api: responses.RequestsMock, tmp_path: Path, sleeps: list[float]
) -> None:
    api.add(responses.POST, EXCHANGE_URL, json={"token": jwt(3600) + "\r\n"})

    with pytest.raises(ScalingoAPIError) as raised:
        make_client(token_cache=BearerTokenCache(str(tmp_path / "cache"))).get("/v1/databases")

    assert raised.value.message == "unexpected answer: a token with characters no bearer token has"
    assert sleeps == [] and len(api.calls) == 1
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_a_folder_open_to_others_is_said_once(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    warnings: list[str] = []
    cache = BearerTokenCache(str(directory), warn=warnings.append)

    cache.load(KEY)
    cache.store(KEY, jwt(3600))
    cache.load(KEY)

    assert warnings == [
        "token_cache: the folder %s is open to others or not yours, so no bearer token is kept there; make it "
        "private (chmod 700) or set token_cache: false." % directory
    ]


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_cache_entry_that_is_no_regular_file_is_passed_over_at_once(
    api: responses.RequestsMock, tmp_path: Path, kind: str
) -> None:
    directory = tmp_path / "cache"
    path = cached_file(directory)
    if kind == "directory":
        path.mkdir(mode=0o700)
    else:
        os.mkfifo(path, 0o600)
    fresh = jwt(3600)
    api.add(responses.POST, EXCHANGE_URL, json={"token": fresh})
    api.add(responses.GET, API_URL + "/v1/databases", json={"databases": []})
    started = time.monotonic()

    # A FIFO opened for reading without O_NONBLOCK would wait here for a writer, past every timeout.
    make_client(token_cache=BearerTokenCache(str(directory))).get("/v1/databases")

    assert time.monotonic() - started < 5
    assert api.calls[1].request.headers["Authorization"] == "Bearer " + fresh
