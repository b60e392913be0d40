"""A synthetic local authority: the returns a council would hold, with no real child in them.

    generate(out_dir, children=60_000, years=3, seed=1, last_year=2026)

writes, for collection years last_year-years+1 .. last_year (2026 = 2025/26):

    ssda903/<YYYY>/header.csv, episodes.csv, reviews.csv   children looked after (SSDA903)
    ssda903/<YYYY>/uasc.csv, oc2.csv, oc3.csv, ad1.csv,   and its other tables (care_tables.py;
        placed_for_adoption.csv, previous_permanence.csv,  sw_episodes.csv from 2023/24)
        missing.csv, sw_episodes.csv
    cin/cin_census_<YYYY>.xml                             children in need (CIN Census, 2024/25 shape; see cin_xml.py)
    org/teams.csv, workers.csv, allocations.csv           the case-management extract
    population.csv                                        ONS mid-year 0-17 population (EES layout)
    workforce/social_workers.csv, establishment.csv       the HR extract by month end (workforce.py)
    annex_a/annex_a_<YYYY>-03-31.xlsx                     Ofsted Annex A, Lists 1-11, extracted on 31 March (annex_a.py)

The model, in one paragraph. Children are referred at a daily rate proportional
to the 0-17 population (seasonal, mostly on working days). Each referral opens a
CIN episode whose route is drawn by age: no further action, assessed not in need,
short services, a CIN plan, a CP plan (after a section 47 enquiry and an ICPC),
or care (directly or after a CP plan) - see journeys.py. Care is modelled as the
903 records it: periods cut into episodes by changes of legal status and
placement, with reviews - see care.py. Closed cases can be re-referred, which
gives re-referrals, second CP plans and repeat periods of care. Enough history is
simulated before the first collection year that year 1 looks like any other
(children already in care, open plans, recent prior referrals). Every child is
allocated to a worker in a team of the right service at each stage - see org.py.
The numbers are in params.py, tuned so that each year's files give England's
rates (measures.md section 6): referrals ~540, children in need ~330, CP plans
~41 and children looked after ~67 per 10,000 children; ~86% of assessments in 45
working days; ~80% of ICPCs in 15; ~22% re-referrals; ~23% second CP plans.
Timeliness wobbles month to month, dips in August and December, improves mildly
year on year, and differs by team.

Everything is vectorised numpy, and the files are written column-wise with
pyarrow, so size costs little: see generate()'s docstring for timings. The same
seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from headway.errors import HeadwayError

from headway.synth import care_tables, journeys
from headway.synth.annex_a import write_annex_a_year
from headway.synth.cin_xml import write_cin_year
from headway.synth.csv_files import write_903_year, write_org, write_population
from headway.synth.model import build_model
from headway.synth.org import allocations
from headway.synth.workforce import write_workforce
from headway.synth.text import DateText

LA_CODE = "999"


def generate(out_dir: Path, children: int = 60_000, years: int = 3, seed: int = 1, last_year: int = 2026,
             progress: bool = False, annex_a_variants: bool = False) -> dict[str, int]:
    """Write a synthetic authority's returns into out_dir (annex_a_variants: write the
    Annex A workbooks in the forms real councils send, see synth/annex_a.py); returns rows per file
    (path relative to out_dir, with / separators -> rows; for the CIN XML, the
    records: children, episodes, assessments, plans, S47s, CP plans and reviews).

    About 1.57 rows per child over 3 years. Measured on the 2-core build machine:
    60,000 children, 94,000 rows: under 1 s, 175 MB peak; 4,500,000 children,
    7.1 million rows (1.2 GB of XML): 17-22 s, 0.9 GB peak.
    """
    if children < 1 or years < 1:
        raise HeadwayError("A synthetic authority needs at least 1 child and 1 collection year.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    first_year = last_year - years + 1
    steps = tqdm(total=3 + 2 * years, desc="synth", unit="step", disable=not progress)

    model = build_model(seed, children, years, last_year)
    sim = journeys.simulate(model)
    steps.update()
    kids = sim["children"]
    # ICPC targets run past 31 March, and a UASC child's DUC is their 18th birthday
    dates = DateText(int(kids["dob"].min(initial=model.care_history_start)), model.end + 19 * 366)
    held = allocations(model.rng, model.org, sim["episodes"], kids["locality"], since=model.window_start)
    drawn = care_tables.draw(seed, sim, held)  # the 903's other tables (SWEpisodes from the allocations)
    written: dict[str, int] = {}
    for year in range(first_year, last_year + 1):
        written.update(write_903_year(out_dir, year, sim, dates, drawn))
        steps.update()
        written.update(write_cin_year(out_dir, year, sim, dates, LA_CODE))
        steps.update()
    written.update(write_org(out_dir, model.org, held, kids, model.window_start, model.end, dates))
    written.update(write_workforce(out_dir, model.org, held, seed, model.window_start, model.end, dates))
    steps.update()
    written.update(write_population(out_dir, {y: model.population(y) for y in range(first_year, last_year + 1)}))
    for year in range(first_year, last_year + 1):
        written.update(write_annex_a_year(out_dir, year, model, sim, held, seed, annex_a_variants))
    steps.update()
    steps.close()
    return written
