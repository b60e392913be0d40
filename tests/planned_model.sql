-- The model tables that the measures needing a source Headway does not read yet
-- (catalogue.PLANNED_SOURCES) are written against. When a reader for one of these
-- sources is added, its staging table goes into warehouse/tables.py and these
-- tables (same names and columns) into warehouse/model.sql; until then the measures
-- are skipped. tests/test_catalogue.py binds every measure's SQL against the real
-- model plus these tables, so a measure and this plan cannot drift apart.
-- CREATE ... IF NOT EXISTS: once a table is in the real model, the real one is used.

-- Annex A List 1 (annex_a_list1): one row per contact.
CREATE TABLE IF NOT EXISTS contacts (child_id VARCHAR, contact_date DATE, contact_source VARCHAR);

-- Annex A List 2 (annex_a_list2): one row per early help assessment.
CREATE TABLE IF NOT EXISTS early_help_assessments (
    child_id VARCHAR, start_date DATE, completion_date DATE, organisation VARCHAR);

-- Annex A List 7 (annex_a_list7): one row per child on each list, as at the date it
-- was extracted (a council sends a new list each month or each inspection).
CREATE TABLE IF NOT EXISTS annex_a_cp_plans (
    child_id VARCHAR, extract_date DATE, plan_start_date DATE, plan_end_date DATE,
    last_visit_date DATE, seen_alone BOOLEAN, latest_review_date DATE);

-- Annex A List 8 (annex_a_list8): children in care, as at the extract date.
-- placement_location is 'In' or 'Out' (of the council's area).
CREATE TABLE IF NOT EXISTS annex_a_children_in_care (
    child_id VARCHAR, extract_date DATE, care_start_date DATE, ceased_date DATE,
    last_visit_date DATE, placement_location VARCHAR, missing_episodes INTEGER,
    rhi_offered BOOLEAN, rhi_accepted BOOLEAN);

-- Annex A List 9 (annex_a_list9): care leavers, as at the extract date.
CREATE TABLE IF NOT EXISTS annex_a_care_leavers (
    child_id VARCHAR, extract_date DATE, personal_adviser VARCHAR, pathway_plan_review_date DATE,
    in_touch VARCHAR, accommodation_suitable BOOLEAN, activity VARCHAR);

-- SSDA903 OC2 (ssda903_oc2): children looked after continuously for 12 months at
-- 31 March of collection_year; age_at_31_march from DOB. Flags 0/1 as BOOLEAN.
CREATE TABLE IF NOT EXISTS cla_outcomes (
    child_id VARCHAR, dob DATE, age_at_31_march INTEGER, sdq_score INTEGER, sdq_reason VARCHAR,
    convicted BOOLEAN, health_check BOOLEAN, immunisations BOOLEAN, teeth_check BOOLEAN,
    health_assessment BOOLEAN, substance_misuse BOOLEAN, intervention_received BOOLEAN,
    intervention_offered BOOLEAN, collection_year INTEGER);

-- SSDA903 OC3 (ssda903_oc3): care leavers around their 17th to 21st birthday;
-- birthday is the one in the collection year and age the age reached on it.
CREATE TABLE IF NOT EXISTS care_leavers (
    child_id VARCHAR, dob DATE, birthday DATE, age INTEGER, in_touch VARCHAR, activ VARCHAR,
    accom VARCHAR, collection_year INTEGER);

-- SSDA903 AD1 (ssda903_ad1): children adopted. date_int is the decision that the
-- child should be placed for adoption, date_match the match with the adopters.
CREATE TABLE IF NOT EXISTS adoptions (
    child_id VARCHAR, dob DATE, date_int DATE, date_match DATE, foster_care BOOLEAN,
    nb_adoptr VARCHAR, sex_adoptr VARCHAR, ls_adoptr VARCHAR, collection_year INTEGER);

-- SSDA903 Missing (ssda903_missing): missing is 'M' (missing) or 'A' (away without
-- authorisation).
CREATE TABLE IF NOT EXISTS missing_episodes (
    child_id VARCHAR, missing VARCHAR, mis_start DATE, mis_end DATE);

-- SSDA903 SWEpisodes (ssda903_sw_episodes): who was each child's social worker when.
CREATE TABLE IF NOT EXISTS cla_social_workers (
    child_id VARCHAR, sw_id VARCHAR, sw_decom DATE, sw_dec DATE, sw_reason VARCHAR);

-- Children's social work workforce census (csww_worker, csww_vacancy), at 30
-- September (census_date). social_workers holds the workers in post and agency
-- workers on the census date (left_date blank) and the leavers in the year to it.
CREATE TABLE IF NOT EXISTS social_workers (
    worker_id VARCHAR, census_date DATE, fte DOUBLE, agency BOOLEAN, left_date DATE,
    absence_days DOUBLE, case_holder BOOLEAN, cases INTEGER);
CREATE TABLE IF NOT EXISTS social_work_vacancies (
    census_date DATE, vacancy_fte DOUBLE, agency_cover_fte DOUBLE);

-- Postcode locations (postcode_locations), from the ONS Postcode Directory, and the
-- SSDA903 Episodes postcodes they are looked up by (HOME_POST, PL_POST).
CREATE TABLE IF NOT EXISTS postcode_locations (postcode VARCHAR, latitude DOUBLE, longitude DOUBLE);
ALTER TABLE cla_episodes ADD COLUMN IF NOT EXISTS home_post VARCHAR;
ALTER TABLE cla_episodes ADD COLUMN IF NOT EXISTS pl_post VARCHAR;
