"""Signals, requests and notices at rest: sealed everywhere, a declined or referred signal
erased after `signal_retention_days`, no signal key left behind by a crash."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from roundtable.bootstrap import build
from roundtable.retention import run_retention
from roundtable.sealing import CaseKeys
from tests.api.support import World, head
from tests.privacy.support import leaks, secret, text_leaks


def _raise(world: World, concern: str = "a concern", **body: Any) -> str:
    payload = {"subject": None, "title": "a title", "concern": concern, **body}
    return str(world.ok(world.post("/v1/signals", world.officer, payload), 201)["id"])


def _triage(world: World, signal_id: str, **body: Any) -> Any:
    return world.ok(world.post(f"/v1/signals/{signal_id}/triage", world.chair, body))


def _signal(world: World, signal_id: str) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/signals/{signal_id}", world.officer))
    return found


def _settings(world: World) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get("/v1/settings", world.chair))
    return found


def test_signal_retention_is_a_setting_of_the_table_optional_when_changed(world: World) -> None:
    assert _settings(world)["signal_retention_days"] == 90
    body = {"retention_days_after_close": 30, "review_interval_days": 60}
    changed = world.ok(world.put("/v1/settings", world.chair,
                                 {**body, "signal_retention_days": 14}))
    assert changed["signal_retention_days"] == 14
    assert _settings(world) == {**body, "signal_retention_days": 14}
    world.ok(world.put("/v1/settings", world.chair, {**body, "review_interval_days": 90}))
    assert _settings(world)["signal_retention_days"] == 14  # left out: unchanged
    for wrong in (-1, 3651, "soon"):
        with world.unchanged():
            position = head(world.table)
            response = world.put("/v1/settings", world.chair,
                                 {**body, "signal_retention_days": wrong})
            assert response.status_code == 422
            assert response.json()["detail"][0]["loc"] == ["body", "signal_retention_days"]
            assert head(world.table) == position
    assert world.put("/v1/settings", world.officer,
                     {**body, "signal_retention_days": 1}).status_code == 403


def test_retention_erases_declined_and_referred_signals_once_their_time_has_passed(
    world: World,
) -> None:
    services = world.table.built.services
    world.ok(world.put("/v1/settings", world.chair, {
        "retention_days_after_close": 365, "review_interval_days": 365,
        "signal_retention_days": 30}))
    declined, referred, accepted, new = (_raise(world) for _ in range(4))
    _triage(world, declined, decision="decline", reason="not ours")
    _triage(world, referred, decision="refer", reason="family", refer_to="CAW")
    _triage(world, accepted, decision="accept")
    world.table.clock.advance(days=20)
    later = _raise(world)
    _triage(world, later, decision="decline", reason="again not ours")
    assert run_retention(services.ctx, services.commands, dry_run=False) == []

    world.table.clock.advance(days=11)
    position = head(world.table)
    dry = run_retention(services.ctx, services.commands, dry_run=True)
    assert dry == [f"would erase signal {declined} (declined 2026-11-02)",
                   f"would erase signal {referred} (referred 2026-11-02)"]
    assert head(world.table) == position
    assert _signal(world, declined)["reason"] == "not ours"

    done = run_retention(services.ctx, services.commands, dry_run=False)
    assert done == [line.replace("would erase", "erased") for line in dry]
    for signal_id in (declined, referred):
        shown = _signal(world, signal_id)
        assert shown["erased"] is True
        assert [shown[f] for f in ("title", "concern", "reason", "refer_to")] == [None] * 4
        assert not services.ctx.keys.exists(UUID(signal_id))
    assert _signal(world, later)["reason"] == "again not ours"
    assert _signal(world, new)["concern"] == "a concern"
    assert _signal(world, accepted)["concern"] == "a concern"
    assert run_retention(services.ctx, services.commands, dry_run=False) == []


class _CrashOnDestroy:
    """A key store that dies right after the accept's save, before the signal key goes."""

    def __init__(self, keys: CaseKeys) -> None:
        self.keys = keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self.keys, name)

    def destroy(self, key_id: UUID) -> bool:
        raise SystemExit("killed")


def test_a_crash_between_accepting_and_destroying_the_signal_key_is_finished_at_restart(
    world: World,
) -> None:
    ctx = world.table.built.services.ctx
    signal_id = _raise(world, "the concern")
    keys = ctx.keys
    ctx.keys = _CrashOnDestroy(keys)
    try:
        with pytest.raises(SystemExit):
            world.table.built.services.commands.triage_signal(
                _chair(world), UUID(signal_id), "accept", None, None, None)
    finally:
        ctx.keys = keys
    shown = _signal(world, signal_id)  # the accept is whole: case, table, contribution
    assert shown["status"] == "accepted"
    (contribution,) = world.ok(world.get(f"/v1/cases/{shown['case_id']}/contributions",
                                         world.officer))
    assert contribution["text"] == "the concern"
    assert keys.exists(UUID(signal_id))
    restarted = build(world.table.paths, world.table.clock)
    restarted.close()
    assert not keys.exists(UUID(signal_id))


def _chair(world: World) -> Any:
    from roundtable.context import caller_from_row

    row = world.table.built.services.ctx.queries.person(UUID(world.chair.id))
    assert row is not None
    return caller_from_row(row)


def test_subjects_concerns_questions_reasons_and_notices_are_sealed_at_rest(
    world: World,
) -> None:
    s = {name: secret(name) for name in (
        "subject", "title", "concern", "reason", "refer_to", "accepted", "accept_reason",
        "question", "cannot", "notice")}
    declined = _raise(world, s["concern"], subject={"name": s["subject"]}, title=s["title"])
    _triage(world, declined, decision="refer", reason=s["reason"], refer_to=s["refer_to"])
    accepted = _raise(world, s["accepted"])
    _triage(world, accepted, decision="accept", reason=s["accept_reason"])
    request = world.ok(world.post(f"/v1/cases/{world.case_id}/requests", world.officer, {
        "to_organisation_id": world.school, "question": s["question"]}), 201)["id"]
    world.ok(world.post(f"/v1/requests/{request}/answer", world.teacher,
                        {"declined": True, "reason": s["cannot"]}))
    world.ok(world.post("/v1/notices", world.chair, {"text": s["notice"], "tlp": "GREEN"}),
             201)
    texts = list(s.values())
    shown = [world.get(path, who).text for who in (world.officer, world.chair)
             for path in ("/v1/signals", "/v1/requests", f"/v1/cases/{world.case_id}/requests",
                          "/v1/notices")]
    assert sorted(text_leaks("\n".join(shown), texts)) == sorted(texts)  # all stored, readable
    assert leaks(world.table.paths.data, texts) == []
    ctx = world.table.built.services.ctx
    stored = b"".join(n.state for n in ctx.app.recorder.select_notifications(start=1,
                                                                             limit=10_000))
    assert text_leaks(stored.decode("utf-8", errors="replace"), texts) == []
    db = ctx.queries.db
    rows = [str(tuple(r)) for table in ("signals", "requests", "notices")
            for r in db.execute(f"SELECT * FROM {table}").fetchall()]
    assert text_leaks("\n".join(rows), texts) == []
