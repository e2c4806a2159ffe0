"""The web page in a real browser: a chair runs a meeting, a member contributes with
JavaScript off, an auditor checks the trail; nothing leaves the host, hidden text is not in
the page, a form without its CSRF token changes nothing. Screenshots of every page are saved
(the folder is printed at the end of the run)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_table
from tests.processes import Server
from tests.web.browser import Outside, chromium, new_context, screenshot
from tests.web.support import Someone, WebWorld, build_web_world, someone

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    server: Server
    world: WebWorld
    policy: Someone

    @property
    def url(self) -> str:
        return self.server.url

    def contributions(self) -> list[str]:
        """The texts of the case's contributions, as the chair's API client reads them."""
        with self.server.client(self.world.chair.token) as api:
            found = api.get(f"/v1/cases/{self.world.case_id}/contributions").json()
        return [c["text"] for c in found]

    def requests(self) -> list[dict[str, Any]]:
        """The case's requests, as the chair's API client reads them."""
        with self.server.client(self.world.chair.token) as api:
            found: list[dict[str, Any]] = api.get(
                f"/v1/cases/{self.world.case_id}/requests").json()
        return found


# Partners of LIVC-R sectors besides the world's, and more cases, so that the dashboard shows
# a network with sectors present and missing, and counts of 5 and more drawn as bars.
PARTNERS = (("Social welfare office", "social welfare"), ("Mental health centre",
                                                          "mental health"),
            ("Al-Nour mosque council", "community"))
MORE_CASES = ("Youngster One", "Youngster Two", "Youngster Three", "Youngster Four",
              "Youngster Five")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    table = make_table(tmp_path_factory.mktemp("browser"))
    try:
        world = build_web_world(table)
        policy = someone(table, table.chair_organisation_id, "Pia Policy", "policy")
        for name, sector in PARTNERS:
            table.post("/v1/organisations", {"name": name, "sector": sector,
                                             "kind": "formal", "professional_secrecy": False})
        for name in MORE_CASES:
            table.case(name)
    finally:
        table.built.close()
    server = Server(table.paths)
    server.start()
    try:
        yield Site(server, world, policy)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def outside(site: Site) -> Iterator[Outside]:
    watched = Outside("127.0.0.1")
    yield watched
    assert watched.tried == [], "requests left the host"
    assert watched.errors == [], "the browser reported errors"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def sign_in(page: Page, site: Site, who: Someone) -> None:
    page.goto(f"{site.url}/")
    expect(page).to_have_url(f"{site.url}/login")
    page.get_by_label("Token").fill(who.token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/cases")


def test_the_chair_runs_a_meeting_and_sees_the_audience_before_contributing(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    page = new_context(browser, outside).new_page()
    page.goto(f"{site.url}/login")
    screenshot(page, "01-sign-in")
    sign_in(page, site, world.chair)
    screenshot(page, "02-cases-chair")

    page.get_by_role("link", name="Meetings").click()
    page.get_by_label("Date").fill(date.today().isoformat())
    page.get_by_label(re.compile("Subject Person")).check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The meeting was scheduled.")).to_be_visible()
    for who in (world.chair, world.officer, world.teacher):
        page.get_by_label(who.name, exact=False).check()
    page.get_by_role("button", name="Record the attendance").click()
    expect(page.get_by_text("The attendance was recorded.")).to_be_visible()
    screenshot(page, "03-meeting")

    page.get_by_role("link", name=re.compile("RT-")).first.click()
    audience = page.locator("#audience")
    page.get_by_label("What you bring to the table").fill("Said at the table today")
    page.locator("input[name=tlp][value=RED]").check()
    expect(audience).to_contain_text("nobody but you will see it")
    page.get_by_label("The people present at the meeting").select_option(index=1)
    expect(audience).to_contain_text("Tess Teacher")  # updated live, by name
    expect(audience).to_contain_text("Olga Officer")
    expect(audience).not_to_contain_text("Carl Colleague")
    expect(audience).to_contain_text("3 people will see it")
    assert "Said at the table today" not in site.contributions()  # nothing posted yet
    page.locator("#contribute").scroll_into_view_if_needed()
    screenshot(page, "04-case-audience-preview", full_page=False)
    screenshot(page, "05-case-chair")

    page.get_by_role("button", name="Contribute", exact=True).click()
    expect(page.get_by_text("Your contribution was added.")).to_be_visible()
    assert "Said at the table today" in site.contributions()

    page.get_by_text("Agree an action").click()
    page.get_by_label("What is to be done").fill("Talk with the family")
    page.get_by_label("By which organisation").select_option(label="Police zone North")
    page.get_by_label(re.compile("Officer note")).check()
    page.get_by_role("button", name="Agree the action").click()
    expect(page.get_by_text("The action was agreed.")).to_be_visible()
    for name, path in (("06-actions-chair", "/actions"), ("07-audit-chair", "/audit")):
        page.goto(f"{site.url}{path}")
        screenshot(page, name)


def test_signing_in_and_moving_around_with_the_keyboard_alone(
    site: Site, browser: Browser, outside: Outside
) -> None:
    page = new_context(browser, outside).new_page()
    page.goto(f"{site.url}/login")
    expect(page.get_by_label("Token")).to_be_focused()  # the token field has the focus
    page.keyboard.type(site.world.officer.token)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site.url}/cases")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(6):  # from the content: the search field, the status, the button, a case
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.href || ''").startswith(f"{site.url}/cases/"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Subject Person"))).to_be_visible()


def test_a_member_previews_and_contributes_with_javascript_off(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    page = new_context(browser, outside, javascript=False).new_page()
    sign_in(page, site, world.teacher)
    page.get_by_role("link", name=re.compile("RT-")).first.click()

    page.get_by_label("What you bring to the table").fill("Only for the chair and Olga")
    page.locator("input[name=tlp][value=RED]").check()
    page.get_by_text("Named recipients").click()
    page.get_by_label("Chair (Prevention service)").check()
    page.get_by_label("Olga Officer (Police zone North)").check()
    page.get_by_role("button", name="Preview who will see it").click()

    audience = page.locator("#audience")
    expect(audience).to_contain_text("Olga Officer")
    expect(audience).to_contain_text("Tess Teacher")
    expect(audience).not_to_contain_text("Carl Colleague")
    expect(page.get_by_label("What you bring to the table")).to_have_value(
        "Only for the chair and Olga")
    assert "Only for the chair and Olga" not in site.contributions()
    screenshot(page, "08-case-member-no-javascript")

    page.get_by_role("button", name="Contribute", exact=True).click()
    expect(page.get_by_text("Your contribution was added.")).to_be_visible()
    assert "Only for the chair and Olga" in site.contributions()
    for name, path in (("09-meetings-member", "/meetings"), ("10-actions-member", "/actions")):
        page.goto(f"{site.url}{path}")
        screenshot(page, name)


def test_what_a_member_may_not_see_is_not_in_the_page(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    page = new_context(browser, outside).new_page()
    sign_in(page, site, world.colleague)
    page.get_by_role("link", name=re.compile("RT-")).first.click()

    html = page.content()
    assert world.officer_note in html
    assert world.red_note not in html
    assert "Said at the table today" not in html  # RED at a meeting he was not at
    assert "Only for the chair and Olga" not in html
    screenshot(page, "11-case-colleague")

    page.goto(f"{site.url}/audit")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    screenshot(page, "12-not-allowed")


def test_the_auditor_verifies_the_trail_and_sees_no_text(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    page = new_context(browser, outside).new_page()
    sign_in(page, site, world.auditor)
    expect(page.get_by_text("Your role does not see cases")).to_be_visible()
    expect(page.get_by_role("link", name="Meetings")).to_have_count(0)

    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_text(re.compile("Intact: every one of the"))).to_be_visible()
    html = page.content()
    assert "roundtable/" in page.locator("pre.note").inner_text()
    for text in (world.officer_note, world.red_note, "Subject Person"):
        assert text not in html
    report = page.locator("dl.report")
    expect(report).to_contain_text("RED contributions")
    by_organisation = page.locator("table.disclosures-by-organisation")
    expect(by_organisation).to_contain_text("Police zone North")  # by name, not an id
    screenshot(page, "13-audit-auditor")

    page.get_by_label("From", exact=True).fill("2000-01-01")
    page.get_by_label("To", exact=True).fill("2000-12-31")
    page.get_by_role("button", name="Show the period").click()
    expect(page).to_have_url(re.compile(r"/audit\?from=2000-01-01&to=2000-12-31$"))
    expect(page.locator("p.period")).to_contain_text("2000")
    expect(report.locator("dd").nth(1)).to_have_text("0")  # no RED contribution in 2000


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(
    site: Site, browser: Browser, outside: Outside
) -> None:
    page = new_context(browser, outside).new_page()
    sign_in(page, site, site.world.officer)
    before = site.contributions()

    response = page.request.post(
        f"{site.url}/cases/{site.world.case_id}/contributions",
        form={"text": "Forged from elsewhere", "tlp": "GREEN", "intent": "post"})

    assert response.status == 403
    assert "content-security-policy" in response.headers
    assert site.contributions() == before


def test_the_pages_read_well_on_a_phone(
    site: Site, browser: Browser, outside: Outside
) -> None:
    page = new_context(browser, outside, width=390, height=844).new_page()
    sign_in(page, site, site.world.officer)
    screenshot(page, "14-phone-cases", full_page=False)
    page.get_by_role("link", name=re.compile("RT-")).first.click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the case page scrolls sideways on a phone"
    screenshot(page, "15-phone-case", full_page=False)
    page.locator("#contribute").scroll_into_view_if_needed()
    screenshot(page, "16-phone-contribute", full_page=False)


def test_a_member_raises_a_signal_and_the_chair_declines_it_in_the_inbox(
    site: Site, browser: Browser, outside: Outside
) -> None:
    member = new_context(browser, outside, javascript=False).new_page()
    sign_in(member, site, site.world.teacher)
    member.get_by_role("link", name="Signals").click()
    member.get_by_label("Title, when there is no person (optional)").fill("Noise at the square")
    member.get_by_label("Concern", exact=True).fill("Groups gather late at night")
    member.get_by_role("button", name="Raise the signal").click()
    expect(member.get_by_role("status")).to_contain_text("Your signal was raised")
    screenshot(member, "17-signals-member")

    chair = new_context(browser, outside).new_page()
    sign_in(chair, site, site.world.chair)
    chair.get_by_role("link", name="Signals").click()
    triage = chair.locator("form.triage").first
    triage.get_by_label("Decline", exact=True).check()
    triage.get_by_label("Reason (required to decline or refer)").fill("A matter for the city")
    screenshot(chair, "18-signals-chair-inbox")
    triage.get_by_role("button", name="Triage").click()
    expect(chair.get_by_role("status")).to_contain_text("The signal was triaged")

    member.reload()
    expect(member.locator("article.signal").first).to_contain_text("A matter for the city")


def test_a_policy_person_sees_the_dashboard_with_its_charts_and_no_case(
    site: Site, browser: Browser, outside: Outside
) -> None:
    page = new_context(browser, outside, height=1450).new_page()  # the charts in one view
    sign_in(page, site, site.policy)
    expect(page.get_by_role("link", name="Cases")).to_have_count(0)
    page.get_by_role("link", name="Policy").click()
    expect(page.get_by_role("heading", name="The round table in figures")).to_be_visible()

    charts = page.locator("figure.chart img")
    expect(charts).to_have_count(9)
    for index in range(9):  # each chart loaded and drawn (an SVG the page may show)
        expect(charts.nth(index)).to_have_js_property("complete", True)
        assert charts.nth(index).evaluate("img => img.naturalWidth") > 0
    expect(page.locator("table.figures")).to_contain_text("<5")
    network = page.locator("table.network")
    expect(network.locator("tr", has_text="mental health")).to_contain_text(
        "Mental health centre")
    expect(network.locator("tr.missing", has_text="police")).to_contain_text("missing")
    expect(page.get_by_role("heading", name="Reciprocity")).to_have_count(0)  # chairs only
    html = page.content()
    assert page.locator("a[href^='/cases']").count() == 0
    for hidden in ("Subject Person", site.world.officer_note, site.world.red_note, "RT-"):
        assert hidden not in html
    screenshot(page, "19-policy-dashboard")
    screenshot(page, "19-policy-dashboard-charts", full_page=False)  # the README's

    page.goto(f"{site.url}/cases/{site.world.case_id}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_the_chair_sees_reciprocity_by_organisation_on_the_dashboard(
    site: Site, browser: Browser, outside: Outside
) -> None:
    page = new_context(browser, outside).new_page()
    sign_in(page, site, site.world.chair)
    page.get_by_role("link", name="Policy").click()
    reciprocity = page.locator("table.reciprocity")
    expect(reciprocity.get_by_role("rowheader", name="Police zone North")).to_be_visible()
    expect(reciprocity.get_by_role("rowheader", name="Sint-Jan school")).to_be_visible()
    screenshot(page, "20-policy-chair")


def test_partners_ask_and_answer_requests_with_javascript_on_and_off(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    officer = new_context(browser, outside).new_page()  # JavaScript on
    sign_in(officer, site, world.officer)
    officer.goto(f"{site.url}/cases/{world.case_id}")
    officer.get_by_text("Ask a partner").click()
    officer.get_by_label("Which organisation on the case table").select_option(
        label="Sint-Jan school")
    officer.get_by_label("Your question").fill("Was he at school this week?")
    officer.get_by_role("button", name="Ask", exact=True).click()
    expect(officer.get_by_role("status")).to_contain_text("Your request was sent")
    asked = officer.locator("li.request", has_text="Was he at school this week?")
    expect(asked).to_contain_text("Police zone North asks Sint-Jan school")
    expect(asked).to_contain_text("awaiting an answer")

    teacher = new_context(browser, outside, javascript=False).new_page()
    sign_in(teacher, site, world.teacher)
    teacher.goto(f"{site.url}/cases/{world.case_id}")
    request = teacher.locator("li.request", has_text="Was he at school this week?")
    request.get_by_text("Answer this request").click()
    request.get_by_label("Answer with a contribution of ours").check()
    request.get_by_label("The contribution").select_option(label=f"TLP:RED · {world.red_note}")
    screenshot(teacher, "21-case-request-answer-no-javascript")
    request.get_by_role("button", name="Send the answer").click()
    expect(teacher.get_by_role("status")).to_contain_text("answer to the request was recorded")

    teacher.get_by_text("Ask a partner").click()
    teacher.get_by_label("Which organisation on the case table").select_option(
        label="Police zone North")
    teacher.get_by_label("Your question").fill("Is there a police file on the brother?")
    teacher.get_by_role("button", name="Ask", exact=True).click()
    expect(teacher.get_by_role("status")).to_contain_text("Your request was sent")

    officer.reload()
    answered = officer.locator("li.request", has_text="Was he at school this week?")
    expect(answered).to_contain_text("answered by Tess Teacher")
    expect(answered).to_contain_text("not shared with you")  # a RED note for the chair alone
    assert world.red_note not in officer.content()
    request = officer.locator("li.request", has_text="Is there a police file")
    request.get_by_text("Answer this request").click()
    request.get_by_label("Decline: we cannot share this").check()
    request.get_by_label("Why not (required to decline)").fill("Covered by the investigation")
    request.get_by_role("button", name="Send the answer").click()
    expect(officer.get_by_role("status")).to_contain_text("answer to the request was recorded")
    screenshot(officer, "22-case-requests")

    teacher.reload()
    expect(teacher.locator("li.request", has_text="police file")).to_contain_text(
        "Covered by the investigation")
    assert {r["status"] for r in site.requests()} == {"answered", "declined"}

    before = site.requests()
    forged = officer.request.post(
        f"{site.url}/cases/{world.case_id}/requests",
        form={"to_organisation_id": world.school, "question": "Forged from elsewhere"})
    assert forged.status == 403
    assert site.requests() == before


def test_the_chair_drafts_a_feedback_sheet_and_a_partner_gets_no_chair_form(
    site: Site, browser: Browser, outside: Outside
) -> None:
    world = site.world
    member = new_context(browser, outside).new_page()
    sign_in(member, site, world.officer)
    member.goto(f"{site.url}/cases/{world.case_id}")
    expect(member.get_by_text("Draft a feedback sheet")).to_have_count(0)
    expect(member.get_by_label("Add an organisation")).to_have_count(0)

    page = new_context(browser, outside).new_page()
    sign_in(page, site, world.chair)
    page.goto(f"{site.url}/cases/{world.case_id}")
    page.get_by_text("Draft a feedback sheet").click()
    page.get_by_label("For which organisation").select_option(label="Police zone North")
    page.get_by_label("The feedback").fill("The table follows the case; no police action now.")
    page.get_by_role("button", name="Draft the sheet").click()
    expect(page.get_by_role("status")).to_contain_text("The feedback sheet was drafted")
    expect(page.get_by_role("heading", name="Feedback sheet for Police zone North")).to_be_visible()
    screenshot(page, "23-feedback-drafted")

    page.goto(f"{site.url}/cases/{world.case_id}")
    sheets = page.locator("ul.sheets")
    expect(sheets).to_contain_text("For Police zone North")
    expect(sheets).to_contain_text("awaiting consent")


def test_the_server_answered_every_page_without_an_error(site: Site) -> None:
    log = site.server.log()
    assert " 500 " not in log
    assert "Traceback" not in log
    httpx.get(f"{site.url}/static/style.css").raise_for_status()
    assert Path(site.server.log_path).exists()
