"""Notices: table-level news from the chair, GREEN or CLEAR, about no case."""

from __future__ import annotations

import uuid

from domain.notices import Notice
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


class NoticeCommands(WritePath):
    def post_notice(self, caller: Caller, text: str, tlp: str) -> Created:
        require_chair(caller)
        notice_id = uuid.uuid4()
        self.ctx.keys.create(notice_id)  # a key of its own: a notice could be erased alone
        sealed = self.ctx.sealer.seal(notice_id, f"notice:{notice_id}:text", text)
        notice = Notice(id=notice_id, text=sealed, tlp=tlp, actor=caller.id)
        return Created(notice_id, self.ctx.save(notice))
