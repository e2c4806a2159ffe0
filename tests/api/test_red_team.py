"""Red team: every role tries every read endpoint against a case holding an anonymous, a RED,
a narrowed and a withdrawn contribution, and no answer may carry a text, a subject or an
owner-to-source link that role may not have.

The endpoints are enumerated from the application itself: a new GET route with a path
parameter this module does not know fails here until it is added to `PARAMETERS`, so that
every read the service grows is attacked too.
"""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass
from typing import Any

from tests.api.support import Person, World, head

SUBJECT = "Subject Name"
TEXTS = {
    "anonymous": "Secret-anonymous-text",
    "red": "Secret-red-text",
    "narrowed": "Secret-narrowed-text",
    "withdrawn": "Secret-withdrawn-text",
}
ACTION_TEXT = "Secret-action-description"
SIGNAL_TEXT = "Secret-signal-concern"
QUESTION_TEXT = "Secret-request-question"
FEEDBACK_TEXT = "Secret-feedback-sheet"
# What nobody outside the case and the raising organisation may learn.
OUTSIDE = {SUBJECT, ACTION_TEXT, SIGNAL_TEXT, "Signal Subject", QUESTION_TEXT, FEEDBACK_TEXT,
           *TEXTS.values()}


@dataclass
class Scene:
    world: World
    pending: Person
    meeting_id: str
    ids: dict[str, str]
    action_id: str
    signal_id: str
    request_id: str
    feedback_id: str


def _scene(world: World) -> Scene:
    meeting_id = world.meeting(world.officer, world.teacher)
    rules: dict[str, dict[str, Any]] = {
        "anonymous": {"tlp": "AMBER", "anonymous": True},
        "red": {"tlp": "RED", "meeting_id": meeting_id},
        "narrowed": {"tlp": "AMBER", "organisations": [world.police]},
        "withdrawn": {"tlp": "GREEN"},
    }
    ids = {}
    for key, rule in rules.items():
        body = {"text": TEXTS[key], **rule}
        ids[key] = world.ok(world.post(f"/v1/cases/{world.case_id}/contributions",
                                       world.officer, body), 201)["id"]
    world.ok(world.post(f"/v1/contributions/{ids['withdrawn']}/withdraw", world.officer))
    action = world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
        "description": ACTION_TEXT, "assignee_organisation_id": world.police,
        "based_on": [ids["anonymous"]]}), 201)
    minted = world.ok(world.post("/v1/people", world.chair, {
        "name": "Minted", "organisation_id": world.police, "role": "member"}), 201)
    pending = Person(minted["id"], minted["token"], world.police)
    signal = world.ok(world.post("/v1/signals", world.officer, {
        "subject": {"name": "Signal Subject"}, "concern": SIGNAL_TEXT}), 201)
    request = world.ok(world.post(f"/v1/cases/{world.case_id}/requests", world.teacher, {
        "to_organisation_id": world.police, "question": QUESTION_TEXT}), 201)
    feedback = world.ok(world.post(f"/v1/cases/{world.case_id}/feedback", world.chair, {
        "to_organisation_id": world.police, "text": FEEDBACK_TEXT}), 201)  # not released
    return Scene(world, pending, meeting_id, ids, action["id"], signal["id"], request["id"],
                 feedback["id"])


def _parameters(scene: Scene) -> dict[str, list[str]]:
    w = scene.world
    return {
        "case_id": [w.case_id],
        "contribution_id": list(scene.ids.values()),
        "meeting_id": [scene.meeting_id],
        "person_id": [w.officer.id, w.teacher.id],
        "action_id": [scene.action_id],
        "feedback_id": [scene.feedback_id],
        "organisation_id": [w.police],
        "index": [str(i) for i in range(head(w.table))],
        "signal_id": [scene.signal_id],
        "request_id": [scene.request_id],
    }


def _paths(scene: Scene) -> list[str]:
    values = _parameters(scene)
    found = []
    spec = scene.world.table.client.app.openapi()  # type: ignore[attr-defined]
    templates = [p for p, methods in spec["paths"].items() if "get" in methods]
    assert len(templates) >= 20, templates  # the enumeration itself works
    for template in templates:
        names = re.findall(r"{(\w+)}", template)
        unknown = [n for n in names if n not in values]
        assert not unknown, f"add {unknown} of {template} to the red team's parameters"
        for combination in itertools.product(*(values[n] for n in names)):
            path = template
            for name, value in zip(names, combination, strict=True):
                path = path.replace("{" + name + "}", value)
            found.append(path)
    return found


def _answers(scene: Scene, who: Person) -> list[tuple[str, str, Any]]:
    """Every GET answer this person gets: (path, raw text, parsed JSON or None)."""
    client = scene.world.table.client
    out = []
    for path in _paths(scene):
        response = client.get(path, headers=scene.world.table.headers(who.token))
        assert response.status_code < 500, (path, response.text)
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        out.append((path, response.text, parsed))
    return out


def _objects_with(value: Any, needle: str) -> list[dict[str, Any]]:
    """Every JSON object, at any depth, one of whose values (at any depth) is `needle`."""
    found: list[dict[str, Any]] = []

    def holds(node: Any) -> bool:
        if isinstance(node, dict):
            return any(holds(v) for v in node.values())
        if isinstance(node, list):
            return any(holds(v) for v in node)
        return bool(node == needle)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if any(holds(v) for v in node.values()):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(value)
    return found


def _check(scene: Scene, who: Person, forbidden: set[str], sees_owner: bool) -> None:
    w = scene.world
    owner_ids = {w.officer.id, w.police}
    anonymous = scene.ids["anonymous"]
    for path, text, parsed in _answers(scene, who):
        leaked = [f for f in forbidden if f in text]
        assert not leaked, (path, leaked)
        if not sees_owner:
            for obj in _objects_with(parsed, anonymous):
                flat = repr(obj)
                assert not any(o in flat for o in owner_ids), (path, obj)
        if path.startswith("/v1/audit/leaves/") and isinstance(parsed, dict) and parsed.get(
                "data"):
            data = base64.b64decode(parsed["data"])
            if anonymous.encode() in data:
                assert not any(o.encode() in data for o in owner_ids), path


def test_a_member_of_another_organisation_learns_nothing_of_the_case(world: World) -> None:
    scene = _scene(world)
    _check(scene, world.youth_worker, OUTSIDE, False)


def test_a_pending_person_learns_nothing_of_the_case(world: World) -> None:
    scene = _scene(world)
    _check(scene, scene.pending, OUTSIDE, False)


def test_an_auditor_sees_metadata_without_text_subject_or_source(world: World) -> None:
    scene = _scene(world)
    _check(scene, world.auditor, OUTSIDE, False)


def test_a_policy_person_sees_no_person_text_or_source(world: World) -> None:
    scene = _scene(world)
    _check(scene, world.policy, OUTSIDE, False)


def test_a_member_on_the_case_table_sees_neither_the_narrowed_nor_the_source(
    world: World,
) -> None:
    scene = _scene(world)
    _check(scene, world.teacher, {TEXTS["narrowed"], TEXTS["withdrawn"], SIGNAL_TEXT,
                                  "Signal Subject"}, False)


def test_the_chair_sees_neither_red_it_was_not_present_for_nor_the_narrowed(
    world: World,
) -> None:
    scene = _scene(world)
    _check(scene, world.chair, {TEXTS["red"], TEXTS["narrowed"], TEXTS["withdrawn"]}, True)


def test_the_addressee_of_a_feedback_sheet_reads_no_text_before_its_release(
    world: World,
) -> None:
    scene = _scene(world)
    _check(scene, world.colleague, {TEXTS["red"], TEXTS["withdrawn"], FEEDBACK_TEXT}, True)
