"""Schemathesis against the app's own OpenAPI document, as the chair of a fresh table: no
server error, and no status code the document does not declare.

Every operation gets a bounded number of valid and invalid requests, generated
deterministically, so the run is the same on every machine and takes well under a minute.
(Schemathesis' lazy pytest loader does not run under pytest 9, so its strategies are driven
with `@given` here, as its documentation shows for plain Hypothesis tests.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.conftest import Table, make_table

EXAMPLES = 20
BOUNDED = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                   phases=[Phase.explicit, Phase.generate, Phase.shrink],
                   suppress_health_check=list(HealthCheck))


@pytest.fixture
def chair_table(tmp_path: Path) -> Iterator[Table]:
    made = make_table(tmp_path)
    yield made
    made.built.close()


def _check(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """Run one operation's bounded examples; the failure, described, or None."""

    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error, status_code_conformance])

    try:
        run()
    except Unsatisfiable:  # no invalid request exists: an operation without parameters
        return None
    except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup is a Base
        return f"{operation.label} ({mode.value}): {failure}"
    return None


def test_no_server_error_and_no_undeclared_status(chair_table: Table) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", chair_table.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 25
    failures = [
        found for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (found := _check(operation, mode, chair_table.headers())) is not None
    ]
    assert not failures, "\n\n".join(failures)
