"""What the dashboard works out once per published snapshot (Warehouse.cached: query
results, the org tree, the scorecard's rendered table, whole exception lists): it is
worked out again when a refresh publishes a new file, and it never carries one user's
scope to another, because scope is applied after it on every request. And the
exception lists come a page at a time, with the audit log naming the children shown."""

from __future__ import annotations

import os
import shutil
import threading
import time

import duckdb
import pytest

from headway.config import Settings
from headway.warehouse.query import Warehouse, _Answers
from tests.test_shared_warehouse import publish
from tests.web_helpers import app, cells, page_of, visible_text, visit  # noqa: F401 (fixtures)


# --- Warehouse.cached ------------------------------------------------------------------
def counting(answer):
    """A compute function that counts its calls."""
    calls = []

    def compute():
        calls.append(1)
        return answer
    return compute, calls


def test_an_answer_is_worked_out_once_per_snapshot_and_again_after_a_publish(tmp_path):
    path = tmp_path / "current.duckdb"
    publish(path, "first")
    compute, calls = counting("answer")
    for _ in range(3):
        with Warehouse.shared(path) as warehouse:
            assert warehouse.cached(("k",), compute) == "answer"
            assert warehouse.info()["built_at"] == "first"
    assert len(calls) == 1

    publish(path, "second")
    with Warehouse.shared(path) as warehouse:
        assert warehouse.cached(("k",), compute) == "answer"
        assert warehouse.info()["built_at"] == "second"  # info() is cached too: the new file's
    assert len(calls) == 2


def test_a_warehouse_opened_on_its_own_keeps_nothing(tmp_path):
    path = tmp_path / "current.duckdb"
    publish(path, "first")
    compute, calls = counting("answer")
    for _ in range(2):
        with Warehouse(path) as warehouse:
            warehouse.cached(("k",), compute)
    assert len(calls) == 2


def test_threads_wanting_the_same_missing_answer_work_it_out_once():
    answers, calls = _Answers(), []
    start = threading.Barrier(8)

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "answer"

    def ask(found):
        start.wait()
        found.append(answers.get(("k",), slow))

    found: list = []
    threads = [threading.Thread(target=ask, args=(found,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == ["answer"] * 8 and len(calls) == 1


def test_a_failed_answer_is_not_kept_and_the_oldest_answers_go_first(monkeypatch):
    answers = _Answers()

    def broken():
        raise RuntimeError("query failed")
    with pytest.raises(RuntimeError):
        answers.get(("k",), broken)
    assert answers.get(("k",), lambda: "second try") == "second try"

    monkeypatch.setattr(_Answers, "MAX_ANSWERS", 2)
    answers.get(("a",), lambda: 1)
    answers.get(("k",), lambda: "used again")  # ("k",) is now the most recently used
    answers.get(("b",), lambda: 2)
    assert len(answers) == 2
    assert answers.get(("k",), lambda: "worked out again") == "second try"
    assert answers.get(("a",), lambda: "worked out again") == "worked out again"


# --- scope is applied after the cache ----------------------------------------------------
def listed_children(response) -> set[str]:
    return {r.get("data-child-id") for r in page_of(response).xpath("//tr[@data-child-id]")}


def list_counts(response) -> dict[str, str]:
    return {r.get("data-list-id"): cells(r)[-1] for r in page_of(response).xpath("//tr[@data-list-id]")}


def test_a_list_worked_out_for_the_whole_authority_shows_a_team_manager_only_their_team(visit):
    assert listed_children(visit("executive").get("/exceptions/cp-reviews/")) == {"P3", "P4"}  # fills the cache
    assert listed_children(visit("team-manager").get("/exceptions/cp-reviews/")) == {"P4"}  # T1
    assert listed_children(visit("service-manager").get("/exceptions/cp-reviews/")) == {"P3"}  # T2
    assert visit("team-manager").get("/exceptions/cp-reviews/?team=T2").status_code == 404


def test_the_index_counts_only_the_children_in_scope_after_another_user_filled_the_cache(visit):
    everyone = {"assessments": "2", "s47-no-icpc": "2", "cp-reviews": "2", "cla-reviews": "2"}
    assert list_counts(visit("executive").get("/exceptions/")) == everyone
    assert list_counts(visit("team-manager").get("/exceptions/")) == {  # T1 holds one child on each list
        "assessments": "1", "s47-no-icpc": "1", "cp-reviews": "1", "cla-reviews": "1"}
    assert list_counts(visit("service-manager").get("/exceptions/")) == {  # T2: see web_helpers.OVERDUE
        "assessments": "0", "s47-no-icpc": "0", "cp-reviews": "1", "cla-reviews": "1"}


def test_a_cached_scorecard_keeps_each_users_own_picker_and_breadcrumbs(visit):
    director = visit("assistant-director").get("/?unit=team:T1")  # fills the cache for team T1
    assert director.status_code == 200
    assert page_of(director).xpath("//nav[contains(@class,'govuk-breadcrumbs')]//a[contains(@href,'service')]")
    manager = visit("team-manager").get("/?unit=team:T1")
    assert manager.status_code == 200
    assert not page_of(manager).xpath("//nav[contains(@class,'govuk-breadcrumbs')]//a")  # no service link
    assert not page_of(manager).xpath("//select[@id='unit']")  # one unit: nothing to pick
    assert director.content.count(b"data-measure-id") == manager.content.count(b"data-measure-id")


def test_a_unit_someone_else_has_cached_is_still_refused_outside_your_scope(visit):
    assert visit("service-manager").get("/?unit=service:Safeguarding").status_code == 200
    assert visit("team-manager").get("/?unit=service:Safeguarding").status_code == 404
    assert visit("service-manager").get("/measures/A02/?unit=team:T2").status_code == 200
    assert visit("team-manager").get("/measures/A02/?unit=team:T2").status_code == 404


def test_a_scrutiny_member_never_gets_the_undisclosed_table_another_user_cached(visit):
    executive = visit("executive").get("/")
    member = visit("member").get("/")
    assert executive.status_code == member.status_code == 200
    assert b"hw-disclosure-note" in member.content and b"hw-disclosure-note" not in executive.content
    assert visit("member").get("/?unit=team:T1").status_code == 404


# --- a refresh is seen at once -------------------------------------------------------------
@pytest.fixture
def own_warehouse(app, tmp_path):
    """A copy of the web warehouse in a workspace of its own, so publishing over it
    leaves the other tests' warehouse alone."""
    from django.test import override_settings

    settings = Settings(workspace=tmp_path / "workspace")
    settings.warehouse_path.parent.mkdir(parents=True)
    shutil.copyfile(app["warehouse"].warehouse_path, settings.warehouse_path)
    with override_settings(HEADWAY_SETTINGS=settings):
        yield settings


def republish(settings: Settings, *statements: str) -> None:
    """Change a copy of the published file and swap it in, as a refresh does."""
    building = settings.warehouse_path.with_name("next.duckdb")
    shutil.copyfile(settings.warehouse_path, building)
    con = duckdb.connect(str(building))
    for sql in statements:
        con.execute(sql)
    con.close()
    os.replace(building, settings.warehouse_path)


def test_pages_show_the_new_figures_as_soon_as_a_refresh_publishes_them(app, own_warehouse):
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(app["users"]["executive"])
    assert listed_children(client.get("/exceptions/assessments/")) == {"A6", "A7"}
    assert b"1 April 2031" not in client.get("/").content

    republish(own_warehouse, "DELETE FROM assessments WHERE child_id = 'A7'",
              "UPDATE refresh_info SET value = '2031-04-01T09:00:00' WHERE key = 'built_at'")
    assert listed_children(client.get("/exceptions/assessments/")) == {"A6"}
    assert b"1 April 2031 at 09:00" in client.get("/").content


# --- a page of a list at a time ------------------------------------------------------------
def test_a_long_list_comes_a_page_at_a_time_and_the_log_names_the_children_shown(visit, monkeypatch):
    from headway.web import exception_views
    from headway.web.models import AuditEvent

    monkeypatch.setattr(exception_views, "PAGE_SIZE", 1)
    executive = visit("executive")
    first = executive.get("/exceptions/cla-reviews/?sort=child&order=asc")
    assert listed_children(first) == {"K1"}
    assert "2 children, 1 to 1 shown here" in visible_text(first)
    next_link = page_of(first).xpath("//a[@rel='next']/@href")[0]
    assert "sort=child" in next_link and "page=2" in next_link
    second = executive.get("/exceptions/cla-reviews/" + next_link)
    assert listed_children(second) == {"K5"}
    event = AuditEvent.objects.order_by("-id").first()
    assert [c.child_id for c in event.children.all()] == ["K5"] and "page=2" in event.detail
    assert executive.get("/exceptions/cla-reviews/?page=3").status_code == 404
    assert executive.get("/exceptions/cla-reviews/?page=0").status_code == 400
    assert executive.get("/exceptions/cla-reviews/?page=two").status_code == 400
    assert executive.get("/exceptions/cla-reviews/?page=%C2%B2").status_code == 400  # a superscript two


# --- a large authority's breakdowns ------------------------------------------------------------
def test_more_units_than_a_chart_can_show_are_listed_in_the_table_alone(app, own_warehouse, monkeypatch):
    from django.test import Client

    from headway.web import views

    monkeypatch.setattr(views, "MAX_CHART_BARS", 1)  # a fresh snapshot (own_warehouse): nothing drawn yet
    client = Client(SERVER_NAME="localhost")
    client.force_login(app["users"]["executive"])
    authority = client.get("/measures/A02/")  # two teams
    page = page_of(authority)
    assert not page.xpath("//script[@id='breakdown-spec']")
    assert not page.xpath("//figure[contains(@class,'hw-breakdown-teams')]")
    assert len(page.xpath("//table[contains(@class,'hw-teams')]/tbody/tr")) == 2
    assert "There are 2 teams here: too many to draw as one chart" in visible_text(authority)
    team_page = page_of(client.get("/measures/A02/?unit=team:T1"))  # one worker: still a chart
    assert team_page.xpath("//figure[contains(@class,'hw-breakdown-workers')]")


def test_the_kept_unit_list_marks_only_the_unit_each_page_shows(visit):
    """The unit picker's options are rendered once per snapshot and user scope, and the
    page's own unit marked on each page: never the unit an earlier page marked."""
    client = visit("executive")
    for unit in ("team:T1", "team:T2", "authority:999", "team:T1"):
        page = page_of(client.get(f"/?unit={unit}"))
        assert page.xpath("//select[@id='unit']/option[@selected]/@value") == [unit]
        assert len(page.xpath("//select[@id='unit']/option")) > 3


def test_pages_show_no_template_syntax(visit):
    """No template text (an unclosed comment, a tag) reaches a page, cached or not."""
    for path in ("/", "/measures/A02/", "/exceptions/", "/workforce/"):
        response = visit("executive").get(path)
        assert response.status_code == 200
        assert b"{#" not in response.content and b"{%" not in response.content, path
