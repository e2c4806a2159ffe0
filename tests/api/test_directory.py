"""The caller, organisations and people: /v1/me, /v1/organisations, /v1/people."""

from __future__ import annotations

import pytest

from tests.api.support import World, head, random_id
from tests.conftest import Table


def test_me_returns_the_callers_own_person_record(world: World) -> None:
    me = world.ok(world.get("/v1/me", world.teacher))
    assert me == {"id": world.teacher.id, "name": "P", "organisation_id": world.school,
                  "role": "member", "active": True, "confirmed": True}


@pytest.mark.parametrize("role", ["chair", "member", "auditor", "policy"])
def test_anyone_with_a_token_may_read_their_own_record(world: World, role: str) -> None:
    someone = world.person(world.youth, role)
    me = world.ok(world.get("/v1/me", someone))
    assert (me["id"], me["role"], me["organisation_id"]) == (someone.id, role, world.youth)
    assert "token" not in me


def test_the_founding_chair_reads_their_record(table: Table) -> None:
    me = table.client.get("/v1/me", headers=table.headers()).json()
    assert me["id"] == table.chair_id
    assert me["role"] == "chair"
    assert me["organisation_id"] == table.chair_organisation_id


# --- organisations


def test_a_chair_registers_an_organisation_and_gets_its_record_back(world: World) -> None:
    body = {"name": "Mosque council", "sector": "faith", "kind": "informal",
            "professional_secrecy": False}
    created = world.ok(world.post("/v1/organisations", world.chair, body), 201)
    assert {k: created[k] for k in body} == body
    assert isinstance(created["id"], str)
    listed = world.ok(world.get("/v1/organisations", world.chair))
    assert {**body, "id": created["id"], "mandate": None, "offers": None,
            "contact_person": None} in listed


def test_professional_secrecy_defaults_to_false(world: World) -> None:
    created = world.ok(world.post("/v1/organisations", world.chair, {
        "name": "Football club", "sector": "sport", "kind": "informal"}), 201)
    listed = {o["id"]: o for o in world.ok(world.get("/v1/organisations", world.chair))}
    assert listed[created["id"]]["professional_secrecy"] is False


@pytest.mark.parametrize("who", ["officer", "auditor", "policy"])
def test_only_a_chair_may_register_an_organisation(world: World, who: str) -> None:
    body = {"name": "Mosque council", "sector": "faith", "kind": "informal",
            "professional_secrecy": False}
    with world.unchanged():
        response = world.post("/v1/organisations", world.people()[who], body)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "sector": "s", "kind": "semi-formal"}, "kind"),
        ({"name": "", "sector": "s", "kind": "formal"}, "name"),
        ({"sector": "s", "kind": "formal"}, "name"),
        ({"name": "X", "sector": "s", "kind": "formal", "secret": True}, "secret"),
        ({"name": "X", "sector": "s", "kind": "formal", "professional_secrecy": "maybe"},
         "professional_secrecy"),
    ],
)
def test_an_invalid_organisation_is_a_422_naming_the_field(
    world: World, body: dict[str, object], field: str
) -> None:
    with world.unchanged():
        response = world.post("/v1/organisations", world.chair, body)
    assert response.status_code == 422
    assert ["body", field] in [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize("who", ["chair", "officer", "youth_worker", "auditor", "policy"])
def test_anyone_may_list_the_organisations_of_the_round_table(world: World, who: str) -> None:
    listed = world.ok(world.get("/v1/organisations", world.people()[who]))
    by_id = {o["id"]: o for o in listed}
    assert set(by_id) == {world.prevention, world.police, world.school, world.youth}
    assert by_id[world.school]["professional_secrecy"] is True
    assert by_id[world.youth]["kind"] == "informal"
    assert set(by_id[world.police]) >= {"id", "name", "sector", "kind", "professional_secrecy"}


# --- people


def test_a_chair_registers_a_person_whose_token_then_works(world: World) -> None:
    body = {"name": "Inspector Maes", "organisation_id": world.police, "role": "member"}
    created = world.ok(world.post("/v1/people", world.chair, body), 201)
    assert {k: created[k] for k in body} == body
    assert created["token"]
    me = world.table.client.get("/v1/me", headers=world.table.headers(created["token"]))
    assert me.status_code == 200
    assert me.json()["id"] == created["id"]
    assert me.json()["name"] == "Inspector Maes"


def test_the_token_of_a_person_is_shown_only_when_registering(world: World) -> None:
    body = {"name": "Inspector Maes", "organisation_id": world.police, "role": "member"}
    created = world.ok(world.post("/v1/people", world.chair, body), 201)
    for response in (world.get("/v1/me", world.chair),
                     world.table.client.get("/v1/me",
                                            headers=world.table.headers(created["token"])),
                     world.get("/v1/organisations", world.chair)):
        assert created["token"] not in response.text


def test_every_person_gets_a_distinct_token(world: World) -> None:
    tokens = {p.token for p in world.people().values()}
    assert len(tokens) == len(world.people())


@pytest.mark.parametrize("who", ["officer", "auditor", "policy"])
def test_only_a_chair_may_register_a_person(world: World, who: str) -> None:
    body = {"name": "Someone", "organisation_id": world.police, "role": "chair"}
    with world.unchanged():
        response = world.post("/v1/people", world.people()[who], body)
    assert response.status_code == 403


def test_a_person_of_an_unknown_organisation_is_a_422_naming_organisation_id(
    world: World,
) -> None:
    body = {"name": "Someone", "organisation_id": random_id(), "role": "member"}
    with world.unchanged():
        response = world.post("/v1/people", world.chair, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "organisation_id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "S", "role": "janitor"}, "role"),
        ({"name": "S", "role": "member", "organisation_id": "police"}, "organisation_id"),
        ({"role": "member"}, "name"),
        ({"name": "S", "role": "member", "token": "chosen"}, "token"),
    ],
)
def test_an_invalid_person_is_a_422_naming_the_field(
    world: World, body: dict[str, object], field: str
) -> None:
    with world.unchanged():
        response = world.post("/v1/people", world.chair,
                              {"organisation_id": world.police, **body})
    assert response.status_code == 422
    assert ["body", field] in [e["loc"] for e in response.json()["detail"]]


def test_deactivating_a_person_returns_the_position_of_the_event(world: World) -> None:
    before = head(world.table)
    answer = world.ok(world.delete(f"/v1/people/{world.officer.id}", world.chair))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)


def test_deactivating_a_person_twice_is_a_409_and_changes_nothing(world: World) -> None:
    world.ok(world.delete(f"/v1/people/{world.officer.id}", world.chair))
    with world.unchanged():
        response = world.delete(f"/v1/people/{world.officer.id}", world.chair)
    assert response.status_code == 409


def test_deactivating_an_unknown_person_is_a_404(world: World) -> None:
    with world.unchanged():
        response = world.delete(f"/v1/people/{random_id()}", world.chair)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["officer", "auditor", "policy"])
def test_only_a_chair_may_deactivate_a_person(world: World, who: str) -> None:
    with world.unchanged():
        response = world.delete(f"/v1/people/{world.colleague.id}", world.people()[who])
    assert response.status_code == 403
    world.ok(world.get("/v1/me", world.colleague))


def test_the_last_active_chair_cannot_be_deactivated(table: Table) -> None:
    response = table.client.delete(f"/v1/people/{table.chair_id}", headers=table.headers())
    assert response.status_code == 409
    assert table.client.get("/v1/me", headers=table.headers()).status_code == 200


def test_a_chair_may_deactivate_another_chair(world: World) -> None:
    world.ok(world.delete(f"/v1/people/{world.second_chair.id}", world.chair))
    assert world.get("/v1/me", world.second_chair).status_code == 401
    assert world.get("/v1/me", world.chair).status_code == 200
