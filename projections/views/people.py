"""The round table, its organisations and people."""

from __future__ import annotations

from domain import model
from domain.rules import Role
from projections.views.base import ProjectionBase, _str, handles


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
            "INSERT INTO organisations (id, name, sector, kind, professional_secrecy, since) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), e.name, e.sector, e.kind, int(e.professional_secrecy),
             self.position),
        )

    @handles(model.Organisation.RegisterChanged)
    def _register_changed(self, e: model.Organisation.RegisterChanged) -> None:
        self.db.execute(
            "UPDATE organisations SET mandate=?, offers=?, contact_person_id=? WHERE id=?",
            (e.mandate, e.offers, _str(e.contact_person_id), str(e.originator_id)),
        )

    @handles(model.Person.Registered)
    def _person_registered(self, e: model.Person.Registered) -> None:
        pid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO people (id, name, organisation_id, role, since, deactivated_at, "
            "confirmed) VALUES (?, ?, ?, ?, ?, NULL, ?)",
            (pid, e.name, str(e.organisation_id), e.role, self.position, int(e.confirmed)),
        )
        if Role(e.role) in (Role.CHAIR, Role.MEMBER):
            self._refresh_person(pid)

    @handles(model.Person.Confirmed)
    def _person_confirmed(self, e: model.Person.Confirmed) -> None:
        pid = str(e.originator_id)
        self.db.execute("UPDATE people SET confirmed=1 WHERE id=?", (pid,))
        self._refresh_person(pid)

    @handles(model.Person.Deactivated)
    def _person_deactivated(self, e: model.Person.Deactivated) -> None:
        pid = str(e.originator_id)
        self.db.execute("UPDATE people SET deactivated_at=? WHERE id=?", (self.position, pid))
        self._refresh_person(pid)
