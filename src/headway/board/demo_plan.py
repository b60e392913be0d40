"""The demo's improvement plan: `headway demo` seeds the board as a council would have it
some months into an improvement programme, so the dashboard shows a plan and the
committee pack has approved words to print (and drafts it must leave out).

The shape follows Sefton's plan (four themes, four key areas; see ../shared/seeds):
actions with accountable officers, approved and draft position statements, measure
commentary, a risk register with a mitigation and a review, and an audit programme
with case audits on the warehouse's own teams. Every person, statement and audit here
is invented for the demo: no real child, worker or officer. Records are made through
the board's own functions (drafts.write_statement, drafts.approve, record_review), so
each passes the checks the app applies and leaves its history.

Dates count back from the month the pack reports (`period_end`), so a demo run on any
synthetic year reads as current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from headway.board import drafts
from headway.board.history import acting_as
from headway.board.models import (Action, CaseAudit, DomainGrade, Feedback, KeyArea, LinkedMeasure, Milestone,
                                  Mitigation, OfstedPoint, Risk, RiskCategory, RotaSlot, Theme, ThemedAudit)
from headway.board.risks import record_review
from headway.web import roles
from headway.web.access import OrgTree

# Sefton's four themes, in its words, and its four key areas.
THEMES = [
    ("Quality", "The right staff in the right place at the right time, giving a consistent standard of good "
                "quality safeguarding services to children and families."),
    ("Improving Implementation of Learning", "Using what we know and learn to keep improving the services we "
                                             "give children and families."),
    ("Improving Tools", "The right tools for the workforce to give good quality services."),
    ("Improving Strategic Partnerships", "Partnership working towards common goals and a high quality "
                                         "multi-agency response."),
]
KEY_AREAS = ["Corporate Leadership", "Governance and Partnerships", "Practice", "Enablers and Resources"]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str
    first_name: str
    last_name: str


PEOPLE = {
    "director": DemoPerson("demo-director", roles.EXECUTIVE, "Dana", "Ellis"),
    "assistant": DemoPerson("demo-assistant", roles.ASSISTANT_DIRECTOR, "Amir", "Hassan"),
    "service": DemoPerson("demo-service", roles.SERVICE_MANAGER, "Grace", "Okafor"),
    "team": DemoPerson("demo-team", roles.TEAM_MANAGER, "Tom", "Reilly"),
    "chair": DemoPerson("demo-chair", roles.BOARD_CHAIR, "Hilary", "Marsh"),
}

# Words the demo's tests look for: one approved statement, and the draft that replaced it
# (the pack must print the first and never the second), and a statement never approved.
APPROVED_DONE = "Twelve permanent social workers started, and the agency rate fell for a third month."
DRAFT_DONE = "Draft, not yet approved: a second recruitment round opened for senior practitioners."
NEVER_APPROVED_DONE = "Draft only: supervision audits show the Practice Standards used in most files."


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months_back(period_end: dt.date, months: int) -> dt.date:
    """The month end `months` before period_end's month (negative: after)."""
    index = period_end.year * 12 + period_end.month - 1 - months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def saved(record):
    """Check a record as the app's forms do, then save it."""
    record.full_clean()
    record.save()
    return record


def demo_people(org: OrgTree, teams: list[str]) -> dict:
    """The plan's officers and the board's chair (no password: nobody signs in as them),
    each with a scope in the demo warehouse's organisation."""
    from headway.web.accounts import ensure_user

    above = [org.parents.get(("team", team)) for team in teams[1:2]]  # the second team's service
    services = tuple(unit for level, unit in filter(None, above) if level == "service")
    scopes = {"director": {"whole_authority": True}, "assistant": {"whole_authority": True},
              "service": {"service_areas": services}, "team": {"teams": tuple(teams[:1])},
              "chair": {"whole_authority": True}}
    made = {}
    for key, person in PEOPLE.items():
        user = ensure_user(person.username, None, role=person.role, **scopes[key])
        user.first_name, user.last_name = person.first_name, person.last_name
        user.set_unusable_password()
        user.save()
        made[key] = user
    return made


def seed_plan(people: dict, analyst, period_end: dt.date) -> dict[str, Action]:
    """Themes, key areas, Ofsted points and five actions, one of them overdue."""
    with acting_as(analyst):
        themes = [saved(Theme(name=name, description=text, order=n)) for n, (name, text) in
                  enumerate(THEMES, start=1)]
        areas = {name: saved(KeyArea(name=name, order=n)) for n, name in enumerate(KEY_AREAS, start=1)}
        areas["Practice"].accountable_officer = people["service"]
        saved(areas["Practice"])
        oversight = saved(OfstedPoint(reference="PoC 1", kind=OfstedPoint.Kind.POINT_OF_CONCERN,
                                      source="Inspection (demo)",
                                      text="Management oversight and supervision are not consistently effective."))
        rows = [  # reference, title, theme, key area, officer, measures, months started ago, due, status, RAG, reason
            ("1.1", "Recruit and keep a permanent workforce", 0, "Enablers and Resources", "director",
             ["W02", "W03"], 15, -6, "in_progress", "A", "Agency use is falling but three service manager posts "
                                                         "are still filled by interims."),
            ("1.2", "Embed the Practice Standards in supervision", 0, "Practice", "service", ["A02", "P06"], 12, 1,
             "in_progress", "A", "Standards launched; audits show uneven use."),
            ("2.1", "Run themed audits with closing-the-loop follow-ups", 1, "Practice", "assistant", ["P06"], 14,
             -3, "in_progress", "G", "Programme running to the rota."),
            ("3.1", "Give managers a performance dashboard they use every week", 2, "Corporate Leadership",
             "assistant", [], 18, 2, "complete", "G", "Dashboard live for every team."),
            ("4.1", "Consistent threshold decisions at the front door with partners", 3,
             "Governance and Partnerships", "director", ["R02", "R03"], 9, -9, "in_progress", "A",
             "Joint audit with police and health agreed; not yet started."),
        ]
        actions = {}
        for ref, title, theme, area, officer, measures, started, due, status, rag, reason in rows:
            action = saved(Action(
                reference=ref, title=title, theme=themes[theme], key_area=areas[area],
                accountable_officer=people[officer], lead=f"{people[officer].get_full_name()}'s service",
                start_date=months_back(period_end, started) + dt.timedelta(days=1),
                due_date=months_back(period_end, due), status=status, officer_rag=rag, rag_reason=reason,
                completed_on=months_back(period_end, 3) if status == "complete" else None,
                next_review_on=months_back(period_end, -1)))
            for measure_id in measures:
                saved(LinkedMeasure(action=action, measure_id=measure_id))
            actions[ref] = action
        actions["1.2"].ofsted_points.add(oversight)
        saved(Milestone(action=actions["1.1"], title="Second recruitment round closes",
                        due_date=months_back(period_end, -2)))
        saved(Milestone(action=actions["1.2"], title="Every team manager trained in the Practice Standards",
                        due_date=months_back(period_end, 2), completed_on=months_back(period_end, 2)))
    return actions


def write(subject, as_of, author, done, impact, next_steps, rag):
    with acting_as(author):
        return drafts.write_statement(subject, as_of, author, {"done": done, "impact": impact,
                                                               "next_steps": next_steps, "proposed_rag": rag})


def approve(version, chair):
    with acting_as(chair):
        return drafts.approve(version, chair)


def seed_statements(people: dict, actions: dict, period_end: dt.date) -> None:
    """Approved statements for the pack's quarter, one replaced by a newer draft, one never
    approved, an approved key-area statement, and approved and draft measure commentary."""
    chair, director, service = people["chair"], people["director"], people["service"]
    as_of = period_end - dt.timedelta(days=10)
    first = write(actions["1.1"], as_of, director, APPROVED_DONE,
                  "Agency social workers are now a smaller share of the workforce than at the start of the plan.",
                  "Keep the retention offer under review with staff side.", "A")
    approve(first, chair)
    with acting_as(director):
        drafts.revise(first.statement, director, {"done": DRAFT_DONE, "impact": "Too early to say.",
                                                  "next_steps": "Report to the next board.", "proposed_rag": "G"})
    approve(write(actions["2.1"], as_of, people["assistant"],
                  "Two themed audits finished; every finding has a closing-the-loop date.",
                  "Re-audits show plans more often reviewed on time.",
                  "Next theme: management oversight in child protection.", "G"), chair)
    write(actions["1.2"], as_of, service, NEVER_APPROVED_DONE, "Not yet measured.", "Audit again next quarter.", "A")
    approve(write(actions["1.2"].key_area, as_of, service,
                  "Practice week held; the Practice Standards are in every supervision template.",
                  "Managers report clearer case direction.", "Share audit learning at the practice forum.", "A"),
            chair)
    with acting_as(service):
        approved = drafts.write_commentary("A02", period_end, service, {
            "shows": "Assessments finished within 45 working days are steady this month.",
            "why": "The duty rota introduced in the spring has held.",
            "next_steps": "Keep the rota through the summer holidays."})
        drafts.write_commentary("W02", period_end, service, {
            "shows": "Draft commentary on agency staff, waiting for approval.",
            "why": "Two teams replaced agency workers with permanent staff.",
            "next_steps": "Confirm the figure with the workforce return."})
    approve(approved, chair)


def seed_risks(people: dict, actions: dict, analyst, period_end: dt.date) -> None:
    """Three risks, one above appetite and mitigated by an action, one reviewed since it was scored."""
    with acting_as(analyst):
        workforce = saved(RiskCategory(name="Workforce", appetite_score=8,
                                       appetite_statement="Low: a stable workforce underpins everything else."))
        safeguarding = saved(RiskCategory(name="Safeguarding", appetite_score=6,
                                          appetite_statement="Minimal: children must be safe."))
        data = saved(RiskCategory(name="Information", appetite_score=9))
        next_review = months_back(period_end, -1)
        staffing = saved(Risk(reference="R1", title="Not enough permanent social workers",
                              cause="Regional shortage; agency pay.", effect="Drift in children's plans.",
                              owner=people["director"], category=workforce, inherent_likelihood=5,
                              inherent_impact=4, current_likelihood=4, current_impact=4, target_likelihood=2,
                              target_impact=3, next_review_on=next_review))
        saved(Mitigation(risk=staffing, description="Recruitment and retention offer", action=actions["1.1"]))
        demand = saved(Risk(reference="R2", title="Demand at the front door exceeds capacity",
                            cause="Rising contacts from partners.", effect="Delayed decisions on referrals.",
                            owner=people["assistant"], category=safeguarding, inherent_likelihood=4,
                            inherent_impact=5, current_likelihood=3, current_impact=4, target_likelihood=2,
                            target_impact=3, next_review_on=next_review))
        saved(Mitigation(risk=demand, description="Threshold work with partners", action=actions["4.1"]))
        saved(Risk(reference="R3", title="Recording gaps weaken performance reports",
                   cause="Workarounds in the case system.", effect="Figures the board cannot rely on.",
                   owner=people["assistant"], category=data, inherent_likelihood=3, inherent_impact=3,
                   current_likelihood=2, current_impact=3, target_likelihood=1, target_impact=3,
                   next_review_on=months_back(period_end, 1)))  # past its review date
    with acting_as(people["assistant"]):
        record_review(demand, people["assistant"], reviewed_on=months_back(period_end, 1), likelihood=3, impact=3,
                      note="Extra duty social worker in the front door.", next_review_on=next_review)


GRADES = ["good", "requires_improvement", "good", "inadequate", "outstanding", "good", "requires_improvement",
          "good"]


def seed_audits(people: dict, analyst, org: OrgTree, teams: list[str], period_end: dt.date) -> None:
    """A themed audit, the rota, case audits over three quarters on the warehouse's teams (one
    closed the loop on), and structured feedback. Children only by invented pseudonymous IDs."""
    if not teams:  # nothing published: no team to tie an audit to
        return
    with acting_as(analyst):
        themed = saved(ThemedAudit(theme="Management oversight in child protection",
                                   sample="20 child protection plans open at the month end",
                                   starts_on=months_back(period_end, 2) + dt.timedelta(days=1),
                                   ends_on=months_back(period_end, 1), lead=people["assistant"]))
        for number, team in enumerate(teams[:2]):
            auditor = people["team"] if number == 0 else people["service"]
            saved(RotaSlot(auditor=auditor, team_unit=team, team=org.name("team", team), cases=3,
                           due_on=months_back(period_end, -1), themed_audit=themed))
    audits = []
    for number, grade in enumerate(GRADES):
        team = teams[number % min(len(teams), 3)]
        auditor = people["assistant"]
        with acting_as(auditor):
            audit = saved(CaseAudit(
                kind=CaseAudit.Kind.THEMED if number % 2 else CaseAudit.Kind.ROTA,
                themed_audit=themed if number % 2 else None, child_ref=f"DEMO-C{number + 1:04d}", team_unit=team,
                team=org.name("team", team), worker=f"SW{number + 11}", auditor=auditor,
                audited_on=months_back(period_end, 7 - number) - dt.timedelta(days=5), overall_grade=grade,
                findings="Invented for the demo: the plan is clear; the child's views are recorded.",
                actions="Update the chronology."))
            saved(DomainGrade(audit=audit, domain="Voice of the child", grade=grade))
            saved(DomainGrade(audit=audit, domain="Management oversight", grade="good"))
        audits.append(audit)
    with acting_as(auditor):
        first = audits[3]  # the inadequate one: closing the loop
        saved(CaseAudit(kind=CaseAudit.Kind.CLOSING_THE_LOOP, follows_up=first, child_ref=first.child_ref,
                        team_unit=first.team_unit, team=first.team, worker=first.worker, auditor=auditor,
                        audited_on=months_back(period_end, 0) - dt.timedelta(days=3), overall_grade="good",
                        findings="Actions from the first audit done; the plan is now reviewed on time."))
        for number, team in enumerate(teams[:3]):
            saved(Feedback(received_on=months_back(period_end, 1) - dt.timedelta(days=number), from_whom="child",
                           channel="survey", team_unit=team, team=org.name("team", team), about="worker",
                           listened_to=("yes", "partly", "yes")[number], made_a_difference="yes",
                           overall=(5, 3, 4)[number], recorded_by=analyst))


def demo_teams(org: OrgTree) -> list[str]:
    """The warehouse's teams, without the bucket for children nobody holds."""
    return [team for team in org.units("team") if team != "UNALLOCATED"]


@transaction.atomic
def seed_demo_plan(period_end: dt.date, org: OrgTree, analyst) -> bool:
    """Seed the plan unless the workspace already has one; True if it seeded. `analyst` keeps
    the plan's structure (the demo user)."""
    if Theme.objects.exists():
        return False
    teams = demo_teams(org)
    people = demo_people(org, teams)
    actions = seed_plan(people, analyst, period_end)
    seed_statements(people, actions, period_end)
    seed_risks(people, actions, analyst, period_end)
    seed_audits(people, analyst, org, teams, period_end)
    return True


def seed_from_workspace(settings, analyst_username: str) -> bool:
    """seed_demo_plan for the workspace's published warehouse: the pack's month and its teams."""
    from headway.reports.committee import chosen_period
    from headway.warehouse.query import Warehouse

    with Warehouse(settings.warehouse_path) as warehouse:
        period_end = chosen_period(warehouse.periods(), None)
        org = OrgTree.from_warehouse(warehouse)
    analyst = get_user_model().objects.get(username=analyst_username)
    return seed_demo_plan(period_end, org, analyst)
