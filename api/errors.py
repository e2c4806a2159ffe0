"""Domain errors to HTTP, in one place.

A hidden thing and a missing thing get the same 404 body, byte for byte. Validation errors are
stripped of the `input` FastAPI would echo back: a rejected contribution text is personal data
and must not reappear in a response or a log.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from roundtable.context import Unauthenticated

NOT_FOUND = {"detail": "Not Found"}


class ErrorOut(BaseModel):
    """Every error but 422: what went wrong, in one sentence."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    """Where: `["body", "tlp"]`, `["query", "after"]`, `["header", "x-min-position"]`..."""
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    """422: FastAPI's validation shape, naming each offending field (never echoing it)."""

    detail: list[FieldError]


def _error(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"model": model, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error(ErrorOut, "No token, an unknown token, or the token of a deactivated person"),
    403: _error(ErrorOut, "The caller may see the resource, but its role or organisation "
                "may not do this"),
    404: _error(ErrorOut, "The resource does not exist, or the caller may not see it: the two "
                "answers are identical"),
    409: _error(ErrorOut, "The state does not allow this (closing a closed case, a concurrent "
                "write that could not be applied...)"),
    413: _error(ErrorOut, "The request body is larger than 1 MiB"),
    422: _error(ValidationErrorOut, "Invalid input: `detail` names each field and why"),
}
"""Declared on every `/v1` route, so generated clients type the error bodies."""

WAITS: dict[int | str, dict[str, Any]] = {
    503: _error(ErrorOut, "`X-Min-Position` was not reached by the views within 5 s"),
}
"""Declared on the reads that honour `X-Min-Position`."""


def install(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def not_found(_: Request, __: NotFoundError) -> JSONResponse:
        return JSONResponse(NOT_FOUND, status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 404:
            return JSONResponse(NOT_FOUND, status_code=404)
        return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                            headers=error.headers)

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, __: Unauthenticated) -> JSONResponse:
        return JSONResponse({"detail": "missing, unknown or deactivated token"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(NotPermittedError)
    async def not_permitted(_: Request, error: NotPermittedError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    @app.exception_handler(ConflictError)
    async def conflict(_: Request, error: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(InvalidError)
    async def invalid(_: Request, error: InvalidError) -> JSONResponse:
        detail = [{"loc": list(error.loc), "msg": error.message, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Exception)
    async def server_error(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, error: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"),
             "type": e.get("type", "value_error")}
            for e in error.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)
