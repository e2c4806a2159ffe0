"""Domain errors, mapped to HTTP in one place (`api/errors.py`)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the domain or the service gives."""


class NotFoundError(DomainError):
    """The thing does not exist, or the caller may not see it (the two are one answer)."""


class NotPermittedError(DomainError):
    """The caller may see the thing but its role or organisation may not do this."""


class ConflictError(DomainError):
    """The state does not allow this (closing a closed case, a lost concurrent write)."""


class InvalidError(DomainError):
    """Invalid input; `field` names the offending field (a path such as `("body", "tlp")`)."""

    def __init__(self, field: str | tuple[str, ...], message: str) -> None:
        self.loc: tuple[str, ...] = ("body", field) if isinstance(field, str) else field
        self.message = message
        super().__init__(f"{'.'.join(self.loc)}: {message}")
