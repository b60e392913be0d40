"""Approved words reach the committee pack: measure commentary becomes the narrative of
the measure's section, and approved position statements make a section of their own.
A draft never does, and a pack built without the board is drafted from the figures."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from headway.config import Settings
from tests.board_fixtures import COMMENTARY, STATEMENT, board_app, board_db, make_action, people  # noqa: F401
from tests.sample_warehouse import write_sample_warehouse

pytestmark = pytest.mark.usefixtures("board_db")
MARCH = dt.date(2026, 3, 31)  # the sample warehouse's latest month
DRAFT_WORDS = "Words nobody has approved yet."


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Settings:
    settings = Settings(workspace=tmp_path_factory.mktemp("board-pack") / "workspace")
    write_sample_warehouse(settings)
    return settings


def action_for(people, reference: str):
    from headway.board.models import Action

    return Action.objects.filter(reference=reference).first() or make_action(people["officer"], reference)


def approved_statement(people, reference: str, as_of: dt.date, done: str):
    from headway.board import drafts

    action = action_for(people, reference)
    return drafts.approve(drafts.write_statement(action, as_of, people["officer"], {**STATEMENT, "done": done}),
                          people["chair"])


def html_of(context: dict) -> str:
    from headway.reports.committee import render_html

    return render_html(context)


# --- what the board gives the pack ----------------------------------------------------------
def test_the_window_is_the_quarter_to_the_pack_s_month():
    from headway.board.publish import first_day_of_window

    assert first_day_of_window(dt.date(2026, 3, 31)) == dt.date(2026, 1, 1)
    assert first_day_of_window(dt.date(2026, 1, 31)) == dt.date(2025, 11, 1)  # across the year end
    assert first_day_of_window(dt.date(2026, 2, 28), months=1) == dt.date(2026, 2, 1)


def test_pack_narrative_has_approved_words_only_and_the_newest_statement_per_action(people):
    from headway.board import drafts
    from headway.board.publish import pack_narrative

    drafts.approve(drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY), people["analyst"])
    drafts.write_commentary("A02", MARCH, people["officer"], {**COMMENTARY, "shows": DRAFT_WORDS})
    drafts.write_commentary("R02", MARCH, people["officer"], {**COMMENTARY, "shows": DRAFT_WORDS})
    approved_statement(people, "1.1", dt.date(2025, 12, 31), "Before the quarter.")
    approved_statement(people, "1.2", dt.date(2026, 1, 15), "January position.")
    newer = approved_statement(people, "1.2", dt.date(2026, 3, 10), "March position.")
    drafts.revise(newer.statement, people["officer"], {**STATEMENT, "done": DRAFT_WORDS})
    drafts.write_statement(action_for(people, "1.3"), MARCH, people["officer"], {**STATEMENT, "done": DRAFT_WORDS})

    papers = pack_narrative(MARCH, ["A02", "R02", "S03"])
    assert set(papers.commentary) == {"A02"} and papers.commentary["A02"].shows == COMMENTARY["shows"]
    assert [(s.action_reference, s.done) for s in papers.statements] == [("1.2", "March position.")]
    assert (papers.statements_from, papers.statements_to) == (dt.date(2026, 1, 1), MARCH)


# --- the pack -----------------------------------------------------------------------------
def test_approved_commentary_replaces_the_drafted_text_and_drafts_stay_out(people, sample):
    from headway.board import drafts
    from headway.board.publish import pack_narrative
    from headway.reports.committee import build_context

    drafts.approve(drafts.write_commentary("A02", MARCH, people["officer"], COMMENTARY), people["chair"])
    drafts.write_commentary("A02", MARCH, people["officer"], {**COMMENTARY, "why": DRAFT_WORDS})
    drafts.write_commentary("R02", MARCH, people["officer"], {**COMMENTARY, "why": DRAFT_WORDS})
    context = build_context(sample, report_date=MARCH, board=pack_narrative)
    measures = {m["id"]: m for m in context["measures"]}

    assert measures["A02"]["approved_commentary"] == [
        ("What the figure shows", COMMENTARY["shows"]), ("Why", COMMENTARY["why"]),
        ("What happens next", COMMENTARY["next_steps"])]
    assert "approved by Cara Chair on" in measures["A02"]["approved_note"]
    assert "approved_commentary" not in measures["R02"]
    html = html_of(context)
    assert COMMENTARY["why"] in html and DRAFT_WORDS not in html
    a02 = html.split('id="measure-A02"')[1].split("</section>")[0]
    assert measures["A02"]["commentary"] not in a02  # the drafted sentences gave way
    r02 = html.split('id="measure-R02"')[1].split("</section>")[0]
    assert measures["R02"]["commentary"] in r02 and "drafted automatically" in r02
    summary = context["sections"][0]["paragraphs"][-1]["text"]
    assert summary.startswith("The summary was drafted automatically") and "1 of the 6 measures" in summary


def test_approved_statements_make_a_section_of_the_pack(people, sample):
    from headway.board import drafts
    from headway.board.publish import pack_narrative
    from headway.reports.committee import build_context

    approved_statement(people, "2.4", dt.date(2026, 2, 20), "Rolled out the audit tool.")
    drafts.write_statement(make_action(people["officer"], "2.5"), MARCH, people["officer"],
                           {**STATEMENT, "done": DRAFT_WORDS})
    context = build_context(sample, report_date=MARCH, board=pack_narrative)
    section = context["sections"][-1]
    assert (section["number"], section["title"]) == ("4", "Progress on the improvement plan")
    paragraph = section["paragraphs"][1]
    assert paragraph["number"] == "4.2"
    assert paragraph["text"].startswith("2.4 Action 2.4 (Quality; accountable officer Olly Officer). "
                                        "Position at 20 February 2026, proposed rating Amber")
    assert "What was done: Rolled out the audit tool." in paragraph["items"]
    html = html_of(context)
    assert "Rolled out the audit tool." in html and DRAFT_WORDS not in html and "2.5 Action" not in html


def test_with_nothing_approved_the_pack_says_so_and_keeps_the_drafted_text(people, sample):
    from headway.board.publish import pack_narrative
    from headway.reports.committee import build_context

    plain = build_context(sample, report_date=MARCH)
    with_board = build_context(sample, report_date=MARCH, board=pack_narrative)
    assert with_board["measures"] == plain["measures"]
    assert with_board["sections"][:3] == plain["sections"]
    assert with_board["sections"][3]["paragraphs"][0]["text"] == (
        "No position statement dated from 1 January 2026 to 31 March 2026 has been approved by the "
        "Improvement Board.")
    assert len(plain["sections"]) == 3  # without the board there is no plan section at all


# --- `headway report` reads the board -----------------------------------------------------
REPORT_SCRIPT = """
import datetime as dt, sys
from pathlib import Path
from headway.config import Settings
from headway.web import migrate_database, setup

setup(Settings(workspace=Path(sys.argv[1])))
migrate_database()
from django.contrib.auth.models import Group, User
from headway.board import drafts
from headway.web import roles

officer = User.objects.create_user("olly", first_name="Olly", last_name="Officer")
chair = User.objects.create_user("cara", first_name="Cara", last_name="Chair")
officer.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
chair.groups.add(Group.objects.get(name=roles.BOARD_CHAIR))
words = {"shows": "Approved words for the pack.", "why": "Why.", "next_steps": "Next."}
drafts.approve(drafts.write_commentary("A02", dt.date(2026, 3, 31), officer, words), chair)
drafts.write_commentary("R02", dt.date(2026, 3, 31), officer, {**words, "shows": "Draft words."})
"""


def test_the_report_command_puts_approved_commentary_in_the_pack(tmp_path):
    settings = Settings(workspace=tmp_path / "workspace")
    write_sample_warehouse(settings)
    env = {**os.environ, "HEADWAY_WORKSPACE": str(settings.workspace)}
    env.pop("DATABASE_URL", None)
    seeded = subprocess.run([sys.executable, "-c", REPORT_SCRIPT, str(settings.workspace)],
                            capture_output=True, text=True, timeout=180, env=env)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    headway = Path(sys.executable).with_name("headway")
    run = subprocess.run([str(headway), "report", "--workspace", str(settings.workspace), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "Approved words for the pack." in html and "Draft words." not in html
    assert "Progress on the improvement plan" in html


def test_key_area_statements_follow_the_actions_in_the_pack(people, sample):
    from headway.board import drafts
    from headway.board.models import KeyArea
    from headway.board.publish import pack_narrative
    from headway.reports.committee import build_context

    area = KeyArea.objects.create(name="Practice", accountable_officer=people["officer"])
    drafts.approve(drafts.write_statement(area, dt.date(2026, 3, 20), people["officer"],
                                          {**STATEMENT, "done": "Practice standards relaunched."}), people["chair"])
    approved_statement(people, "3.1", dt.date(2026, 3, 1), "Action words.")
    papers = pack_narrative(MARCH, [])
    assert [(s.action_reference, s.key_area) for s in papers.statements] == [("3.1", ""), ("", "Practice")]
    section = build_context(sample, report_date=MARCH, board=pack_narrative)["sections"][-1]
    area_paragraph = section["paragraphs"][2]
    assert area_paragraph["text"] == ("Key area Practice (accountable officer Olly Officer). Position at "
                                      "20 March 2026, proposed rating Amber:")
    assert "What was done: Practice standards relaunched." in area_paragraph["items"]


def test_the_approval_date_is_the_council_s_date_not_utc(people):
    """Approved at 23:30 UTC on 30 June is 1 July in London (BST): the pack prints 1 July."""
    from headway.board import drafts
    from headway.board.models import CommentaryVersion
    from headway.board.publish import approved_commentary
    from headway.reports.committee import use_approved_commentary

    version = drafts.approve(drafts.write_commentary("A02", dt.date(2026, 6, 30), people["officer"], COMMENTARY),
                             people["chair"])
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc)
    CommentaryVersion.objects.filter(pk=version.pk).update(approved_at=late)
    found = approved_commentary("A02", dt.date(2026, 6, 30))
    assert (found.approved_at, found.approved_on) == (late, dt.date(2026, 7, 1))
    measures = [{"id": "A02"}]
    use_approved_commentary(measures, {"A02": found})
    assert "approved by Cara Chair on 1 July 2026 (version 1)" in measures[0]["approved_note"]
