"""Plain-English text drafted from the figures: the summary of the pack and a short
commentary on each measure.

The rules are simple and visible on purpose: an officer reviews every sentence
before the paper goes to members, and the pack says that it was drafted
automatically. The text never judges a context measure (one with no better
direction) and never gives a number that disclosure control would hide: every
figure is printed through headway.reports.sdc.

Example (a rolling 12-month percentage with a target):
    In the 12 months to 31 March 2026, the figure for re-referrals within 12 months
    was 21.8% (412 out of 1,890), better than the target of 22.0% (Green). A year
    earlier the figure was 24.1%, so performance has improved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from headway.charts import format_value
from headway.measures.rag import RAG_WORDS, direction
from headway.reports.sdc import SUPPRESSED, Cell, point_cells, show
from headway.warehouse.query import Point

SUPPRESSED_DIRECTION = "suppressed"  # a comparison that would involve a suppressed figure
DRAFTED_NOTE = ("drafted automatically from the figures, for an officer to review "
                "before publication")


# --- small pieces of wording -------------------------------------------------------
def long_date(day: dt.date) -> str:
    """31 March 2026."""
    return f"{day.day} {day:%B %Y}"


def year_before(month_end: dt.date) -> dt.date:
    """The last day of the same month a year earlier (29 February becomes the 28th)."""
    first_of_next = dt.date(month_end.year - 1 + (month_end.month == 12), month_end.month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def lower_first(title: str) -> str:
    """'Re-referrals within 12 months' -> 're-referrals ...', but 'CLA ...' stays as it is."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def count_with_verb(count: int, singular_verb: str, plural_verb: str) -> str:
    """'none are', '1 is', '3 are'."""
    if count == 0:
        return f"none {plural_verb}"
    return f"{count} {singular_verb if count == 1 else plural_verb}"


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def when_phrase(basis: str, period_end: dt.date) -> str:
    """How the period reads for a measure's basis."""
    if basis == "rolling_12_months":
        return f"In the 12 months to {long_date(period_end)}"
    if basis == "rolling_36_months":
        return f"In the 36 months to {long_date(period_end)}"
    if basis == "snapshot":
        return f"At {long_date(period_end)}"
    return f"In the month ending {long_date(period_end)}"


def tolerance_text(tolerance: float | None, unit: str) -> str | None:
    if not tolerance:
        return None
    if unit == "percent":
        return f"{tolerance:,.1f} percentage points"
    return format_value(tolerance, unit)


# --- direction of travel -----------------------------------------------------------
def displayed(value: float, unit: str) -> float:
    """A value rounded as the pack prints it, so '21.8% then 21.8%' is never 'improved'."""
    return round(value) if unit == "count" else round(value, 1)


def direction_of_travel(measure: dict, latest: Point | None, earlier: Point | None) -> str | None:
    """improving / declining / steady (up / down / steady for a context measure),
    'suppressed' if either figure may not be published, None if there is nothing to compare."""
    if latest is None or earlier is None or latest.value is None or earlier.value is None:
        return None
    unit = measure["unit"]
    if point_cells(latest, unit)["value"].suppressed or point_cells(earlier, unit)["value"].suppressed:
        return SUPPRESSED_DIRECTION
    return direction(displayed(latest.value, unit), displayed(earlier.value, unit), measure["polarity"])


# --- commentary on one measure -----------------------------------------------------
def counts_phrase(unit: str, cells: dict[str, Cell]) -> str:
    """The counts behind a figure, in brackets: '(412 out of 1,890)'."""
    numerator, denominator = cells["numerator"], cells["denominator"]
    if numerator.value is None and not numerator.suppressed:
        return ""
    if unit == "percent" and (denominator.value is not None or denominator.suppressed):
        return f" ({show(numerator)} out of {show(denominator)})"
    if unit == "rate_per_10k" and denominator.value is not None:
        return f" ({show(numerator)} in a population of {show(denominator)} children aged 0 to 17)"
    if unit == "days" and (denominator.value is not None or denominator.suppressed):
        return f" (averaged over {show(denominator)})"
    return ""


def target_judgement(measure: dict, latest: Point) -> str:
    """', better than the target of 22.0% (Green)', or '' when there is no target."""
    unit = measure["unit"]
    target = latest.target if latest.target is not None else measure.get("target")
    if target is None or measure["polarity"] == "context":
        return ""
    target_text = f"the target of {format_value(target, unit)}"
    tolerance = tolerance_text(measure.get("tolerance"), unit)
    code = latest.rag
    if code == "G":
        meets = displayed(latest.value, unit) == displayed(target, unit)
        return f", {'meeting' if meets else 'better than'} {target_text} (Green)"
    if code == "A":
        within = f" but within the tolerance of {tolerance}" if tolerance else ""
        return f", short of {target_text}{within} (Amber)"
    if code == "R":
        beyond = f" by more than the tolerance of {tolerance}" if tolerance else ""
        return f", short of {target_text}{beyond} (Red)"
    return f", against {target_text} (not rated)"


def figure_sentence(measure: dict, latest: Point, period_end: dt.date) -> str:
    unit = measure["unit"]
    cells = point_cells(latest, unit)
    opening = f"{when_phrase(measure['basis'], period_end)}, the figure for {lower_first(measure['title'])}"
    if cells["value"].suppressed:
        sentence = (f"{opening} is not shown because it is based on a count of 1 to 5, which "
                    f"could identify a child (shown as {SUPPRESSED}).")
        if latest.rag in ("G", "A", "R"):
            target = latest.target if latest.target is not None else measure.get("target")
            sentence += f" It is rated {RAG_WORDS[latest.rag]} against the target of {format_value(target, unit)}."
        return sentence
    return f"{opening} was {show(cells['value'])}{counts_phrase(unit, cells)}{target_judgement(measure, latest)}."


def no_target_sentence(measure: dict, latest: Point) -> str | None:
    if measure["polarity"] == "context":
        return ("This is a context measure: it has no target, and a rise or a fall is not in "
                "itself better or worse.")
    if latest.target is None and measure.get("target") is None:
        return "No target has been set for this measure."
    return None


def comparison_sentence(measure: dict, latest: Point, earlier: Point | None) -> str:
    way = direction_of_travel(measure, latest, earlier)
    if way is None:
        return "There is no figure for a year earlier to compare with."
    if way == SUPPRESSED_DIRECTION:
        return ("No comparison with a year earlier is given, because one of the two figures is "
                "based on a count of 1 to 5.")
    before = show(point_cells(earlier, measure["unit"])["value"])
    outcome = {
        "improving": "so performance has improved",
        "declining": "so performance has declined",
        "steady": "so performance is about the same",
        "up": "so it has risen",
        "down": "so it has fallen",
    }[way]
    if measure["polarity"] == "context" and way == "steady":
        outcome = "so it is about the same"
    return f"A year earlier the figure was {before}, {outcome}."


def no_data_sentence(period_end: dt.date) -> str:
    return (f"There is no figure for the month ending {long_date(period_end)}: the data it needs "
            "is not available, or there were no cases to count.")


def commentary(measure: dict, latest: Point | None, earlier: Point | None, period_end: dt.date) -> str:
    """A few sentences on one measure for the month: the figure, the target, the change over a year.

    `latest` is the point for `period_end` (None if there is none); `earlier` the
    point 12 months before it. `measure` is a measure_catalogue row.
    """
    if latest is None or latest.value is None:
        return no_data_sentence(period_end)
    sentences = [figure_sentence(measure, latest, period_end),
                 no_target_sentence(measure, latest),
                 comparison_sentence(measure, latest, earlier)]
    return " ".join(s for s in sentences if s)


# --- the summary at the front of the pack ------------------------------------------
@dataclass(frozen=True)
class Headline:
    """What the summary needs to know about one measure."""

    title: str
    polarity: str
    rag: str | None
    direction: str | None  # from direction_of_travel()
    has_figure: bool


def ratings_paragraph(headlines: Sequence[Headline]) -> str:
    rated = [h for h in headlines if h.rag in ("G", "A", "R")]
    parts = []
    if rated:
        counts = [count_with_verb(sum(h.rag == code for h in rated), "is", "are") + f" {RAG_WORDS[code]}"
                  for code in ("G", "A", "R")]
        parts.append(f"Of the {plural(len(rated), 'measure')} with a target, {join_words(counts)}.")
    else:
        parts.append("No measure has a rating against a target this month.")
    context = sum(h.polarity == "context" and h.has_figure for h in headlines)
    if context:
        parts.append(f"{count_with_verb(context, 'is a context measure', 'are context measures')}, "
                     "shown for information without a target.")
    untargeted = sum(h.polarity != "context" and h.has_figure and h.rag is None for h in headlines)
    if untargeted:
        parts.append(f"{count_with_verb(untargeted, 'has', 'have')} no target or rating.")
    missing = sum(not h.has_figure for h in headlines)
    if missing:
        parts.append(f"{count_with_verb(missing, 'has', 'have')} no figure for this month.")
    return " ".join(p[0].upper() + p[1:] for p in parts)


def measures_that(count: int, singular_verb: str, plural_verb: str) -> str:
    """'no measure has', '1 measure has', '3 measures have'."""
    if count == 0:
        return f"no measure {singular_verb}"
    return f"{plural(count, 'measure')} {singular_verb if count == 1 else plural_verb}"


def direction_paragraph(headlines: Sequence[Headline], period_end: dt.date) -> str:
    """Which measures improved or declined since the same month a year earlier."""
    judged = [h for h in headlines if h.polarity != "context"]
    improved = [lower_first(h.title) for h in judged if h.direction == "improving"]
    declined = [lower_first(h.title) for h in judged if h.direction == "declining"]
    steady = sum(h.direction == "steady" for h in judged)
    if not (improved or declined or steady):
        return "None of the measures with a target direction can yet be compared with a year earlier."
    clauses = [measures_that(len(improved), "has", "have") + " improved"
               + (f" ({join_words(improved)})" if improved else ""),
               measures_that(len(declined), "has", "have") + " declined"
               + (f" ({join_words(declined)})" if declined else "")]
    if steady:
        clauses.append(measures_that(steady, "is", "are") + " about the same")
    return f"Compared with a year earlier ({long_date(year_before(period_end))}), {join_words(clauses)}."


def summary_paragraphs(headlines: Sequence[Headline], period_end: dt.date,
                       not_calculated: int = 0) -> list[str]:
    """The Summary section: what the dashboard covers, the ratings, and what changed in a year."""
    paragraphs = [
        f"This report presents the children's services performance dashboard for the month ending "
        f"{long_date(period_end)} (Appendix A). It covers {plural(len(headlines), 'measure')} for the "
        "authority as a whole.",
        ratings_paragraph(headlines),
        direction_paragraph(headlines, period_end),
    ]
    if not_calculated:
        verb = "is" if not_calculated == 1 else "are"
        paragraphs.append(f"{plural(not_calculated, 'further measure')} could not be calculated in the "
                          f"latest refresh and {verb} listed at the end of Appendix A.")
    paragraphs.append(f"This summary and the commentary on each measure were {DRAFTED_NOTE}.")
    return paragraphs
