"""The case's guards for actions, on the aggregate itself, and snapshots taken before actions
had statuses."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot

from domain.errors import ConflictError, InvalidError, NotFoundError
from domain.model import Case

ACTOR = uuid.uuid4()


def _case_with_actions(*statuses: str) -> tuple[Case, UUID, list[UUID]]:
    org = uuid.uuid4()
    case = Case(id=uuid.uuid4(), reference="RT-2026-0001", subject="sealed", summary=None,
                opened_on="2026-11-02", actor=ACTOR)
    case.join(org, ACTOR)
    ids = []
    for status in statuses:
        action_id = uuid.uuid4()
        make = case.propose_action if status == "proposed" else case.agree_action
        make(action_id, "sealed", org, None, [], ACTOR)
        if status == "done":
            case.complete_action(action_id, "done", None, None, False, ACTOR)
        ids.append(action_id)
    return case, org, ids


def test_a_snapshot_of_version_1_reads_completed_flags_as_statuses() -> None:
    case, _, (done, open_) = _case_with_actions("done", "open")
    snapshot = Snapshot.take(case)
    state = {k: v for k, v in snapshot.state.items() if k not in ("actions", "class_version")}
    state["completed"] = {str(done): True, str(open_): False}
    old = Snapshot(originator_id=snapshot.originator_id,
                   originator_version=snapshot.originator_version,
                   timestamp=snapshot.timestamp, topic=snapshot.topic, state=state)
    restored = old.mutate(None)
    assert isinstance(restored, Case)
    assert restored.actions == {str(done): "done", str(open_): "open"}
    with pytest.raises(ConflictError):
        restored.note_action(done, uuid.uuid4(), "sealed", ACTOR)
    restored.note_action(open_, uuid.uuid4(), "sealed", ACTOR)


def test_a_snapshot_of_version_2_keeps_the_statuses() -> None:
    case, _, ids = _case_with_actions("proposed", "open", "done")
    restored = Snapshot.take(case).mutate(None)
    assert isinstance(restored, Case)
    assert restored.actions == {str(ids[0]): "proposed", str(ids[1]): "open",
                                str(ids[2]): "done"}


def test_closing_names_the_unsettled_actions_or_cancels_them_before_the_close() -> None:
    case, _, (proposed, open_, done) = _case_with_actions("proposed", "open", "done")
    with pytest.raises(ConflictError) as refused:
        case.close("sealed", "2026-11-02", ACTOR)
    assert str(proposed) in str(refused.value)
    assert str(open_) in str(refused.value)
    assert str(done) not in str(refused.value)
    before = len(case.collect_events())
    assert before > 0
    case.close("sealed", "2026-11-02", ACTOR, cancel_actions=True)
    assert [type(e).__name__ for e in case.collect_events()] == [
        "ActionCancelled", "ActionCancelled", "Closed"]
    assert case.actions == {str(proposed): "cancelled", str(open_): "cancelled",
                            str(done): "done"}


def test_an_action_needs_an_assignee_on_the_table_and_grounds_of_the_case() -> None:
    case, org, _ = _case_with_actions()
    with pytest.raises(InvalidError) as elsewhere:
        case.agree_action(uuid.uuid4(), "sealed", uuid.uuid4(), None, [], ACTOR)
    assert elsewhere.value.loc == ("body", "assignee_organisation_id")
    with pytest.raises(InvalidError) as ungrounded:
        case.agree_action(uuid.uuid4(), "sealed", org, None, [uuid.uuid4()], ACTOR)
    assert ungrounded.value.loc == ("body", "based_on", "0")
    with pytest.raises(NotFoundError):
        case.cancel_action(uuid.uuid4(), None, None, ACTOR)
