"""Aggregates and their events (DESIGN.md section 2).

Every event carries `actor`: the person who caused it, or None for the command line.
Free-text personal data arrives here already sealed (a `str` the domain cannot read).
Guards come first and raise domain errors; the event names the command's past tense.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import feedback_rules
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

    class ChairLeft(Aggregate.Event):
        """Saved with the chair's deactivation, so that two deactivations of chairs cannot
        both pass the "one active chair remains" check: the second conflicts and is retried."""

        person_id: UUID
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

    @event(ChairLeft)
    def chair_left(self, person_id: UUID, actor: Actor) -> None:
        """Nothing to keep: the event serialises chair deactivations."""

    @event(SettingsChanged)
    def change_settings(
        self, retention_days_after_close: int, review_interval_days: int, actor: Actor
    ) -> None:
        self.retention_days_after_close = retention_days_after_close
        self.review_interval_days = review_interval_days


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

    class RegisterChanged(Aggregate.Event):
        """The network register: what the partner is there for, what it brings, whom to call
        (about the organisation, not about a case: not personal data)."""

        mandate: str | None
        offers: str | None
        contact_person_id: UUID | None
        actor: Actor

    class Staffed(Aggregate.Event):
        """Saved with each person registered in the organisation, so that registrations in
        one organisation are serialised (who is confirmed on creation depends on the others)."""

        person_id: UUID
        actor: Actor

    @event(Staffed)
    def staff(self, person_id: UUID, actor: Actor) -> None:
        """Nothing to keep: the event serialises registrations."""

    @event(RegisterChanged)
    def change_register(
        self, mandate: str | None, offers: str | None, contact_person_id: UUID | None,
        actor: Actor,
    ) -> None:
        """Each field is the new value (the service passes the unchanged ones through)."""


class Person(Aggregate):
    class Registered(Aggregate.Created):
        """v2: no credential material (tokens live in the credential store, apart from the
        log), and `confirmed` (a pending person waits for its organisation to confirm it)."""

        class_version = 2
        name: str
        organisation_id: UUID
        role: str
        confirmed: bool
        actor: Actor

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.pop("token_hash", None)
            state["confirmed"] = True

    class Confirmed(Aggregate.Event):
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
        confirmed: bool,
        actor: Actor,
    ) -> None:
        self.name = name
        self.organisation_id = organisation_id
        self.role = role
        self.confirmed = confirmed
        self.active = True

    def confirm(self, actor: Actor) -> None:
        if not self.active:
            raise ConflictError("the person is deactivated")
        if self.confirmed:
            raise ConflictError("the person is already confirmed")
        self._confirmed(actor)

    @event(Confirmed)
    def _confirmed(self, actor: Actor) -> None:
        self.confirmed = True

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
        """v2: an anonymous contribution names no contributor, owner or actor in the clear:
        `sealed_owner` holds them, sealed with the case's key (purpose `owner:<id>`)."""

        class_version = 2
        contribution_id: UUID
        contributor_id: UUID | None
        owner_id: UUID | None
        sealed_owner: str | None
        text: str
        rule: dict[str, Any]
        actor: Actor

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["sealed_owner"] = None

    class SharingChanged(Aggregate.Event):
        """v2: on an anonymous contribution, the actor is sealed (`actor:<id>`), never clear."""

        class_version = 2
        contribution_id: UUID
        rule: dict[str, Any]
        actor: Actor
        sealed_actor: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["sealed_actor"] = None

    class ContributionWithdrawn(Aggregate.Event):
        """v2: as `SharingChanged`."""

        class_version = 2
        contribution_id: UUID
        actor: Actor
        sealed_actor: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["sealed_actor"] = None

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

    class FeedbackDrafted(Aggregate.Event):
        """A feedback sheet for `to_organisation_id`; `text` sealed (`feedback:<id>`)."""

        feedback_id: UUID
        to_organisation_id: UUID
        text: str
        actor: Actor

    class FeedbackConsented(Aggregate.Event):
        feedback_id: UUID
        organisation_id: UUID
        actor: Actor

    class FeedbackRefused(Aggregate.Event):
        """`reason` sealed (`feedback-reason:<id>`: one refusal ends a sheet)."""

        feedback_id: UUID
        organisation_id: UUID
        reason: str
        actor: Actor

    class FeedbackReleased(Aggregate.Event):
        """Saved with the consent (or the departure from the case table) that completed
        the set of consents."""

        feedback_id: UUID
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
        # snapshotted: contribution -> withdrawn, action -> completed, contribution ->
        # anonymous (who changes an anonymous contribution is sealed too).
        self.withdrawn: dict[str, bool] = {}
        self.completed: dict[str, bool] = {}
        self.anonymous: dict[str, bool] = {}

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
        self._release_complete_sheets(actor)  # its consent is no longer needed

    @event(OrganisationLeft)
    def _left(self, organisation_id: UUID, actor: Actor) -> None:
        self.table.remove(organisation_id)

    def _anonymous(self) -> dict[str, bool]:
        """Which contributions are anonymous (a snapshot taken before this existed has none)."""
        found: dict[str, bool] = self.__dict__.setdefault("anonymous", {})
        return found

    def check_on_table(self, organisation_id: UUID) -> None:
        """A member's organisation must sit at the case table (a chair's need not): checked
        here, in the write, so that nothing is accepted after the organisation left."""
        if organisation_id not in self.table:
            raise NotFoundError("no such case")

    def contribute(
        self,
        contribution_id: UUID,
        contributor_id: UUID,
        owner_id: UUID,
        text: str,
        rule: dict[str, Any],
        actor: Actor,
        sealed_owner: str | None,
    ) -> None:
        """`sealed_owner` (for an anonymous rule) replaces contributor, owner and actor."""
        self.check_writable()
        if sealed_owner is not None:
            self._contributed(contribution_id, None, None, sealed_owner, text, rule, None)
        else:
            self._contributed(contribution_id, contributor_id, owner_id, None, text, rule,
                              actor)

    @event(ContributionAdded)
    def _contributed(
        self,
        contribution_id: UUID,
        contributor_id: UUID | None,
        owner_id: UUID | None,
        sealed_owner: str | None,
        text: str,
        rule: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.withdrawn[str(contribution_id)] = False
        self._anonymous()[str(contribution_id)] = bool(rule.get("anonymous"))

    def _actor_or_sealed(
        self, contribution_id: UUID, anonymous_now: bool, actor: Actor, sealed_actor: str
    ) -> tuple[Actor, str | None]:
        """Who changed an anonymous contribution stays sealed, as its owner does."""
        if anonymous_now or self._anonymous().get(str(contribution_id), False):
            return None, sealed_actor
        return actor, None

    def change_sharing(
        self, contribution_id: UUID, rule: dict[str, Any], actor: Actor, sealed_actor: str
    ) -> None:
        self.check_sharing_changeable(contribution_id)
        shown, sealed = self._actor_or_sealed(
            contribution_id, bool(rule.get("anonymous")), actor, sealed_actor)
        self._sharing_changed(contribution_id, rule, shown, sealed)

    @event(SharingChanged)
    def _sharing_changed(
        self, contribution_id: UUID, rule: dict[str, Any], actor: Actor,
        sealed_actor: str | None,
    ) -> None:
        self._anonymous()[str(contribution_id)] = bool(rule.get("anonymous"))

    def withdraw(self, contribution_id: UUID, actor: Actor, sealed_actor: str) -> None:
        self.check_sharing_changeable(contribution_id)
        shown, sealed = self._actor_or_sealed(contribution_id, False, actor, sealed_actor)
        self._withdrawn(contribution_id, shown, sealed)

    @event(ContributionWithdrawn)
    def _withdrawn(self, contribution_id: UUID, actor: Actor, sealed_actor: str | None) -> None:
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

    # --- feedback sheets (the rules: domain/feedback_rules.py)

    def _sheets(self) -> dict[str, dict[str, Any]]:
        """Sheet id -> {to, status, consents}: JSON-native, for snapshots (a snapshot taken
        before sheets existed has none)."""
        found: dict[str, dict[str, Any]] = self.__dict__.setdefault("sheets", {})
        return found

    def draft_feedback(
        self, feedback_id: UUID, to_organisation_id: UUID, text: str, actor: Actor
    ) -> None:
        self.check_writable()
        if to_organisation_id not in self.table:
            raise InvalidError("to_organisation_id", "not on the case table")
        if not feedback_rules.required_consents(self.table, to_organisation_id):
            raise InvalidError("to_organisation_id",
                               "no other organisation on the case table could consent")
        self._feedback_drafted(feedback_id, to_organisation_id, text, actor)

    @event(FeedbackDrafted)
    def _feedback_drafted(
        self, feedback_id: UUID, to_organisation_id: UUID, text: str, actor: Actor
    ) -> None:
        self._sheets()[str(feedback_id)] = {
            "to": str(to_organisation_id), "status": feedback_rules.AWAITING, "consents": []}

    def answer_feedback(
        self, feedback_id: UUID, organisation_id: UUID, reason: str | None, actor: Actor
    ) -> None:
        """Consent (`reason` None) or refuse, for `organisation_id`, against the case table
        as it is now."""
        self.check_writable()
        sheet = self._sheets().get(str(feedback_id))
        if sheet is None:
            raise NotFoundError("no such feedback sheet")
        if str(organisation_id) == sheet["to"]:
            raise NotPermittedError("the addressee has no say on its own feedback sheet")
        if organisation_id not in self.table:
            raise NotPermittedError("only organisations on the case table consent")
        if sheet["status"] != feedback_rules.AWAITING:
            raise ConflictError(f"the feedback sheet is {sheet['status']}")
        if str(organisation_id) in sheet["consents"]:
            raise ConflictError("this organisation has already consented")
        if reason is not None:
            self._feedback_refused(feedback_id, organisation_id, reason, actor)
            return
        self._feedback_consented(feedback_id, organisation_id, actor)
        self._release_complete_sheets(actor)

    @event(FeedbackConsented)
    def _feedback_consented(self, feedback_id: UUID, organisation_id: UUID,
                            actor: Actor) -> None:
        self._sheets()[str(feedback_id)]["consents"].append(str(organisation_id))

    @event(FeedbackRefused)
    def _feedback_refused(self, feedback_id: UUID, organisation_id: UUID, reason: str,
                          actor: Actor) -> None:
        self._sheets()[str(feedback_id)]["status"] = feedback_rules.REFUSED

    def _release_complete_sheets(self, actor: Actor) -> None:
        """Release every awaiting sheet whose consents the case table, as it is now, has."""
        table = [str(o) for o in self.table]
        for feedback_id, sheet in self._sheets().items():
            required = feedback_rules.required_consents(table, sheet["to"])
            if sheet["status"] == feedback_rules.AWAITING and feedback_rules.status(
                required, sheet["consents"], refused=False
            ) == feedback_rules.RELEASED:
                self._feedback_released(UUID(feedback_id), actor)

    @event(FeedbackReleased)
    def _feedback_released(self, feedback_id: UUID, actor: Actor) -> None:
        self._sheets()[str(feedback_id)]["status"] = feedback_rules.RELEASED
