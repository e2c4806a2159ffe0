"""Feedback sheets (LIVC-R): the chair drafts, the case table consents or refuses.

The sheet lives in its case's stream, so every answer is checked against the case table as it
is at that write (an organisation joining while consents come in must consent too; one taken
off the table no longer needs to, and its departure can complete the set).

The copy check runs inside the same write, on the case's events up to the version being
written: the contributions are unsealed in memory, compared word by word, and dropped; no
plaintext and no index of words is written anywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain import feedback_rules
from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.model import Case
from domain.rules import Role
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


class FeedbackCommands(WritePath):
    def draft_feedback(
        self, caller: Caller, case_id: UUID, to_organisation_id: UUID, text: str
    ) -> Created:
        self._visible_case(caller, case_id)
        require_chair(caller)
        feedback_id = uuid.uuid4()
        sealed = self._seal(case_id, f"feedback:{feedback_id}", text)
        draft_runs = set(feedback_rules.runs(feedback_rules.words(text)))

        def change(case: Case) -> None:
            case.check_writable()
            self._check_not_copied(case, draft_runs)
            case.draft_feedback(feedback_id, to_organisation_id, sealed, caller.id)

        return Created(feedback_id, self._on_case(caller, case_id, change))

    def answer_feedback(
        self, caller: Caller, feedback_id: UUID, consent: bool, reason: str | None
    ) -> Position:
        """Consent, or refuse with a reason, for the caller's organisation."""
        self.ctx.catchup.catch_up()
        sheet = self.ctx.queries.feedback_for(caller.facts, feedback_id)
        if sheet is None:
            raise NotFoundError("no such feedback sheet")
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only chairs and members answer a feedback sheet")
        if consent and reason is not None:
            raise InvalidError("reason", "only a refusal carries a reason")
        if not consent and reason is None:
            raise InvalidError("reason", "required to refuse")
        case_id = UUID(sheet["case_id"])
        sealed = (self._seal(case_id, f"feedback-reason:{feedback_id}", reason)
                  if reason is not None else None)
        return self._on_case(caller, case_id, lambda c: c.answer_feedback(
            feedback_id, caller.organisation_id, sealed, caller.id))

    def _check_not_copied(self, case: Case, draft_runs: set[tuple[str, ...]]) -> None:
        """422 naming the first protected contribution the draft repeats 12 words of."""
        if not draft_runs:
            return
        open_text = self.ctx.sealer.opener(case.id)
        for contribution_id, sealed in _protected_texts(self._case_events(case)):
            text = open_text(f"contribution:{contribution_id}", sealed)
            if text is not None and feedback_rules.copies(draft_runs, text):
                raise InvalidError("text", f"repeats {feedback_rules.COPY_WORDS} or more "
                                   f"consecutive words of contribution {contribution_id}")

    def _case_events(self, case: Case) -> Iterator[Any]:
        """The case's events up to the version this write starts from."""
        return self.ctx.app.repository.event_store.get(case.id, lte=case.version)


def _protected_texts(events: Iterator[Any]) -> list[tuple[str, str]]:
    """(contribution id, sealed text) of the contributions a draft may not copy, as the events
    leave them: their current label, withdrawn or not."""
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}
    withdrawn: set[str] = set()
    for e in events:
        if isinstance(e, Case.ContributionAdded):
            texts[str(e.contribution_id)] = e.text
            labels[str(e.contribution_id)] = e.rule["tlp"]
        elif isinstance(e, Case.SharingChanged):
            labels[str(e.contribution_id)] = e.rule["tlp"]
        elif isinstance(e, Case.ContributionWithdrawn):
            withdrawn.add(str(e.contribution_id))
    return [(cid, sealed) for cid, sealed in texts.items()
            if feedback_rules.protected(labels[cid], cid in withdrawn)]
