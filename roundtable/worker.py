"""`roundtable project`: the projection worker of a PostgreSQL deployment.

The library's `ProjectionRunner` subscribes to the event store with LISTEN/NOTIFY and resumes
from the view's tracking position. Each event it hands over wakes the same catch-up the
embedded store uses, which applies the log in batches from the stored notifications (the audit
tree needs the stored bytes, not only the decoded event) and commits rows and tracking in one
transaction under the projectors' advisory lock: several workers, or a worker killed and
restarted, apply every event exactly once.
"""

from __future__ import annotations

import signal
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from domain.replay import Unseal
from projections.runner import TRACKING_NAME, Catchup
from roundtable.auditing import case_key_unsealer, open_views
from roundtable.context import RoundTableApplication
from roundtable.paths import Paths, event_store_env


class CatchupView(PostgresTrackingRecorder):
    """The runner's view: where it resumes is where the read models are."""

    catchup: Catchup

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.catchup.store.position(TRACKING_NAME) or None


class CatchupProjection(Projection[CatchupView]):
    name = "roundtable_views"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if tracking.notification_id > self.view.catchup.position:
            self.view.catchup.catch_up()


def run_worker(paths: Paths) -> None:
    """Project until SIGTERM or SIGINT."""
    env = event_store_env(paths)
    app = RoundTableApplication(env=env)
    with case_key_unsealer(paths) as unseal:
        _run(paths, env, app, unseal)


def _run(paths: Paths, env: dict[str, str], app: RoundTableApplication,
         unseal: Unseal | None) -> None:
    views, catchup = open_views(app, paths, project=True, unseal=unseal)
    catchup.catch_up()
    view_class = type("BoundCatchupView", (CatchupView,), {"catchup": catchup})
    runner = ProjectionRunner(
        application_class=RoundTableApplication,
        projection_class=CatchupProjection,
        view_class=view_class,
        env=env,
    )
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    print(f"projecting from position {catchup.position}", flush=True)
    try:
        with runner:
            runner.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        views.close()
        app.close()
