"""The audit trail opened on its own, for `verify` and `checkpoint`: no key-encryption key is
needed, since the trail covers only sealed bytes; safe while `serve` runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from domain.replay import Unseal
from domain.rules import utc_now
from projections.runner import Catchup, FollowingCatchup
from projections.store import PostgresViewStore, ViewStore
from roundtable.audit.disclosures import DisclosureLog
from roundtable.audit.note import NoteSigner, load_signing_key
from roundtable.audit.signer import AutoSigner, Signed, sign_logs
from roundtable.audit.trail import Checkpoint, append_event, create_event_trail
from roundtable.audit.verify import LogReport, verify_all
from roundtable.context import RoundTableApplication
from roundtable.paths import Paths, event_store_env
from roundtable.sealing import Sealer, load_key_encryption_key
from roundtable.stores import backend_of


@dataclass
class Trail:
    app: RoundTableApplication
    views: ViewStore
    catchup: Catchup
    disclosures: DisclosureLog
    signer: NoteSigner

    @property
    def vkey(self) -> str:
        return self.signer.vkey()

    def sign(self) -> Signed:
        """Sign and keep a checkpoint of each log, covering every entry stored before now."""
        return sign_logs(self.signer, self.app.recorder, self.disclosures)

    def checkpoint(self) -> Checkpoint:
        return self.sign().checkpoint

    def auto_signer(self) -> AutoSigner:
        """The service's own signer, woken by every write of this process (started)."""
        signer = AutoSigner(self.sign, lambda: self.app.recorder.max_notification_id() or 0,
                            self.disclosures.size)
        self.app.listeners.append(signer.wake)
        self.disclosures.listeners.append(signer.wake)
        signer.start()
        return signer

    def verify(
        self, kept: Checkpoint | None, progress: Callable[[int], None] = lambda _: None
    ) -> tuple[LogReport, LogReport]:
        """Read-only: recompute from what is stored, compare with what was recorded."""
        return verify_all(self.app.recorder, self.views.connection(), self.disclosures,
                          self.vkey, kept, progress)


def open_views(
    app: RoundTableApplication, paths: Paths, *, project: bool = True,
    unseal: Unseal | None = None,
) -> tuple[ViewStore, Catchup]:
    """The read models with the event tree, fed from the log (`project`), or only followed
    while the projection workers feed them (an API process of a PostgreSQL deployment).

    `unseal` opens the sealed owner of an anonymous contribution (the case keys)."""
    views = PostgresViewStore(paths.database) if paths.database else ViewStore(paths.views)
    views.ensure(create_event_trail)
    kind = Catchup if project else FollowingCatchup
    return views, kind(views, app.recorder, app.mapper, sinks=[append_event], unseal=unseal)


@contextmanager
def case_key_unsealer(paths: Paths) -> Iterator[Unseal | None]:
    """What a process that projects without serving needs to open anonymous owners: the case
    keys, when this host holds the key-encryption key (else None: projecting an anonymous
    contribution then stops with a clear error rather than guessing its owner)."""
    if not (paths.keys / "kek.key").exists():
        yield None
        return
    keys = backend_of(paths).case_keys(load_key_encryption_key(paths.keys))
    try:
        yield Sealer(keys).open
    finally:
        keys.close()


@contextmanager
def open_trail(paths: Paths) -> Iterator[Trail]:
    signer = load_signing_key(paths.keys)
    app = RoundTableApplication(env=event_store_env(paths))
    with case_key_unsealer(paths) as unseal:
        views, catchup = open_views(app, paths, unseal=unseal)
        disclosures = DisclosureLog(backend_of(paths).audit(), utc_now)
        try:
            yield Trail(app, views, catchup, disclosures, signer)
        finally:
            disclosures.close()
            views.close()
            app.close()
