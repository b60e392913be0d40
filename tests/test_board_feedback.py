"""Feedback from children and families: structured answers; free text only where the
council turns it on, shown only to roles allowed child-level data, kept out of the
history, and never published."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.test import override_settings

from headway.errors import HeadwayError
from tests.board_fixtures import board_app, board_db, board_warehouse, client_for, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")
WORDS = "My worker came when she said she would."
ANSWERS = {"received_on": "2026-03-12", "from_whom": "child", "channel": "survey", "team_unit": "T1",
           "about": "worker", "listened_to": "yes", "made_a_difference": "partly", "overall": "4"}


@pytest.fixture
def council(board_warehouse):
    """A workspace whose headway.toml the test writes; the app reads the switch from it, and
    the teams from its warehouse (T1 Assessment Team, T2 Safeguarding Team)."""
    settings = board_warehouse

    def switch(on: bool | None):
        path = settings.workspace / "headway.toml"
        if on is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(f"[board.feedback]\nfree_text = {'true' if on else 'false'}\n", encoding="utf-8")

    with override_settings(HEADWAY_SETTINGS=settings):
        yield switch


def record(client, **changes):
    return client.post("/board/feedback/new/", {**ANSWERS, **changes})


def test_the_switch_is_off_unless_the_council_turns_it_on():
    from headway.board.feedback import free_text_from_toml

    assert free_text_from_toml({}, "headway.toml") is False
    assert free_text_from_toml({"board": {"feedback": {}}}, "headway.toml") is False
    assert free_text_from_toml({"board": {"feedback": {"free_text": True}}}, "headway.toml") is True
    with pytest.raises(HeadwayError, match=r"ws/headway.toml \[board.feedback\]: free_text must be true or false"):
        free_text_from_toml({"board": {"feedback": {"free_text": "yes"}}}, "ws/headway.toml")


def test_with_free_text_off_words_are_never_kept(people, council):
    from headway.board.models import Feedback

    council(None)
    analyst = client_for(people["analyst"])
    assert 'name="free_text"' not in analyst.get("/board/feedback/new/").content.decode()
    assert record(analyst, free_text=WORDS).status_code == 302  # posted anyway: ignored
    entry = Feedback.objects.get()
    assert entry.free_text == "" and entry.recorded_by == people["analyst"] and entry.overall == 4


def test_with_free_text_on_words_are_kept_for_child_level_roles_only(people, council):
    from headway.board.models import Feedback

    council(True)
    officer = client_for(people["officer"])
    assert 'name="free_text"' in officer.get("/board/feedback/new/").content.decode()
    assert record(officer, free_text=WORDS).status_code == 302
    assert Feedback.objects.get().free_text == WORDS
    assert WORDS in officer.get("/board/feedback/").content.decode()
    chair_page = client_for(people["chair"]).get("/board/feedback/")
    assert chair_page.status_code == 200 and WORDS not in chair_page.content.decode()
    council(False)  # the council turns it off: the words are no longer shown to anyone
    assert WORDS not in officer.get("/board/feedback/").content.decode()


def test_the_history_records_that_words_changed_never_the_words(people, council):
    from headway.board.models import Feedback, HistoryEntry

    council(True)
    record(client_for(people["officer"]), free_text=WORDS)
    entry = HistoryEntry.objects.get(model="board.feedback")
    assert entry.changes["free_text"] == [None, f"(withheld from the history: {len(WORDS)} characters)"]
    assert WORDS not in str(entry.changes) and entry.changes["team"] == [None, "Assessment Team"]
    assert entry.changes["team_unit"] == [None, "T1"]
    feedback = Feedback.objects.get()
    feedback.free_text = ""
    feedback.save()
    assert WORDS not in str(list(HistoryEntry.objects.values_list("changes", flat=True)))


def test_members_cannot_see_feedback_and_the_chair_cannot_record_it(people, council):
    from headway.board.models import Feedback

    council(True)
    member = client_for(people["member"])
    assert member.get("/board/feedback/").status_code == 403
    assert record(member, free_text=WORDS).status_code == 403
    assert record(client_for(people["chair"]), free_text=WORDS).status_code == 403
    assert not Feedback.objects.exists()


def test_a_bad_entry_names_the_field_and_saves_nothing(people, council):
    from headway.board.models import Feedback

    council(None)
    response = record(client_for(people["analyst"]), listened_to="", overall="9")
    page = lxml.html.fromstring(response.content).text_content()
    assert response.status_code == 200 and "Choose felt listened to" in page
    assert "Select a valid choice" in page or "not one of the available choices" in page
    assert not Feedback.objects.exists()


def test_the_summary_counts_by_team_and_subject(people, council):
    from headway.board.feedback import summary
    from headway.board.models import Feedback

    council(None)
    analyst = client_for(people["analyst"])
    record(analyst)
    record(analyst, team_unit="T1", listened_to="no", overall="2", about="plan")
    record(analyst, team_unit="T2", listened_to="not_asked", made_a_difference="not_asked", overall="5")
    rows = {row.name: row for row in summary(Feedback.objects.all(), lambda e: e.team)}
    north, south = rows["Assessment Team"], rows["Safeguarding Team"]
    assert (north.count, north.listened_to, north.good_or_better) == (2, "1 of 2", "1 of 2")
    assert (south.listened_to, south.made_a_difference, south.good_or_better) == ("not asked", "not asked", "1 of 1")
    page = lxml.html.fromstring(analyst.get("/board/feedback/").content).text_content()
    assert "Plans and meetings" in page and "3 entries, newest first" in page
    assert Feedback.objects.filter(received_on=dt.date(2026, 3, 12)).count() == 3
