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
        "home_post": "VARCHAR", "pl_post": "VARCHAR",  # postcodes, cut to sectors by privacy.py
        "pl_distance": "DOUBLE",  # miles between them, worked out first (placement_distance.py)
    },
    "ssda903_reviews": {
        "child_id": "VARCHAR", "review": "DATE", "review_code": "VARCHAR",
    },
    "ssda903_uasc": {
        "child_id": "VARCHAR", "sex": "VARCHAR", "dob": "DATE", "duc": "DATE",
    },
    "ssda903_oc2": {  # flags 0/1 as BOOLEAN
        "child_id": "VARCHAR", "dob": "DATE", "sdq_score": "INTEGER", "sdq_reason": "VARCHAR",
        "convicted": "BOOLEAN", "health_check": "BOOLEAN", "immunisations": "BOOLEAN",
        "teeth_check": "BOOLEAN", "health_assessment": "BOOLEAN", "substance_misuse": "BOOLEAN",
        "intervention_received": "BOOLEAN", "intervention_offered": "BOOLEAN",
    },
    "ssda903_oc3": {
        "child_id": "VARCHAR", "dob": "DATE", "in_touch": "VARCHAR", "activ": "VARCHAR", "accom": "VARCHAR",
    },
    "ssda903_ad1": {
        "child_id": "VARCHAR", "dob": "DATE", "date_int": "DATE", "date_match": "DATE",
        "foster_care": "BOOLEAN", "nb_adoptr": "VARCHAR", "sex_adoptr": "VARCHAR", "ls_adoptr": "VARCHAR",
    },
    "ssda903_placed_adoption": {
        "child_id": "VARCHAR", "dob": "DATE", "date_placed": "DATE", "date_placed_ceased": "DATE",
        "reason_placed_ceased": "VARCHAR",
    },
    "ssda903_prev_perm": {  # DATE_PERM as written: the DfE lets a part be unknown (zz/zz/2015)
        "child_id": "VARCHAR", "dob": "DATE", "prev_perm": "VARCHAR", "la_perm": "VARCHAR",
        "date_perm": "VARCHAR",
    },
    "ssda903_missing": {
        "child_id": "VARCHAR", "dob": "DATE", "missing": "VARCHAR", "mis_start": "DATE", "mis_end": "DATE",
    },
    "ssda903_sw_episodes": {
        "child_id": "VARCHAR", "dob": "DATE", "sw_id": "VARCHAR", "sw_decom": "DATE", "sw_dec": "DATE",
        "sw_reason": "VARCHAR",
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
    # Ofsted Annex A (returns/annex_a.py), one file per extract: each list's columns as
    # annex_a_lists.staging_columns() gives them (tests/test_annex_a.py checks they agree),
    # and the date the lists were extracted. Codes as the CIN Census and 903 write them.
    "annex_a_list1": {  # Contacts
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "contact_date": "DATE", "contact_source": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list2": {  # Early help
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "start_date": "DATE", "completion_date": "DATE", "organisation": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list3": {  # Referrals
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "referral_date": "DATE", "referral_source": "VARCHAR", "referral_nfa": "BOOLEAN",
        "referrals_12m": "INTEGER", "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR",
        "extract_date": "DATE",
    },
    "annex_a_list4": {  # Assessments
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "disability": "BOOLEAN", "start_date": "DATE", "child_seen": "BOOLEAN", "authorisation_date": "DATE",
        "outcome": "VARCHAR", "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR",
        "extract_date": "DATE",
    },
    "annex_a_list5": {  # Section 47 enquiries and ICPCs
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "disability": "BOOLEAN", "s47_start_date": "DATE", "icpc_not_required": "BOOLEAN", "icpc_date": "DATE",
        "icpc_plan": "BOOLEAN", "s47_12m": "INTEGER", "icpc_12m": "INTEGER", "allocated_team": "VARCHAR",
        "allocated_worker": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list6": {  # Children in need
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "disability": "BOOLEAN", "cin_start_date": "DATE", "primary_need": "VARCHAR", "last_seen_date": "DATE",
        "cin_closure_date": "DATE", "closure_reason": "VARCHAR", "case_status": "VARCHAR",
        "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list7": {  # Child protection
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "disability": "BOOLEAN", "plan_start_date": "DATE", "initial_category": "VARCHAR",
        "latest_category": "VARCHAR", "last_visit_date": "DATE", "seen_alone": "BOOLEAN",
        "latest_review_date": "DATE", "plan_end_date": "DATE", "epo_6m": "BOOLEAN", "previous_plans": "INTEGER",
        "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list8": {  # Children in care
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "uasc": "BOOLEAN", "disability": "BOOLEAN", "care_start_date": "DATE", "category_of_need": "VARCHAR",
        "second_period": "BOOLEAN", "legal_status_start_date": "DATE", "legal_status": "VARCHAR",
        "latest_review_date": "DATE", "last_visit_date": "DATE", "permanence_plan": "VARCHAR",
        "last_iro_contact_date": "DATE", "last_health_assessment_date": "DATE",
        "last_dental_check_date": "DATE", "placements_12m": "INTEGER", "ceased_date": "DATE",
        "reason_ceased": "VARCHAR", "placement_start_date": "DATE", "placement_type": "VARCHAR",
        "placement_provider": "VARCHAR", "placement_postcode": "VARCHAR", "placement_urn": "VARCHAR",
        "placement_location": "VARCHAR", "placement_la": "VARCHAR", "missing_episodes": "INTEGER",
        "absent_episodes": "INTEGER", "rhi_offered": "BOOLEAN", "rhi_accepted": "BOOLEAN",
        "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list9": {  # Care leavers
        "child_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE", "age": "INTEGER",
        "uasc": "BOOLEAN", "disability": "BOOLEAN", "allocated_team": "VARCHAR", "allocated_worker": "VARCHAR",
        "personal_adviser": "VARCHAR", "eligibility": "VARCHAR", "pathway_plan_review_date": "DATE",
        "in_touch": "VARCHAR", "latest_contact_date": "DATE", "accommodation": "VARCHAR",
        "accommodation_suitable": "BOOLEAN", "activity": "VARCHAR", "extract_date": "DATE",
    },
    "annex_a_list10": {  # Adoption
        "child_id": "VARCHAR", "family_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR", "dob": "DATE",
        "age": "INTEGER", "disability": "BOOLEAN", "care_start_date": "DATE", "decision_date": "DATE",
        "placement_order_date": "DATE", "matched_date": "DATE", "placed_date": "DATE",
        "adoption_order_date": "DATE", "no_longer_decision_date": "DATE", "no_longer_reason": "VARCHAR",
        "ffa_placed_date": "DATE", "extract_date": "DATE",
    },
    "annex_a_list11": {  # Adopters
        "adopter_id": "VARCHAR", "family_id": "VARCHAR", "sex": "VARCHAR", "ethnicity": "VARCHAR",
        "disability": "BOOLEAN", "fostering_for_adoption": "BOOLEAN", "enquiry_date": "DATE",
        "stage1_start_date": "DATE", "stage1_end_date": "DATE", "stage2_start_date": "DATE",
        "stage2_end_date": "DATE", "application_date": "DATE", "approval_date": "DATE", "matched_date": "DATE",
        "placed_date": "DATE", "children_placed": "INTEGER", "adoption_order_date": "DATE", "left_date": "DATE",
        "left_reason": "VARCHAR", "extract_date": "DATE",
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
    # Workforce (returns/workforce.py): the HR extract, one row per social worker per
    # month end (as_at), and the establishment and vacancies per team per month end.
    # contract is 'permanent' or 'agency'; cases blank = not a case holder.
    "csww_worker": {
        "as_at": "DATE", "worker_id": "VARCHAR", "team_id": "VARCHAR", "role": "VARCHAR",
        "fte": "DOUBLE", "contract": "VARCHAR", "asye": "BOOLEAN", "start_date": "DATE",
        "leaving_date": "DATE", "cases": "INTEGER", "absence_days": "DOUBLE",
    },
    "csww_vacancy": {
        "as_at": "DATE", "team_id": "VARCHAR", "establishment_fte": "DOUBLE", "vacancy_fte": "DOUBLE",
        "agency_cover_fte": "DOUBLE", "complex_needs": "BOOLEAN",
    },
    # ONS mid-year population estimate aged 0-17 (EES layout), for rates per 10,000
    "population": {
        "time_period": "INTEGER", "la_code": "VARCHAR", "la_name": "VARCHAR",
        "population_0_17": "INTEGER",
    },
}

# Tables that come once per collection year (the others are a current extract).
YEARLY_TABLES = {name for name in STAGING_TABLES if name.startswith(("ssda903_", "cin_"))}
