"""What an Ofsted Annex A workbook holds: its eleven lists, the columns Headway reads
from each (with the header spellings councils use), and the coded values.

Facts from ../shared/reference/measures.md section 1 (the liia-tools Annex A schema's
headers and values). annex_a.py reads a workbook with these tables; the synthetic
generator (synth/annex_a.py) writes one with them, so the two cannot drift apart.

Headers are matched after `header_key()`: lower case, bracketed notes such as
"(Y/N)" or "(dd/mm/yyyy)" dropped, then everything but letters and digits dropped.
So "Date of Birth", "DATE OF BIRTH (dd/mm/yyyy)" and "DateOfBirth" are one header.
Spellings that differ by more than that are listed in each column's `aliases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Column kinds: how a cell converts (annex_a_cells.py has one converter per kind).
#   id      text; a whole number written as 123.0 by Excel becomes "123"
#   text    text as written (spaces trimmed)
#   label   a coded value kept as its code: "a) E1: Placement order" -> "E1";
#           values that are not "code: words" keep their words ("a) Return to family")
#   date    Excel date, dd/mm/yyyy or yyyy-mm-dd text, or an Excel serial number
#   int     whole number ("3,000" and 2.0 included)
#   age     whole years: 8.5, "8.5yrs", "<1", "18m", "6 months"
#   yesno   Yes/No (a) Yes, Y, 1, true ...); Unknown is blank
#   code:X  one of code list X below; any other value is an error (never guessed)


@dataclass(frozen=True)
class Column:
    name: str                      # staging column
    header: str                    # the template's header (liia-tools spelling)
    kind: str = "text"
    aliases: tuple[str, ...] = ()  # other header spellings seen in councils' files
    required: bool = False         # the column must be there and never blank


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    columns: tuple[Column, ...]

    @property
    def table(self) -> str:
        return f"annex_a_list{self.number}"

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"


def header_key(text) -> str:
    """A header as it is matched: see the module docstring."""
    lowered = str(text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[^a-z0-9]+", "", re.sub(r"\([^)]*\)", " ", lowered))


CHILD_ID = Column("child_id", "Child Unique ID", "id", required=True, aliases=(
    "Child ID", "Child Unique Identifier", "Unique Child ID", "LA Child ID", "LAchildID", "Child Reference",
    "Child Ref", "CHILD", "Person ID", "Client ID", "ID"))
COMMON = (
    CHILD_ID,
    Column("sex", "Gender", "code:gender", aliases=("Sex", "Gender Current")),
    Column("ethnicity", "Ethnicity", "code:ethnicity", aliases=("Ethnic Origin", "Ethnic Group", "Ethnic")),
    Column("dob", "Date of Birth", "date", aliases=("DOB", "Birth Date", "Person Birth Date")),
    Column("age", "Age of Child (Years)", "age", aliases=("Age", "Age in Years", "Age of Child", "Child Age")),
)
DISABILITY = Column("disability", "Does the Child have a Disability", "yesno",
                    aliases=("Disability", "Disabled", "Has a Disability", "Child has a Disability"))
TEAM = Column("allocated_team", "Allocated Team", aliases=("Team", "Team Name"))
WORKER = Column("allocated_worker", "Allocated Worker", aliases=("Worker", "Social Worker", "Allocated Social Worker"))

LISTS = (
    AnnexList(1, "Contacts", COMMON + (
        Column("contact_date", "Date of Contact", "date", required=True, aliases=("Contact Date",)),
        Column("contact_source", "Contact Source", "code:source", aliases=("Source of Contact",)),
    )),
    AnnexList(2, "Early help", COMMON + (
        Column("start_date", "Assessment start date", "date",
               aliases=("Early Help Assessment Start Date", "EH Assessment Start Date")),
        Column("completion_date", "Assessment completion date", "date",
               aliases=("Early Help Assessment Completion Date", "EH Assessment Completion Date")),
        Column("organisation", "Organisation completing assessment", aliases=("Organisation",)),
    )),
    AnnexList(3, "Referrals", COMMON + (
        Column("referral_date", "Date of referral", "date", required=True, aliases=("Referral Date",)),
        Column("referral_source", "Referral Source", "code:source", aliases=("Source of Referral",)),
        Column("referral_nfa", "Referral NFA?", "yesno", aliases=("Referral NFA", "NFA")),
        Column("referrals_12m", "Number of Referrals in Last 12 Months", "int"),
        TEAM, WORKER,
    )),
    AnnexList(4, "Assessments", COMMON + (
        DISABILITY,
        Column("start_date", "Continuous Assessment Start Date", "date", required=True,
               aliases=("Assessment Start Date",)),
        Column("child_seen", "Child Seen During Continuous Assessment", "yesno",
               aliases=("Child Seen During Assessment",)),
        Column("authorisation_date", "Continuous Assessment Date of Authorisation", "date",
               aliases=("Assessment Date of Authorisation", "Assessment Authorisation Date")),
        Column("outcome", "Was the child assessed as requiring LA children's social care support?", "label"),
        TEAM, WORKER,
    )),
    AnnexList(5, "Section 47 enquiries and ICPCs", COMMON + (
        DISABILITY,
        Column("s47_start_date", "Strategy discussion initiating Section 47 Enquiry Start Date", "date",
               required=True, aliases=("Section 47 Enquiry Start Date", "S47 Start Date")),
        Column("icpc_not_required", "Was an Initial Child Protection Conference deemed unnecessary?", "yesno",
               aliases=("ICPC deemed unnecessary",)),
        Column("icpc_date", "Date of Initial Child Protection Conference", "date", aliases=("ICPC Date",)),
        Column("icpc_plan", "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "yesno", aliases=("ICPC resulted in a CP plan",)),
        Column("s47_12m", "Number of Section 47 Enquiries in the last 12 months", "int"),
        Column("icpc_12m", "Number of ICPCs in the last 12 months", "int"),
        TEAM, WORKER,
    )),
    AnnexList(6, "Children in need", COMMON + (
        DISABILITY,
        Column("cin_start_date", "CIN Start Date", "date", required=True),
        Column("primary_need", "Primary Need Code", "label", aliases=("Primary Need",)),
        Column("last_seen_date", "Date Child Was Last Seen", "date"),
        Column("cin_closure_date", "CIN Closure Date", "date"),
        Column("closure_reason", "Reason for Closure", "label"),
        Column("case_status", "Case Status", "label"),
        TEAM, WORKER,
    )),
    AnnexList(7, "Child protection", COMMON + (
        DISABILITY,
        Column("plan_start_date", "Child Protection Plan Start Date", "date", required=True,
               aliases=("CP Plan Start Date",)),
        Column("initial_category", "Initial Category of Abuse", "code:abuse"),
        Column("latest_category", "Latest Category of Abuse", "code:abuse"),
        Column("last_visit_date", "Date of the Last Statutory Visit", "date",
               aliases=("Date of Last Statutory Visit", "Last Statutory Visit")),
        Column("seen_alone", "Was the Child Seen Alone?", "yesno", aliases=("Child Seen Alone",)),
        Column("latest_review_date", "Date of latest review conference", "date",
               aliases=("Latest Review Conference",)),
        Column("plan_end_date", "Child Protection Plan End Date", "date", aliases=("CP Plan End Date",)),
        Column("epo_6m", "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
                         "Months (Y/N)", "yesno"),
        Column("previous_plans", "Number of Previous Child Protection Plans", "int"),
        TEAM, WORKER,
    )),
    AnnexList(8, "Children in care", COMMON + (
        Column("uasc", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "yesno",
               aliases=("UASC",)),
        DISABILITY,
        Column("care_start_date", "Date Started to be Looked After", "date", required=True,
               aliases=("Date Started Looked After", "Date Became Looked After")),
        Column("category_of_need", "Child's Category of Need", "label", aliases=("Category of Need",)),
        Column("second_period", "Is this a second or subsequent period of being a Looked After Child within "
                                "the last 12 months (Y/N)", "yesno"),
        Column("legal_status_start_date", "Start date of current legal status", "date"),
        Column("legal_status", "Child's Legal Status", "code:legal_status", aliases=("Legal Status",)),
        Column("latest_review_date", "Date of Latest Statutory Review", "date"),
        Column("last_visit_date", "Date of Last Social Work Visit", "date", aliases=("Last Social Work Visit",)),
        Column("permanence_plan", "What is the permanence plan for this child?", "label",
               aliases=("Permanence Plan",)),
        Column("last_iro_contact_date", "Date of Last IRO Visit / Contact to the Child", "date"),
        Column("last_health_assessment_date", "Date of Last Health Assessment", "date"),
        Column("last_dental_check_date", "Date of Last Dental Check", "date"),
        Column("placements_12m", "Number of Placements in the Last 12 months", "int"),
        Column("ceased_date", "Date Ceased to be Looked After", "date"),
        Column("reason_ceased", "Reason Ceased to be Looked After", "label"),
        Column("placement_start_date", "Start Date of Most Recent Placement", "date"),
        Column("placement_type", "Placement Type", "label"),
        Column("placement_provider", "Placement Provider", "label"),
        Column("placement_postcode", "Placement postcode", aliases=("Placement Post Code",)),
        Column("placement_urn", "URN of Placement", "id", aliases=("Placement URN",)),
        Column("placement_location", "Placement Location", "code:location"),
        Column("placement_la", "LA of Placement", aliases=("Placement LA",)),
        Column("missing_episodes", "Number of Episodes the Child has been 'Missing' from their Placement in the "
                                   "last 12 months", "int", aliases=("Missing Episodes",)),
        Column("absent_episodes", "Number of Episodes the Child has been 'Absent' from their Placement in the "
                                  "last 12 months", "int", aliases=("Absent Episodes",)),
        Column("rhi_offered", "Was the child offered a Return Interview after their last missing episode (Y/N)?",
               "yesno", aliases=("Return Interview Offered",)),
        Column("rhi_accepted", "Did the child accept a Return Interview after their last missing episode (Y/N)?",
               "yesno", aliases=("Return Interview Accepted",)),
        TEAM, WORKER,
    )),
    AnnexList(9, "Care leavers", COMMON + (
        Column("uasc", "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", "yesno",
               aliases=("UASC",)),
        DISABILITY, TEAM, WORKER,
        Column("personal_adviser", "Allocated Personal Advisor",
               aliases=("Allocated Personal Adviser", "Personal Adviser", "Personal Advisor")),
        Column("eligibility", "Eligibility Category", "label"),
        Column("pathway_plan_review_date", "Latest Pathway Plan Review Date", "date",
               aliases=("Latest Pathway Plan", "Pathway Plan Review Date")),
        Column("in_touch", "LA in Touch", "code:in_touch", aliases=("In Touch",)),
        Column("latest_contact_date", "Latest Date of Contact", "date", aliases=("Latest Contact",)),
        Column("accommodation", "Type of Accommodation", "label", aliases=("Accommodation",)),
        Column("accommodation_suitable", "Suitability of Accommodation", "code:suitability",
               aliases=("Accommodation Suitability",)),
        Column("activity", "Activity Status", "code:activity", aliases=("Activity",)),
    )),
    AnnexList(10, "Adoption", (
        CHILD_ID, Column("family_id", "Family identifier", "id", aliases=("Family ID",)),
        *COMMON[1:], DISABILITY,
        Column("care_start_date", "Date the Child Entered Care", "date"),
        Column("decision_date", "Date of Decision that Child Should be Placed for Adoption", "date"),
        Column("placement_order_date", "Date of Placement Order", "date"),
        Column("matched_date", "Date of Matching Child and Prospective Adopters", "date"),
        Column("placed_date", "Date Placed for Adoption", "date"),
        Column("adoption_order_date", "Date of Adoption Order", "date"),
        Column("no_longer_decision_date", "Date of Decision that Child Should No Longer be Placed for Adoption",
               "date"),
        Column("no_longer_reason", "Reason Why Child No Longer Placed for Adoption", "label"),
        Column("ffa_placed_date", "Date the child was placed for fostering in FFA or concurrent planning "
                                  "placement", "date"),
    )),
    AnnexList(11, "Adopters", (
        Column("adopter_id", "Individual adopter identifier", "id", required=True, aliases=("Adopter ID",)),
        Column("family_id", "Family identifier", "id", aliases=("Family ID",)),
        Column("sex", "Gender", "code:gender", aliases=("Sex",)),
        Column("ethnicity", "Ethnicity", "code:ethnicity"),
        Column("disability", "Disability", "yesno"),
        Column("fostering_for_adoption", "Is the (prospective) adopter fostering for adoption?", "yesno"),
        Column("enquiry_date", "Date enquiry received", "date"),
        Column("stage1_start_date", "Date Stage 1 started", "date"),
        Column("stage1_end_date", "Date Stage 1 ended", "date"),
        Column("stage2_start_date", "Date Stage 2 started", "date"),
        Column("stage2_end_date", "Date Stage 2 ended", "date"),
        Column("application_date", "Date application submitted", "date"),
        Column("approval_date", "Date application approved", "date"),
        Column("matched_date", "Date adopter matched with child(ren)", "date"),
        Column("placed_date", "Date child/children placed with adopter(s)", "date"),
        Column("children_placed", "No. of children placed", "int", aliases=("Number of children placed",)),
        Column("adoption_order_date", "Date of Adoption Order", "date"),
        Column("left_date", "Date of leaving adoption process", "date"),
        Column("left_reason", "Reason for leaving adoption process", "label"),
    )),
)
LIST_BY_NUMBER = {annex.number: annex for annex in LISTS}

DUCKDB_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "label": "VARCHAR", "date": "DATE", "int": "INTEGER",
                "age": "INTEGER", "yesno": "BOOLEAN"}
SUITABLE = {"code:suitability"}  # code lists whose values are true/false


def duckdb_type(column: Column) -> str:
    if column.kind in SUITABLE:
        return "BOOLEAN"
    return DUCKDB_TYPES.get(column.kind, "VARCHAR")


def staging_columns(annex: AnnexList) -> dict[str, str]:
    """The list's staging table: its columns, then the date the list was extracted."""
    return {c.name: duckdb_type(c) for c in annex.columns} | {"extract_date": "DATE"}


# ------------------------------------------------------------------ coded values
# Each code list: code -> the names it is written as (besides the code itself).
# Values are matched after `value_key()`, with the template's "a) " prefix removed
# and, for "code: words" / "code - words" values, by the code or by the words.

ETHNICITY_NAMES = {
    "WBRI": ("British", "White British", "English", "Scottish", "Welsh"),
    "WIRI": ("Irish", "White Irish"),
    "WIRT": ("Traveller of Irish Heritage", "Irish Traveller"),
    "WOTH": ("Any Other White Background", "Other White", "White Other", "Any Other White", "Other White Background"),
    "WROM": ("Gypsy/Roma", "Gypsy Roma", "Roma", "Gypsy", "Roma/Gypsy"),
    "MWBC": ("White and Black Caribbean",),
    "MWBA": ("White and Black African",),
    "MWAS": ("White and Asian",),
    "MOTH": ("Any Other Mixed Background", "Other Mixed", "Mixed Other", "Any Other Mixed",
             "Other Mixed Background"),
    "AIND": ("Indian",),
    "APKN": ("Pakistani",),
    "ABAN": ("Bangladeshi",),
    "AOTH": ("Any Other Asian Background", "Other Asian", "Asian Other", "Any Other Asian",
             "Other Asian Background"),
    "BCRB": ("Caribbean",),
    "BAFR": ("African",),
    "BOTH": ("Any Other Black Background", "Other Black", "Black Other", "Any Other Black",
             "Other Black Background"),
    "CHNE": ("Chinese",),
    "OOTH": ("Any Other Ethnic Group", "Other Ethnic Group", "Other", "Any Other"),
    "REFU": ("Refused", "Information Refused", "Declined"),
    "NOBT": ("Information Not Yet Obtained", "Not Yet Obtained", "Not Obtained", "Not Known", "Unknown"),
}
# Group words some systems put before the name ("Asian or Asian British - Indian").
ETHNIC_GROUP_WORDS = ("mixedmultipleethnicgroups", "mixedmultipleethnicgroup", "mixeddualbackground", "mixed",
                      "asianorasianbritish", "asianbritish", "asian", "blackorblackbritish",
                      "blackafricancaribbeanorblackbritish", "blackbritish", "black", "white",
                      "chineseorotherethnicgroup", "otherethnicgroups", "otherethnicgroup")

CODE_LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {
        "M": ("Male", "1", "Boy", "Man"),
        "F": ("Female", "2", "Girl", "Woman"),
        "U": ("Not stated/recorded", "Not stated", "Not recorded", "Unknown", "Not known", "0", "Unborn"),
        "N": ("Neither", "Indeterminate", "9", "Other"),
    },
    "ethnicity": ETHNICITY_NAMES,
    "source": {
        "1A": ("Individual",), "1B": (), "1C": (), "1D": (), "2A": ("School", "Schools"),
        "2B": ("Education services",), "3A": ("GP",), "3B": ("Health visitor",), "3C": ("School nurse",),
        "3D": ("Other primary health services",), "3E": ("A&E",), "3F": ("Other health services",),
        "4": ("Housing",), "5A": ("LA social care",), "5B": ("Other internal",), "5C": ("External LA",),
        "5D": ("LA services", "Early help"), "6": ("Police",), "7": ("Other legal agency",), "8": ("Other",),
        "9": ("Anonymous",), "10": ("Unknown", "Not known"),
    },
    "abuse": {
        "NEG": ("Neglect",), "PHY": ("Physical abuse", "Physical"), "SAB": ("Sexual abuse", "Sexual"),
        "EMO": ("Emotional abuse", "Emotional"),
        "MUL": ("Multiple/not recommended", "Multiple", "Multiple categories", "Mixed"),
    },
    "legal_status": {code: () for code in ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3",
                                           "J1", "J2", "J3")},
    "location": {
        "In": ("Inside", "In LA", "In area", "Inside LA", "Within LA"),
        "Out": ("Outside", "Out of LA", "Out of area", "Outside LA"),
        "NIR": ("Northern Ireland",), "WAL": ("Wales",), "SCO": ("Scotland",), "NUK": ("Outside the UK",),
        "CON": ("Confidential",),
    },
    "in_touch": {
        "YES": ("Y", "In touch"), "NO": ("N", "Not in touch"), "DIED": ("Died",),
        "REFU": ("Refused", "Refuses contact"), "NREQ": ("No longer requires services",),
        "RHOM": ("Returned home",),
    },
    "activity": {code: () for code in ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5",
                                       "G4", "G5", "G6", "0")},
    "suitability": {True: ("Suitable", "1", "Yes", "Y"), False: ("Unsuitable", "Not suitable", "2", "No", "N")},
}
YES_NO = {True: ("Yes", "Y", "1", "True"), False: ("No", "N", "0", "False")}
YES_NO_UNKNOWN = ("Unknown", "U", "Not known", "Not recorded", "N/A")

# Written by Excel when a formula found nothing; read as blank.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!"})
