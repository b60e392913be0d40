"""The access model in a real browser: headless Chromium (Debian's) driven by Playwright
against `python -m headway.web.server` on the web warehouse (tests/web_helpers.py),
signing in as different roles: drill down from the authority to a worker keeping the
month, open and export an exception list, and a scrutiny member's "c"."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from headway.config import Settings
from tests.browser_helpers import (ROOT, START_TIMEOUT, chromium, new_page, server_environment, served,
                                   skip_without_a_browser)
from tests.web_helpers import PASSWORD, write_web_warehouse

pytestmark = pytest.mark.browser
MAKE_USERS = ("from headway.config import load_settings; from headway.web import setup, migrate_database; "
              "setup(load_settings()); migrate_database(); from tests.web_helpers import make_users; make_users()")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    skip_without_a_browser()
    settings = write_web_warehouse(Settings(workspace=tmp_path_factory.mktemp("browser-roles") / "workspace"))
    env = server_environment(settings.workspace)
    subprocess.run([sys.executable, "-c", MAKE_USERS], env=env, cwd=ROOT, check=True, timeout=START_TIMEOUT)
    with served(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    with new_page(browser, accept_downloads=True) as page:
        yield page


def sign_in(page, server, who: str) -> None:
    page.goto(server + "/")
    page.fill("#id_username", f"web-{who}")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")


def test_drill_down_from_the_authority_to_a_worker_keeping_the_month(page, server):
    sign_in(page, server, "executive")
    page.get_by_role("link", name="Assessments completed within 45 working days", exact=True).click()
    page.select_option("#period", "2025-08-31")
    page.get_by_role("button", name="Show month").click()
    page.wait_for_url("**period=2025-08-31**")
    for table, name in [("hw-services", "Assessment"), ("hw-teams", "Assessment Team"), ("hw-workers", "Worker One")]:
        page.locator(f"table.{table}").get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state()
        assert "period=2025-08-31" in page.url
        assert page.locator("#period").input_value() == "2025-08-31"
        assert name in page.locator(".govuk-caption-l").inner_text()
        chart = page.locator(".hw-trend svg[role=img]")
        assert chart.is_visible() and name in chart.get_attribute("aria-label")
    crumbs = page.locator(".govuk-breadcrumbs a").all_inner_texts()
    assert crumbs == ["Synthetic Borough", "Assessment", "Assessment Team"]
    assert page.console_errors == []


def test_open_sort_and_export_an_exception_list(page, server, tmp_path):
    sign_in(page, server, "two-team-manager")
    page.get_by_role("link", name="Exception lists").click()
    page.get_by_role("link", name="Child protection reviews overdue").click()
    rows = page.locator("table.hw-exceptions tbody tr")
    assert [r.get_attribute("data-child-id") for r in rows.all()] == ["P3", "P4"]  # most overdue first
    page.get_by_role("link", name="Child ID").click()
    page.wait_for_url("**sort=child**")
    assert page.locator("table.hw-exceptions th[aria-sort=ascending]").inner_text() == "Child ID"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list as an Excel file").click()
    download = download_info.value
    assert download.suggested_filename == "cp-reviews-2026-03-31.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).active
    assert [r[0] for r in sheet.iter_rows(min_row=6, values_only=True)] == ["P3", "P4"]
    page.get_by_role("link", name="P4", exact=True).click()
    assert page.locator("h1").inner_text() == "Child P4"


def test_a_member_sees_c_and_no_lists_of_children(page, server):
    sign_in(page, server, "member")
    assert page.locator(".hw-disclosure-note").is_visible()
    values = page.locator("table.hw-scorecard td.hw-value").all_inner_texts()
    assert "c" in values
    assert page.get_by_role("link", name="Exception lists").count() == 0
    page.goto(server + "/exceptions/cp-reviews/")
    assert page.locator("h1").inner_text() == "You cannot see this page"
    page.goto(server + "/measures/A02/?unit=team:T1")
    assert page.locator("h1").inner_text() == "Page not found"
    if os.environ.get("HEADWAY_SCREENSHOTS"):  # a folder to look at the page in
        page.goto(server + "/")
        page.screenshot(path=str(Path(os.environ["HEADWAY_SCREENSHOTS"]) / "member-scorecard.png"), full_page=True)
