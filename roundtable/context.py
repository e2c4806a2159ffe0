"""What every command and read needs, built once in the composition root (`bootstrap.py`)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording

from domain.errors import ConflictError, NotFoundError
from domain.ids import OrganisationId, PersonId, Position
from domain.model import Case
from domain.rules import PersonFacts, Role
from projections.facts import person_from_row
from projections.queries import Queries
from projections.query_base import Row
from projections.runner import Catchup
from roundtable.credentials import CredentialStore
from roundtable.group_commit import GroupCommit
from roundtable.sealing import CaseKeys, Sealer
from roundtable.serial import Combining, Serial

T = TypeVar("T")

# A concurrent write to the same case from another process (two `serve` processes on one
# PostgreSQL database, a command run from cron) is retried on fresh state, with a growing random
# pause so that writers racing for one case spread out, for this long; then 409. Writers of
# this process queue on the case's lock instead (`Serial`) and never retry against each other.
RETRY_SECONDS = 10.0


class RoundTableApplication(Application[UUID]):
    """The event store: aggregates in, positions out.

    A case is snapshotted every 50 events, so a command on a long-running case replays at most
    50 events instead of its whole history. Snapshots hold the guards' state only (ids and
    flags, no personal data) and live apart from the notification log: they are not events,
    take no position and are not in the audit tree.
    """

    name = "RoundTable"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Case: 50}

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env=env)
        self.listeners: list[Callable[[], None]] = []  # told after every write (the signer)
        self.group_commit = GroupCommit(self.recorder.insert_events)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """The events of concurrent saves stored in one transaction (`GroupCommit`)."""
        events = processing_event.events
        if not events or processing_event.tracking is not None or processing_event.saved_kwargs:
            return super()._record(processing_event)
        return self.group_commit.record(events, [self.mapper.to_stored_event(e) for e in events])

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        for listener in self.listeners:
            listener()

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot the aggregates just saved as they are in hand, instead of rebuilding them
        from the store as the library does (a replay of up to 50 events inside the write)."""
        assert self.snapshots is not None
        for aggregate in processing_event.aggregates.values():
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and any(e.originator_id == aggregate.id
                                and e.originator_version % interval == 0
                                for e in processing_event.events):
                snapshot_class: Any = getattr(type(aggregate), "Snapshot", self.snapshot_class)
                self.snapshots.put([snapshot_class.take(aggregate)])


class Unauthenticated(Exception):
    """No token, an unknown token, or the token of a deactivated person."""


@dataclass(frozen=True)
class Caller:
    facts: PersonFacts
    name: str

    @property
    def id(self) -> PersonId:
        return self.facts.id

    @property
    def organisation_id(self) -> OrganisationId:
        return self.facts.organisation_id

    @property
    def role(self) -> Role:
        return self.facts.role


@dataclass
class Context:
    app: RoundTableApplication
    queries: Queries
    catchup: Catchup
    sealer: Sealer
    keys: CaseKeys
    credentials: CredentialStore
    clock: Callable[[], datetime]
    conflicts: int = field(default=0, init=False)  # writes retried after a concurrent save

    def __post_init__(self) -> None:
        self.serial = Serial(self.app)
        self.combining = Combining()
        self._unit = threading.local()  # the positions saved by this thread's write, if any

    def authenticate(self, token: str | None) -> Caller:
        if not token:
            raise Unauthenticated
        person_id = self.credentials.person_for(token)
        if person_id is None:
            raise Unauthenticated
        self.catchup.catch_up()
        row = self.queries.person(person_id)
        if row is None or row["deactivated_at"] is not None:
            raise Unauthenticated
        return caller_from_row(row)

    def save(self, *aggregates: Aggregate) -> Position:
        """Store the aggregates' new events, bring the views up to them, return the position.

        Inside `retrying`, the views are brought up once its locks are released."""
        return Position(max(r.notification.id for r in self.record(*aggregates)))

    def record(self, *aggregates: Aggregate) -> list[Recording[UUID]]:
        """`save`, answering the recording of every event stored (in order)."""
        recordings = self.app.save(*aggregates)
        position = Position(max(r.notification.id for r in recordings))
        self.serial.saved(aggregates)
        saved: list[Position] | None = getattr(self._unit, "saved", None)
        if saved is None:
            self.catchup.wait_for(position)
        else:
            saved.append(position)
        return recordings

    def retrying(self, command: Callable[[], T], *serial: UUID) -> T:
        """Run get-check-mutate-save, holding the locks of the aggregates `serial` (every
        aggregate the command changes that already exists), so that writers of this process
        queue instead of conflicting; run it again on fresh state when another process wrote
        first. Returns once the views have caught up with what it saved."""
        outer = getattr(self._unit, "saved", None) is None
        if not outer:  # inside another write: it waits for the views
            return self._attempts(command, serial)
        self._unit.saved = []
        try:
            result = self._attempts(command, serial)
            saved: list[Position] = self._unit.saved
        finally:
            self._unit.saved = None
        if saved:
            self.catchup.wait_for(max(saved))
        return result

    def _attempts(self, command: Callable[[], T], serial: tuple[UUID, ...]) -> T:
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.002
        while True:
            try:
                with self.serial.writing(serial):
                    return command()
            except IntegrityError:
                self.conflicts += 1
                if time.monotonic() > deadline:
                    raise ConflictError(
                        "a concurrent write could not be applied; try again") from None
            time.sleep(random.uniform(0, pause))
            pause = min(pause * 2, 0.1)

    def get(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        """The aggregate on fresh state (from memory when `retrying` holds its lock)."""
        try:
            found: Any = self.serial.take(aggregate_id)
            if found is None:
                found = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError as error:
            raise NotFoundError("not found") from error
        if not isinstance(found, kind):
            raise NotFoundError("not found")
        return found

    def round_table_id(self) -> UUID:
        row = self.queries.round_table()
        if row is None:
            raise RuntimeError("the data directory holds no round table; run `roundtable init`")
        return UUID(row["id"])


def caller_from_row(row: Row) -> Caller:
    return Caller(facts=person_from_row(row), name=row["name"])
