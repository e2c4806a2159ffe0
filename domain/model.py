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
from domain.actions_rules import ACTIVE, cannot_ground
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
    """One sitting of the round table: its agenda, who was present or excused, its minutes.

    Free text (the place, a cancellation's reason, minutes and decisions) arrives sealed: with
    the key of the case an item is about, else with the meeting's own key.
    """

    class Scheduled(Aggregate.Created):
        held_on: str
        case_ids: list[UUID]
        actor: Actor
        # v2 (v1.1): the kind, time and place, and one agenda item per case in `case_ids`.
        kind: str
        starts_at: str | None
        place: str | None
        items: list[str] | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """A v1 meeting: a case meeting; its items are derived by the read model."""
            state.update(kind="case", starts_at=None, place=None, items=None)

    class AttendanceRecorded(Aggregate.Event):
        person_ids: list[UUID]
        actor: Actor
        # v2 (v1.1): who sent apologies. Excused is not present.
        excused: list[UUID]
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["excused"] = []

    class Cancelled(Aggregate.Event):
        reason: str
        actor: Actor

    class MinutesRecorded(Aggregate.Event):
        minutes_id: UUID
        case_id: UUID | None
        text: str
        decisions: str | None
        actor: Actor

    @event(Scheduled)
    def __init__(
        self,
        id: UUID,
        held_on: str,
        case_ids: list[UUID],
        actor: Actor,
        kind: str = "case",
        starts_at: str | None = None,
        place: str | None = None,
        items: list[str] | None = None,
    ) -> None:
        self.held_on = held_on
        self.case_ids = list(case_ids)
        self.present: list[UUID] = []
        self.excused: list[UUID] = []
        self.held = False
        self.cancelled = False

    # --- guards

    def check_not_cancelled(self) -> None:
        if self.cancelled:
            raise ConflictError("the meeting is cancelled")

    # --- commands

    def record_attendance(
        self, person_ids: list[UUID], actor: Actor, excused: list[UUID] | None = None
    ) -> None:
        self.check_not_cancelled()
        self._attendance_recorded(person_ids, actor, excused or [])

    @event(AttendanceRecorded)
    def _attendance_recorded(
        self, person_ids: list[UUID], actor: Actor, excused: list[UUID]
    ) -> None:
        self.present = list(person_ids)
        self.excused = list(excused)
        self.held = True

    def cancel(self, reason: str, actor: Actor) -> None:
        self.check_not_cancelled()
        if self.held:
            raise ConflictError("the meeting was held: its attendance is recorded")
        self._cancelled(reason, actor)

    @event(Cancelled)
    def _cancelled(self, reason: str, actor: Actor) -> None:
        self.cancelled = True

    def record_minutes(
        self,
        minutes_id: UUID,
        case_id: UUID | None,
        text: str,
        decisions: str | None,
        actor: Actor,
    ) -> None:
        if case_id is not None and case_id not in self.case_ids:
            raise InvalidError("case_id", "the case is not on the meeting's agenda")
        self.check_not_cancelled()
        self._minutes_recorded(minutes_id, case_id, text, decisions, actor)

    @event(MinutesRecorded)
    def _minutes_recorded(
        self,
        minutes_id: UUID,
        case_id: UUID | None,
        text: str,
        decisions: str | None,
        actor: Actor,
    ) -> None:
        """The minutes live in the event and the views; the guards need nothing of them."""


class Case(Aggregate):
    class Opened(Aggregate.Created):
        """v2 adds `kind` and a sealed `title`; a `situation` has a title and no subject."""

        class_version = 2

        reference: str
        subject: str | None
        summary: str | None
        opened_on: str
        actor: Actor
        kind: str
        title: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kind"] = "person"
            state["title"] = None

    class Edited(Aggregate.Event):
        """The sealed fields that changed; None leaves a field as it was."""

        subject: str | None
        summary: str | None
        title: str | None
        actor: Actor

    class Reopened(Aggregate.Event):
        reopening_id: UUID
        reason: str
        reopened_on: str
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
        """v1: completed, outcome done. Since v1.1 an outcome is `ActionOutcomeRecorded`."""

        action_id: UUID
        actor: Actor

    class ActionProposed(Aggregate.Event):
        action_id: UUID
        description: str
        assignee_id: UUID
        due_on: str | None
        based_on: list[UUID]
        actor: Actor

    class ProposedActionAgreed(Aggregate.Event):
        action_id: UUID
        actor: Actor

    class ActionNoted(Aggregate.Event):
        action_id: UUID
        note_id: UUID
        text: str
        actor: Actor

    class ActionOutcomeRecorded(Aggregate.Event):
        """`on_behalf`: a chair recorded it for the assignee organisation (the actor)."""

        action_id: UUID
        outcome: str
        note_id: UUID | None
        note: str | None
        on_behalf: bool
        actor: Actor

    class ActionCancelled(Aggregate.Event):
        """`reason` None: cancelled with the close of its case."""

        action_id: UUID
        note_id: UUID | None
        reason: str | None
        actor: Actor

    class ActionReassigned(Aggregate.Event):
        action_id: UUID
        assignee_id: UUID
        actor: Actor

    class ActionRescheduled(Aggregate.Event):
        action_id: UUID
        due_on: str | None
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

    # v2: the case knows its kind (snapshots taken before kinds existed are person cases) and
    # its actions' statuses (v1 snapshots held `completed: {action: bool}`).
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["kind"] = "person"
        completed = state.pop("completed", {})
        state["actions"] = {a: "done" if done else "open" for a, done in completed.items()}

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        reference: str,
        subject: str | None,
        summary: str | None,
        opened_on: str,
        actor: Actor,
        kind: str = "person",
        title: str | None = None,
    ) -> None:
        self.reference = reference
        self.kind = kind
        self.status = "open"
        self.table: list[UUID] = []
        # Only what the guards need, keyed by str(id) and JSON-native, so that the case can be
        # snapshotted: contribution -> withdrawn, action -> status, contribution ->
        # anonymous (who changes an anonymous contribution is sealed too).
        self.withdrawn: dict[str, bool] = {}
        self.actions: dict[str, str] = {}
        self.anonymous: dict[str, bool] = {}

    # --- guards

    def check_writable(self) -> None:
        if self.status != "open":
            raise ConflictError(f"the case is {self.status}")

    def check_editable(self, *, subject: bool, title: bool) -> None:
        """A person case has a subject and no title, a situation the other way round; a
        closed case is reopened before it is edited."""
        if subject and self.kind != "person":
            raise InvalidError("subject", "a situation has no subject; edit its title")
        if title and self.kind != "situation":
            raise InvalidError("title", "a case on a person has no title; edit its subject")
        self.check_writable()

    def check_sharing_changeable(self, contribution_id: UUID) -> None:
        if self.status == "erased":
            raise ConflictError("the case is erased")
        withdrawn = self.withdrawn.get(str(contribution_id))
        if withdrawn is None:
            raise NotFoundError("no such contribution")
        if withdrawn:
            raise ConflictError("the contribution is withdrawn")

    def check_assignee(self, organisation_id: UUID) -> None:
        if organisation_id not in self.table:
            raise InvalidError("assignee_organisation_id", "not on the case table")

    def check_grounds(self, based_on: list[UUID]) -> None:
        """Contributions of this case, not withdrawn (the rest is the views' to say)."""
        for index, contribution_id in enumerate(based_on):
            if self.withdrawn.get(str(contribution_id)) is not False:
                raise InvalidError(("body", "based_on", str(index)),
                                   cannot_ground(contribution_id))

    def check_action_active(self, action_id: UUID) -> None:
        """The action may still change: the case is open and the action proposed or open."""
        status = self.actions.get(str(action_id))
        if status is None:
            raise NotFoundError("no such action")
        self.check_writable()
        if status not in ACTIVE:
            raise ConflictError(f"the action is {status}")

    def active_actions(self) -> list[str]:
        return [a for a, status in self.actions.items() if status in ACTIVE]

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
        self._check_new_action(assignee_id, based_on)
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
        self.actions[str(action_id)] = "open"

    def propose_action(
        self,
        action_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: str | None,
        based_on: list[UUID],
        actor: Actor,
    ) -> None:
        self._check_new_action(assignee_id, based_on)
        self._action_proposed(action_id, description, assignee_id, due_on, based_on, actor)

    @event(ActionProposed)
    def _action_proposed(
        self,
        action_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: str | None,
        based_on: list[UUID],
        actor: Actor,
    ) -> None:
        self.actions[str(action_id)] = "proposed"

    def _check_new_action(self, assignee_id: UUID, based_on: list[UUID]) -> None:
        self.check_assignee(assignee_id)
        self.check_grounds(based_on)
        self.check_writable()

    def agree_proposed_action(self, action_id: UUID, actor: Actor) -> None:
        self.check_action_active(action_id)
        if self.actions[str(action_id)] != "proposed":
            raise ConflictError("the action is already agreed")
        self._proposed_action_agreed(action_id, actor)

    @event(ProposedActionAgreed)
    def _proposed_action_agreed(self, action_id: UUID, actor: Actor) -> None:
        self.actions[str(action_id)] = "open"

    def note_action(self, action_id: UUID, note_id: UUID, text: str, actor: Actor) -> None:
        self.check_action_active(action_id)
        self._action_noted(action_id, note_id, text, actor)

    @event(ActionNoted)
    def _action_noted(self, action_id: UUID, note_id: UUID, text: str, actor: Actor) -> None:
        """Notes live in the event and the views; the guards need nothing of them."""

    def complete_action(
        self,
        action_id: UUID,
        outcome: str,
        note_id: UUID | None,
        note: str | None,
        on_behalf: bool,
        actor: Actor,
    ) -> None:
        self.check_action_active(action_id)
        self._action_outcome_recorded(action_id, outcome, note_id, note, on_behalf, actor)

    @event(ActionOutcomeRecorded)
    def _action_outcome_recorded(
        self,
        action_id: UUID,
        outcome: str,
        note_id: UUID | None,
        note: str | None,
        on_behalf: bool,
        actor: Actor,
    ) -> None:
        self.actions[str(action_id)] = outcome

    @event(ActionCompleted)
    def _action_completed(self, action_id: UUID, actor: Actor) -> None:
        self.actions[str(action_id)] = "done"

    def cancel_action(
        self, action_id: UUID, note_id: UUID | None, reason: str | None, actor: Actor
    ) -> None:
        self.check_action_active(action_id)
        self._action_cancelled(action_id, note_id, reason, actor)

    @event(ActionCancelled)
    def _action_cancelled(
        self, action_id: UUID, note_id: UUID | None, reason: str | None, actor: Actor
    ) -> None:
        self.actions[str(action_id)] = "cancelled"

    def reassign_action(self, action_id: UUID, assignee_id: UUID, actor: Actor) -> None:
        self.check_assignee(assignee_id)
        self.check_action_active(action_id)
        self._action_reassigned(action_id, assignee_id, actor)

    @event(ActionReassigned)
    def _action_reassigned(self, action_id: UUID, assignee_id: UUID, actor: Actor) -> None:
        """The assignee lives in the views, which judge who may act."""

    def reschedule_action(self, action_id: UUID, due_on: str | None, actor: Actor) -> None:
        self.check_action_active(action_id)
        self._action_rescheduled(action_id, due_on, actor)

    @event(ActionRescheduled)
    def _action_rescheduled(self, action_id: UUID, due_on: str | None, actor: Actor) -> None:
        """The due date lives in the views."""

    def close(
        self, reason: str, closed_on: str, actor: Actor, cancel_actions: bool = False
    ) -> None:
        """Close; proposed or open actions refuse it, unless they are cancelled with it (in
        the same save, before the close)."""
        self.check_writable()
        active = self.active_actions()
        if active and not cancel_actions:
            raise ConflictError(
                f"the case has proposed or open actions: {', '.join(active)}; close with "
                '"open_actions": "cancel" to cancel them with the close')
        for action_id in active:
            self._action_cancelled(UUID(action_id), None, None, actor)
        self._closed(reason, closed_on, actor)

    @event(Closed)
    def _closed(self, reason: str, closed_on: str, actor: Actor) -> None:
        self.status = "closed"

    def edit(
        self, subject: str | None, summary: str | None, title: str | None, actor: Actor
    ) -> None:
        self.check_editable(subject=subject is not None, title=title is not None)
        self._edited(subject, summary, title, actor)

    @event(Edited)
    def _edited(
        self, subject: str | None, summary: str | None, title: str | None, actor: Actor
    ) -> None:
        """The sealed texts live in the event and the views; the guards need none of them."""

    def reopen(self, reopening_id: UUID, reason: str, reopened_on: str, actor: Actor) -> None:
        if self.status != "closed":
            raise ConflictError(f"only a closed case can be reopened; the case is {self.status}")
        self._reopened(reopening_id, reason, reopened_on, actor)

    @event(Reopened)
    def _reopened(self, reopening_id: UUID, reason: str, reopened_on: str, actor: Actor) -> None:
        self.status = "open"

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
