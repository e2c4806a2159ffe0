"""The policy dashboard: the figures for a period with small counts as "<5", the charts served
by a web route with no script, the network and (for chairs) reciprocity by organisation name;
never a case, a person's name as a subject, or a text."""

from __future__ import annotations

import re

from tests.web.support import Someone, WebWorld, someone


def _policy(web: WebWorld) -> Someone:
    return someone(web.table, web.table.chair_organisation_id, "Pia Policy", "policy")


def test_a_policy_person_sees_the_figures_the_network_and_no_case(web: WebWorld) -> None:
    policy = web.visitor(_policy(web)).client

    page = policy.get("/policy")

    assert page.status_code == 200
    html = page.text
    assert "Cases opened" in html
    assert "&lt;5" in html  # one case opened: a small count, suppressed
    for figure in ("cases_opened", "cases_by_kind", "signals_by_sector"):
        assert f'src="/policy/figures/{figure}.svg"' in html
    assert "police" in html
    assert "missing" in html
    assert "Police zone North" in html  # organisations by name
    assert "Reciprocity" not in html  # the chair's alone
    assert "/cases/" not in html
    for hidden in ("Subject Person", web.officer_note, web.red_note, "RT-"):
        assert hidden not in html
    assert 'href="/policy"' in html
    assert policy.get(f"/cases/{web.case_id}").status_code == 404
    assert policy.get("/actions").status_code == 403
    assert policy.get("/audit").status_code == 403
    assert policy.get("/", follow_redirects=False).headers["location"] == "/policy"
    landing = policy.get("/cases").text  # where signing in leads
    assert 'href="/policy"' in landing
    assert "/cases/" not in landing


def test_the_dashboard_takes_a_period_and_its_charts_follow_it(web: WebWorld) -> None:
    policy = web.visitor(_policy(web)).client

    html = policy.get("/policy?from=2000-01-01&to=2000-12-31").text

    assert 'src="/policy/figures/cases_opened.svg?from=2000-01-01&amp;to=2000-12-31"' in html
    cells = re.findall(r"<td>Cases opened</td><td>([^<]*)</td>", html)
    assert cells == ["0"]  # nothing was opened in 2000
    assert policy.get("/policy?from=2001-01-01&to=2000-01-01").status_code == 422


def test_a_chart_is_an_svg_without_script_or_outside_address(web: WebWorld) -> None:
    policy = web.visitor(_policy(web)).client

    chart = policy.get("/policy/figures/cases_by_kind.svg")

    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "default-src 'self'" in chart.headers["content-security-policy"]
    svg = chart.text
    assert "<script" not in svg
    assert "person" in svg
    assert "situation" in svg
    assert "&lt;5" in svg  # the one person case: labelled, never a bar
    addresses = set(re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)""", svg))
    assert addresses == set()
    assert policy.get("/policy/figures/no_such_figure.svg").status_code == 404


def test_the_charts_need_the_session_and_the_role(web: WebWorld) -> None:
    assert web.visitor().client.get("/policy/figures/cases_opened.svg",
                                    follow_redirects=False).status_code == 303
    member = web.visitor(web.officer).client
    assert member.get("/policy/figures/cases_opened.svg").status_code == 403
    assert member.get("/policy").status_code == 403
    bearer = web.visitor().client.get("/policy/figures/cases_opened.svg",
                                      headers=web.table.headers(), follow_redirects=False)
    assert bearer.status_code == 303  # pages take no bearer token


def test_the_chair_sees_reciprocity_by_organisation_name(web: WebWorld) -> None:
    html = web.visitor(web.chair).client.get("/policy").text

    assert "Reciprocity" in html
    table = html[html.index("Reciprocity"):]
    for name in ("Police zone North", "Sint-Jan school", "Youth house"):
        assert f'<th scope="row">{name}</th>' in table
    assert 'href="/policy"' in html
