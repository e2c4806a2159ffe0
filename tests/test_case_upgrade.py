"""Cases stored before v1.1 (no kind, no title) still load: as person cases."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from eventsourcing.application import Application

from domain.errors import ConflictError, InvalidError
from domain.model import Case


def opened(kind: str = "person", title: str | None = None) -> Case:
    return Case(id=uuid.uuid4(), reference="RT-2025-0001", subject="sealed", summary=None,
                opened_on="2025-01-02", actor=None, kind=kind, title=title)


def test_an_opened_event_stored_before_kinds_existed_reads_as_a_person_case() -> None:
    app = Application[uuid.UUID]()
    event = opened().collect_events()[0]
    stored = app.mapper.to_stored_event(event)
    state = app.mapper.transcoder.decode(stored.state)
    for added in ("kind", "title", "class_version"):
        del state[added]
    v1 = dataclasses.replace(stored, state=app.mapper.transcoder.encode(state))
    event_v1 = app.mapper.to_domain_event(v1)
    assert isinstance(event_v1, Case.Opened)
    case = event_v1.mutate(None)
    assert isinstance(case, Case)
    assert case.kind == "person"
    with pytest.raises(InvalidError) as refused:
        case.edit(None, None, "a title", None)
    assert refused.value.loc == ("body", "title")


def test_a_snapshot_taken_before_kinds_existed_restores_a_person_case() -> None:
    snapshot = Case.Snapshot.take(opened())
    state = dict(snapshot.state)
    del state["kind"], state["class_version"]
    v1 = dataclasses.replace(snapshot, state=state)
    case = v1.mutate(None)
    assert isinstance(case, Case)
    assert case.kind == "person"


def test_a_situation_takes_a_title_and_refuses_a_subject() -> None:
    case = opened(kind="situation", title="sealed title")
    case.edit(None, "sealed summary", "sealed new title", None)
    with pytest.raises(InvalidError) as refused:
        case.edit("sealed subject", None, None, None)
    assert refused.value.loc == ("body", "subject")


def test_only_a_closed_case_reopens_and_a_reopened_case_is_open() -> None:
    case = opened()
    with pytest.raises(ConflictError):
        case.reopen(uuid.uuid4(), "sealed", "2025-02-01", None)
    case.close("sealed", "2025-01-31", None)
    with pytest.raises(ConflictError):
        case.edit(None, "sealed", None, None)
    case.reopen(uuid.uuid4(), "sealed", "2025-02-01", None)
    assert case.status == "open"
    case.erase(None)
    with pytest.raises(ConflictError):
        case.reopen(uuid.uuid4(), "sealed", "2025-02-02", None)
