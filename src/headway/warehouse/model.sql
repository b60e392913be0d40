-- The warehouse model: clean, one-row-per-thing tables built from the staging
-- tables (stg_*, one per reader table, with collection_year on the yearly ones).
-- Measure SQL reads only these tables, never stg_*.
--
-- A case open across a year end appears in every return it was open in; the
-- latest return's version of it wins (it has the closure date, the authorisation,
-- the end of the plan), so each table keeps one row per natural key.

-- Children in need: one row per referral (CIN episode, "CINdetails").
CREATE TABLE referrals AS
SELECT child_id, referral_date, referral_source, primary_need, closure_date, closure_reason,
       referral_nfa, collection_year
FROM stg_cin_episode
QUALIFY row_number() OVER (PARTITION BY child_id, referral_date ORDER BY collection_year DESC) = 1;

CREATE TABLE assessments AS
SELECT child_id, referral_date, start_date, authorisation_date, factors, collection_year
FROM stg_cin_assessment
QUALIFY row_number() OVER (PARTITION BY child_id, start_date ORDER BY collection_year DESC) = 1;

CREATE TABLE cin_plans AS
SELECT child_id, referral_date, start_date, end_date, collection_year
FROM stg_cin_plan
QUALIFY row_number() OVER (PARTITION BY child_id, start_date ORDER BY collection_year DESC) = 1;

CREATE TABLE s47_enquiries AS
SELECT child_id, referral_date, start_date, icpc_target, icpc_date, icpc_not_required, collection_year
FROM stg_cin_s47
QUALIFY row_number() OVER (PARTITION BY child_id, start_date ORDER BY collection_year DESC) = 1;

CREATE TABLE cp_plans AS
SELECT child_id, referral_date, start_date, end_date, initial_category, latest_category,
       previous_plans, collection_year
FROM stg_cin_cp_plan
QUALIFY row_number() OVER (PARTITION BY child_id, start_date ORDER BY collection_year DESC) = 1;

CREATE TABLE cp_reviews AS
SELECT DISTINCT child_id, plan_start_date, review_date
FROM stg_cin_cp_review;

-- Children looked after: one row per episode of care (SSDA903 Episodes).
CREATE TABLE cla_episodes AS
SELECT child_id, decom, dec, rne, ls, cin, place, place_provider, rec, reason_place_change,
       collection_year
FROM stg_ssda903_episodes
QUALIFY row_number() OVER (PARTITION BY child_id, decom ORDER BY collection_year DESC) = 1;

CREATE TABLE cla_reviews AS
SELECT DISTINCT child_id, review, review_code
FROM stg_ssda903_reviews;

-- One row per child, from the latest return that holds them (CIN or 903).
CREATE TABLE children AS
SELECT child_id, dob, sex, ethnicity
FROM (
    SELECT child_id, dob, sex, ethnicity, collection_year, 2 AS preference FROM stg_cin_child
    UNION ALL
    SELECT child_id, dob, sex, ethnic, collection_year, 1 FROM stg_ssda903_header
)
QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY collection_year DESC, preference DESC) = 1;

-- The organisation and who holds each child's case (case-management extract).
CREATE TABLE teams AS SELECT DISTINCT team_id, team_name, service_area FROM stg_org_team;
CREATE TABLE workers AS SELECT DISTINCT worker_id, worker_name, team_id, role FROM stg_org_worker;
CREATE TABLE allocations AS
SELECT child_id, worker_id, start_date, end_date FROM stg_org_allocation ORDER BY child_id, start_date;

CREATE TABLE population AS
SELECT DISTINCT time_period, la_code, la_name, population_0_17 FROM stg_population;
