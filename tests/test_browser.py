"""The dashboard in a real browser: headless Chromium driven by Playwright against
`python -m headway.web.server` running in a subprocess on the sample warehouse.

Needs Debian's /usr/bin/chromium (`make chromium`); Playwright's own browser
download is not used (it fails offline).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from headway.config import Settings
from headway.warehouse.query import Warehouse
from tests.browser_helpers import (START_TIMEOUT, chromium, new_page, server_environment, served,
                                   skip_without_a_browser)
# Kept importable from here for tests/test_board_browser.py; they live in tests/browser_helpers.py.
from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS, free_port, wait_until_listening  # noqa: F401
from tests.sample_warehouse import write_sample_warehouse

pytestmark = pytest.mark.browser
YELLOW_FOCUS = "rgb(255, 221, 0)"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Settings:
    """conftest's sample warehouse, written once for the module's one server."""
    settings = Settings(workspace=tmp_path_factory.mktemp("browser") / "workspace")
    write_sample_warehouse(settings)
    return settings


@pytest.fixture(scope="module")
def server(sample):
    """The dashboard on a free port, and the demo user's password."""
    skip_without_a_browser()
    env = server_environment(sample.workspace)
    # The demo user goes into the workspace's own app database, from a process of its
    # own: this one may already have Django configured for another workspace.
    made = subprocess.run(
        [sys.executable, "-c", "from headway.config import load_settings; from headway.web import setup; "
         "from headway.web.accounts import ensure_demo_user; s = load_settings(); setup(s); "
         "print(ensure_demo_user(s)[1])"],
        env=env, capture_output=True, text=True, check=True, timeout=START_TIMEOUT)
    password = made.stdout.strip().splitlines()[-1]
    with served(env) as url:
        yield {"url": url, "password": password}


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    with new_page(browser) as page:
        yield page


def sign_in(page, server) -> None:
    page.goto(server["url"] + "/")
    assert "/sign-in/" in page.url
    page.fill("#id_username", "demo")
    page.fill("#id_password", server["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server["url"] + "/")


def test_sign_in_see_the_scorecard_and_open_a_measure(page, server, sample):
    with Warehouse(sample.warehouse_path) as warehouse:
        measures = warehouse.measures()
        chosen = warehouse.measure("A02")
        teams = warehouse.breakdown("A02", warehouse.latest_period(), "team")
    sign_in(page, server)
    assert page.locator("h1").inner_text() == "Scorecard"
    for measure in measures:
        assert page.get_by_role("link", name=measure["title"], exact=True).is_visible(), measure["measure_id"]

    page.get_by_role("link", name=chosen["title"], exact=True).click()
    page.wait_for_url(server["url"] + "/measures/A02/?unit=authority%3A999&period=*")
    assert page.locator("h1").inner_text() == chosen["title"]
    chart = page.locator(".hw-trend svg[role=img]")
    assert chart.is_visible() and chart.bounding_box()["height"] > 100
    assert chosen["title"] in chart.get_attribute("aria-label")
    team_names = page.locator("table.hw-teams tbody th").all_inner_texts()
    assert team_names == [t["org_unit_name"] for t in teams]

    months = page.locator("table.hw-months")
    assert not months.is_visible()
    page.get_by_text("Show the data").click()
    assert months.is_visible()


def test_nothing_is_blocked_by_the_content_security_policy(page, server):
    sign_in(page, server)
    page.goto(server["url"] + "/measures/R02/")
    header = page.locator("header.govuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    assert page.console_errors == []


def test_keyboard_users_get_the_skip_link_and_a_yellow_focus(page, server):
    sign_in(page, server)
    page.keyboard.press("Tab")
    skip = page.locator("a.govuk-skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    assert skip.evaluate("e => getComputedStyle(e).backgroundColor") == YELLOW_FOCUS
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_sign_out(page, server):
    sign_in(page, server)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(server["url"] + "/sign-in/")
    page.goto(server["url"] + "/")
    assert "/sign-in/" in page.url
