"""The staging tables every reader produces: the one contract between readers,
the synthetic generator and the warehouse.

Each reader returns pyarrow tables with exactly these columns (in this order) for
the tables it finds; staging.py adds `collection_year` where the return has one.
Types are DuckDB types. Child IDs are strings, always: 0123 is not 123.
"""

from __future__ import annotations

STAGING_TABLES: dict[str, dict[str, str]] = {
    # SSDA903 (children looked after), one set per collection year
    "ssda903_header": {
        "child_id": "VARCHAR", "sex": "VARCHAR", "dob": "DATE", "ethnic": "VARCHAR",
    },
    "ssda903_episodes": {
        "child_id": "VARCHAR", "decom": "DATE", "rne": "VARCHAR", "ls": "VARCHAR",
        "cin": "VARCHAR", "place": "VARCHAR", "place_provider": "VARCHAR",
        "dec": "DATE", "rec": "VARCHAR", "reason_place_change": "VARCHAR",
    },
    "ssda903_reviews": {
        "child_id": "VARCHAR", "review": "DATE", "review_code": "VARCHAR",
    },
    # CIN Census (children in need), one set per collection year.
    # Blocks below the child are keyed by child_id + referral_date (the CINdetails).
    "cin_child": {
        "child_id": "VARCHAR", "dob": "DATE", "sex": "VARCHAR", "ethnicity": "VARCHAR",
        "disabilities": "VARCHAR",
    },
    "cin_episode": {
        "child_id": "VARCHAR", "referral_date": "DATE", "referral_source": "VARCHAR",
        "primary_need": "VARCHAR", "closure_date": "DATE", "closure_reason": "VARCHAR",
        "referral_nfa": "BOOLEAN",
    },
    "cin_assessment": {
        "child_id": "VARCHAR", "referral_date": "DATE", "start_date": "DATE",
        "authorisation_date": "DATE", "factors": "VARCHAR",
    },
    "cin_plan": {
        "child_id": "VARCHAR", "referral_date": "DATE", "start_date": "DATE", "end_date": "DATE",
    },
    "cin_s47": {
        "child_id": "VARCHAR", "referral_date": "DATE", "start_date": "DATE",
        "icpc_target": "DATE", "icpc_date": "DATE", "icpc_not_required": "BOOLEAN",
    },
    "cin_cp_plan": {
        "child_id": "VARCHAR", "referral_date": "DATE", "start_date": "DATE", "end_date": "DATE",
        "initial_category": "VARCHAR", "latest_category": "VARCHAR", "previous_plans": "INTEGER",
    },
    "cin_cp_review": {
        "child_id": "VARCHAR", "plan_start_date": "DATE", "review_date": "DATE",
    },
    # Case-management extract: the organisation and who each child is allocated to
    "org_team": {
        "team_id": "VARCHAR", "team_name": "VARCHAR", "service_area": "VARCHAR",
    },
    "org_worker": {
        "worker_id": "VARCHAR", "worker_name": "VARCHAR", "team_id": "VARCHAR", "role": "VARCHAR",
    },
    "org_allocation": {
        "child_id": "VARCHAR", "worker_id": "VARCHAR", "start_date": "DATE", "end_date": "DATE",
    },
    # ONS mid-year population estimate aged 0-17 (EES layout), for rates per 10,000
    "population": {
        "time_period": "INTEGER", "la_code": "VARCHAR", "la_name": "VARCHAR",
        "population_0_17": "INTEGER",
    },
}

# Tables that come once per collection year (the others are a current extract).
YEARLY_TABLES = {name for name in STAGING_TABLES if name.startswith(("ssda903_", "cin_"))}
