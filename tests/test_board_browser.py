"""The board in a real browser: headless Chromium (Debian's) driven by Playwright
against `python -m headway.web.server`, as in tests/test_browser.py.

Flows: an officer writes a position statement and the chair approves it, after which
a member sees it; the risk owner scores a risk and sees it move on the heat map; an
officer records a case audit.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest

from headway.config import Settings
from tests.board_fixtures import BROWSER_PASSWORD
from tests.browser_helpers import (ROOT, START_TIMEOUT, chromium, new_page, served, server_environment,
                                   skip_without_a_browser)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on a workspace seeded with board users, an action and a risk."""
    skip_without_a_browser()
    settings = Settings(workspace=tmp_path_factory.mktemp("board-browser") / "workspace")
    env = server_environment(settings.workspace)
    subprocess.run([sys.executable, "-c", "from tests.board_fixtures import seed_browser_world; seed_browser_world()"],
                   env=env, cwd=ROOT, check=True, timeout=START_TIMEOUT, capture_output=True, text=True)
    with served(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_as(browser, server):
    """open_as(username) -> a page signed in at /board/ (each in a browser context of its own)."""
    with contextlib.ExitStack() as pages:
        def sign_in(username: str):
            page = pages.enter_context(new_page(browser))
            page.goto(server + "/board/")
            page.fill("#id_username", username)
            page.fill("#id_password", BROWSER_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(server + "/board/")
            return page

        yield sign_in


def test_write_and_approve_a_position_statement(open_as, server):
    officer = open_as("olly")
    officer.get_by_role("link", name="Action 1.1").first.click()
    officer.get_by_role("link", name="Write a position statement").click()
    officer.fill("#id_as_of", "2026-03-31")
    officer.fill("#id_done", "Recruited 12 permanent social workers.")
    officer.fill("#id_impact", "Agency use fell from 22% to 15%.")
    officer.fill("#id_next_steps", "Second recruitment round in May.")
    officer.select_option("#id_proposed_rag", "A")
    officer.get_by_role("button", name="Save as draft").click()
    assert officer.locator("h1").inner_text() == "Position at 31 March 2026"
    assert officer.locator(".hw-version .hw-state").inner_text() == "Draft"
    assert officer.get_by_role("button", name="Approve version 1").count() == 0  # not their own
    assert officer.console_errors == []

    member = open_as("mem")
    member.goto(server + "/board/plan/")
    member.get_by_role("link", name="Action 1.1").click()
    assert "Recruited 12 permanent" not in member.content()

    chair = open_as("chair")
    chair.get_by_role("link", name="Approvals", exact=True).click()
    chair.get_by_role("link", name="Read and approve").click()
    chair.get_by_role("button", name="Approve version 1").click()
    banner = chair.locator(".govuk-notification-banner").inner_text()
    assert "Members and the committee pack now see this version" in banner
    assert chair.locator(".hw-version .hw-state").inner_text() == "Approved"

    member.reload()
    assert "Recruited 12 permanent social workers." in member.locator(".hw-statement").inner_text()
    assert member.locator(".hw-rag .govuk-tag").first.inner_text() == "Amber"  # the approved RAG reaches members


def test_score_a_risk_and_see_it_move_on_the_heat_map(open_as, server):
    owner = open_as("olly")
    owner.goto(server + "/board/risks/heat-map/")
    before = owner.locator("td[data-likelihood='3'][data-impact='4']")
    assert "R1" in before.inner_text()
    assert before.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(252, 214, 195)"  # High band
    owner.goto(server + "/board/risks/")
    owner.get_by_role("link", name="Risk R1").first.click()
    owner.get_by_role("link", name="Review this risk").click()
    owner.fill("#id_reviewed_on", "2026-04-14")
    owner.fill("#id_likelihood", "5")
    owner.fill("#id_impact", "5")
    owner.fill("#id_note", "Two team managers left")
    owner.fill("#id_next_review_on", "2026-05-12")
    owner.get_by_role("button", name="Save the review").click()
    assert owner.locator(".hw-movement").inner_text() == "Up from 12 to 25"
    owner.goto(server + "/board/risks/heat-map/")
    moved = owner.locator("td[data-likelihood='5'][data-impact='5']")
    assert "1 risk: R1" in moved.inner_text() and "Very high" in moved.inner_text()
    assert "R1" not in owner.locator("td[data-likelihood='3'][data-impact='4']").inner_text()
    assert owner.console_errors == []


def test_record_a_case_audit(open_as, server):
    auditor = open_as("olly")
    auditor.get_by_role("link", name="Audits", exact=True).click()
    auditor.get_by_role("link", name="Record a case audit").click()
    auditor.select_option("#id_kind", "rota")
    auditor.fill("#id_child_ref", "A123456789012")  # a UPN: refused
    auditor.select_option("#id_team_unit", "T1")  # from the warehouse's teams
    auditor.fill("#id_worker", "W17")
    auditor.fill("#id_audited_on", "2026-03-02")
    auditor.select_option("#id_overall_grade", "good")
    auditor.fill("#id_findings", "Clear, SMART plan; the child's views recorded.")
    auditor.select_option("#id_grade_1", "outstanding")
    auditor.get_by_role("button", name="Save").click()
    assert "looks like a UPN or an NHS number" in auditor.locator(".govuk-error-summary").inner_text()
    auditor.fill("#id_child_ref", "PSN-4821")
    auditor.get_by_role("button", name="Save").click()
    assert auditor.locator("h1").inner_text() == "Case audit of PSN-4821"
    assert "Outstanding" in auditor.locator("table.hw-domain-grades").inner_text()
