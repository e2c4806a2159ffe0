"""Signing in with a token gives a session cookie; signing out ends the session on the server."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from starlette.types import Scope

from api.ops import RequestLog, route_template
from tests.web.support import WebWorld


def test_signing_in_sets_an_httponly_strict_cookie_holding_a_session_id_not_the_token(
    web: WebWorld,
) -> None:
    visitor = web.visitor()
    csrf = visitor.csrf("/login")
    response = visitor.client.post("/login", data={"token": web.officer.token, "csrf": csrf},
                                   follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here
    session_id = cookie.split(";")[0].split("=", 1)[1]
    assert web.officer.token not in cookie
    stored = (web.table.paths.data / "sessions.sqlite").read_bytes()
    assert session_id.encode() not in stored
    assert web.officer.token.encode() not in stored
    assert "Olga Officer" in visitor.client.get("/cases").text


def test_over_tls_the_cookie_is_secure(web: WebWorld) -> None:
    visitor = web.visitor(https=True)
    response = visitor.client.post("/login", data={"token": web.officer.token,
                                                   "csrf": visitor.csrf("/login")},
                                   follow_redirects=False)

    assert "Secure" in response.headers["set-cookie"]


def test_a_wrong_token_shows_the_form_again_with_an_error(web: WebWorld) -> None:
    visitor = web.visitor()
    response = visitor.client.post("/login", data={"token": "not-a-token",
                                                   "csrf": visitor.csrf("/login")})

    assert response.status_code == 401
    assert 'name="token"' in response.text
    assert "This token is not valid" in response.text
    assert visitor.client.get("/cases", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_so_the_old_cookie_no_longer_works(
    web: WebWorld,
) -> None:
    visitor = web.visitor(web.officer)
    old_cookie = visitor.client.cookies["rt_session"]
    csrf = visitor.csrf("/cases")

    signed_out = visitor.client.post("/logout", data={"csrf": csrf}, follow_redirects=False)

    assert signed_out.status_code == 303
    replay = web.visitor()
    replay.client.cookies.set("rt_session", old_cookie)
    response = replay.client.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_a_deactivated_person_is_signed_out_at_the_next_page(web: WebWorld) -> None:
    visitor = web.visitor(web.officer)
    web.table.client.delete(f"/v1/people/{web.officer.id}", headers=web.table.headers())

    response = visitor.client.get(f"/cases/{web.case_id}", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_pages_take_no_bearer_token_and_the_api_takes_no_cookie(web: WebWorld) -> None:
    bearer = web.visitor()
    page = bearer.client.get("/cases", headers={"Authorization": f"Bearer {web.chair.token}"},
                             follow_redirects=False)
    assert page.status_code == 303

    cookie = web.visitor(web.chair)
    assert cookie.client.get("/v1/cases").status_code == 401


def test_the_session_store_is_private_and_keeps_no_more_than_hashes(web: WebWorld) -> None:
    web.visitor(web.officer)
    path = web.table.paths.data / "sessions.sqlite"

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        ids = [r[0] for r in db.execute("SELECT id_hash FROM sessions")]
    assert ids
    assert all(len(i) == 64 for i in ids)


def test_a_session_ends_after_two_idle_hours(web: WebWorld) -> None:
    visitor = web.visitor(web.officer)
    web.table.clock.advance(hours=2, minutes=1)

    response = visitor.client.get("/cases", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_a_page_view_is_logged_with_the_person_who_viewed_it(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    visitor = web.visitor(web.officer)
    logged: list[tuple[str | None, object]] = []

    def record(self: RequestLog, scope: Scope, status: int, seconds: float) -> None:
        logged.append((route_template(scope), (scope.get("state") or {}).get("person_id")))

    monkeypatch.setattr(RequestLog, "record", record)
    visitor.client.get("/cases")

    assert logged == [("/cases", web.officer.id)]


def test_a_new_token_ends_the_persons_web_sessions(web: WebWorld) -> None:
    visitor = web.visitor(web.officer)
    other = web.visitor(web.colleague)

    reissued = web.table.client.post(f"/v1/people/{web.officer.id}/token",
                                     headers=web.table.headers())

    assert reissued.status_code == 200
    response = visitor.client.get("/cases", follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert other.client.get("/cases", follow_redirects=False).status_code == 200
