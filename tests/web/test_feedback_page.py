"""The feedback sheet's page: status and consents by organisation name, the text as the read
function gives it, and the consent/refuse form for an organisation still awaited."""

from __future__ import annotations

import uuid

from tests.web.support import WebWorld

TEXT = "The table agreed a follow-up by the school; no further police action is needed."
REASON = "We have not discussed this with the family yet"


def _draft(web: WebWorld) -> str:
    created = web.table.post(f"/v1/cases/{web.case_id}/feedback",
                             {"to_organisation_id": web.police, "text": TEXT})
    return str(created["id"])


def test_the_school_consents_and_the_police_then_read_the_released_text(web: WebWorld) -> None:
    sheet = _draft(web)
    teacher, officer = web.visitor(web.teacher), web.visitor(web.officer)
    assert f'href="/feedback/{sheet}"' in officer.client.get(f"/cases/{web.case_id}").text

    before = officer.client.get(f"/feedback/{sheet}").text
    assert TEXT not in before  # the addressee reads the text only once released
    assert "awaiting consent" in before
    assert "Sint-Jan school" in before  # awaited, by name
    assert f'action="/feedback/{sheet}/consent"' not in before  # the police are not asked
    school_view = teacher.client.get(f"/feedback/{sheet}").text
    assert TEXT in school_view
    assert f'action="/feedback/{sheet}/consent"' in school_view

    answered = teacher.client.post(f"/feedback/{sheet}/consent", data={
        "csrf": teacher.csrf(f"/feedback/{sheet}"), "answer": "consent"},
        follow_redirects=False)

    assert answered.status_code == 303
    after = officer.client.get(f"/feedback/{sheet}").text
    assert TEXT in after
    assert "released" in after
    assert "Sint-Jan school: consents" in after
    assert f'action="/feedback/{sheet}/consent"' not in teacher.client.get(
        f"/feedback/{sheet}").text


def test_a_refusal_needs_a_reason_and_shows_it_to_the_table(web: WebWorld) -> None:
    sheet = _draft(web)
    teacher = web.visitor(web.teacher)
    csrf = teacher.csrf(f"/feedback/{sheet}")

    bare = teacher.client.post(f"/feedback/{sheet}/consent",
                               data={"csrf": csrf, "answer": "refuse", "reason": ""})
    assert bare.status_code == 422
    assert 'id="reason-error"' in bare.text
    assert "No answer yet." in bare.text

    teacher.client.post(f"/feedback/{sheet}/consent",
                        data={"csrf": csrf, "answer": "refuse", "reason": REASON})

    chair = web.visitor(web.chair).client.get(f"/feedback/{sheet}").text
    assert "refused" in chair
    assert f"Sint-Jan school: refuses ({REASON})" in chair


def test_a_sheet_off_the_viewers_table_answers_as_a_missing_one(web: WebWorld) -> None:
    sheet = _draft(web)
    youth = web.visitor(web.youth_worker).client

    hidden = youth.get(f"/feedback/{sheet}")
    missing = youth.get(f"/feedback/{uuid.uuid4()}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    assert TEXT not in hidden.text


def test_reading_the_sheet_is_recorded_as_a_disclosure_of_the_page(web: WebWorld) -> None:
    sheet = _draft(web)
    web.visitor(web.teacher).client.get(f"/feedback/{sheet}")

    found = web.table.client.get("/v1/audit/disclosures",
                                 headers=web.table.headers(web.auditor.token)).json()
    assert any(d["kind"] == "feedback" and d["endpoint"] == "GET /feedback/{id}"
               and d["person_id"] == web.teacher.id for d in found["disclosures"])
