"""Aggregates and their events (DESIGN.md section 2).

Every event carries `actor`: the person who caused it, or None for the command line.
Free-text personal data arrives here already sealed (a `str` the domain cannot read).
Guards come first and raise domain errors; the event names the command's past tense.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError

Actor = UUID | None


class RoundTable(Aggregate):
    """One round table; it numbers the cases so that references are unique and ordered."""

    class Founded(Aggregate.Created):
        name: str
        actor: Actor

    class CaseNumbered(Aggregate.Event):
        number: int
        actor: Actor

    class SettingsChanged(Aggregate.Event):
        retention_days_after_close: int
        review_interval_days: int
        actor: Actor

    @event(Founded)
    def __init__(self, id: UUID, name: str, actor: Actor) -> None:
        self.name = name
        self.cases_numbered = 0
        self.retention_days_after_close = 365
        self.review_interval_days = 365

    def next_reference(self, year: int, actor: Actor) -> str:
        self._number_case(self.cases_numbered + 1, actor)
        return f"RT-{year}-{self.cases_numbered:04d}"

    @event(CaseNumbered)
    def _number_case(self, number: int, actor: Actor) -> None:
        self.cases_numbered = number

    @event(SettingsChanged)
    def change_settings(
        self, retention_days_after_close: int, review_interval_days: int, actor: Actor
    ) -> None:
        self.retention_days_after_close = retention_days_after_close
        self.review_interval_days = review_interval_days

    class SignalRetentionChanged(Aggregate.Event):
        signal_retention_days: int
        actor: Actor

    @event(SignalRetentionChanged)
    def change_signal_retention(self, signal_retention_days: int, actor: Actor) -> None:
        """Days a declined or referred signal is kept before it is erased (default 90)."""
        self.signal_retention_days = signal_retention_days


class Organisation(Aggregate):
    class Registered(Aggregate.Created):
        name: str
        sector: str
        kind: str
        professional_secrecy: bool
        actor: Actor

    @event(Registered)
    def __init__(
        self,
        id: UUID,
        name: str,
        sector: str,
        kind: str,
        professional_secrecy: bool,
        actor: Actor,
    ) -> None:
        self.name = name
        self.sector = sector
        self.kind = kind
        self.professional_secrecy = professional_secrecy


class Person(Aggregate):
    class Registered(Aggregate.Created):
        name: str
        organisation_id: UUID
        role: str
        token_hash: str
        actor: Actor

    class Deactivated(Aggregate.Event):
        actor: Actor

    @event(Registered)
    def __init__(
        self,
        id: UUID,
        name: str,
        organisation_id: UUID,
        role: str,
        token_hash: str,
        actor: Actor,
    ) -> None:
        self.name = name
        self.organisation_id = organisation_id
        self.role = role
        self.token_hash = token_hash
        self.active = True

    def deactivate(self, actor: Actor) -> None:
        if not self.active:
            raise ConflictError("the person is already deactivated")
        self._deactivated(actor)

    @event(Deactivated)
    def _deactivated(self, actor: Actor) -> None:
        self.active = False


class Meeting(Aggregate):
    class Scheduled(Aggregate.Created):
        held_on: str
        case_ids: list[UUID]
        actor: Actor

    class AttendanceRecorded(Aggregate.Event):
        person_ids: list[UUID]
        actor: Actor

    @event(Scheduled)
    def __init__(
        self,
        id: UUID,
        held_on: str,
        case_ids: list[UUID],
        actor: Actor,
    ) -> None:
        self.held_on = held_on
        self.case_ids = list(case_ids)
        self.present: list[UUID] = []

    @event(AttendanceRecorded)
    def record_attendance(self, person_ids: list[UUID], actor: Actor) -> None:
        self.present = list(person_ids)


class Case(Aggregate):
    class Opened(Aggregate.Created):
        reference: str
        subject: str
        summary: str | None
        opened_on: str
        actor: Actor

    class OrganisationJoined(Aggregate.Event):
        organisation_id: UUID
        actor: Actor

    class OrganisationLeft(Aggregate.Event):
        organisation_id: UUID
        actor: Actor

    class ContributionAdded(Aggregate.Event):
        contribution_id: UUID
        contributor_id: UUID
        owner_id: UUID
        text: str
        rule: dict[str, Any]
        actor: Actor

    class SharingChanged(Aggregate.Event):
        contribution_id: UUID
        rule: dict[str, Any]
        actor: Actor

    class ContributionWithdrawn(Aggregate.Event):
        contribution_id: UUID
        actor: Actor

    class ActionAgreed(Aggregate.Event):
        action_id: UUID
        description: str
        assignee_id: UUID
        due_on: str | None
        based_on: list[UUID]
        actor: Actor

    class ActionCompleted(Aggregate.Event):
        action_id: UUID
        actor: Actor

    class Closed(Aggregate.Event):
        reason: str
        closed_on: str
        actor: Actor

    class Erased(Aggregate.Event):
        actor: Actor

    class RequestAsked(Aggregate.Event):
        request_id: UUID
        from_organisation_id: UUID
        to_organisation_id: UUID
        question: str
        actor: Actor

    class RequestAnswered(Aggregate.Event):
        request_id: UUID
        contribution_id: UUID
        actor: Actor

    class RequestDeclined(Aggregate.Event):
        request_id: UUID
        reason: str
        actor: Actor

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        reference: str,
        subject: str,
        summary: str | None,
        opened_on: str,
        actor: Actor,
    ) -> None:
        self.reference = reference
        self.status = "open"
        self.table: list[UUID] = []
        # Only what the guards need, keyed by str(id) and JSON-native, so that the case can be
        # snapshotted: contribution -> withdrawn, action -> completed.
        self.withdrawn: dict[str, bool] = {}
        self.completed: dict[str, bool] = {}

    # --- guards

    def check_writable(self) -> None:
        if self.status != "open":
            raise ConflictError(f"the case is {self.status}")

    def check_sharing_changeable(self, contribution_id: UUID) -> None:
        if self.status == "erased":
            raise ConflictError("the case is erased")
        withdrawn = self.withdrawn.get(str(contribution_id))
        if withdrawn is None:
            raise NotFoundError("no such contribution")
        if withdrawn:
            raise ConflictError("the contribution is withdrawn")

    # --- commands

    def join(self, organisation_id: UUID, actor: Actor) -> None:
        self.check_writable()
        if organisation_id in self.table:
            raise ConflictError("the organisation is already on the case table")
        self._joined(organisation_id, actor)

    @event(OrganisationJoined)
    def _joined(self, organisation_id: UUID, actor: Actor) -> None:
        self.table.append(organisation_id)

    def leave(self, organisation_id: UUID, actor: Actor) -> None:
        if self.status == "erased":
            raise ConflictError("the case is erased")
        if organisation_id not in self.table:
            raise NotFoundError("the organisation is not on the case table")
        self._left(organisation_id, actor)

    @event(OrganisationLeft)
    def _left(self, organisation_id: UUID, actor: Actor) -> None:
        self.table.remove(organisation_id)

    def contribute(
        self,
        contribution_id: UUID,
        contributor_id: UUID,
        owner_id: UUID,
        text: str,
        rule: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.check_writable()
        self._contributed(contribution_id, contributor_id, owner_id, text, rule, actor)

    @event(ContributionAdded)
    def _contributed(
        self,
        contribution_id: UUID,
        contributor_id: UUID,
        owner_id: UUID,
        text: str,
        rule: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.withdrawn[str(contribution_id)] = False

    def change_sharing(self, contribution_id: UUID, rule: dict[str, Any], actor: Actor) -> None:
        self.check_sharing_changeable(contribution_id)
        self._sharing_changed(contribution_id, rule, actor)

    @event(SharingChanged)
    def _sharing_changed(self, contribution_id: UUID, rule: dict[str, Any], actor: Actor) -> None:
        """The rule lives in the event and the views; the guards need nothing of it."""

    def withdraw(self, contribution_id: UUID, actor: Actor) -> None:
        self.check_sharing_changeable(contribution_id)
        self._withdrawn(contribution_id, actor)

    @event(ContributionWithdrawn)
    def _withdrawn(self, contribution_id: UUID, actor: Actor) -> None:
        self.withdrawn[str(contribution_id)] = True

    def agree_action(
        self,
        action_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: str | None,
        based_on: list[UUID],
        actor: Actor,
    ) -> None:
        self.check_writable()
        self._action_agreed(action_id, description, assignee_id, due_on, based_on, actor)

    @event(ActionAgreed)
    def _action_agreed(
        self,
        action_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: str | None,
        based_on: list[UUID],
        actor: Actor,
    ) -> None:
        self.completed[str(action_id)] = False

    def complete_action(self, action_id: UUID, actor: Actor) -> None:
        if self.status == "erased":
            raise ConflictError("the case is erased")
        if str(action_id) not in self.completed:
            raise NotFoundError("no such action")
        if self.completed[str(action_id)]:
            raise ConflictError("the action is already completed")
        self._action_completed(action_id, actor)

    @event(ActionCompleted)
    def _action_completed(self, action_id: UUID, actor: Actor) -> None:
        self.completed[str(action_id)] = True

    def close(self, reason: str, closed_on: str, actor: Actor) -> None:
        self.check_writable()
        self._closed(reason, closed_on, actor)

    @event(Closed)
    def _closed(self, reason: str, closed_on: str, actor: Actor) -> None:
        self.status = "closed"

    def erase(self, actor: Actor) -> None:
        if self.status == "erased":
            raise ConflictError("the case is already erased")
        self._erased(actor)

    @event(Erased)
    def _erased(self, actor: Actor) -> None:
        self.status = "erased"

    # --- information requests: one organisation of the case table asks another

    def _requests(self) -> dict[str, dict[str, str]]:
        """request -> {"to": organisation, "status": open|answered|declined} (JSON-native, for
        snapshots; a snapshot taken before requests existed has none)."""
        found: dict[str, dict[str, str]] = self.__dict__.setdefault("requests", {})
        return found

    def ask(
        self,
        request_id: UUID,
        from_organisation_id: UUID,
        to_organisation_id: UUID,
        question: str,
        by_chair: bool,
        actor: Actor,
    ) -> None:
        self.check_writable()
        if not by_chair and from_organisation_id not in self.table:
            raise NotFoundError("no such case")  # the asker's organisation left the table
        if to_organisation_id not in self.table:
            raise InvalidError("to_organisation_id", "not on the case table")
        if to_organisation_id == from_organisation_id:
            raise InvalidError("to_organisation_id", "ask an organisation other than your own")
        self._asked(request_id, from_organisation_id, to_organisation_id, question, actor)

    @event(RequestAsked)
    def _asked(
        self,
        request_id: UUID,
        from_organisation_id: UUID,
        to_organisation_id: UUID,
        question: str,
        actor: Actor,
    ) -> None:
        self._requests()[str(request_id)] = {"to": str(to_organisation_id), "status": "open"}

    def check_answerable(self, request_id: UUID, organisation_id: UUID) -> None:
        request = self._requests().get(str(request_id))
        if request is None:
            raise NotFoundError("no such request")
        if request["to"] != str(organisation_id):
            raise NotPermittedError("only the asked organisation answers a request")
        if organisation_id not in self.table:
            raise NotFoundError("no such request")  # it left the table: it sees the case no more
        if request["status"] != "open":
            raise ConflictError(f"the request was already {request['status']}")
        self.check_writable()

    def answer_request(
        self, request_id: UUID, organisation_id: UUID, contribution_id: UUID, actor: Actor
    ) -> None:
        """Answered with a contribution of this case (its owner is checked by the service:
        ownership never changes)."""
        self.check_answerable(request_id, organisation_id)
        if self.withdrawn.get(str(contribution_id)) is not False:
            raise InvalidError("contribution_id", "not a contribution of your organisation on "
                               "this case")
        self._request_answered(request_id, contribution_id, actor)

    @event(RequestAnswered)
    def _request_answered(self, request_id: UUID, contribution_id: UUID, actor: Actor) -> None:
        self._requests()[str(request_id)]["status"] = "answered"

    def decline_request(
        self, request_id: UUID, organisation_id: UUID, reason: str, actor: Actor
    ) -> None:
        self.check_answerable(request_id, organisation_id)
        self._request_declined(request_id, reason, actor)

    @event(RequestDeclined)
    def _request_declined(self, request_id: UUID, reason: str, actor: Actor) -> None:
        self._requests()[str(request_id)]["status"] = "declined"
