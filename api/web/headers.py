"""Security headers on every answer: a strict Content-Security-Policy and friends.

Only `'self'` may provide scripts, styles, fonts, forms' targets and connections (`data:`
images too); no inline script or style, no `eval`, no framing. FastAPI's own API explorer
(`/docs`, `/redoc`) is left out: it is a developer tool that loads its assets elsewhere.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
EXEMPT = ("/docs", "/redoc")
STATIC = "/static/"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(EXEMPT):
            await self.app(scope, receive, send)
            return

        cacheable = str(scope["path"]).startswith(STATIC)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *HEADERS]
                if not cacheable and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))  # pages show personal data
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
