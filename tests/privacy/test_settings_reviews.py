"""Retention and review settings, and the open cases due for review."""

from __future__ import annotations

from typing import Any

from tests.conftest import Table


def get(table: Table, path: str, token: str | None = None) -> Any:
    response = table.client.get(path, headers=table.headers(token))
    assert response.status_code == 200, response.text
    return response.json()


def put_settings(table: Table, body: dict[str, Any], token: str | None = None) -> Any:
    return table.client.put("/v1/settings", json=body, headers=table.headers(token))


def test_settings_default_to_a_year_and_only_valid_changes_by_a_chair_are_kept(
    table: Table,
) -> None:
    assert get(table, "/v1/settings") == {"retention_days_after_close": 365,
                                          "review_interval_days": 365,
                                          "signal_retention_days": 90}
    for field in ("retention_days_after_close", "review_interval_days"):
        body = {"retention_days_after_close": 30, "review_interval_days": 60, field: -1}
        response = put_settings(table, body)
        assert response.status_code == 422
        assert [e["loc"][-1] for e in response.json()["detail"]] == [field]
    _, member = table.person(table.organisation("Police"), "member")
    _, auditor = table.person(table.organisation("Audit"), "auditor")
    for token in (member, auditor):
        valid = {"retention_days_after_close": 1, "review_interval_days": 1}
        assert put_settings(table, valid, token).status_code == 403
        assert table.client.get("/v1/settings", headers=table.headers(token)).status_code == 403
        assert table.client.get("/v1/reviews", headers=table.headers(token)).status_code == 403
    assert get(table, "/v1/settings") == {"retention_days_after_close": 365,
                                          "review_interval_days": 365,
                                          "signal_retention_days": 90}

    response = put_settings(table, {"retention_days_after_close": 0, "review_interval_days": 30})
    assert response.status_code == 200, response.text
    assert response.json()["position"] > 0
    assert get(table, "/v1/settings") == {"retention_days_after_close": 0,
                                          "review_interval_days": 30,
                                          "signal_retention_days": 90}


def test_open_cases_are_due_for_review_once_the_interval_has_passed_oldest_first(
    table: Table,
) -> None:
    def due() -> list[str]:
        return [c["id"] for c in get(table, "/v1/reviews")]

    oldest = table.case("Oldest")
    table.clock.advance(days=5)
    middle = table.case("Middle")
    table.clock.advance(days=5)
    closed = table.case("Closed")
    table.post(f"/v1/cases/{closed}/close", {"reason": "done"})
    table.clock.advance(days=60)
    assert due() == []  # the default interval is a year

    response = put_settings(table, {"retention_days_after_close": 365,
                                    "review_interval_days": 30})
    assert response.status_code == 200
    assert due() == [oldest, middle]
    listed = get(table, "/v1/reviews")
    assert listed[0]["last_reviewed_on"] == "2026-11-02"
    assert listed[0]["due_on"] == "2026-12-02"
    assert listed[0]["subject"] == {"name": "Oldest", "birth_year": None}

    # A meeting held on the oldest case today resets its review; one still to come does not.
    today = table.clock.now.date()
    table.post("/v1/meetings", {"held_on": today.isoformat(), "case_ids": [oldest]})
    table.post("/v1/meetings", {"held_on": "2027-12-31", "case_ids": [middle]})
    assert due() == [middle]
    table.clock.advance(days=29)
    assert due() == [middle]
    table.clock.advance(days=1)
    assert due() == [middle, oldest]  # oldest first: by the date last reviewed
    table.clock.advance(days=3650)
    assert closed not in due()


def test_a_cancelled_meeting_does_not_count_as_a_review(table: Table) -> None:
    case_id = table.case("Subject")
    table.clock.advance(days=40)
    put_settings(table, {"retention_days_after_close": 365, "review_interval_days": 30})
    today = table.clock.now.date().isoformat()
    cancelled = table.post("/v1/meetings", {"held_on": today, "case_ids": [case_id]})["id"]
    table.post(f"/v1/meetings/{cancelled}/cancel", {"reason": "the chair is ill"})
    assert [c["id"] for c in get(table, "/v1/reviews")] == [case_id]
    table.post("/v1/meetings", {"held_on": today, "case_ids": [case_id]})
    assert get(table, "/v1/reviews") == []
