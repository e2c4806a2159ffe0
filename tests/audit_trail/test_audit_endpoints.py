"""The `/v1/audit/` endpoints: who may read them, paging, bounds, and the promise that no
answer of theirs (and no file on disk) carries anything personal in plaintext."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.audit_trail.support import (
    PLAINTEXTS,
    TEXTS,
    Scene,
    Someone,
    data_files,
    head,
    reopened,
)


def audit_paths(scene: Scene) -> list[str]:
    size = head(scene.table.paths)
    return [
        "/v1/audit/events", "/v1/audit/events?after=3&limit=2", "/v1/audit/verify",
        "/v1/audit/disclosures", f"/v1/audit/disclosures?case_id={scene.case_id}",
        f"/v1/audit/views/{scene.officer.id}", f"/v1/audit/views/{scene.officer.id}?at=5",
        "/v1/audit/checkpoint", "/v1/audit/leaves/0", f"/v1/audit/leaves/{size - 1}",
        f"/v1/audit/proofs/inclusion?index=2&size={size}",
        f"/v1/audit/proofs/consistency?from=3&to={size}",
    ]


def status(scene: Scene, path: str, who: Someone | None, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else (
        scene.table.headers(who.token) if who else {})
    return scene.table.client.get(path, headers=headers).status_code


def test_auditors_and_chairs_read_the_audit_trail(shared_scene: Scene) -> None:
    for path in audit_paths(shared_scene):
        for who in (shared_scene.auditor, shared_scene.chair):
            assert status(shared_scene, path, who) == 200, path


def test_members_and_policy_people_are_refused_the_audit_trail_with_403(
    shared_scene: Scene,
) -> None:
    for path in audit_paths(shared_scene):
        for who in (shared_scene.officer, shared_scene.teacher, shared_scene.policy):
            assert status(shared_scene, path, who) == 403, (path, who)


def test_the_audit_trail_without_a_valid_token_is_401(shared_scene: Scene) -> None:
    for path in audit_paths(shared_scene):
        assert status(shared_scene, path, None) == 401, path
        assert status(shared_scene, path, None, token="not-a-token") == 401, path


def test_the_log_key_is_public(shared_scene: Scene) -> None:
    response = shared_scene.table.client.get("/v1/audit/key")
    assert response.status_code == 200
    key = response.json()
    assert set(key) == {"name", "vkey"}
    assert key["vkey"].startswith(key["name"] + "+")


def test_a_deactivated_auditor_is_401(scene: Scene) -> None:
    gone = scene.person(scene.police, "auditor")
    assert status(scene, "/v1/audit/events", gone) == 200
    response = scene.table.client.delete(f"/v1/people/{gone.id}", headers=scene.table.headers())
    assert response.status_code == 200
    assert status(scene, "/v1/audit/events", gone) == 401


# --------------------------------------------------------------------------- paging


def test_audit_events_page_through_the_whole_log_once_in_order(shared_scene: Scene) -> None:
    size = head(shared_scene.table.paths)
    for limit in (1, 4, size - 1, size, 1000):
        positions: list[int] = []
        after: int | None = 0
        while after is not None:
            page = shared_scene.ok("/v1/audit/events", shared_scene.auditor, after=after,
                                   limit=limit)
            assert 0 < len(page["events"]) <= limit
            positions += [e["position"] for e in page["events"]]
            # `next` is the `after` of the next page: the last position of a page with more.
            assert page["next"] in (None, positions[-1])
            after = page["next"]
        assert positions == list(range(1, size + 1)), limit


def test_audit_events_next_is_null_exactly_at_the_end(shared_scene: Scene) -> None:
    size = head(shared_scene.table.paths)
    auditor = shared_scene.auditor
    assert shared_scene.ok("/v1/audit/events", auditor, after=size - 2, limit=2)["next"] is None
    assert shared_scene.ok("/v1/audit/events", auditor, after=size - 3, limit=2)["next"] == (
        size - 1)
    assert shared_scene.ok("/v1/audit/events", auditor, after=size) == {"events": [],
                                                                         "next": None}
    first = shared_scene.ok("/v1/audit/events", auditor)
    assert len(first["events"]) == min(size, 100)


def test_audit_events_shows_metadata_fields_only(shared_scene: Scene) -> None:
    events = shared_scene.ok("/v1/audit/events", shared_scene.auditor, limit=1000)["events"]
    assert {frozenset(e) for e in events} == {frozenset(
        {"position", "type", "stream_id", "recorded_at", "actor", "hash"})}
    by_type = {e["type"] for e in events}
    assert {"Case.Opened", "Case.ContributionAdded", "Case.Closed"} <= by_type
    assert all(len(base64.b64decode(e["hash"], validate=True)) == 32 for e in events)
    # The founding events were written by the command line: no actor.
    assert events[0]["actor"] is None
    opened = next(e for e in events if e["type"] == "Case.Opened")
    assert opened["actor"] == shared_scene.chair.id


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 1001}, "limit"), ({"limit": 0}, "limit"), ({"after": -1}, "after"),
    ({"limit": "many"}, "limit"),
])
def test_audit_events_refuse_bad_paging_with_422(
    shared_scene: Scene, query: dict[str, Any], field: str
) -> None:
    response = shared_scene.get("/v1/audit/events", shared_scene.auditor, **query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


# --------------------------------------------------------------------------- bounds


def test_the_checkpoint_covers_every_event_written_before_the_request(scene: Scene) -> None:
    _, position = scene.contribute(scene.officer, "Contribution-plaintext: just now")
    answer = scene.ok("/v1/audit/checkpoint", scene.auditor)
    assert answer["size"] == position == head(scene.table.paths)
    # Events written by another process (a second service, the command line) count too.
    with reopened(scene.table.paths) as elsewhere:
        written = elsewhere.post(f"/v1/cases/{scene.case_id}/organisations",
                                 json={"organisation_id": scene.youth},
                                 headers=scene.table.headers())
        assert written.status_code == 201, written.text
    answer = scene.ok("/v1/audit/checkpoint", scene.auditor)
    assert answer["size"] == written.json()["position"] == head(scene.table.paths)


def test_a_leaf_beyond_the_log_is_404(shared_scene: Scene) -> None:
    size = head(shared_scene.table.paths)
    assert shared_scene.get(f"/v1/audit/leaves/{size - 1}", shared_scene.auditor
                            ).status_code == 200
    for index in (size, size + 1, 10**6):
        assert shared_scene.get(f"/v1/audit/leaves/{index}", shared_scene.auditor
                                ).status_code == 404, index


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/audit/proofs/inclusion?index=0&size={over}", "size"),
    ("/v1/audit/proofs/inclusion?index={size}&size={size}", "index"),
    ("/v1/audit/proofs/inclusion?index=0&size=0", "size"),
    ("/v1/audit/proofs/consistency?from=1&to={over}", "to"),
    ("/v1/audit/proofs/consistency?from={over}&to={over}", "to"),
    ("/v1/audit/proofs/consistency?from={size}&to=2", "from"),
    ("/v1/audit/proofs/consistency?from=0&to=2", "from"),
])
def test_proofs_beyond_the_log_or_out_of_order_are_422(
    shared_scene: Scene, path: str, field: str
) -> None:
    size = head(shared_scene.table.paths)
    response = shared_scene.get(path.format(size=size, over=size + 1), shared_scene.auditor)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == field


# --------------------------------------------------------------------------- nothing personal


def every_audit_answer(scene: Scene) -> list[Any]:
    auditor = scene.auditor
    size = head(scene.table.paths)
    answers: list[Any] = [scene.ok("/v1/audit/key", auditor)]
    after: int | None = 0
    while after is not None:
        page = scene.ok("/v1/audit/events", auditor, after=after, limit=5)
        answers.append(page)
        after = page["next"]
    answers += [scene.ok("/v1/audit/verify", auditor), scene.ok("/v1/audit/checkpoint", auditor),
                scene.ok("/v1/audit/disclosures", auditor),
                scene.ok("/v1/audit/disclosures", auditor, case_id=scene.case_id)]
    for who in (scene.chair, scene.officer, scene.teacher, scene.youth_worker, auditor):
        answers += [scene.ok(f"/v1/audit/views/{who.id}", auditor, at=at)
                    for at in (size // 2, size)]
    for index in range(size):
        leaf = scene.ok(f"/v1/audit/leaves/{index}", auditor)
        answers += [leaf, base64.b64decode(leaf["data"]).decode("utf-8", "replace"),
                    scene.ok("/v1/audit/proofs/inclusion", auditor, index=index, size=size)]
    answers.append(scene.ok("/v1/audit/proofs/consistency", auditor, **{"from": 1, "to": size}))
    return answers


def test_no_audit_answer_contains_personal_plaintext(shared_scene: Scene) -> None:
    scene = shared_scene
    # The plaintexts are really there, and really shown (and disclosed) to those who may see.
    case = scene.ok(f"/v1/cases/{scene.case_id}", scene.chair)
    assert case["subject"]["name"] in PLAINTEXTS
    shown = scene.ok(f"/v1/cases/{scene.case_id}/contributions", scene.chair)
    assert sorted(c["text"] for c in shown) == sorted(TEXTS)
    everything = json.dumps(every_audit_answer(scene), ensure_ascii=False)
    assert scene.contributions[0] in everything  # ids are there, as they should be
    for plaintext in PLAINTEXTS:
        assert plaintext not in everything, plaintext


def test_no_file_in_the_data_directory_holds_personal_plaintext(shared_scene: Scene) -> None:
    scene = shared_scene
    for who in (scene.chair, scene.officer, scene.teacher):
        scene.ok(f"/v1/cases/{scene.case_id}/contributions", who)
    scene.ok(f"/v1/cases/{scene.closed_case_id}", scene.chair)
    scene.ok(f"/v1/cases/{scene.case_id}/actions", scene.chair)
    scene.ok("/v1/audit/checkpoint", scene.auditor)
    files = data_files(scene.table.paths)
    names = {f.name for f in files}
    assert {"events.sqlite", "views.sqlite", "audit.sqlite"} <= names
    for path in files:
        content = path.read_bytes()
        for plaintext in PLAINTEXTS:
            assert plaintext.encode() not in content, (path.name, plaintext)
