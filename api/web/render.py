"""Rendering pages: Jinja2 templates shipped in the package, one environment per language."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web import i18n
from api.web.forms import ZONE

TEMPLATES = Path(__file__).parent / "templates"
TLP_CLASSES = {"RED": "red", "AMBER+STRICT": "amber-strict", "AMBER": "amber",
               "GREEN": "green", "CLEAR": "clear"}


class Pages:
    """The template environments, built once when the app is created."""

    def __init__(self, locales: Path = i18n.LOCALES) -> None:
        self.languages = i18n.languages(locales)
        self.environments = {lang: _environment(lang, locales) for lang in self.languages}

    def language(self, request: Request) -> str:
        return i18n.negotiate(request.headers.get("accept-language"), self.languages)

    def render(self, request: Request, template: str, context: dict[str, Any],
               status_code: int = 200) -> HTMLResponse:
        language = self.language(request)
        page = self.environments[language].get_template(template)
        html = page.render({**context, "lang": language, "path": request.url.path})
        return HTMLResponse(html, status_code=status_code)


def _environment(language: str, locales: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(language, locales),  # type: ignore[attr-defined]
                                     newstyle=True)
    env.filters["day"] = lambda value: _day(value, language)
    env.filters["moment"] = lambda value: _moment(value, language)
    env.filters["tlp_class"] = lambda label: TLP_CLASSES.get(str(label), "clear")
    return env


def _day(value: str | date | None, language: str) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return str(format_date(day, format="medium", locale=language))


def _moment(value: str | datetime | None, language: str) -> str:
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return str(format_datetime(moment, format="medium", tzinfo=ZONE, locale=language))
