"""The policy level's suppression rule on the counts 0 to 10, and the median's threshold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.figures_rules import SUPPRESSED, suppress, suppressed_median


@pytest.mark.parametrize(("count", "shown"), [
    (0, 0), (1, "<5"), (2, "<5"), (3, "<5"), (4, "<5"), (5, 5), (6, 6), (7, 7), (8, 8),
    (9, 9), (10, 10)])
def test_counts_from_one_to_four_are_shown_as_less_than_five(count: int, shown: int | str,
                                                              ) -> None:
    assert suppress(count) == shown


@given(st.integers(min_value=0, max_value=10**9))
def test_a_count_is_either_shown_exactly_or_hidden_below_five(count: int) -> None:
    shown = suppress(count)
    assert shown == count or (shown == SUPPRESSED and 0 < count < 5)


def test_a_negative_count_is_a_bug() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress(-1)


@given(st.lists(st.integers(min_value=0, max_value=3650), max_size=12))
def test_the_median_needs_five_values(values: list[int]) -> None:
    found = suppressed_median(values)
    assert (found is None) == (len(values) < 5)
    if found is not None:
        assert min(values) <= found <= max(values)
