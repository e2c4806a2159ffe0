"""Texts the templates look up by a code (each in the catalogue, translated when shown)."""

from __future__ import annotations

from api.web.i18n import N_

ROLES = {"chair": N_("chair"), "member": N_("member"), "auditor": N_("auditor"),
         "policy": N_("policy officer")}

CASE_STATUSES = {"open": N_("open"), "closed": N_("closed"), "erased": N_("erased")}

# `?done=CODE` after a form: what was done.
DONE = {
    "contributed": N_("Your contribution was added."),
    "withdrawn": N_("The contribution was withdrawn: only the person who made it still sees it."),
    "opened": N_("The case was opened."),
    "joined": N_("The organisation was added to the case table."),
    "agreed": N_("The action was agreed."),
    "completed": N_("The action was marked as completed."),
    "attendance": N_("The attendance was recorded."),
    "scheduled": N_("The meeting was scheduled."),
    "signalled": N_("Your signal was raised: the chair will triage it."),
    "triaged": N_("The signal was triaged."),
    "answered": N_("Your organisation's answer was recorded."),
    "minutes": N_("The minutes were recorded."),
    "cancelled": N_("The meeting was cancelled."),
    "noted": N_("The note was added."),
    "proposed": N_("The action was proposed: the chair will agree it."),
    "asked": N_("Your request was sent: the organisation asked will answer it here."),
    "request_answered": N_("Your organisation's answer to the request was recorded."),
    "drafted": N_("The feedback sheet was drafted: it is released once every other "
                  "organisation on the case table has consented."),
}

# What each label means at this round table (API.md).
TLP_MEANINGS = {
    "RED": N_("Only the people present at a meeting, or only the people you name. Not their "
              "colleagues."),
    "AMBER+STRICT": N_("The chairs and the members of the organisations on the case table; "
                       "not to be passed on outside their organisation."),
    "AMBER": N_("The chairs and the members of the organisations on the case table."),
    "GREEN": N_("Every chair and member of every organisation at the round table."),
    "CLEAR": N_("As GREEN here; may also be passed on to anyone outside."),
}

# Notes of the audience preview (`roundtable.preview`).
PREVIEW_NOTES = {
    "red_nobody_else": N_("RED without recipients or a meeting's attendance: nobody but you "
                          "will see it."),
    "meeting_unknown": N_("That meeting is not one you can choose for this case."),
    "attendance_not_recorded": N_("The attendance of that meeting is not recorded yet: nobody "
                                  "present can see it until it is."),
    "anonymous": N_("Anonymous: only your organisation and the chairs will see that it came "
                    "from your organisation."),
    "expires": N_("After the expiry date, only you will see it."),
    "expired": N_("That expiry date has passed: only you would see it."),
}

# A sharing rule the service would refuse, by the field it names.
RULE_PROBLEMS = {
    "meeting_id": N_("RED needs either the people present at a meeting or named recipients, "
                     "not both."),
    "recipients": N_("Name at least one recipient, or choose a meeting instead."),
    "other": N_("This sharing rule is not complete yet."),
}

SIGNAL_STATUSES = {"new": N_("new"), "accepted": N_("accepted"), "declined": N_("declined"),
                   "referred": N_("referred")}

FEEDBACK_STATUSES = {"awaiting_consent": N_("awaiting consent"), "released": N_("released"),
                     "refused": N_("refused")}

ACTION_STATUSES = {"proposed": N_("proposed"), "open": N_("open"), "done": N_("done"),
                   "not_possible": N_("not possible"), "not_undertaken": N_("not undertaken"),
                   "cancelled": N_("cancelled")}

NOTE_KINDS = {"progress": N_("progress"), "outcome": N_("outcome"),
              "cancellation": N_("cancellation")}
