"""Every HTML answer carries a strict Content-Security-Policy; every state-changing post needs
the session's CSRF token; the pages hold no inline script, handler or style."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.web.support import WebWorld


def _csp_is_strict(policy: str) -> bool:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return (directives.get("default-src") == "'self'" and "unsafe" not in policy
            and "script-src" not in directives)  # scripts fall back to 'self' alone


def test_every_html_answer_has_a_strict_content_security_policy(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    anonymous = web.visitor()
    member = web.visitor(web.youth_worker)
    answers = [
        anonymous.client.get("/login"),
        chair.client.get("/cases"),
        chair.client.get(f"/cases/{web.case_id}"),
        chair.client.get(f"/cases/{web.case_id}/audience?tlp=GREEN"),
        chair.client.get("/meetings"),
        chair.client.get(f"/meetings/{web.meeting_id}"),
        chair.client.get("/actions"),
        chair.client.get("/audit?from=2026-01-01"),
        chair.client.get("/policy"),
        chair.client.get(f"/cases/{uuid.uuid4()}"),  # 404 page
        member.client.get("/audit"),  # 403 page
        chair.client.post("/logout", data={}),  # 403: no CSRF token
    ]
    for answer in answers:
        assert answer.headers["content-type"].startswith("text/html"), answer.url
        assert _csp_is_strict(answer.headers["content-security-policy"]), answer.url
    assert [a.status_code for a in answers[-3:]] == [404, 403, 403]


def test_pages_hold_no_inline_script_event_handler_or_style(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    for path in ("/login", "/cases", f"/cases/{web.case_id}", "/meetings",
                 f"/meetings/{web.meeting_id}", "/actions", "/audit", "/policy"):
        html = chair.client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert not re.search(r"\sstyle\s*=", html), path
        assert not re.search(r"https?://", html), path  # nothing from elsewhere


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
def test_a_post_without_the_sessions_csrf_token_is_refused_and_changes_nothing(
    web: WebWorld, csrf: str | None
) -> None:
    officer = web.visitor(web.officer)
    before = web.head()
    form = {"text": "should not be stored", "tlp": "GREEN", "intent": "post"}
    if csrf is not None:
        form["csrf"] = csrf

    response = officer.client.post(f"/cases/{web.case_id}/contributions", data=form)

    assert response.status_code == 403
    assert "should not be stored" not in response.text
    assert web.head() == before


def test_a_csrf_token_of_another_session_is_refused(web: WebWorld) -> None:
    officer = web.visitor(web.officer)
    other = web.visitor(web.colleague).csrf("/cases")
    before = web.head()

    response = officer.client.post(f"/cases/{web.case_id}/contributions",
                                   data={"text": "x", "tlp": "GREEN", "csrf": other})

    assert response.status_code == 403
    assert web.head() == before


def test_sign_in_and_sign_out_need_their_csrf_token_too(web: WebWorld) -> None:
    visitor = web.visitor()
    visitor.csrf("/login")  # a session for the form, but its token not sent
    refused = visitor.client.post("/login", data={"token": web.officer.token},
                                  follow_redirects=False)
    assert refused.status_code == 403

    officer = web.visitor(web.officer)
    assert officer.client.post("/logout", data={}).status_code == 403
    assert officer.client.get("/cases", follow_redirects=False).status_code == 200
