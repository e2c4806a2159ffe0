"""`GET /v1/audit/views/{person}?at=N`: what a person could see as of position N, replayed from
the log up to N, never from today's views; ids, case ids and labels only."""

from __future__ import annotations

import uuid
from typing import Any

from tests.audit_trail.support import Scene, Someone, head


def view(scene: Scene, who: Someone, at: int | None = None) -> dict[str, Any]:
    params = {"at": at} if at is not None else {}
    found: dict[str, Any] = scene.ok(f"/v1/audit/views/{who.id}", scene.auditor, **params)
    return found


def seen(scene: Scene, who: Someone, at: int | None = None) -> set[str]:
    return {c["id"] for c in view(scene, who, at)["contributions"]}


def position_of(response: Any) -> int:
    return int(response["position"])


def test_a_contribution_withdrawn_after_n_is_still_listed_at_n_and_not_at_the_head(
    scene: Scene,
) -> None:
    contribution, added = scene.contribute(scene.officer, "Contribution-plaintext: withdrawn")
    scene.contribute(scene.teacher, "Contribution-plaintext: unrelated", tlp="GREEN")
    withdrawn = position_of(scene.table.post(f"/v1/contributions/{contribution}/withdraw", {},
                                             scene.officer.token))
    for who in (scene.teacher, scene.chair):
        assert contribution not in seen(scene, who, added - 1)
        assert contribution in seen(scene, who, added)
        assert contribution in seen(scene, who, withdrawn - 1)
        assert contribution not in seen(scene, who, withdrawn)
        assert contribution not in seen(scene, who)
        assert not scene.table.visible(contribution, who.token)
    # A withdrawn contribution is seen by the person who contributed alone.
    assert contribution in seen(scene, scene.officer)


def test_a_member_whose_organisation_joins_the_case_table_after_n_does_not_see_amber_at_n(
    scene: Scene,
) -> None:
    amber, green, strict = scene.contributions
    joined = position_of(scene.table.post(f"/v1/cases/{scene.case_id}/organisations",
                                          {"organisation_id": scene.youth}))
    before = seen(scene, scene.youth_worker, joined - 1)
    assert green in before  # GREEN: every member of the round table
    assert amber not in before
    assert strict not in before
    assert {amber, green, strict} <= seen(scene, scene.youth_worker, joined)
    assert scene.table.visible(amber, scene.youth_worker.token)


def test_a_person_registered_after_n_sees_nothing_at_n(scene: Scene) -> None:
    n = head(scene.table.paths)
    newcomer = scene.person(scene.police)
    assert view(scene, newcomer, n) == {"at": n, "contributions": []}
    assert set(scene.contributions) <= seen(scene, newcomer)


def test_a_person_deactivated_after_n_still_saw_at_n(scene: Scene) -> None:
    n = head(scene.table.paths)
    gone = position_of(scene.table.client.delete(
        f"/v1/people/{scene.teacher.id}", headers=scene.table.headers()).json())
    assert gone == n + 1
    assert seen(scene, scene.teacher, n) == set(scene.contributions)
    assert seen(scene, scene.teacher, gone) == set()


def test_a_narrowed_sharing_rule_applies_from_its_position_on(scene: Scene) -> None:
    amber = scene.contributions[0]
    changed = position_of(scene.table.client.put(
        f"/v1/contributions/{amber}/sharing", json={"tlp": "RED", "recipients": [scene.chair.id]},
        headers=scene.table.headers(scene.officer.token)).json())
    assert amber in seen(scene, scene.teacher, changed - 1)
    assert amber not in seen(scene, scene.teacher, changed)
    assert amber in seen(scene, scene.chair, changed)


def test_the_view_at_the_head_is_what_each_person_may_see_now(shared_scene: Scene) -> None:
    scene = shared_scene
    everyone = (scene.chair, scene.officer, scene.teacher, scene.youth_worker, scene.auditor,
                scene.policy)
    for who in everyone:
        now = view(scene, who)
        assert now["at"] == head(scene.table.paths)
        visible = {c for c in scene.contributions if scene.table.visible(c, who.token)}
        assert {c["id"] for c in now["contributions"]} == visible, who
    # Auditors and policy people never see contribution text, then or now.
    assert seen(scene, scene.auditor) == seen(scene, scene.policy) == set()


def test_the_view_lists_ids_case_ids_and_labels_only(shared_scene: Scene) -> None:
    answer = view(shared_scene, shared_scene.chair)
    assert set(answer) == {"at", "contributions"}
    labels = {c["id"]: c["tlp"] for c in answer["contributions"]}
    amber, green, strict = shared_scene.contributions
    assert labels == {amber: "AMBER", green: "GREEN", strict: "AMBER+STRICT"}
    for entry in answer["contributions"]:
        assert set(entry) == {"id", "case_id", "tlp"}
        assert entry["case_id"] == shared_scene.case_id


def test_a_position_beyond_the_head_is_422_and_an_unknown_person_404(
    shared_scene: Scene,
) -> None:
    scene = shared_scene
    size = head(scene.table.paths)
    assert view(scene, scene.chair, size)["at"] == size
    for at in (size + 1, 0, -1):
        response = scene.get(f"/v1/audit/views/{scene.chair.id}", scene.auditor, at=at)
        assert response.status_code == 422, at
        assert response.json()["detail"][0]["loc"][-1] == "at"
    response = scene.get(f"/v1/audit/views/{uuid.uuid4()}", scene.auditor)
    assert response.status_code == 404
    assert scene.get("/v1/audit/views/not-an-id", scene.auditor).status_code == 422
