"""Reads: what the permitted views grant the caller, unsealed and shaped for the API.

One module per capability under `roundtable/read/`, all on the read path of
`roundtable/read/base.py`; this class gathers them so that the API and the web pages reach every
read through one object. A new capability is a new module and one line here.
"""

from __future__ import annotations

from roundtable.read.base import DisclosureRecorder, Json
from roundtable.read.feedback import FeedbackReads
from roundtable.read.figures import FiguresReads
from roundtable.read.meetings import MeetingReads
from roundtable.read.network import NetworkReads
from roundtable.read.notices import NoticeReads
from roundtable.read.people import PeopleReads, organisation_json, person_json
from roundtable.read.privacy import PrivacyReads
from roundtable.read.reciprocity import ReciprocityReads
from roundtable.read.report import ReportReads
from roundtable.read.requests import RequestReads
from roundtable.read.signals import SignalReads


class Reads(PeopleReads, PrivacyReads, MeetingReads, SignalReads, RequestReads, NoticeReads,
            FeedbackReads, ReportReads, NetworkReads, FiguresReads,
            ReciprocityReads):
    """Every read of the service."""


__all__ = ["DisclosureRecorder", "Json", "Reads", "organisation_json", "person_json"]
