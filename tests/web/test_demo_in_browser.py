"""What the README promises a new user: `roundtable demo --serve` (the command `scripts/demo`
runs), the printed address, a printed token, and a meeting run from the page in a real browser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.processes import child_env, free_port
from tests.web.browser import Outside, chromium, new_context, screenshot

pytestmark = pytest.mark.slow
MINUTES = "Kevin D.: the school and the police follow up."


def printed_tokens(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON the demo prints before it serves (it ends with the line "}")."""
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.rstrip() == "}":
            break
    found: dict[str, Any] = json.loads("".join(lines))
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    data = tmp_path_factory.mktemp("demo") / "demo-data"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "roundtable.cli", "demo", "--data", str(data), "--serve",
         "--port", str(port), "--no-progress"],
        env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        tokens = printed_tokens(process)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, tokens
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stdout is not None:
            process.stdout.close()


def test_a_new_user_signs_in_with_a_printed_token_and_runs_a_meeting(
    demo: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, tokens = demo
    outside = Outside("127.0.0.1")
    with chromium() as browser:
        page = new_context(browser, outside).new_page()
        page.goto(f"{url}/")
        page.get_by_label("Token").fill(tokens["chair"]["token"])
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{url}/cases")
        expect(page.get_by_text("Kevin D.").first).to_be_visible()  # the demo's cases by name

        page.get_by_role("link", name="Meetings").click()
        page.get_by_label("Date").fill(date.today().isoformat())
        page.get_by_label(re.compile("Kevin D.")).check()
        page.get_by_role("button", name="Schedule").click()
        expect(page.get_by_text("The meeting was scheduled.")).to_be_visible()

        page.get_by_label(tokens["chair"]["name"], exact=False).check()
        page.get_by_label(tokens["partners"][0]["name"], exact=False).check()
        page.get_by_role("button", name="Record the attendance").click()
        expect(page.get_by_text("The attendance was recorded.")).to_be_visible()

        page.get_by_text("Record minutes").click()  # a panel that opens
        page.get_by_label("Agenda item").select_option(index=1)  # Kevin D.'s case
        page.get_by_role("textbox", name="Minutes").fill(MINUTES)
        page.get_by_role("button", name="Record the minutes").click()
        expect(page.get_by_text(MINUTES)).to_be_visible()
        screenshot(page, "30-demo-meeting-run-from-the-page")
    assert outside.tried == [], "requests left the host"
    assert outside.errors == [], "the browser reported errors"

    # The police officer, present, reads the minutes through the API as well.
    police = {"Authorization": f"Bearer {tokens['partners'][0]['token']}"}
    meetings = httpx.get(f"{url}/v1/meetings", headers=police, timeout=10).json()
    held = [m for m in meetings if m["held_on"] == date.today().isoformat()]
    assert len(held) == 1
    meeting = httpx.get(f"{url}/v1/meetings/{held[0]['id']}", headers=police, timeout=10)
    assert [m["text"] for m in meeting.json()["minutes"]] == [MINUTES]
