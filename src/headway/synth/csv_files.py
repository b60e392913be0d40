"""The CSV files: one SSDA903 return per collection year, the organisation
extract (teams, workers, allocations) and the ONS population.

Each year's 903 holds what the council would have returned on 31 March of that
year: the children looked after at any time in the year, every episode open at
any time in it, and the year's reviews. An episode still open at 31 March has
no DEC or REC yet, even if the simulation knows how it ends. Its other tables
(UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes) come from
care_tables.py; the OC3's care leavers join the Header. A table with no rows in a
year is not written.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from headway.synth import care, care_tables, params, postcodes
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

def write_903_year(out_dir: Path, year: int, sim: dict, dates: DateText, drawn: dict) -> dict[str, int]:
    """Every table of the year's 903; `drawn` is care_tables.draw()'s."""
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
        "PLACE": codes(care.place_codes(year), ep["place"]),
        "PLACE_PROVIDER": codes(care.PROVIDERS, ep["provider"]),
        "DEC": dates.uk_dates(ep["dec"], ended),
        "REC": codes(care.REC_CODES, ep["rec"], ended),
        "REASON_PLACE_CHANGE": codes(care.REASON_CODES, ep["reason"], ended),
        **_postcodes(ep, kids, care_tables.uasc_children(drawn)),
        "URN": _urns(ep["urn"], ep["place"]),
    })
    looked_after = np.unique(ep["child"])
    tables = care_tables.year_tables(drawn, sim, year)
    children = np.union1d(looked_after, tables["oc3"]["child"])  # care leavers are in the Header too
    children = children[np.argsort(kids["code"][children], kind="stable")]
    header = _header(kids, children, year, last, dates, np.isin(children, looked_after))
    rows[f"ssda903/{year}/header.csv"] = write_table(folder / "header.csv", header)
    reviews = sim["care_reviews"]
    rv = take(reviews, (reviews["date"] >= first) & (reviews["date"] <= last))
    rv = take(rv, np.lexsort((rv["date"], kids["code"][rv["child"]])))
    rows[f"ssda903/{year}/reviews.csv"] = write_table(folder / "reviews.csv", {
        "CHILD": child_ids(kids["code"][rv["child"]]),
        "DOB": dates.uk_dates(kids["dob"][rv["child"]]),
        "REVIEW": dates.uk_dates(rv["date"]),
        "REVIEW_CODE": codes(care.REVIEW_CODES, rv["code"]),
    })
    for name, columns in _other_tables(tables, kids, year, dates).items():
        if len(columns["CHILD"]):  # a table with no rows is left out, as `headway load` asks
            rows[f"ssda903/{year}/{name}.csv"] = write_table(folder / f"{name}.csv", columns)
    return rows


def _postcodes(ep: Frame, kids: Frame, uasc: np.ndarray) -> dict[str, pa.Array]:
    """HOME_POST and PL_POST, real postcodes (synth/postcodes.py). An unaccompanied
    asylum-seeking child has no home postcode here, so no distance (DfE rules 406
    and 392a): UASC status is the child's, from their first period of care on."""
    home = postcodes.home_index(kids["locality"][ep["child"]])
    home_text = postcodes.book()[0].take(pa.array(home))
    no_home = np.isin(ep["child"], uasc)
    placed = postcodes.placement_postcodes(ep["postcode"], home, ep["place"] == care.PLACE_INDEX["P1"],
                                           care.POSTCODES_PER_AREA)
    return {"HOME_POST": pc.if_else(pa.array(no_home), pa.scalar(None, pa.string()), home_text), "PL_POST": placed}


def _by_child(frame, kids: Frame, *then: str):
    """Rows in case-number order (then by the columns named)."""
    keys = tuple(frame[c] for c in reversed(then)) + (kids["code"][frame["child"]],)
    return take(frame, np.lexsort(keys))


def _child_columns(kids: Frame, child: np.ndarray, dates: DateText) -> dict[str, pa.Array]:
    return {"CHILD": child_ids(kids["code"][child]), "DOB": dates.uk_dates(kids["dob"][child])}


def _flags(values: np.ndarray) -> pa.Array:
    """0/1, blank where -1."""
    return codes(("0", "1"), values)


def _other_tables(tables: dict, kids: Frame, year: int, dates: DateText) -> dict[str, dict[str, pa.Array]]:
    """UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing and SWEpisodes, as the DfE lays them out."""
    out = {}
    u = _by_child(tables["uasc"], kids)
    out["uasc"] = {"CHILD": child_ids(kids["code"][u["child"]]), "SEX": codes(_sexes(year), kids["sex"][u["child"]]),
                   "DOB": dates.uk_dates(kids["dob"][u["child"]]), "DUC": dates.uk_dates(u["duc"])}
    o = _by_child(tables["oc2"], kids)
    out["oc2"] = {**_child_columns(kids, o["child"], dates),
                  "SDQ_SCORE": pc.if_else(pa.array(o["SDQ_SCORE"] >= 0), numbers(o["SDQ_SCORE"]),
                                          pa.scalar(None, pa.string())),
                  "SDQ_REASON": codes(care_tables.SDQ_REASON_CODES, o["SDQ_REASON"]),
                  **{name: _flags(o[name]) for name in ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
                                                        "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                                                        "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")}}
    c = _by_child(tables["oc3"], kids)
    out["oc3"] = {**_child_columns(kids, c["child"], dates), "IN_TOUCH": pa.array(c["IN_TOUCH"].tolist(), pa.string()),
                  "ACTIV": pa.array(c["ACTIV"].tolist(), pa.string()), "ACCOM": pa.array(c["ACCOM"].tolist(), pa.string())}
    a = _by_child(tables["ad1"], kids)
    couple = np.array(list(care_tables.ADOPTERS))[a["adopters"]]
    out["ad1"] = {**_child_columns(kids, a["child"], dates), "DATE_INT": dates.uk_dates(a["decision"]),
                  "DATE_MATCH": dates.uk_dates(a["match"]), "FOSTER_CARE": _flags(a["foster_care"].astype(np.int8)),
                  "NB_ADOPTR": pa.array(np.where(np.isin(couple, ("M1", "F1")), "1", "2").tolist()),
                  "SEX_ADOPTR": pa.array(couple.tolist(), pa.string()),
                  "LS_ADOPTR": pa.array(a["adopters_status"].tolist(), pa.string())}
    pl = _by_child(tables["placed"], kids)
    out["placed_for_adoption"] = {**_child_columns(kids, pl["child"], dates), "DATE_PLACED": dates.uk_dates(pl["decision"]),
                                  "DATE_PLACED_CEASED": pa.nulls(len(pl["child"]), pa.string()),
                                  "REASON_PLACED_CEASED": pa.nulls(len(pl["child"]), pa.string())}
    pp = _by_child(tables["prev_perm"], kids)
    other = pp["prev_perm"] > 0  # Z1 is no previous permanence
    out["previous_permanence"] = {
        **_child_columns(kids, pp["child"], dates),
        "PREV_PERM": codes(tuple(care_tables.PREVIOUS_PERMANENCE), pp["prev_perm"]),
        "LA_PERM": codes(care_tables.OTHER_LA_CODES, pp["prev_perm_la"], other),
        "DATE_PERM": dates.uk_dates(pp["prev_perm_date"], other)}
    m = _by_child(tables["missing"], kids, "start")
    out["missing"] = {**_child_columns(kids, m["child"], dates), "MISSING": codes(("M", "A"), m["away"].astype(np.int8)),
                      "MIS_START": dates.uk_dates(m["start"]), "MIS_END": dates.uk_dates(m["end"], m["ended"])}
    if "sw" in tables:
        w = _by_child(tables["sw"], kids, "start")
        out["sw_episodes"] = {**_child_columns(kids, w["child"], dates),
                              "SW_ID": pc.binary_join_element_wise("SW", pc.utf8_lpad(numbers(w["worker"] + 1), 6, "0"), ""),
                              "SW_DECOM": dates.uk_dates(w["start"]), "SW_DEC": dates.uk_dates(w["end"], w["ended"]),
                              "SW_REASON": pa.array(w["reason"].tolist(), pa.string())}
    return out


def _sexes(year: int) -> tuple[str, str]:
    return ("M", "F") if year >= FIRST_YEAR_SEX_LETTERS else ("1", "2")


def _header(kids: Frame, children: np.ndarray, year: int, last: int, dates: DateText,
            looked_after: np.ndarray) -> dict[str, pa.Array]:
    """SEX 1/2 (M/F from 2024/25); MOTHER 1/0 for girls (blank for boys), MC_DOB for mothers. A girl's
    motherhood is fixed by her case number, so the same girl is a mother in every
    year's file from her baby's birth on. Care leavers not looked after in the year
    (there for OC3) have no MOTHER (rule 628)."""
    code = kids["code"][children]
    dob = kids["dob"][children]
    female = kids["sex"][children] == 1
    baby_born = add_years(dob, 15) + (code % 900).astype(np.int32)
    female = female & looked_after
    mother = female & (code % 1000 < 1000 * params.MOTHER_PROBABILITY_FEMALE_12_PLUS) & (baby_born <= last)
    upn = np.array(upn_strings(code), dtype=object)
    unknown = ~kids["upn_known"][children]
    upn[unknown] = unknown_upn_codes(dob[unknown], year)
    return {
        "CHILD": child_ids(code),
        "SEX": codes(_sexes(year), kids["sex"][children]),
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

