"""The CSV files: one SSDA903 return per collection year, the organisation
extract (teams, workers, allocations) and the ONS population.

Each year's 903 holds what the council would have returned on 31 March of that
year: the children looked after at any time in the year, every episode open at
any time in it, and the year's reviews. An episode still open at 31 March has
no DEC or REC yet, even if the simulation knows how it ends.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from headway.synth import care, params
from headway.synth.children import unknown_upn_codes, upn_strings
from headway.synth.days import add_years, collection_year_bounds
from headway.synth.frames import Frame, take
from headway.synth.org import Org
from headway.synth.text import DateText, child_ids, codes, numbers

ETHNICITIES = tuple(params.ETHNICITY_WEIGHTS)
FIRST_YEAR_SEX_LETTERS = 2025  # from 2024/25 the 903 records SEX as M/F/U (1/2 before; rule 101)
XXXXXXX_PLACES = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")  # the only ones (rule 242)
# Plain unquoted CSV, as councils' systems write it (no value here contains a comma or quote;
# pyarrow raises if one ever does). The header is written by hand: pyarrow quotes it.
WRITE_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="none")


def write_table(path: Path, columns: dict[str, pa.Array]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(columns)
    with path.open("wb") as fh:
        fh.write((",".join(columns) + "\n").encode())
        pacsv.write_csv(table, fh, WRITE_OPTIONS)
    return table.num_rows


# ---------------------------------------------------------------- SSDA903

def write_903_year(out_dir: Path, year: int, sim: dict, dates: DateText, postcodes: pa.Array) -> dict[str, int]:
    first, last = collection_year_bounds(year)
    kids = sim["children"]
    episodes = sim["care_episodes"]
    in_year = (episodes["decom"] <= last) & (episodes["dec"] >= first)
    ep = take(episodes, in_year)
    ep = take(ep, np.lexsort((ep["decom"], kids["code"][ep["child"]])))
    ended = ep["dec"] <= last
    folder = out_dir / "ssda903" / str(year)
    rows = {}
    rows[f"ssda903/{year}/episodes.csv"] = write_table(folder / "episodes.csv", {
        "CHILD": child_ids(kids["code"][ep["child"]]),
        "DECOM": dates.uk_dates(ep["decom"]),
        "RNE": codes(care.RNE_CODES, ep["rne"]),
        "LS": codes(care.LEGAL_STATUSES, ep["ls"]),
        "CIN": codes(params.NEED_CODES, ep["cin"]),
        "PLACE": codes(care.PLACES, ep["place"]),
        "PLACE_PROVIDER": codes(care.PROVIDERS, ep["provider"]),
        "DEC": dates.uk_dates(ep["dec"], ended),
        "REC": codes(care.REC_CODES, ep["rec"], ended),
        "REASON_PLACE_CHANGE": codes(care.REASON_CODES, ep["reason"], ended),
        "HOME_POST": pc.take(postcodes, pa.array(kids["locality"][ep["child"]] % 36_000)),
        "PL_POST": pc.take(postcodes, pa.array(ep["postcode"])),
        "URN": _urns(ep["urn"], ep["place"]),
    })
    children = np.unique(ep["child"])
    children = children[np.argsort(kids["code"][children], kind="stable")]
    rows[f"ssda903/{year}/header.csv"] = write_table(folder / "header.csv", _header(kids, children, year, last, dates))
    reviews = sim["care_reviews"]
    rv = take(reviews, (reviews["date"] >= first) & (reviews["date"] <= last))
    rv = take(rv, np.lexsort((rv["date"], kids["code"][rv["child"]])))
    rows[f"ssda903/{year}/reviews.csv"] = write_table(folder / "reviews.csv", {
        "CHILD": child_ids(kids["code"][rv["child"]]),
        "DOB": dates.uk_dates(kids["dob"][rv["child"]]),
        "REVIEW": dates.uk_dates(rv["date"]),
        "REVIEW_CODE": codes(care.REVIEW_CODES, rv["code"]),
    })
    return rows


def _header(kids: Frame, children: np.ndarray, year: int, last: int, dates: DateText) -> dict[str, pa.Array]:
    """SEX 1/2 (M/F from 2024/25); MOTHER 1/0 for girls (blank for boys), MC_DOB for mothers. A girl's
    motherhood is fixed by her case number, so the same girl is a mother in every
    year's file from her baby's birth on."""
    code = kids["code"][children]
    dob = kids["dob"][children]
    female = kids["sex"][children] == 1
    baby_born = add_years(dob, 15) + (code % 900).astype(np.int32)
    mother = female & (code % 1000 < 1000 * params.MOTHER_PROBABILITY_FEMALE_12_PLUS) & (baby_born <= last)
    upn = np.array(upn_strings(code), dtype=object)
    unknown = ~kids["upn_known"][children]
    upn[unknown] = unknown_upn_codes(dob[unknown], year)
    sexes = ("M", "F") if year >= FIRST_YEAR_SEX_LETTERS else ("1", "2")
    return {
        "CHILD": child_ids(code),
        "SEX": codes(sexes, kids["sex"][children]),
        "DOB": dates.uk_dates(dob),
        "ETHNIC": codes(ETHNICITIES, kids["ethnicity"][children]),
        "UPN": pa.array(upn.tolist(), pa.string()),
        "MOTHER": codes(("0", "1"), mother.astype(np.int8), female),
        "MC_DOB": dates.uk_dates(baby_born, mother),
    }


def _urns(urn: np.ndarray, place: np.ndarray) -> pa.Array:
    """The Ofsted URN where the setting has one (params.PLACES_WITH_URN), 'XXXXXXX'
    for foster and adoptive placements, blank for the rest."""
    text = pc.binary_join_element_wise("SC", numbers(urn), "")
    foster_or_adoptive = np.isin(np.array(care.PLACES)[place], XXXXXXX_PLACES)
    none = pc.if_else(pa.array(foster_or_adoptive), "XXXXXXX", pa.scalar(None, pa.string()))
    return pc.if_else(pa.array(urn > 0), text, none)


# ---------------------------------------------------------------- organisation

def write_org(out_dir: Path, org: Org, allocations: Frame, kids: Frame, window_start: int, end: int,
              dates: DateText) -> dict[str, int]:
    folder = out_dir / "org"
    team_ids, worker_ids = org.team_ids, org.worker_ids
    rows = {}
    rows["org/teams.csv"] = write_table(folder / "teams.csv", {
        "team_id": pa.array(team_ids),
        "team_name": pa.array(org.team_names),
        "service_area": pa.array([params.SERVICE_AREAS[s] for s in org.team_service]),
    })
    rows["org/workers.csv"] = write_table(folder / "workers.csv", {
        "worker_id": pa.array(worker_ids),
        "worker_name": pa.array(org.worker_names),
        "team_id": pc.take(pa.array(team_ids), pa.array(org.worker_team)),
        "role": pa.array(org.worker_roles),
    })
    a = allocations
    a = take(a, (a["start"] <= end) & (a["end"] >= window_start))
    a = take(a, np.lexsort((a["start"], kids["code"][a["child"]])))
    rows["org/allocations.csv"] = write_table(folder / "allocations.csv", {
        "child_id": child_ids(kids["code"][a["child"]]),
        "worker_id": pc.take(pa.array(worker_ids), pa.array(a["worker"])),
        "start_date": dates.iso_dates(a["start"]),
        "end_date": dates.iso_dates(a["end"], a["end"] <= end),
    })
    return rows


# ---------------------------------------------------------------- population

POPULATION_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                      "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "age_group",
                      "population_estimate")


def write_population(out_dir: Path, populations: dict[int, int]) -> dict[str, int]:
    """EES layout, one Local authority row per mid-year (the year before each
    collection year ends: mid-2025 for 2025/26)."""
    path = out_dir / "population.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(POPULATION_COLUMNS)
        for collection_year, population in sorted(populations.items()):
            writer.writerow([collection_year - 1, "Reporting year", "Local authority", "E92000001", "England",
                             "E12000009", "South West", "999", "E06999999", "Synthetic Borough",
                             "Children aged 0 to 17 years", population])
    return {"population.csv": len(populations)}

