"""Request bodies over 1 MiB are refused before they are read: before routing, before the
token is checked, before a byte of them is kept in memory.

A pure ASGI middleware: a declared `Content-Length` over the limit is answered at once without
calling the app; a body of unknown length (chunked) is counted as it streams in, and reading
stops at the first chunk past the limit.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = f"the request body is larger than {MAX_BODY_BYTES} bytes (1 MiB)"


class BodyTooLarge(HTTPException):
    """Raised from `receive` past the limit. An HTTPException, so the route's body reader
    lets it through and the app's error handler answers the 413 as JSON."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE)


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await too_large(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


async def too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"detail": TOO_LARGE}, status_code=413,
                            headers={"Connection": "close"})
    await response(scope, receive, send)
