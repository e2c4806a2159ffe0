"""The pure rules of the feedback sheet: words, the copy check, and who reads a sheet."""

from __future__ import annotations

from domain import feedback_rules as rules

SOURCE = " ".join(f"w{i}" for i in range(30))


def draft_runs(text: str) -> set[tuple[str, ...]]:
    return set(rules.runs(rules.words(text)))


def test_words_are_runs_of_letters_and_digits_case_folded() -> None:
    assert rules.words("Zoë's 2nd-hand STRASSE_bike, naïve!") == [
        "zoë", "s", "2nd", "hand", "strasse", "bike", "naïve"]
    assert rules.words("Straße") == ["strasse"]
    assert rules.words(" -- ... ") == []


def test_twelve_consecutive_words_are_a_copy_and_eleven_are_not() -> None:
    words = SOURCE.split()
    assert not rules.copies(draft_runs(" ".join(words[5:16])), SOURCE)
    assert rules.copies(draft_runs(" ".join(words[5:17])), SOURCE)
    # twelve words of the source, but not consecutive there
    assert not rules.copies(draft_runs(" ".join(words[0:6] + words[7:13])), SOURCE)


def test_only_withdrawn_green_and_clear_contributions_may_be_copied() -> None:
    assert [tlp for tlp in ("RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR")
            if rules.protected(tlp, withdrawn=False)] == ["RED", "AMBER+STRICT", "AMBER"]
    assert not rules.protected("RED", withdrawn=True)


def test_the_addressee_reads_the_text_only_once_released() -> None:
    table = ["police", "school"]
    assert rules.audience(table, "police", rules.AWAITING, erased=False) == {
        rules.CHAIRS: True, "police": False, "school": True}
    assert rules.audience(table, "police", rules.RELEASED, erased=False)["police"] is True
    assert rules.audience(["school"], "police", rules.REFUSED, erased=False) == {
        rules.CHAIRS: True, "school": True, "police": False}
    assert rules.audience(table, "police", rules.RELEASED, erased=True) == {rules.CHAIRS: False}


def test_a_sheet_is_never_released_without_a_consent() -> None:
    assert rules.status(set(), set(), refused=False) == rules.AWAITING
    assert rules.status({"school"}, {"school"}, refused=False) == rules.RELEASED
    assert rules.status({"school"}, {"school"}, refused=True) == rules.REFUSED
