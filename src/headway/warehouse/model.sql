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

-- ---------------------------------------------------------------------------------
-- Derived from the episodes for the measure catalogue (stability, permanence and
-- adoption measures). Short breaks (legal status V3/V4) are left out throughout,
-- as in the DfE's statistics.

-- Episodes with their period of care: an episode continues the period when the one
-- before it ended with REC X1 on the day it started (measures.md 2.3).
CREATE TABLE care_episodes AS
WITH ordered AS (
    SELECT *, coalesce(lag(rec) OVER w = 'X1' AND lag(dec) OVER w = decom, FALSE) AS continues
    FROM cla_episodes
    WHERE ls NOT IN ('V3', 'V4')
    WINDOW w AS (PARTITION BY child_id ORDER BY decom)
)
SELECT *, sum(CASE WHEN continues THEN 0 ELSE 1 END) OVER (PARTITION BY child_id ORDER BY decom) AS period_number
FROM ordered;

-- One row per period of care; end_date blank while it is open. start_known is
-- false when the period began before the earliest return loaded (its first episode
-- in the data is not RNE S): start_date is then only its earliest episode's start.
CREATE TABLE care_periods AS
SELECT child_id, period_number, min(decom) AS start_date,
       CASE WHEN bool_and(dec IS NOT NULL) THEN max(dec) END AS end_date,
       arg_max(rec, decom) AS reason_ended, arg_min(rne, decom) = 'S' AS start_known
FROM care_episodes
GROUP BY child_id, period_number;

-- One row per placement: a period of care starts one, and so does each change of
-- placement (RNE P, T, B, U); a change of legal status only (L) does not.
-- carer_start is when the child began living with these carers: a change of
-- placement with the same carers (T, U: e.g. foster care becoming long-term or
-- adoptive) keeps it. previous_start is the start of the placement before, in the
-- same period of care.
CREATE TABLE placements AS
WITH numbered AS (
    SELECT *,
           sum(CASE WHEN NOT continues OR rne IN ('P', 'T', 'B', 'U') THEN 1 ELSE 0 END) OVER w AS placement_number,
           sum(CASE WHEN NOT continues OR rne IN ('P', 'B') THEN 1 ELSE 0 END) OVER w AS carer_number
    FROM care_episodes
    WINDOW w AS (PARTITION BY child_id ORDER BY decom)
),
grouped AS (
    SELECT child_id, period_number, placement_number, carer_number, min(decom) AS start_date,
           CASE WHEN bool_and(dec IS NOT NULL) THEN max(dec) END AS end_date,
           arg_min(place, decom) AS place
    FROM numbered
    GROUP BY child_id, period_number, placement_number, carer_number
)
SELECT child_id, period_number, placement_number, start_date, end_date, place,
       min(start_date) OVER (PARTITION BY child_id, carer_number) AS carer_start,
       lag(start_date) OVER (PARTITION BY child_id, period_number ORDER BY start_date) AS previous_start
FROM grouped;

-- One row per period of care that ended in adoption (REC E11, E12): when the child
-- came into care, got a placement order (LS E1 or D1), was placed for adoption
-- (PLACE A3-A6), began living with the adopters (earlier, if they were the child's
-- foster carers) and was adopted (the period's end).
CREATE TABLE adoption_journeys AS
SELECT p.child_id, p.start_date AS care_start, p.start_known AS care_start_known,
       (SELECT min(e.decom) FROM care_episodes e WHERE e.child_id = p.child_id
            AND e.period_number = p.period_number AND e.ls IN ('E1', 'D1')) AS placement_order_date,
       a.start_date AS placed_date, a.carer_start AS moved_in_date, p.end_date AS adoption_date
FROM care_periods p
LEFT JOIN (SELECT * FROM placements WHERE place IN ('A3', 'A4', 'A5', 'A6')
           QUALIFY row_number() OVER (PARTITION BY child_id, period_number ORDER BY start_date) = 1) a
       ON a.child_id = p.child_id AND a.period_number = p.period_number
WHERE p.reason_ended IN ('E11', 'E12');
