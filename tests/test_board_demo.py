"""`headway demo` seeds the Improvement Board (headway.board.demo_plan): the dashboard shows a
plan, and the committee pack prints the approved statements and never a draft."""

from __future__ import annotations

import lxml.html
import pytest

from tests.board_fixtures import board_app, board_db, board_warehouse, client_for, people, warehouse  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


def pack_text(settings) -> str:
    from headway.board.publish import pack_narrative
    from headway.reports.committee import build_context, render_html

    html = render_html(build_context(settings, board=pack_narrative))
    return " ".join(lxml.html.fromstring(html).text_content().split())


def test_the_demo_plan_reaches_the_pack_as_approved_words_only(people, board_warehouse):
    from headway.board import demo_plan
    from headway.board.models import Action, CaseAudit, Risk, StatementVersion

    before = pack_text(board_warehouse)
    assert demo_plan.APPROVED_DONE not in before  # the pack's words come from the seeding, not the template
    assert demo_plan.seed_from_workspace(board_warehouse, people["analyst"].username)
    text = pack_text(board_warehouse)
    assert "Progress on the improvement plan" in text
    assert demo_plan.APPROVED_DONE in text and "Practice week held" in text  # an action's, and a key area's
    assert demo_plan.DRAFT_DONE not in text and demo_plan.NEVER_APPROVED_DONE not in text
    assert "Draft commentary on agency staff" not in text
    assert "The duty rota introduced in the spring has held." in text  # approved commentary on A02
    # the drafts exist: the pack leaves them out, it does not miss them
    assert StatementVersion.objects.filter(done=demo_plan.DRAFT_DONE, approved_at__isnull=True).exists()
    assert Action.objects.count() == 5 and Risk.objects.count() == 3
    assert set(CaseAudit.objects.values_list("team_unit", flat=True)) == {"T1", "T2"}  # the warehouse's teams
    assert not demo_plan.seed_from_workspace(board_warehouse, people["analyst"].username)  # once per workspace
    assert Action.objects.count() == 5


def test_the_demo_dashboard_shows_the_plan_the_risks_and_the_audits(people, warehouse):
    from headway.board import demo_plan

    demo_plan.seed_from_workspace(warehouse, people["analyst"].username)
    analyst = client_for(people["analyst"])
    plan = lxml.html.fromstring(analyst.get("/board/plan/").content).text_content()
    assert all(theme in plan for theme, _ in demo_plan.THEMES)
    assert "Recruit and keep a permanent workforce" in plan
    overdue = lxml.html.fromstring(analyst.get("/board/").content).text_content()
    assert "Embed the Practice Standards in supervision" in overdue  # past its due date: Red
    assert "Demand at the front door" in analyst.get("/board/risks/").content.decode()
    audits = analyst.get("/board/audits/").content.decode()
    assert "Assessment Team" in audits and "Safeguarding Team" in audits
    member = lxml.html.fromstring(client_for(people["member"]).get("/board/actions/"
                                  f"{demo_plan.Action.objects.get(reference='1.1').pk}/").content).text_content()
    assert demo_plan.APPROVED_DONE in member and demo_plan.DRAFT_DONE not in member
