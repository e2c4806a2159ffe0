"""Logs as JSON lines on stderr, through structlog: one line per request (see `api/ops.py`) and
the server's own messages (uvicorn's start and stop, errors) rendered the same way.

A request line holds `method`, `path` (the route template, never the query string), `status`,
`ms` and `person_id`: nothing a caller typed, so never a token or a personal-data field.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog

ACCESS_LOGGER = "roundtable.access"

_TIMESTAMP = structlog.processors.TimeStamper(fmt="iso", utc=True)


def access_logger() -> Any:
    """The request logger: structlog in front of a standard `logging` logger, so that where
    and whether it writes is the logging configuration's choice (`LOG_CONFIG` when serving;
    nothing in a process that never configured it, such as the tests' in-process client)."""
    return structlog.wrap_logger(
        logging.getLogger(ACCESS_LOGGER),
        processors=[structlog.stdlib.add_log_level, _TIMESTAMP,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.stdlib.BoundLogger,
    )


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for `serve` (given to uvicorn): every record, the
    server's and the requests', as one JSON object per line on stderr."""
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        "foreign_pre_chain": [structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name,
                              _TIMESTAMP],
    }
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            # Replaced by the request lines (uvicorn's would print the query string).
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "roundtable": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


__all__ = ["ACCESS_LOGGER", "access_logger", "log_config"]
