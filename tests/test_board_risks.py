"""The risk register: scores on the configured matrix, reviews and movement, appetite,
past-review lists, and the heat map as a table with numbers and words."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from headway.errors import HeadwayError
from tests.board_fixtures import board_app, board_db, client_for, make_risk, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")


def tree(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content)


def cell(page, likelihood: int, impact: int):
    [found] = page.xpath(f"//td[@data-likelihood='{likelihood}'][@data-impact='{impact}']")
    return found.text_content()


# --- the matrix ------------------------------------------------------------------------
def test_the_default_matrix_is_five_by_five_with_four_bands():
    from headway.board.risk_matrix import DEFAULT

    assert DEFAULT.size == 5
    assert [DEFAULT.band(s).name for s in (1, 4, 5, 9, 10, 14, 15, 25)] == \
        ["Low", "Low", "Medium", "Medium", "High", "High", "Very high", "Very high"]


def test_a_council_can_configure_the_matrix():
    from headway.board.risk_matrix import matrix_from_toml

    matrix = matrix_from_toml({"board": {"risk_matrix": {
        "size": 4, "likelihood_labels": ["A", "B", "C", "D"], "impact_labels": ["1", "2", "3", "4"],
        "bands": [{"name": "Low", "up_to": 3}, {"name": "Medium", "up_to": 8}, {"name": "High", "up_to": 16}]}}},
        "headway.toml")
    assert matrix.size == 4 and matrix.band(9).name == "High"
    assert matrix.bands[-1].css_class == "hw-band--very-high"  # the top band is always the darkest


@pytest.mark.parametrize("table, message", [
    ({"size": 11}, "size must be a whole number from 2 to 10"),
    ({"size": 3}, "likelihood_labels needs 3 labels"),
    ({"bands": [{"name": "Low", "up_to": 10}, {"name": "High", "up_to": 20}]}, "the last band's up_to must be 25"),
    ({"bands": [{"name": "Low", "up_to": 10}, {"name": "High", "up_to": 5}]}, "band 2 needs a name and an up_to"),
])
def test_a_bad_matrix_is_refused_with_the_key_named(table, message):
    from headway.board.risk_matrix import matrix_from_toml

    with pytest.raises(HeadwayError, match=message) as caught:
        matrix_from_toml({"board": {"risk_matrix": table}}, "ws/headway.toml")
    assert str(caught.value).startswith("ws/headway.toml [board.risk_matrix]")


def test_scores_outside_the_matrix_are_refused(people):
    risk = make_risk(people["officer"])
    risk.current_impact = 6
    risk.appetite_score = 26
    with pytest.raises(ValidationError) as caught:
        risk.full_clean()
    assert caught.value.message_dict["current_impact"] == ["Enter a whole number from 1 to 5"]
    assert caught.value.message_dict["appetite_score"] == ["Enter a score from 1 to 25"]


# --- reviews, movement, appetite -----------------------------------------------------------------
def test_a_review_rescores_the_risk_and_keeps_its_movement(people):
    from headway.board.risks import latest_movement, record_review

    risk = make_risk(people["officer"], current=(3, 4))
    assert latest_movement(risk) == "Not reviewed yet"
    record_review(risk, people["officer"], reviewed_on=dt.date(2026, 3, 1), likelihood=4, impact=4, note="Worse",
                  next_review_on=dt.date(2026, 4, 1))
    risk.refresh_from_db()
    assert (risk.current_score, latest_movement(risk)) == (16, "Up from 12 to 16")
    record_review(risk, people["analyst"], reviewed_on=dt.date(2026, 4, 1), likelihood=2, impact=4, note="Better",
                  next_review_on=dt.date(2026, 5, 1))
    risk.refresh_from_db()
    assert (risk.current_score, latest_movement(risk), risk.next_review_on) == (8, "Down from 16 to 8",
                                                                              dt.date(2026, 5, 1))


def test_only_the_owner_or_an_analyst_reviews_a_risk(people):
    from headway.board.risks import record_review

    risk = make_risk(people["officer"])
    for user in (people["other_officer"], people["chair"], people["member"], people["nobody"]):
        with pytest.raises(PermissionDenied):
            record_review(risk, user, reviewed_on=dt.date(2026, 3, 1), likelihood=1, impact=1, note="",
                          next_review_on=dt.date(2026, 4, 1))


def test_risks_above_appetite_or_past_review(people):
    from headway.board.risks import risks_needing_attention

    above = make_risk(people["officer"], "R1", current=(3, 3), appetite=8)  # 9 > 8
    at = make_risk(people["officer"], "R2", current=(2, 4))  # 8: at appetite, not above
    late = make_risk(people["officer"], "R3", current=(1, 1), next_review=dt.date(2026, 1, 31))
    closed = make_risk(people["officer"], "R4", current=(5, 5), next_review=dt.date(2020, 1, 1))
    closed.state = "closed"
    closed.save()
    own = make_risk(people["officer"], "R5", current=(2, 2))
    own.appetite_score = 3  # the risk's own appetite wins over its category's
    own.save()
    found_above, found_late = risks_needing_attention([above, at, late, closed, own], dt.date(2026, 2, 1))
    assert [r.reference for r in found_above] == ["R1", "R5"]
    assert [r.reference for r in found_late] == ["R3"]
    assert not late.review_overdue(dt.date(2026, 1, 31))  # due today is not late


# --- pages -----------------------------------------------------------------------------
def test_the_heat_map_places_each_risk_with_its_score_and_band_in_words(people):
    make_risk(people["officer"], "R1", current=(5, 4))
    make_risk(people["officer"], "R2", current=(5, 4))
    make_risk(people["officer"], "R3", current=(1, 2))
    page = tree(client_for(people["chair"]).get("/board/risks/heat-map/"))
    assert " ".join(cell(page, 5, 4).split()) == "20 Very high 2 risks: R1, R2"
    assert " ".join(cell(page, 1, 2).split()) == "2 Low 1 risk: R3"
    assert " ".join(cell(page, 3, 3).split()) == "9 Medium"
    headers = [h.text_content() for h in page.xpath("//table[contains(@class,'hw-heat-map')]//thead//th")]
    assert headers[1:] == ["1 Negligible", "2 Minor", "3 Moderate", "4 Major", "5 Severe"]
    rows = [h.text_content() for h in page.xpath("//table[contains(@class,'hw-heat-map')]//tbody//th")]
    assert rows == ["5 Almost certain", "4 Likely", "3 Possible", "2 Unlikely", "1 Rare"]


def test_the_heat_map_can_show_inherent_and_target_scores(people):
    make_risk(people["officer"], "R1", current=(3, 3))  # inherent 4 x 5, target 2 x 2
    client = client_for(people["analyst"])
    assert "R1" in cell(tree(client.get("/board/risks/heat-map/?scores=inherent")), 4, 5)
    assert "R1" in cell(tree(client.get("/board/risks/heat-map/?scores=target")), 2, 2)
    assert "R1" in cell(tree(client.get("/board/risks/heat-map/?scores=nonsense")), 3, 3)


def test_reviewing_through_the_page_moves_the_risk_on_the_heat_map(people):
    risk = make_risk(people["officer"], "R1", current=(3, 4))
    owner = client_for(people["officer"])
    refused = tree(owner.post(f"/board/risks/{risk.pk}/review/", {
        "reviewed_on": "2026-03-01", "likelihood": "6", "impact": "4", "next_review_on": "2026-02-01"}))
    errors = refused.text_content()
    assert "Enter a number from 1 to 5" in errors
    assert "The next review date must be after the date of this review" in errors
    response = owner.post(f"/board/risks/{risk.pk}/review/", {
        "reviewed_on": "2026-03-01", "likelihood": "5", "impact": "5", "note": "Two teams lost managers",
        "next_review_on": "2026-04-01"})
    assert response.status_code == 302
    page = tree(owner.get("/board/risks/heat-map/"))
    assert "R1" in cell(page, 5, 5) and "R1" not in cell(page, 3, 4)
    detail = tree(owner.get(f"/board/risks/{risk.pk}/")).text_content()
    assert "Up from 12 to 25" in detail and "Two teams lost managers" in detail


def test_the_register_lists_attention_tables(people):
    make_risk(people["officer"], "R1", current=(4, 4), appetite=6)
    page = tree(client_for(people["officer"]).get("/board/risks/"))
    [above] = page.xpath("//table[caption[contains(., 'above appetite')]]")
    assert above.xpath(".//tr[@data-reference='R1']")


def test_an_analyst_keeps_the_register(people):
    from headway.board.models import Risk, RiskCategory

    client = client_for(people["analyst"])
    assert client.post("/board/risk-categories/new/", {"name": "Workforce", "appetite_score": "30"}).status_code == 200
    assert client.post("/board/risk-categories/new/", {"name": "Workforce", "appetite_score": "9"}).status_code == 302
    category = RiskCategory.objects.get(name="Workforce")
    response = client.post("/board/risks/new/", {
        "reference": "W1", "title": "Agency reliance", "owner": people["officer"].pk, "category": category.pk,
        "inherent_likelihood": 5, "inherent_impact": 4, "current_likelihood": 4, "current_impact": 4,
        "target_likelihood": 2, "target_impact": 3, "next_review_on": "2026-06-30", "state": "open"})
    risk = Risk.objects.get(reference="W1")
    assert response["Location"] == f"/board/risks/{risk.pk}/"
    assert risk.appetite == 9 and risk.above_appetite
