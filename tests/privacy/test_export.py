"""Subject-access export: the subject and every contribution with its label, owner and date;
the text only where the chair may see it, else whom to ask; and the export is a disclosure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Table
from tests.privacy.support import chair_of, ok, populate, text_leaks


def test_the_export_shows_the_text_only_where_the_chair_may_see_it_else_whom_to_ask(
    table: Table,
) -> None:
    world = populate(table.client, chair_of(table), close=False)
    s, c = world.secrets, world.contributions
    expiring = str(world.post(f"/v1/cases/{world.case_id}/contributions", world.officer, {
        "text": s.erase_reason, "tlp": "GREEN",
        "expires_at": (table.clock.now + timedelta(days=1)).isoformat()})["id"])
    table.clock.advance(days=2)

    response = world.get(f"/v1/cases/{world.case_id}/export", world.chair)
    export = ok(response)
    assert export["case"]["subject"] == {"name": s.subject, "birth_year": 2009}
    assert export["case"]["summary"] == s.summary
    assert [a["description"] for a in export["actions"]] == [s.action]
    items = export["contributions"]
    assert [i["id"] for i in items] == [*c, expiring]
    assert [i["tlp"] for i in items] == [
        "GREEN", "AMBER", "RED", "AMBER", "AMBER", "AMBER+STRICT", "RED", "GREEN"]
    p, police, school = world.prevention, world.police, world.school
    assert [i["owner_organisation_id"] for i in items] == [
        p, police, police, police, school, police, police, police]
    for item in items:
        assert datetime.fromisoformat(item["created_at"]).tzinfo is not None
    assert [i["withdrawn"] for i in items] == [False] * 4 + [True] + [False] * 3
    # RED for the teacher alone, narrowed to the school, withdrawn, expired: not the chair's.
    t = s.texts
    assert [i["text"] for i in items] == [t[0], t[1], None, None, None, t[5], t[6], None]
    assert [i["ask"] for i in items] == [None, None, police, police, school, None, None,
                                         police]
    assert text_leaks(response.text, [t[2], t[3], t[4], s.erase_reason]) == []

    disclosures = ok(world.get(f"/v1/audit/disclosures?case_id={world.case_id}",
                               world.auditor))["disclosures"]
    exported = [d for d in disclosures if d["endpoint"] == "GET /v1/cases/{id}/export"]
    exports = [d for d in exported if d["kind"] == "export"]
    assert len(exports) == 1
    # The actions' descriptions it showed are recorded too, as what they are.
    assert [(d["kind"], d["ids"]) for d in exported if d["kind"] != "export"] == [
        ("action", [world.action_id])]
    assert exports[0]["person_id"] == world.chair.id
    assert exports[0]["contribution_ids"] == [c[0], c[1], c[5], c[6]]
    assert datetime.fromisoformat(exports[0]["at"]) == table.clock.now.astimezone(UTC)


def test_only_a_chair_exports_a_case(table: Table) -> None:
    world = populate(table.client, chair_of(table), close=False)
    path = f"/v1/cases/{world.case_id}/export"
    for who in (world.officer, world.teacher):  # they see the case
        response = world.get(path, who)
        assert response.status_code == 403
        assert text_leaks(response.text, world.secrets.all()) == []
    for who in (world.youth_worker, world.auditor):  # they do not
        response = world.get(path, who)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}
    assert world.get(f"/v1/cases/{world.other_case_id}/export", world.chair).status_code == 200
    # Refused exports disclosed nothing.
    disclosures = ok(world.get(f"/v1/audit/disclosures?case_id={world.case_id}",
                               world.chair))["disclosures"]
    assert not [d for d in disclosures if d["endpoint"] == "GET /v1/cases/{id}/export"]
