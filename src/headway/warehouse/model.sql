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
       collection_year, home_post, pl_post, pl_distance
FROM stg_ssda903_episodes
QUALIFY row_number() OVER (PARTITION BY child_id, decom ORDER BY collection_year DESC) = 1;

CREATE TABLE cla_reviews AS
SELECT DISTINCT child_id, review, review_code
FROM stg_ssda903_reviews;

-- The 903's other tables. OC2 and OC3 are yearly cohorts, so they keep one row per
-- child and collection year; the rest keep one row per thing, latest year winning.

-- OC2: children looked after continuously for 12 months at 31 March of collection_year.
-- Some councils list every child, with the items blank for those outside the cohort:
-- a row with every item blank is not in it.
CREATE TABLE cla_outcomes AS
SELECT child_id, dob,
       CAST(collection_year - year(dob) - CASE WHEN month(dob) > 3 THEN 1 ELSE 0 END AS INTEGER) AS age_at_31_march,
       sdq_score, sdq_reason, convicted, health_check, immunisations, teeth_check, health_assessment,
       substance_misuse, intervention_received, intervention_offered, collection_year
FROM stg_ssda903_oc2
WHERE NOT (sdq_score IS NULL AND sdq_reason IS NULL AND convicted IS NULL AND health_check IS NULL
           AND immunisations IS NULL AND teeth_check IS NULL AND health_assessment IS NULL
           AND substance_misuse IS NULL AND intervention_received IS NULL AND intervention_offered IS NULL)
QUALIFY row_number() OVER (PARTITION BY child_id, collection_year) = 1;

-- OC3: care leavers around their 17th to 21st birthday. birthday is the one in the
-- collection year (1 April to 31 March; 29 February is 1 March in other years, as
-- the law counts it) and age the age reached on it.
CREATE TABLE care_leavers AS
WITH aged AS (
    SELECT *, collection_year - CASE WHEN month(dob) >= 4 THEN 1 ELSE 0 END AS birthday_year
    FROM stg_ssda903_oc3
    WHERE NOT (in_touch IS NULL AND activ IS NULL AND accom IS NULL)  -- blank: not a care leaver (as OC2)
    QUALIFY row_number() OVER (PARTITION BY child_id, collection_year) = 1
)
SELECT child_id, dob,
       CAST(make_date(birthday_year, month(dob), 1) + to_days(CAST(day(dob) - 1 AS INTEGER)) AS DATE) AS birthday,
       CAST(birthday_year - year(dob) AS INTEGER) AS age, in_touch, activ, accom, collection_year
FROM aged;

-- AD1: one row per child adopted (the latest return's dates).
CREATE TABLE adoptions AS
SELECT child_id, dob, date_int, date_match, foster_care, nb_adoptr, sex_adoptr, ls_adoptr, collection_year
FROM stg_ssda903_ad1
QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY collection_year DESC) = 1;

-- Missing: one row per incident; one open at 31 March is in the next return too, ended.
CREATE TABLE missing_episodes AS
SELECT child_id, missing, mis_start, mis_end
FROM stg_ssda903_missing
QUALIFY row_number() OVER (PARTITION BY child_id, mis_start ORDER BY collection_year DESC) = 1;

-- SWEpisodes: who was each child's social worker when.
CREATE TABLE cla_social_workers AS
SELECT child_id, sw_id, sw_decom, sw_dec, sw_reason
FROM stg_ssda903_sw_episodes
QUALIFY row_number() OVER (PARTITION BY child_id, sw_decom ORDER BY collection_year DESC) = 1;

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

-- Who holds a child's case on a day d: the row with held_from <= d < held_until.
-- That is the allocation started latest on or before d, if it has not ended by then
-- (a child whose latest allocation has ended is unallocated, even if an earlier one
-- is still open). Two allocations starting on one day (a one-day duty allocation and
-- the one that follows it): the one lasting longer holds the case. The measures
-- (measures/engine.py) and the exception lists (warehouse/exceptions.py) both use it;
-- as ranges it is a plain join on child_id, which is faster than an ASOF join.
CREATE TABLE case_holders AS
SELECT child_id, worker_id, start_date AS held_from,
       least(coalesce(lead(start_date) OVER by_start, DATE '9999-12-31'),
             coalesce(end_date + 1, DATE '9999-12-31')) AS held_until
FROM (SELECT * FROM allocations WHERE start_date IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY child_id, start_date
                                 ORDER BY end_date DESC NULLS FIRST, worker_id) = 1)
WINDOW by_start AS (PARTITION BY child_id ORDER BY start_date);

CREATE TABLE population AS
SELECT DISTINCT time_period, la_code, la_name, population_0_17 FROM stg_population;

-- The workforce (returns/workforce.py: the HR extract, one row per worker or team
-- per month end). census_date is each AS_AT in the files: the DfE's census is the
-- one at 30 September, and the W measures use every month's, so they are monthly.
-- social_workers holds, for each census date, the workers in post on it (left_date
-- blank) and the leavers in the 12 months to it (left_date set, with the FTE, team
-- and contract they last had); team_id and newly_qualified serve the workforce digest.
CREATE TABLE social_workers AS
WITH censuses AS (SELECT DISTINCT as_at AS census_date FROM stg_csww_worker),
leavers AS (
    SELECT worker_id, leaving_date, fte, contract, team_id, asye
    FROM stg_csww_worker
    WHERE leaving_date IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY worker_id, leaving_date ORDER BY as_at DESC) = 1
)
SELECT worker_id, as_at AS census_date, fte, contract = 'agency' AS agency, NULL::DATE AS left_date,
       absence_days, cases IS NOT NULL AS case_holder, cases, team_id, asye AS newly_qualified
FROM stg_csww_worker
WHERE leaving_date IS NULL OR leaving_date > as_at
UNION ALL
SELECT l.worker_id, c.census_date, l.fte, l.contract = 'agency', l.leaving_date,
       NULL, FALSE, NULL, l.team_id, l.asye
FROM leavers l
JOIN censuses c ON l.leaving_date <= c.census_date AND l.leaving_date > c.census_date - INTERVAL 1 YEAR;

-- Establishment and vacancies: per team (for the digest) and for the council.
CREATE TABLE team_establishment AS
SELECT DISTINCT as_at AS census_date, team_id, establishment_fte, vacancy_fte, agency_cover_fte, complex_needs
FROM stg_csww_vacancy;
CREATE TABLE social_work_vacancies AS
SELECT census_date, sum(vacancy_fte) AS vacancy_fte, sum(agency_cover_fte) AS agency_cover_fte
FROM team_establishment
GROUP BY census_date;

-- Ofsted Annex A (returns/annex_a.py; staging keeps one file per extract, with its
-- extract_date). Lists 1 and 2 are events: an extract covers the months before it,
-- so a contact is in every extract whose window holds it; each is kept once, from
-- the latest extract that has it (occurrence tells apart two alike on one day).
CREATE TABLE contacts AS
WITH numbered AS (
    SELECT *, row_number() OVER (PARTITION BY extract_date, child_id, contact_date, contact_source) AS occurrence
    FROM stg_annex_a_list1
)
SELECT child_id, contact_date, contact_source
FROM numbered
QUALIFY row_number() OVER (PARTITION BY child_id, contact_date, contact_source, occurrence
                           ORDER BY extract_date DESC) = 1;

-- One row per early help assessment (a row with no start date is an intervention
-- without one); the latest extract has its completion date.
CREATE TABLE early_help_assessments AS
WITH numbered AS (
    SELECT *, row_number() OVER (PARTITION BY extract_date, child_id, start_date ORDER BY completion_date) AS occurrence
    FROM stg_annex_a_list2
    WHERE start_date IS NOT NULL
)
SELECT child_id, start_date, completion_date, organisation
FROM numbered
QUALIFY row_number() OVER (PARTITION BY child_id, start_date, occurrence ORDER BY extract_date DESC) = 1;

-- Lists 7, 8 and 9 say what was true on the extract date: one row per child (per
-- plan or period) on each extract, so monthly extracts give monthly snapshots.
CREATE TABLE annex_a_cp_plans AS
SELECT DISTINCT child_id, extract_date, plan_start_date, plan_end_date, last_visit_date, seen_alone,
       latest_review_date
FROM stg_annex_a_list7;

-- placement_location is 'In' or 'Out' (of the council's area), or NIR, WAL, SCO, NUK, CON.
CREATE TABLE annex_a_children_in_care AS
SELECT DISTINCT child_id, extract_date, care_start_date, ceased_date, last_visit_date, placement_location,
       missing_episodes, rhi_offered, rhi_accepted
FROM stg_annex_a_list8;

CREATE TABLE annex_a_care_leavers AS
SELECT DISTINCT child_id, extract_date, personal_adviser, pathway_plan_review_date, in_touch,
       accommodation_suitable, activity
FROM stg_annex_a_list9;

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
