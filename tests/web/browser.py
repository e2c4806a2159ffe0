"""A real browser for the web page's tests: Debian's Chromium driven by Playwright.

Browsers cannot be downloaded on these machines, so Playwright never installs one: it
launches `/usr/bin/chromium` (`.ci/run` installs the `chromium` package when it is missing).
Every context refuses and records a request to anywhere but the server under test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("ROUNDTABLE_SCREENSHOTS")
                   or Path(__file__).resolve().parents[2] / "screenshots")
saved: list[Path] = []  # what this run saved, for the summary line
EXPECTED = "Failed to load resource: the server responded with a status of 4"


@contextmanager
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Outside:
    """Requests the page tried to send anywhere but the server under test (all refused), and
    the errors the browser reported (a script or style the policy refused shows up here)."""

    host: str
    tried: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # An error page's own status (403, 404) is reported too; the tests check those.
        if message.type == "error" and not message.text.startswith(EXPECTED):
            self.errors.append(message.text)

    def guard(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == self.host:
            route.continue_()
        else:
            self.tried.append(url)
            route.abort()


def new_context(browser: Browser, outside: Outside, *, javascript: bool = True,
                width: int = 1280, height: int = 900) -> BrowserContext:
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": width, "height": height})
    context.route("**/*", outside.guard)
    context.on("console", outside.console)
    return context


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    saved.append(path)
