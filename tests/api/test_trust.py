"""The tightened rules of v1.1: the source is protected against every role, the chair and the
auditor included (API.md, "Tightened rules")."""

from __future__ import annotations

import base64
import threading

from tests.api.support import Person, World, body_without, head, random_id
from tests.conftest import Table

# --- anonymous means anonymous


def _events_of(world: World, case_id: str, who: Person) -> list[dict[str, object]]:
    page = world.ok(world.get("/v1/audit/events?limit=1000", who))
    return [e for e in page["events"] if e["stream_id"] == case_id]


def test_an_anonymous_contribution_names_no_actor_and_its_leaf_holds_no_owner_id(
    world: World,
) -> None:
    anonymous = world.contribute(world.officer, tlp="AMBER", anonymous=True)
    world.ok(world.put(f"/v1/contributions/{anonymous}/sharing", world.colleague,
                       {"tlp": "AMBER", "anonymous": True}))
    world.ok(world.post(f"/v1/contributions/{anonymous}/withdraw", world.colleague))
    owner_ids = (world.officer.id, world.colleague.id, world.police)
    for who in (world.auditor, world.chair):
        events = _events_of(world, world.case_id, who)
        anonymous_events = [e for e in events if e["type"] in (
            "Case.ContributionAdded", "Case.SharingChanged", "Case.ContributionWithdrawn")]
        assert len(anonymous_events) == 3
        assert all(e["actor"] is None for e in anonymous_events)
    for index in range(head(world.table)):
        leaf = world.ok(world.get(f"/v1/audit/leaves/{index}", world.auditor))
        data = base64.b64decode(leaf["data"]) if leaf["data"] else b""
        if anonymous.encode() in data:
            assert not any(o.encode() in data for o in owner_ids), index
    # The owner organisation and the chairs still see who brought it.
    assert world.shown(anonymous, world.officer)["owner"] is not None


def test_a_named_contribution_keeps_its_actor_in_the_trail(world: World) -> None:
    world.contribute(world.officer, tlp="AMBER")
    (added,) = [e for e in _events_of(world, world.case_id, world.auditor)
                if e["type"] == "Case.ContributionAdded"]
    assert added["actor"] == world.officer.id


# --- confirmed membership


def test_a_chair_cannot_read_what_a_partner_narrowed_by_minting_an_account(world: World) -> None:
    narrowed = world.contribute(world.officer, tlp="AMBER", organisations=[world.police])
    minted = world.ok(world.post("/v1/people", world.chair, {
        "name": "Not really police", "organisation_id": world.police, "role": "member"}), 201)
    assert minted["confirmed"] is False
    token = minted["token"]
    headers = world.table.headers(token)
    client = world.table.client
    assert client.get(f"/v1/contributions/{narrowed}", headers=headers).status_code == 404
    assert client.get("/v1/cases", headers=headers).json() == []
    assert client.get(f"/v1/cases/{world.case_id}", headers=headers).status_code == 404
    green = world.contribute(world.officer, tlp="GREEN")
    assert client.get(f"/v1/contributions/{green}", headers=headers).status_code == 200
    # Its organisation vouches for it: from then on it is a member like the others.
    world.ok(world.post(f"/v1/people/{minted['id']}/confirm", world.officer))
    assert client.get(f"/v1/contributions/{narrowed}", headers=headers).status_code == 200


def test_only_a_confirmed_person_of_the_same_organisation_confirms_and_only_once(
    world: World,
) -> None:
    pending = world.ok(world.post("/v1/people", world.chair, {
        "name": "New officer", "organisation_id": world.police, "role": "member"}), 201)
    path = f"/v1/people/{pending['id']}/confirm"
    assert world.post(path, world.teacher).status_code == 403
    assert world.post(path, world.chair).status_code == 403
    assert world.post(f"/v1/people/{random_id()}/confirm", world.officer).status_code == 404
    world.ok(world.post(path, world.officer))
    assert world.post(path, world.officer).status_code == 409


def test_the_first_person_of_an_organisation_and_the_chairs_own_are_confirmed(
    table: Table,
) -> None:
    fresh = table.organisation("Football club", kind="informal")
    first = table.post("/v1/people", {"name": "Coach", "organisation_id": fresh,
                                      "role": "member"})
    second = table.post("/v1/people", {"name": "Deputy chair", "role": "chair",
                                       "organisation_id": table.chair_organisation_id})
    assert first["confirmed"] is True
    assert second["confirmed"] is True


# --- credentials apart from the log


def test_no_token_hash_is_in_the_event_log_and_a_reissued_token_voids_the_old(
    world: World,
) -> None:
    import hashlib

    hashes = [hashlib.sha256(p.token.encode()).hexdigest().encode()
              for p in world.people().values()]
    if world.table.paths.database is None:
        stored = world.table.paths.events.read_bytes()
        wal = world.table.paths.events.with_name("events.sqlite-wal")
        stored += wal.read_bytes() if wal.exists() else b""
        assert not any(h in stored for h in hashes)
    else:
        import psycopg

        with psycopg.connect(world.table.paths.database) as db:
            states = b"".join(bytes(r[0]) for r in db.execute(
                "SELECT state FROM roundtable_events"))
        assert not any(h in states for h in hashes)
    issued = world.ok(world.post(f"/v1/people/{world.teacher.id}/token", world.chair))
    assert world.get("/v1/me", world.teacher).status_code == 401
    client = world.table.client
    assert client.get("/v1/me", headers=world.table.headers(issued["token"])).json()["id"] == (
        world.teacher.id)
    assert world.post(f"/v1/people/{world.teacher.id}/token", world.officer).status_code == 403
    assert world.post(f"/v1/people/{random_id()}/token", world.chair).status_code == 404


def test_a_deactivated_persons_token_is_voided(world: World) -> None:
    world.ok(world.delete(f"/v1/people/{world.colleague.id}", world.chair))
    assert world.get("/v1/me", world.colleague).status_code == 401
    assert world.post(f"/v1/people/{world.colleague.id}/token", world.chair).status_code == 409


# --- no existence oracle


def test_a_hidden_meeting_and_a_missing_one_are_refused_alike(world: World) -> None:
    other_case = world.table.case("Other Subject", world.youth)
    hidden = world.ok(world.post("/v1/meetings", world.chair, {
        "held_on": "2026-11-02", "case_ids": [other_case]}), 201)["id"]
    missing = random_id()
    answers = []
    for meeting_id in (hidden, missing):
        body = {"text": "a contribution", "tlp": "RED", "meeting_id": meeting_id}
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer, body)
        assert response.status_code == 422
        answers.append(body_without(response, meeting_id))
    assert answers[0] == answers[1]


# --- invariants inside the write


def test_two_chairs_deactivating_each_other_at_once_leave_one_chair(world: World) -> None:
    start = threading.Barrier(2)
    statuses: list[int] = []

    def deactivate(who: Person, whom: Person) -> None:
        start.wait()
        response = world.delete(f"/v1/people/{whom.id}", who)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=deactivate, args=pair) for pair in (
        (world.chair, world.second_chair), (world.second_chair, world.chair))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    people = world.table.built.services.ctx.queries.active_chairs()
    assert len(people) == 1
    assert sorted(statuses) in ([200, 401], [200, 409])


def test_a_member_whose_organisation_left_the_table_cannot_contribute(world: World) -> None:
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}", world.chair))
    body = {"text": "late", "tlp": "GREEN"}
    position = head(world.table)
    assert world.post(f"/v1/cases/{world.case_id}/contributions", world.teacher,
                      body).status_code == 404
    assert head(world.table) == position


def test_the_case_refuses_a_contribution_of_an_organisation_off_its_table() -> None:
    """The guard runs inside the write, on the aggregate's own state."""
    import uuid

    import pytest

    from domain.errors import NotFoundError
    from domain.model import Case

    case = Case(id=uuid.uuid4(), reference="RT-1", subject="s", summary=None,
                opened_on="2026-11-02", actor=None)
    organisation = uuid.uuid4()
    case.join(organisation, None)
    case.leave(organisation, None)
    with pytest.raises(NotFoundError):
        case.check_on_table(organisation)


# --- the view as of now


def test_the_view_as_of_now_judges_expiry_at_the_clock(world: World) -> None:
    soon = world.contribute(world.officer, tlp="GREEN", expires_at="2026-11-02T11:00:00+00:00")
    path = f"/v1/audit/views/{world.teacher.id}"
    assert soon in [c["id"] for c in world.ok(world.get(path, world.auditor))["contributions"]]
    world.table.clock.advance(hours=3)  # no event written since: only the clock moved
    assert soon not in [c["id"] for c in world.ok(world.get(path, world.auditor))[
        "contributions"]]


def test_the_read_models_hold_no_credential_material(world: World) -> None:
    db = world.table.built.services.ctx.queries.db
    row = db.execute("SELECT * FROM people LIMIT 1").fetchone()
    assert "token_hash" not in row.keys()


def test_confirming_tells_an_auditor_nothing_about_which_people_exist(world: World) -> None:
    answers = [world.post(f"/v1/people/{person_id}/confirm", world.auditor)
               for person_id in (world.teacher.id, random_id())]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].content == answers[1].content
