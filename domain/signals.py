"""A signal: a partner raises a concern, the chair triages it (accept, decline or refer).

Until it is accepted, the subject, title and concern are sealed under a key of the signal's own
(the `Sealer` takes any UUID as a key id); `Accepted` carries them re-sealed under the case's
key, so that they are erased with the case, and the signal's own key is then destroyed. A
declined or referred signal keeps its own key until retention erases it (`Erased`).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ConflictError
from domain.model import Actor


class Signal(Aggregate):
    class Raised(Aggregate.Created):
        organisation_id: UUID
        raised_by: UUID
        subject: str | None
        title: str | None
        concern: str
        raised_on: str
        actor: Actor

    class Accepted(Aggregate.Event):
        case_id: UUID
        contribution_id: UUID
        subject: str | None
        title: str | None
        concern: str
        reason: str | None
        triaged_on: str
        actor: Actor

    class Declined(Aggregate.Event):
        reason: str
        triaged_on: str
        actor: Actor

    class Referred(Aggregate.Event):
        reason: str
        refer_to: str | None
        triaged_on: str
        actor: Actor

    class Erased(Aggregate.Event):
        actor: Actor

    @event(Raised)
    def __init__(
        self,
        id: UUID,
        organisation_id: UUID,
        raised_by: UUID,
        subject: str | None,
        title: str | None,
        concern: str,
        raised_on: str,
        actor: Actor,
    ) -> None:
        self.organisation_id = organisation_id
        self.raised_by = raised_by
        self.status = "new"
        self.erased = False

    def check_new(self) -> None:
        if self.status != "new":
            raise ConflictError(f"the signal was already triaged ({self.status})")

    def accept(
        self,
        case_id: UUID,
        contribution_id: UUID,
        sealed: dict[str, str | None],
        triaged_on: str,
        actor: Actor,
    ) -> None:
        """`sealed`: subject, title, concern and reason, sealed under the case's key."""
        self.check_new()
        concern = sealed["concern"]
        assert concern is not None
        self._accepted(case_id, contribution_id, sealed["subject"], sealed["title"], concern,
                       sealed["reason"], triaged_on, actor)

    @event(Accepted)
    def _accepted(
        self,
        case_id: UUID,
        contribution_id: UUID,
        subject: str | None,
        title: str | None,
        concern: str,
        reason: str | None,
        triaged_on: str,
        actor: Actor,
    ) -> None:
        self.status = "accepted"

    def decline(self, reason: str, triaged_on: str, actor: Actor) -> None:
        self.check_new()
        self._declined(reason, triaged_on, actor)

    @event(Declined)
    def _declined(self, reason: str, triaged_on: str, actor: Actor) -> None:
        self.status = "declined"

    def refer(self, reason: str, refer_to: str | None, triaged_on: str, actor: Actor) -> None:
        self.check_new()
        self._referred(reason, refer_to, triaged_on, actor)

    @event(Referred)
    def _referred(self, reason: str, refer_to: str | None, triaged_on: str, actor: Actor) -> None:
        self.status = "referred"

    def erase(self, actor: Actor) -> None:
        """Retention of a declined or referred signal (an accepted one goes with its case)."""
        if self.status not in ("declined", "referred"):
            raise ConflictError(f"a {self.status} signal is not erased on its own")
        if self.erased:
            raise ConflictError("the signal is already erased")
        self._erased(actor)

    @event(Erased)
    def _erased(self, actor: Actor) -> None:
        self.erased = True
