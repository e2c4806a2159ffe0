"""Every string of the web page comes from one catalogue; a language is a file away."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from starlette.requests import Request

from api.web import i18n
from api.web.render import Pages


def test_the_catalogue_holds_every_string_of_the_templates_and_the_web_modules() -> None:
    extracted = {m.id for m in i18n.extract() if m.id}
    kept = {m.id for m in i18n.read_catalogue() if m.id}

    assert extracted == kept, "run `python -m api.web.i18n` to refresh the catalogue"
    assert "Who will see it" in extracted
    assert len(extracted) > 150


def test_a_language_added_as_a_catalogue_is_used_without_touching_a_template(
    tmp_path: Path,
) -> None:
    catalog = Catalog(locale="nl")
    catalog.add("Sign in", "Aanmelden")
    catalog.add("Token", "Sleutel")
    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.po").open("wb") as out:
        write_po(out, catalog)
    pages = Pages(tmp_path)

    dutch = pages.render(_request("nl-BE,nl;q=0.9,en;q=0.5"), "login.html", {"csrf": "x"})
    english = pages.render(_request("fr"), "login.html", {"csrf": "x"})

    assert pages.languages == ["en", "nl"]
    assert b'<html lang="nl">' in dutch.body
    assert b"Aanmelden" in dutch.body
    assert b"Sleutel" in dutch.body
    assert b'<html lang="en">' in english.body
    assert b"Sign in" in english.body


def _request(accept_language: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/login", "query_string": b"",
                    "headers": [(b"accept-language", accept_language.encode())]})
