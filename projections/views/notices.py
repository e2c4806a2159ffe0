"""Table-level notices (GREEN or CLEAR), stored sealed under each notice's own key."""

from __future__ import annotations

from domain.notices import Notice
from projections.views.base import ProjectionBase, handles


class NoticeProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, tlp TEXT NOT NULL, posted_by TEXT,
    created_at TEXT NOT NULL, posted_at INTEGER NOT NULL);
"""

    @handles(Notice.Posted)
    def _notice_posted(self, e: Notice.Posted) -> None:
        self.db.execute(
            "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), e.text, e.tlp, str(e.actor) if e.actor else None,
             e.timestamp.isoformat(), self.position),
        )
