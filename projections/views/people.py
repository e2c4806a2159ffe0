"""The round table, its organisations and people."""

from __future__ import annotations

from domain import model
from domain.rules import Role
from projections.views.base import ProjectionBase, handles


class PeopleProjection(ProjectionBase):
    @handles(model.RoundTable.Founded)
    def _founded(self, e: model.RoundTable.Founded) -> None:
        self.db.execute(
            "INSERT INTO round_table VALUES (?, ?, 365, 365)", (str(e.originator_id), e.name)
        )

    @handles(model.RoundTable.SettingsChanged)
    def _settings_changed(self, e: model.RoundTable.SettingsChanged) -> None:
        self.db.execute(
            "UPDATE round_table SET retention_days=?, review_days=?",
            (e.retention_days_after_close, e.review_interval_days),
        )

    @handles(model.Organisation.Registered)
    def _organisation_registered(self, e: model.Organisation.Registered) -> None:
        self.db.execute(
            "INSERT INTO organisations VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), e.name, e.sector, e.kind, int(e.professional_secrecy),
             self.position),
        )

    @handles(model.Person.Registered)
    def _person_registered(self, e: model.Person.Registered) -> None:
        pid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (pid, e.name, str(e.organisation_id), e.role, e.token_hash, self.position),
        )
        if Role(e.role) in (Role.CHAIR, Role.MEMBER):
            self._refresh_person(pid)

    @handles(model.Person.Deactivated)
    def _person_deactivated(self, e: model.Person.Deactivated) -> None:
        pid = str(e.originator_id)
        self.db.execute("UPDATE people SET deactivated_at=? WHERE id=?", (self.position, pid))
        self._refresh_person(pid)
