"""One catalogue for every string of the web page (gettext, extracted with Babel).

English is the default and needs no file: the message ids are the English text. A language is
added by putting `locale/LANG/LC_MESSAGES/messages.po` (made from `locale/messages.pot` with
`pybabel init`) into the package: no template changes. `python -m api.web.i18n` refreshes the
catalogue after a string was added or changed; a test fails while it is out of date.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
LOCALES = HERE / "locale"
CATALOGUE = LOCALES / "messages.pot"
DEFAULT = "en"
# What is extracted: the templates (Jinja2's `_()` and `{% trans %}`) and the Python modules
# of the web page (`N_()` marks a string that a template translates later).
METHOD_MAP = [("templates/**.html", "jinja2"), ("*.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def N_(message: str) -> str:
    """Marks a string for the catalogue; the template that shows it translates it."""
    return message


def extract() -> Catalog:
    catalog = Catalog(project="roundtable", domain="messages", fuzzy=False)
    found = extract_from_dir(str(HERE), METHOD_MAP, keywords=KEYWORDS,
                             options_map={"templates/**.html": {"trimmed": "true"}})
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def write_catalogue(path: Path = CATALOGUE) -> None:
    with path.open("wb") as out:
        write_po(out, extract(), omit_header=True, sort_output=True, no_location=True)


def read_catalogue(path: Path = CATALOGUE) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def languages(locales: Path = LOCALES) -> list[str]:
    """English, then every language with a catalogue in `locales`."""
    found = sorted(p.parent.parent.name for p in locales.glob("*/LC_MESSAGES/messages.po"))
    return [DEFAULT, *(lang for lang in found if lang != DEFAULT)]


def translations(language: str, locales: Path = LOCALES) -> gettext.NullTranslations:
    po = locales / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def negotiate(accept_language: str | None, available: list[str]) -> str:
    """The best of `available` for an Accept-Language header; English when none fits."""
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag:
            wanted.append((weight, tag.replace("-", "_")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    try:
        return str(Locale.negotiate(preferred, available, sep="_") or DEFAULT)
    except (UnknownLocaleError, ValueError):
        return DEFAULT


if __name__ == "__main__":
    write_catalogue()
    print(f"wrote {CATALOGUE}")
