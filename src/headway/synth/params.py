"""The numbers behind the synthetic authority, each with the figure it is tuned to.

England figures are from measures.md section 6 (year ending 31 March 2025 unless
said). The generator is calibrated so that an authority of any size lands near
them at 31 March of every collection year; tests/test_synth.py reads the files
back and checks the bands. Change a number here, run that test.

Probabilities are plain floats; category weights are dicts {code: weight}
(normalised when drawn, so they need not sum to 1).
"""

from __future__ import annotations

# ---------------------------------------------------------------- volumes
# First referrals per child aged 0-17 per year. Re-referrals come on top (about
# 0.6 more per first referral), giving ~540 referrals per 10,000 children a year
# (England 519-553).
FIRST_REFERRAL_RATE = 0.0325

# Referrals arrive on working days; weekends and bank holidays get police and
# out-of-hours referrals only.
NON_WORKING_DAY_FACTOR = 0.15

# Month-of-year referral volume (school terms drive it: August and Christmas are quiet).
REFERRAL_MONTH_FACTOR = {1: 1.04, 2: 1.04, 3: 1.07, 4: 0.93, 5: 1.03, 6: 1.05,
                         7: 1.02, 8: 0.78, 9: 0.97, 10: 1.08, 11: 1.09, 12: 0.88}

# The 0-17 population grows a little each year (England grew ~1% a year 2021-24).
POPULATION_GROWTH_PER_YEAR = 0.006

# Years of referrals simulated before the first collection year, so that year 1
# has open cases, prior referrals (re-referrals) and previous CP plans.
HISTORY_YEARS = 6
# Periods of care last up to 18 years: for this longer span only the journeys
# that end in care are simulated (nothing else from then is still open). Only
# first referrals are drawn there, so they are scaled up to stand for the
# re-referred children who also came into care then (in the full simulation
# about a third of starts in care follow a re-referral).
CARE_HISTORY_YEARS = 18
CARE_HISTORY_SCALE = 1.55

# ---------------------------------------------------------------- children
# Age at first referral, weights by single year 0..17 (infants and young teenagers
# peak, as in the CIN Census age profile).
AGE_WEIGHTS = [11, 6, 6, 6, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 6, 6.5, 7.2, 7.6, 7.6, 7, 5.5, 3.2]
AGE_BANDS = [0, 1, 5, 10, 16]  # lower bounds: under 1, 1-4, 5-9, 10-15, 16-17

SEX_WEIGHTS = {"M": 0.52, "F": 0.48}
ETHNICITY_WEIGHTS = {
    "WBRI": 70, "WIRI": 0.4, "WIRT": 0.3, "WOTH": 5, "WROM": 0.5, "MWBC": 3, "MWBA": 1,
    "MWAS": 1.5, "MOTH": 2.5, "AIND": 1, "APKN": 2.5, "ABAN": 1, "AOTH": 1, "BCRB": 1.5,
    "BAFR": 3, "BOTH": 1, "CHNE": 0.3, "OOTH": 2, "REFU": 0.3, "NOBT": 1.7,
}
# About one child in eight referred has a disability recorded.
DISABILITY_PROBABILITY = 0.12
DISABILITY_WEIGHTS = {"LD": 30, "AUT": 30, "COMM": 12, "BEH": 10, "CON": 4, "MOB": 4,
                      "HAND": 3, "VIS": 2, "HEAR": 2, "PC": 1, "INC": 1, "DDA": 1}
SECOND_DISABILITY_PROBABILITY = 0.3
# Young children often have no UPN yet (UN1 = under 6, not yet given one).
UPN_KNOWN_UNDER_5 = 0.35
UPN_KNOWN_OVER_5 = 0.97

# Children referred with a CP plan already behind them (another authority, or
# before the records here): with re-referrals inside the simulation this gives
# ~23-25% of CP plans "second or subsequent" (England 24.5%).
PRIOR_CP_PLAN_PROBABILITY = 0.18
PRIOR_CP_PLAN_COUNT = {1: 0.75, 2: 0.2, 3: 0.05}

# ---------------------------------------------------------------- routes
# What a referral leads to, decided when it arrives. Weights per age band
# (under 1, 1-4, 5-9, 10-15, 16-17). Tuned to England: NFA 6.5%, assessed not in
# need ~31%, CP plans ~51 per 10,000 a year, starts in care ~26 per 10,000.
ROUTES = ("nfa", "not_in_need", "services", "cin_plan", "cp", "cp_then_care", "care")
ROUTE_WEIGHTS_BY_AGE_BAND = {
    #            nfa    nin    svc    cin    cp     cp>care care
    "under 1": [0.055, 0.24, 0.144, 0.22, 0.185, 0.042, 0.120],
    "1-4":     [0.060, 0.30, 0.251, 0.24, 0.115, 0.016, 0.018],
    "5-9":     [0.065, 0.32, 0.271, 0.24, 0.084, 0.011, 0.011],
    "10-15":   [0.068, 0.32, 0.268, 0.24, 0.062, 0.008, 0.034],
    "16-17":   [0.075, 0.33, 0.268, 0.20, 0.030, 0.002, 0.095],
}
# A re-referred child is a little more likely to need protection the second time.
REREFERRAL_CP_FACTOR = 1.15

# Share of each route that has a section 47 enquiry (England ~190 S47 per 10,000).
# An enquiry that finds no need closes RC7, not RC8/RC9 (CIN rule 2990), so few
# children closed as not in need had one (England: ~31% of referrals close RC8/RC9).
S47_PROBABILITY = {"nfa": 0.0, "not_in_need": 0.08, "services": 0.35, "cin_plan": 0.57,
                   "cp": 1.0, "cp_then_care": 1.0, "care": 0.6}
# ICPCs that do not lead to a plan (England: ICPCs ~59, plans ~51 per 10,000).
ICPC_WITHOUT_PLAN_PROBABILITY = 0.10  # of S47s on the CIN-plan route

# ---------------------------------------------------------------- timeliness
# Assessments authorised within 45 working days of starting: ~86% (England 85.7%).
ASSESSMENT_LATE_PROBABILITY = 0.14
# ICPCs within 15 working days of the S47 start: ~79% (England 78.5-81.4%).
ICPC_LATE_PROBABILITY = 0.20
# CP review conferences later than 3 months (first) / 6 months (then).
CP_REVIEW_LATE_PROBABILITY = 0.07
# CLA reviews later than 20 working days / 3 months / 6 months.
CLA_REVIEW_LATE_PROBABILITY = 0.09
# Month-of-year effect on lateness (summer leave, Christmas, Easter).
LATENESS_MONTH_FACTOR = {1: 1.1, 2: 0.95, 3: 0.9, 4: 1.05, 5: 0.95, 6: 0.95,
                         7: 1.1, 8: 1.3, 9: 0.95, 10: 0.9, 11: 0.9, 12: 1.25}
# A mild improvement over the collection years: lateness falls by this share a year.
LATENESS_IMPROVEMENT_PER_YEAR = 0.09
# Random month-to-month wobble in lateness (lognormal sigma).
LATENESS_MONTHLY_NOISE = 0.10
# Teams differ: lognormal sigma of a team's lateness factor, and one struggling team.
TEAM_LATENESS_SIGMA = 0.25
STRUGGLING_TEAM_FACTOR = 1.7

# ---------------------------------------------------------------- codes
REFERRAL_SOURCE_WEIGHTS = {
    "1A": 2, "1B": 3, "1C": 1, "1D": 1, "2A": 20, "2B": 1.5, "3A": 3, "3B": 3, "3C": 1.5,
    "3D": 1, "3E": 3, "3F": 3, "4": 2, "5A": 5, "5B": 4, "5C": 3, "5D": 4, "6": 29,
    "7": 2.5, "8": 6, "9": 1.5, "10": 1,
}
NEED_CODES = ("N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
NEED_WEIGHTS = {
    "nfa":          {"N0": 55, "N9": 45},
    "not_in_need":  {"N9": 50, "N1": 18, "N4": 8, "N5": 14, "N6": 4, "N3": 3, "N2": 3},
    "in_need":      {"N1": 52, "N2": 9, "N3": 4, "N4": 10, "N5": 15, "N6": 4, "N7": 1, "N8": 5},
    "protection":   {"N1": 92, "N4": 3, "N5": 5},
    "care":         {"N1": 66, "N2": 3, "N4": 6, "N5": 12, "N6": 4, "N8": 9},
}
CATEGORY_OF_ABUSE_WEIGHTS = {"NEG": 50, "EMO": 37, "PHY": 7, "SAB": 4, "MUL": 2}
CATEGORY_CHANGES_PROBABILITY = 0.08

# Factors identified at assessment: each completed assessment records 1-4 of these.
ASSESSMENT_FACTOR_WEIGHTS = {
    "3A": 6, "3B": 4, "3C": 9, "4A": 4, "4B": 12, "4C": 3, "2A": 2, "2B": 6, "2C": 1,
    "1A": 1.5, "1B": 4, "1C": 1, "5B": 2, "6B": 2, "7A": 1, "10A": 2, "11A": 1.5,
    "13A": 0.6, "14A": 2, "15A": 2, "16A": 8, "17A": 9, "18B": 1, "18C": 3, "19B": 0.6,
    "19C": 1, "20": 4, "22A": 0.1, "23A": 0.1, "24A": 1.5, "8F": 0.2, "9A": 0.5, "12A": 0.3,
}
NO_FACTORS_PROBABILITY_NOT_IN_NEED = 0.35  # code 21 "no factors identified"

# Closure reasons for children assessed as not in need: RC9 (early help) exists
# from the 2024/25 collection.
EARLY_HELP_CLOSURE_PROBABILITY = 0.35
EARLY_HELP_CLOSURE_FROM = (2024, 4, 1)

# ---------------------------------------------------------------- durations
# Days unless said. (lo, median, hi) for lognormal-with-limits draws.
SERVICES_DAYS = (10, 50, 400)  # assessed in need, short services, no plan
CIN_PLAN_DAYS = (30, 230, 1400)
STEP_DOWN_PLAN_PROBABILITY_AFTER_CP = 0.75
STEP_DOWN_PLAN_DAYS = (30, 240, 1100)
STEP_DOWN_PLAN_PROBABILITY_AFTER_CARE = 0.55
# CP plans end at a review conference: how many reviews a plan has (0 = ended
# before the first review, e.g. the family moved away). England ~9-10 months
# median, 4% of ending plans last 2+ years.
CP_REVIEWS_BEFORE_END = {0: 6, 1: 19, 2: 39, 3: 21, 4: 9, 5: 4, 6: 2}
# CP plans that end in care: days from plan start to starting to be looked after.
CP_TO_CARE_DAYS = (20, 330)

# Re-referral after an episode closes: probability by route, and the gap.
REREFERRAL_PROBABILITY = {"nfa": 0.52, "not_in_need": 0.5, "services": 0.45,
                          "cin_plan": 0.4, "cp": 0.38, "cp_then_care": 0.25, "care": 0.25}
REREFERRAL_SOON_SHARE = 0.68          # soon after closure ...
REREFERRAL_SOON_MEAN_DAYS = 110       # ... exponential gap
REREFERRAL_LATER_DAYS = (300, 1600)   # otherwise uniform gap

# ---------------------------------------------------------------- care (SSDA903)
# How a period of care ends, by age band at entry (weights): adopted, special
# guardianship, child arrangements order, home, other, long stay (to 18 or late exit).
CARE_EXITS = ("adopt", "sgo", "cao", "home", "other", "long")
CARE_EXIT_WEIGHTS_BY_AGE_BAND = {
    "under 1": [34, 20, 3, 13, 2, 28],
    "1-4":     [15, 18, 5, 24, 2, 36],
    "5-9":     [2, 13, 5, 34, 3, 43],
    "10-15":   [0, 4, 3, 40, 6, 47],
    "16-17":   [0, 0, 0, 22, 8, 70],
}
CARE_DAYS = {"adopt": (540, 1000), "sgo": (250, 900), "cao": (150, 700), "other": (20, 600)}
CARE_HOME_DAYS = (3, 210, 2500)  # lognormal: many short stays, a long tail
CARE_LONG_STAY_MEAN_YEARS = 9.0  # long stays end early only after this (exponential)

# How a period of care starts (direct route): emergency protection, s20 accommodation, proceedings.
CARE_ENTRY_WEIGHTS = {"emergency": 0.28, "s20": 0.38, "proceedings": 0.34}
REMAND_PROBABILITY_12_PLUS = 0.03
# Accommodated under section 20 (V2), then a care order: a share of those under 16.
S20_TO_CARE_ORDER_PROBABILITY = 0.3

# Placement changes per year in care: first year, then later years; teenagers move more;
# a gamma-distributed "instability" per child gives the long tail (England: 10%
# of children looked after at 31 March had 3+ placements in the year).
PLACEMENT_MOVES_FIRST_YEAR = 0.85
PLACEMENT_MOVES_LATER_YEARS = 0.24
PLACEMENT_MOVES_TEEN_FACTOR = 1.6
PLACEMENT_INSTABILITY_SHAPE = 0.4
# The first placement, and each new one, by age band (weights).
PLACEMENT_WEIGHTS_BY_AGE_BAND = {
    "under 1": {"U6": 52, "U3": 20, "U5": 6, "U4": 4, "R3": 6, "P1": 4, "U1": 8},
    "1-4":     {"U6": 55, "U3": 20, "U4": 8, "U1": 8, "P1": 6, "U5": 3},
    "5-9":     {"U6": 52, "U3": 16, "U4": 14, "U1": 8, "P1": 5, "K2": 5},
    "10-15":   {"U6": 45, "U3": 10, "U4": 12, "U1": 5, "K2": 20, "P1": 4, "K1": 1, "S1": 1, "R1": 2},
    "16-17":   {"U6": 27, "U3": 8, "U4": 10, "K2": 22, "K3": 28, "P1": 3, "R1": 2},
}
# Fostering that becomes long-term with the same carers (a "T" episode, no move).
SAME_CARER_LONG_TERM_PROBABILITY = 0.25

PLACEMENT_CHANGE_REASON_WEIGHTS = {
    "CARPL": 45, "CREQB": 12, "CREQO": 10, "CHILD": 6, "LAREQ": 8, "STAND": 3, "ALLEG": 2,
    "CLOSE": 3, "APPRR": 1, "OTHER": 10,
}
# Ofsted URNs for settings Ofsted registers (903 rule 218 wants one); foster and adoptive
# placements record XXXXXXX; R1 (a care home, registered by the CQC) has none (rule 222).
PLACES_WITH_URN = ("K1", "K2", "K3", "R3", "S1", "H5")
# Share of placements inside the authority's boundary (its postcodes: synth/postcodes.py).
PLACED_IN_AREA_PROBABILITY = {"foster": 0.7, "residential": 0.35, "other": 0.8}

REVIEW_PARTICIPATION_WEIGHTS = {"PN1": 45, "PN2": 10, "PN3": 8, "PN4": 7, "PN5": 12, "PN6": 8, "PN7": 10}
MOTHER_PROBABILITY_FEMALE_12_PLUS = 0.03

# ---------------------------------------------------------------- organisation
CHILDREN_PER_TEAM = 2500
# Share of teams by service area (the case-holding work each does).
SERVICE_AREAS = ("Front Door", "Assessment", "Safeguarding", "Children in Care")
SERVICE_TEAM_SHARE = (0.12, 0.28, 0.35, 0.25)
# Sized so that cases per case-holding FTE come out near England's 16-18 (measures.md 6.5).
CASE_HOLDERS_PER_TEAM = {"Front Door": 4, "Assessment": 5, "Safeguarding": 5, "Children in Care": 5}
# Workers change on a long case: a new worker every ~8 months on average.
WORKER_CHANGE_MEAN_DAYS = 240

# ---------------------------------------------------------------- workforce (workforce.py)
# England, September 2022-2023 (measures.md 6.5): agency ~18% of FTE, vacancies ~17%,
# turnover ~16%, sickness absence ~3.5% of working days.
AGENCY_SHARE = 0.21                 # share of the time a post (outside the ASYE intake) has an agency holder
LEAVING_PER_YEAR = 0.18             # permanent workers: chance of leaving in a year
AGENCY_STAY_MEAN_DAYS = 500         # agency workers move on sooner
VACANT_GAP_MEAN_DAYS = 30           # a post stands empty this long between holders, on average
ESTABLISHMENT_PER_POST = 0.94       # funded FTE per post held: the rest are over establishment
PART_TIME_SHARE = 0.1               # holders working less than full time
PART_TIME_FTE = (0.5, 0.6, 0.8, 0.9)
ASYE_CASELOAD_WEIGHT = 0.7          # a worker in their ASYE year gets this share of a full caseload
NEWLY_QUALIFIED_SHARE = 0.2         # permanent starters in their ASYE year
ABSENCE_DAYS_PER_FTE_YEAR = 8.9     # 3.5% of ~253 working days
COMPLEX_NEEDS_TEAMS = 1 / 12        # share of teams (Children in Care first) working with complex needs

# ---------------------------------------------------------------- Ofsted Annex A (synth/annex_a.py)
# What the 903 and the CIN Census do not hold, drawn for the Annex A lists.
# Contacts: ADCS estimates ~2,490 contacts per 10,000 children a year against ~540
# referrals, so ~3.6 contacts that go no further for each referral; a referral's own
# contact is the same day, or the working day before for some.
ANNEX_A_CONTACTS_PER_REFERRAL = 3.6
ANNEX_A_CONTACT_DAY_BEFORE = 0.3
# Early help assessments: ADCS ~240 per 10,000 a year; most children closed "referred to
# early help" (RC9) get one.
ANNEX_A_EARLY_HELP_PER_10K = 240
ANNEX_A_EARLY_HELP_AFTER_RC9 = 0.8
ANNEX_A_EARLY_HELP_ORGANISATIONS = ("Early Help Hub", "Family Hub North", "Family Hub South", "School",
                                    "Health visiting team")
# Visits (local measures, no national figure): ~88% of CP visits within 10 working days,
# ~92% of children in care visited in time; ~80% of children 4 and over seen alone.
ANNEX_A_CP_VISIT_LATE = 0.12
ANNEX_A_CLA_VISIT_LATE = 0.08
ANNEX_A_SEEN_ALONE = 0.8
# Missing from care in the 12 months: England ~11% of children looked after; mostly teenagers.
ANNEX_A_MISSING_TEEN = 0.2
ANNEX_A_MISSING_CHILD = 0.02
ANNEX_A_RHI_OFFERED = 0.9
ANNEX_A_RHI_ACCEPTED = 0.6
# Care leavers: England ~90% in touch, ~88% in suitable accommodation; pathway plans
# reviewed within 6 months for most (reviews drawn up to 7 months back: ~86% in time).
ANNEX_A_IN_TOUCH = {"YES": 90, "NO": 5, "REFU": 2, "NREQ": 2, "RHOM": 1}
ANNEX_A_ACCOMMODATION_SUITABLE = 0.88
ANNEX_A_PATHWAY_REVIEW_DAYS = 212
ANNEX_A_ACTIVITY = {"F1": 7, "F2": 20, "P2": 3, "F4": 4, "F5": 18, "P5": 4, "G4": 10, "G5": 28, "G6": 6}
