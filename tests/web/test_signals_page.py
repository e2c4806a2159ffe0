"""The signals page: a member raises a signal, the chair triages it in the inbox, the raiser
sees the decision and its reason; another organisation sees nothing of it."""

from __future__ import annotations

from typing import Any

from tests.web.support import WebWorld

CONCERN = "Seen sleeping in the park three nights running"
REASON = "Handled by the outreach team already"


def _signals(web: WebWorld) -> list[dict[str, Any]]:
    """The signals as the chair reads them through the JSON API."""
    found: list[dict[str, Any]] = web.table.client.get(
        "/v1/signals", headers=web.table.headers()).json()
    return found


def test_a_member_raises_a_signal_and_the_chair_declines_it_with_a_reason(
    web: WebWorld,
) -> None:
    teacher = web.visitor(web.teacher)
    raised = teacher.client.post("/signals", data={
        "csrf": teacher.csrf("/signals"), "name": "Robin Runaway", "birth_year": "2011",
        "title": "", "concern": CONCERN}, follow_redirects=False)
    assert raised.status_code == 303
    assert raised.headers["location"] == "/signals?done=signalled"

    chair = web.visitor(web.chair)
    inbox = chair.client.get("/signals").text
    assert CONCERN in inbox
    assert "Robin Runaway (2011)" in inbox
    assert "Tess Teacher" in inbox
    assert "Sint-Jan school" in inbox
    [signal] = _signals(web)
    assert f'action="/signals/{signal["id"]}/triage"' in inbox

    no_reason = chair.client.post(f"/signals/{signal['id']}/triage", data={
        "csrf": chair.csrf("/signals"), "decision": "decline", "reason": ""})
    assert no_reason.status_code == 422
    assert _signals(web)[0]["status"] == "new"

    declined = chair.client.post(f"/signals/{signal['id']}/triage", data={
        "csrf": chair.csrf("/signals"), "decision": "decline", "reason": REASON},
        follow_redirects=False)
    assert declined.status_code == 303

    seen = teacher.client.get("/signals").text
    assert REASON in seen
    assert "declined" in seen
    assert "Decided by Chair" in seen
    assert 'action="/signals/' not in seen  # a member has no triage form
    assert CONCERN not in web.visitor(web.officer).client.get("/signals").text


def test_the_chair_accepts_a_signal_without_a_subject_and_a_case_is_opened(
    web: WebWorld,
) -> None:
    officer = web.visitor(web.officer)
    officer.client.post("/signals", data={"csrf": officer.csrf("/signals"), "name": "",
                                          "title": "Noise at the square", "concern": CONCERN})
    [signal] = _signals(web)
    assert signal["subject"] is None
    assert signal["title"] == "Noise at the square"
    chair = web.visitor(web.chair)

    chair.client.post(f"/signals/{signal['id']}/triage", data={
        "csrf": chair.csrf("/signals"), "decision": "accept", "reason": ""})

    accepted = _signals(web)[0]
    assert accepted["status"] == "accepted"
    assert accepted["case_id"]
    assert f'href="/cases/{accepted["case_id"]}"' in officer.client.get("/signals").text


def test_a_signal_without_a_concern_or_a_subject_is_refused_and_nothing_is_raised(
    web: WebWorld,
) -> None:
    teacher = web.visitor(web.teacher)
    csrf = teacher.csrf("/signals")

    no_concern = teacher.client.post("/signals", data={"csrf": csrf, "name": "Robin",
                                                       "concern": ""})
    no_subject = teacher.client.post("/signals", data={"csrf": csrf, "name": "", "title": "",
                                                       "concern": CONCERN})

    assert no_concern.status_code == no_subject.status_code == 422
    assert 'id="concern-error"' in no_concern.text
    assert 'id="title-error"' in no_subject.text
    assert CONCERN in no_subject.text  # the form keeps what was typed
    assert _signals(web) == []


def test_viewing_signals_is_recorded_as_a_disclosure_of_the_web_page(web: WebWorld) -> None:
    teacher = web.visitor(web.teacher)
    teacher.client.post("/signals", data={"csrf": teacher.csrf("/signals"), "name": "",
                                          "title": "Noise", "concern": CONCERN})

    found = web.table.client.get("/v1/audit/disclosures",
                                 headers=web.table.headers(web.auditor.token)).json()["disclosures"]
    assert any(d["kind"] == "signal" and d["endpoint"] == "GET /signals"
               and d["person_id"] == web.teacher.id for d in found)
