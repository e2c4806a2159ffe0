"""The feedback sheet (LIVC-R): drafted by the chair for the police, released only by the
consent of every other organisation on the case table, refused at the first refusal, never a
copy of what partners shared under secrecy, and printable.

The world: the police and the school sit on the case table; youth work does not; the chair's
prevention service does not either.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.api.support import Person, World, head, random_id
from tests.privacy.support import leaks, secret

TEXT = "The table discussed the situation and agreed on a follow-up by the school."


def draft(world: World, text: str = TEXT, to: str | None = None, status: int = 201) -> Any:
    return world.ok(world.post(f"/v1/cases/{world.case_id}/feedback", world.chair,
                               {"to_organisation_id": to or world.police, "text": text}), status)


def answer(world: World, sheet: str, who: Person, reason: str | None = None) -> Any:
    body: dict[str, Any] = {"consent": reason is None}
    if reason is not None:
        body["reason"] = reason
    return world.post(f"/v1/feedback/{sheet}/consent", who, body)


def sheet_of(world: World, sheet: str, who: Person) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/feedback/{sheet}", who))
    return found


def disclosures(world: World) -> list[dict[str, Any]]:
    found = world.ok(world.get("/v1/audit/disclosures", world.auditor))["disclosures"]
    return [d for d in found if d.get("kind") == "feedback"]


def test_the_sheet_is_released_at_the_consent_of_every_other_organisation(world: World) -> None:
    created = draft(world)
    assert created["status"] == "awaiting_consent"
    assert created["position"] == head(world.table)
    sheet = created["id"]
    before = sheet_of(world, sheet, world.officer)
    assert (before["status"], before["text"]) == ("awaiting_consent", None)
    assert before["to_organisation"] == {"id": world.police, "name": "Police"}
    assert before["awaiting"] == [{"id": world.school, "name": "School"}]

    world.ok(answer(world, sheet, world.teacher))

    after = sheet_of(world, sheet, world.officer)
    assert after["status"] == "released"
    assert after["text"] == TEXT
    assert [(c["organisation"]["name"], c["consent"], c["reason"]) for c in after["consents"]] \
        == [("School", True, None)]
    assert after["awaiting"] == []


def test_the_addressee_sees_status_and_consents_but_the_text_only_once_released(
    world: World,
) -> None:
    sheet = draft(world)["id"]
    assert sheet_of(world, sheet, world.teacher)["text"] == TEXT
    assert sheet_of(world, sheet, world.chair)["text"] == TEXT
    assert sheet_of(world, sheet, world.colleague)["text"] is None
    shown = disclosures(world)
    assert {d["person_id"] for d in shown} == {world.teacher.id, world.chair.id}
    assert all(d["ids"] == [sheet] and d["case_id"] == world.case_id for d in shown)
    world.ok(answer(world, sheet, world.teacher))
    assert sheet_of(world, sheet, world.colleague)["text"] == TEXT
    assert world.colleague.id in {d["person_id"] for d in disclosures(world)}


def test_who_may_not_see_the_case_cannot_see_the_sheet(world: World) -> None:
    sheet = draft(world)["id"]
    missing = world.get(f"/v1/feedback/{random_id()}", world.youth_worker)
    for who in (world.youth_worker, world.auditor, world.policy):
        hidden = world.get(f"/v1/feedback/{sheet}", who)
        assert hidden.status_code == 404
        assert hidden.content == missing.content
        assert answer(world, sheet, who).status_code == 404
        assert world.get(f"/v1/feedback/{sheet}.pdf", who).status_code == 404


def test_the_addressee_has_no_say_and_nobody_answers_twice(world: World) -> None:
    sheet = draft(world)["id"]
    youth_member = world.person(world.youth)
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    assert answer(world, sheet, world.officer).status_code == 403
    world.ok(answer(world, sheet, world.teacher))
    with world.unchanged():
        assert answer(world, sheet, world.teacher).status_code == 409
        assert answer(world, sheet, world.teacher, "changed our mind").status_code == 409
    world.ok(answer(world, sheet, youth_member))
    assert sheet_of(world, sheet, world.chair)["status"] == "released"
    with world.unchanged():
        assert answer(world, sheet, youth_member).status_code == 409
        assert answer(world, sheet, world.officer).status_code == 403


def test_an_organisation_joining_while_consents_come_in_must_consent_too(world: World) -> None:
    sheet = draft(world)["id"]
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    world.ok(answer(world, sheet, world.teacher))
    assert sheet_of(world, sheet, world.chair)["status"] == "awaiting_consent"
    assert sheet_of(world, sheet, world.chair)["awaiting"] == [
        {"id": world.youth, "name": "Youth work"}]
    world.ok(answer(world, sheet, world.youth_worker))
    assert sheet_of(world, sheet, world.chair)["status"] == "released"


def test_taking_the_last_missing_organisation_off_the_table_releases_the_sheet(
    world: World,
) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    sheet = draft(world)["id"]
    world.ok(answer(world, sheet, world.teacher))
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.youth}",
                         world.chair))
    found = sheet_of(world, sheet, world.chair)
    assert found["status"] == "released"
    assert world.get(f"/v1/feedback/{sheet}", world.youth_worker).status_code == 404
    types = [e["type"] for e in world.ok(world.get("/v1/audit/events", world.auditor))["events"]]
    assert types[-2:] == ["Case.OrganisationLeft", "Case.FeedbackReleased"]


def test_the_first_refusal_refuses_the_sheet_and_its_reason_is_sealed(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    sheet = draft(world)["id"]
    reason = secret("refusal")
    world.ok(answer(world, sheet, world.youth_worker, reason))
    for who, shown in ((world.teacher, reason), (world.chair, reason), (world.officer, None)):
        found = sheet_of(world, sheet, who)
        assert found["status"] == "refused"
        assert found["consents"][0]["consent"] is False
        assert found["consents"][0]["reason"] == shown
        assert found["awaiting"] == []
    assert sheet_of(world, sheet, world.officer)["text"] is None
    assert answer(world, sheet, world.teacher).status_code == 409
    assert not leaks(world.table.paths.data, [reason, TEXT])


def test_a_refusal_needs_a_reason_and_a_consent_has_none(world: World) -> None:
    sheet = draft(world)["id"]
    with world.unchanged():
        missing = world.post(f"/v1/feedback/{sheet}/consent", world.teacher, {"consent": False})
        assert missing.status_code == 422
        assert missing.json()["detail"][0]["loc"] == ["body", "reason"]
        extra = world.post(f"/v1/feedback/{sheet}/consent", world.teacher,
                           {"consent": True, "reason": "fine"})
        assert extra.status_code == 422
        assert extra.json()["detail"][0]["loc"] == ["body", "reason"]
        blank = world.post(f"/v1/feedback/{sheet}/consent", world.teacher,
                           {"consent": False, "reason": "  "})
        assert blank.status_code == 422


def test_a_chair_consents_only_for_an_organisation_on_the_case_table(world: World) -> None:
    sheet = draft(world)["id"]
    with world.unchanged():
        assert answer(world, sheet, world.chair).status_code == 403
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.prevention}), 201)
    world.ok(answer(world, sheet, world.teacher))
    assert sheet_of(world, sheet, world.chair)["status"] == "awaiting_consent"
    world.ok(answer(world, sheet, world.second_chair))
    assert sheet_of(world, sheet, world.officer)["status"] == "released"


def test_only_the_chair_drafts_and_only_for_an_organisation_on_the_case_table(
    world: World,
) -> None:
    path = f"/v1/cases/{world.case_id}/feedback"
    with world.unchanged():
        member = world.post(path, world.teacher, {"to_organisation_id": world.police,
                                                  "text": TEXT})
        assert member.status_code == 403
        assert world.post(path, world.auditor, {"to_organisation_id": world.police,
                                                "text": TEXT}).status_code == 404
        for to in (world.youth, random_id()):
            refused = world.post(path, world.chair, {"to_organisation_id": to, "text": TEXT})
            assert refused.status_code == 422
            assert refused.json()["detail"][0]["loc"] == ["body", "to_organisation_id"]
        empty = world.post(path, world.chair, {"to_organisation_id": world.police, "text": ""})
        assert empty.status_code == 422


def test_a_sheet_needs_someone_to_consent(world: World) -> None:
    alone = world.table.case("Other Subject", world.police)
    refused = world.post(f"/v1/cases/{alone}/feedback", world.chair,
                         {"to_organisation_id": world.police, "text": TEXT})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "to_organisation_id"]


def test_the_sheets_of_a_case_are_listed_for_its_viewers(world: World) -> None:
    first, second = draft(world)["id"], draft(world, "A second sheet.")["id"]
    listed = world.ok(world.get(f"/v1/cases/{world.case_id}/feedback", world.teacher))
    assert [(s["id"], s["text"]) for s in listed] == [(first, TEXT), (second, "A second sheet.")]
    assert [s["text"] for s in world.ok(world.get(
        f"/v1/cases/{world.case_id}/feedback", world.officer))] == [None, None]
    assert world.get(f"/v1/cases/{world.case_id}/feedback", world.youth_worker).status_code \
        == 404
    listing = [d for d in disclosures(world) if d["endpoint"] == "GET /v1/cases/{id}/feedback"]
    assert [(d["person_id"], d["ids"]) for d in listing] == [(world.teacher.id, [first, second])]


def test_a_closed_case_takes_no_more_answers_and_an_erased_one_shows_no_text(
    world: World,
) -> None:
    sheet = draft(world)["id"]
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    assert answer(world, sheet, world.teacher).status_code == 409
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "due"}))
    found = sheet_of(world, sheet, world.chair)
    assert (found["status"], found["text"]) == ("awaiting_consent", None)
    assert world.get(f"/v1/feedback/{sheet}", world.teacher).status_code == 404
    assert world.get(f"/v1/feedback/{sheet}", world.officer).status_code == 404


def test_each_step_is_an_event_in_the_trail(world: World) -> None:
    start = head(world.table)
    sheet = draft(world)["id"]
    world.ok(answer(world, sheet, world.teacher))
    events = world.ok(world.get(f"/v1/audit/events?after={start}", world.auditor))["events"]
    assert [(e["type"], e["actor"]) for e in events] == [
        ("Case.FeedbackDrafted", world.chair.id), ("Case.FeedbackConsented", world.teacher.id),
        ("Case.FeedbackReleased", world.teacher.id)]


def test_the_printable_sheet_names_the_table_the_case_the_consents_and_the_text(
    world: World,
) -> None:
    sheet = draft(world, "Advice: keep in touch with the family.\nSecond line é.")["id"]
    world.ok(answer(world, sheet, world.teacher))
    response = world.get(f"/v1/feedback/{sheet}.pdf", world.officer)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    reference = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))["reference"]
    for expected in ("Feedback sheet", "Vilvoorde", reference, "Police", "School", "consents",
                     "released", "Advice: keep in touch with the family.", "Second line é."):
        assert expected in text, expected
    assert "Subject Name" not in text
    assert "GET /v1/feedback/{id}.pdf" in {d["endpoint"] for d in disclosures(world)}


def test_the_printable_sheet_shows_the_addressee_no_text_before_release(world: World) -> None:
    sheet = draft(world, "<b>not markup</b> & more")["id"]
    text = pdf_text(world.get(f"/v1/feedback/{sheet}.pdf", world.officer).content)
    assert "awaiting consent" in text
    assert "not markup" not in text
    assert "School" in text
    assert "no answer yet" in text
    chair_copy = pdf_text(world.get(f"/v1/feedback/{sheet}.pdf", world.chair).content)
    assert "<b>not markup</b> & more" in chair_copy


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the copy check: what partners shared under secrecy does not leave in a sheet

SOURCE = ("On Monday the boy told his teacher that he had stopped going to football because "
          "older friends at the mosque advised him to keep away from unbelievers entirely")
WORDS = SOURCE.split()


def copied(count: int, start: int = 3) -> str:
    """A draft that repeats `count` consecutive words of SOURCE, framed by words of its own."""
    return "We note: " + " ".join(WORDS[start:start + count]) + ". Contact us if needed."


def refused_for(world: World, text: str) -> str | None:
    """The message of the draft's 422, None if it was accepted."""
    response = world.post(f"/v1/cases/{world.case_id}/feedback", world.chair,
                          {"to_organisation_id": world.police, "text": text})
    if response.status_code == 201:
        return None
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "text"]
    message: str = detail["msg"]
    return message


def test_a_draft_may_repeat_eleven_words_of_a_contribution_but_not_twelve(world: World) -> None:
    source = world.contribute(world.teacher, text=SOURCE, tlp="AMBER")
    assert refused_for(world, copied(11)) is None
    assert refused_for(world, copied(11, start=12)) is None
    with world.unchanged():
        message = refused_for(world, copied(12))
    assert message is not None
    assert source in message
    assert not any(word in message for word in ("football", "mosque", "teacher"))


def test_the_copy_check_ignores_case_and_punctuation(world: World) -> None:
    source = world.contribute(world.teacher, text=SOURCE, tlp="AMBER+STRICT")
    shouted = "ON MONDAY, THE BOY TOLD HIS TEACHER -- THAT HE HAD... STOPPED; GOING (TO) FOOTBALL!"
    message = refused_for(world, shouted)
    assert message is not None
    assert source in message
    spaced = "on\nmonday\tthe  boy told his teacher that he had stopped going\n\nto"
    assert refused_for(world, spaced) is not None


def test_the_copy_check_protects_what_the_chair_may_not_see(world: World) -> None:
    source = world.contribute(world.teacher, text=SOURCE, tlp="RED",
                              recipients=[world.teacher.id])
    assert not world.sees(source, world.chair)
    message = refused_for(world, copied(12))
    assert message is not None
    assert source in message


def test_green_clear_and_withdrawn_contributions_may_be_repeated(world: World) -> None:
    for tlp in ("GREEN", "CLEAR"):
        world.contribute(world.teacher, text=SOURCE, tlp=tlp)
    withdrawn = world.contribute(world.officer, text=SOURCE, tlp="AMBER")
    world.ok(world.post(f"/v1/contributions/{withdrawn}/withdraw", world.officer))
    assert refused_for(world, SOURCE) is None


def test_the_copy_check_follows_the_label_as_it_is_now(world: World) -> None:
    source = world.contribute(world.teacher, text=SOURCE, tlp="GREEN")
    assert refused_for(world, copied(15)) is None
    world.ok(world.put(f"/v1/contributions/{source}/sharing", world.teacher, {"tlp": "AMBER"}))
    assert refused_for(world, copied(15)) is not None
    world.ok(world.put(f"/v1/contributions/{source}/sharing", world.teacher, {"tlp": "CLEAR"}))
    assert refused_for(world, copied(15)) is None


def test_the_copy_check_writes_no_plaintext(world: World) -> None:
    marker = secret("copied")
    world.contribute(world.teacher, text=f"{SOURCE} {marker}", tlp="AMBER")
    assert refused_for(world, f"{' '.join(WORDS[-11:])} {marker}") is not None
    assert not leaks(world.table.paths.data, [marker, SOURCE])
