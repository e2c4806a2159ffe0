"""Posted forms to the JSON API's request bodies, validated by the same schemas.

A form sends what a browser can send: strings, repeated fields for lists, a checkbox only when
it is ticked, a day for an expiry. Fields meant for RED only (meeting, recipients) are left out
for the other labels, as the form says.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from starlette.datastructures import ImmutableMultiDict

from api.web.i18n import N_

# Days typed in a form end at midnight in the table's time zone.
ZONE = ZoneInfo("Europe/Brussels")
M = TypeVar("M", bound=BaseModel)


# A posted form or a query string.
Fields = ImmutableMultiDict[str, Any]


class FormErrors(Exception):
    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("invalid form")
        self.errors = dict(errors)


def text(fields: Fields, name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def texts(fields: Fields, name: str) -> list[str]:
    return [v for v in fields.getlist(name) if isinstance(v, str) and v]


def form_values(fields: Fields) -> dict[str, Any]:
    """The contribution form's values: shown again after a preview or an error, and read by
    `rule_data`."""
    return {
        "text": text(fields, "text"),
        "tlp": text(fields, "tlp") or "AMBER",
        "meeting_id": text(fields, "meeting_id"),
        "recipients": set(texts(fields, "recipients")),
        "organisations": set(texts(fields, "organisations")),
        "secrecy_bound_only": bool(text(fields, "secrecy_bound_only")),
        "actionable_by": set(texts(fields, "actionable_by")),
        "anonymous": bool(text(fields, "anonymous")),
        "expires_on": text(fields, "expires_on"),
    }


def rule_data(values: dict[str, Any]) -> dict[str, Any]:
    """The sharing rule of the form's values, as the JSON API takes it."""
    red = values["tlp"] == "RED"
    return {
        "tlp": values["tlp"],
        "meeting_id": (values["meeting_id"] or None) if red else None,
        "recipients": (sorted(values["recipients"]) or None) if red else None,
        "organisations": sorted(values["organisations"]) or None,
        "secrecy_bound_only": values["secrecy_bound_only"],
        "actionable_by": sorted(values["actionable_by"]) or None,
        "anonymous": values["anonymous"],
        "expires_at": day_end(values["expires_on"]),
    }


DEFAULT_VALUES = form_values(ImmutableMultiDict())


def day_end(value: str) -> str | None:
    """The end of a day typed as YYYY-MM-DD, as an aware time; a malformed day is returned
    as it is, for the schema to refuse it under the field's name."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return datetime.combine(day, time(23, 59, 59), ZONE).isoformat()


# The form's field for a schema's field, where they differ.
FORM_FIELD = {"expires_at": "expires_on"}


def validate(schema: type[M], data: dict[str, Any]) -> M:
    """The body as the JSON route would take it, or `FormErrors` naming the form's fields."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        found: dict[str, str] = {}
        for problem in error.errors():
            loc = [str(part) for part in problem["loc"]]
            name = loc[-1] if loc and loc[0] == "subject" else (loc[0] if loc else "form")
            found.setdefault(FORM_FIELD.get(name, name), _message(problem["type"]))
        raise FormErrors(found) from None


def _message(kind: str) -> str:
    if kind in ("missing", "string_too_short"):
        return N_("This field is required.")
    if kind.startswith("uuid") or kind == "literal_error":
        return N_("Choose one of the options offered.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return N_("Give a date as YYYY-MM-DD.")
    if kind == "string_too_long":
        return N_("This is too long.")
    return N_("This value is not valid.")


# Why the service refused a value, by the field it named (`InvalidError`).
REFUSED = {
    "meeting_id": N_("Choose a meeting that has this case on its agenda and its attendance "
                     "recorded, or name recipients instead (not both)."),
    "recipients": N_("Name at least one recipient who is still active."),
    "organisations": N_("Choose organisations of the round table."),
    "actionable_by": N_("Choose organisations of the round table."),
    "expires_on": N_("The expiry must be in the future."),
    "assignee_organisation_id": N_("That organisation is not on the case table."),
    "based_on": N_("A contribution chosen cannot ground an action for that organisation."),
    "person_ids": N_("Choose people who are still active."),
    "excused": N_("Choose active people, and nobody both present and excused."),
    "case_id": N_("Choose a case on the meeting's agenda."),
    "note": N_("A note is required unless the outcome is done."),
    "case_ids": N_("Choose open cases."),
    "title": N_("Name the person of concern, or give a title."),
    "reason": N_("Give a reason to decline, refer or refuse; none with a consent."),
    "refer_to": N_("Only a referred signal names where it was referred."),
    "to_organisation_id": N_("Choose an organisation on the case table."),
    "contribution_id": N_("Choose a contribution your organisation made on this case, or "
                          "decline with a reason."),
}


def field_of(error: Exception) -> str:
    """The form field an `InvalidError` names (its path may be `("body", FIELD, INDEX)`)."""
    loc = getattr(error, "loc", ())
    for part in loc:
        name = FORM_FIELD.get(str(part), str(part))
        if name in REFUSED or name in ("text", "tlp", "description", "due_on", "decisions",
                                       "question"):
            return name
    return "form"


def refused(error: Exception) -> str:
    return REFUSED.get(field_of(error), N_("This value was not accepted."))


def errors_of(error: Exception) -> dict[str, str]:
    """The message of each refused field: a form's own errors, or the field an
    `InvalidError` of the service names."""
    if isinstance(error, FormErrors):
        return error.errors
    return {field_of(error): refused(error)}
