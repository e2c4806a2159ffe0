"""Commands: get, check, mutate, save. Each returns ids and positions, never aggregates.

One module per capability under `roundtable/write/`, all on the write path of
`roundtable/write/base.py`; this class gathers them so that the API, the CLI and the demo reach
every command through one object. A new capability is a new module and one line here.
"""

from __future__ import annotations

from roundtable.write.actions import ActionCommands
from roundtable.write.base import Created, require_chair
from roundtable.write.cases import CaseCommands
from roundtable.write.contributions import ContributionCommands, parse_rule, sent_lists
from roundtable.write.feedback import FeedbackCommands
from roundtable.write.meetings import MeetingCommands
from roundtable.write.notices import NoticeCommands
from roundtable.write.people import PeopleCommands
from roundtable.write.privacy import PrivacyCommands, finish_erasures
from roundtable.write.requests import RequestCommands
from roundtable.write.signals import SignalCommands, finish_signal_keys


class Commands(
    PeopleCommands,
    CaseCommands,
    MeetingCommands,
    ContributionCommands,
    ActionCommands,
    PrivacyCommands,
    SignalCommands,
    RequestCommands,
    NoticeCommands,
    FeedbackCommands,
):
    """Every command of the service."""


__all__ = ["Commands", "Created", "finish_erasures", "finish_signal_keys", "parse_rule",
           "require_chair", "sent_lists"]
