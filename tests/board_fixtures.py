"""Shared set-up for the board's tests (tests/test_board*.py).

Django is configured once per process (headway.web.setup): the first test module to
ask wins, and every later one shares its app database. So each board test runs
inside a transaction that is rolled back at its end (`board_db`), and makes its own
users and records with the helpers here. Nothing here is real data.
"""

from __future__ import annotations

import datetime as dt

import pytest

from headway.config import Settings
from headway.web import roles



@pytest.fixture(scope="module")
def board_app(tmp_path_factory):
    """Django configured and the app database migrated (board tables, history triggers, and
    a Group per role, which headway.web creates after every migrate)."""
    from headway.web import migrate_database, setup

    setup(Settings(workspace=tmp_path_factory.mktemp("board-app") / "workspace"))
    migrate_database()


@pytest.fixture(scope="module")
def board_warehouse(tmp_path_factory) -> Settings:
    """A published warehouse with the hand-made org tree of tests/hand_fixture.py: teams T1
    (Assessment Team, service Assessment) and T2 (Safeguarding Team, service Safeguarding),
    and UNALLOCATED (Not allocated)."""
    from headway.warehouse.build import refresh
    from tests import hand_fixture

    settings = Settings(workspace=tmp_path_factory.mktemp("board-warehouse") / "workspace")
    hand_fixture.write_hand_fixture(settings)
    refresh(settings)
    return settings


@pytest.fixture
def warehouse(board_warehouse):
    """The app reads that warehouse (its org tree gives the teams) for one test."""
    from django.test import override_settings

    with override_settings(HEADWAY_SETTINGS=board_warehouse):
        yield board_warehouse


@pytest.fixture
def board_db(board_app):
    """One test's changes, rolled back when it ends."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def make_user(username: str, *role_names: str, first_name: str = "", last_name: str = "", password=None,
              whole_authority: bool = False, service_areas=(), teams=()):
    """A user holding these roles, with this scope (none unless given). No password unless
    given: tests sign in with force_login, and hashing a password (Argon2) takes a
    noticeable fraction of a second."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from headway.web.models import Scope

    user = get_user_model().objects.create_user(username, password=password, first_name=first_name,
                                                last_name=last_name, email=f"{username}@example.org")
    for name in role_names:
        user.groups.add(Group.objects.get(name=name))
    if whole_authority or service_areas or teams:
        Scope.objects.create(user=user, whole_authority=whole_authority, service_areas=list(service_areas),
                             teams=list(teams))
    return user


def client_for(user=None):
    """A test browser signed in as `user` (or nobody)."""
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(board_db):
    """One user per kind of board participant. The chair, the officers and the member sit at
    the board for the whole authority; managers with a narrower scope are made where a test
    needs them (tests/test_board_scope.py)."""
    return {
        "analyst": make_user("ana", roles.ANALYST, first_name="Ana", last_name="Lyst"),
        "chair": make_user("chair", roles.BOARD_CHAIR, first_name="Cara", last_name="Chair", whole_authority=True),
        "officer": make_user("olly", roles.SERVICE_MANAGER, first_name="Olly", last_name="Officer",
                             whole_authority=True),
        "other_officer": make_user("otto", roles.TEAM_MANAGER, first_name="Otto", last_name="Other",
                                   whole_authority=True),
        "member": make_user("mem", roles.SCRUTINY_MEMBER, first_name="Meg", last_name="Member",
                            whole_authority=True),
        "nobody": make_user("nobody"),
    }


def make_action(officer, reference: str = "1.1", *, start=dt.date(2025, 4, 1), due=dt.date(2026, 3, 31),
                status: str = "in_progress", rag: str = "", reason: str = "", theme_name: str = "Quality", **extra):
    from headway.board.models import Action, Theme

    theme, _ = Theme.objects.get_or_create(name=theme_name)
    return Action.objects.create(reference=reference, title=f"Action {reference}", theme=theme,
                                 accountable_officer=officer, start_date=start, due_date=due, status=status,
                                 officer_rag=rag, rag_reason=reason, **extra)


def make_risk(owner, reference: str = "R1", *, current=(3, 4), appetite: int = 6,
              next_review=dt.date(2030, 1, 1)):
    from headway.board.models import Risk, RiskCategory

    category, _ = RiskCategory.objects.get_or_create(name="Safeguarding", defaults={"appetite_score": appetite})
    return Risk.objects.create(reference=reference, title=f"Risk {reference}", owner=owner, category=category,
                               inherent_likelihood=4, inherent_impact=5, current_likelihood=current[0],
                               current_impact=current[1], target_likelihood=2, target_impact=2,
                               next_review_on=next_review)


STATEMENT = {"done": "Recruited 12 permanent social workers.", "impact": "Agency use fell from 22% to 15%.",
             "next_steps": "Second recruitment round in May.", "proposed_rag": "A"}
COMMENTARY = {"shows": "Timeliness rose to 84%.", "why": "The new duty rota cleared the backlog.",
              "next_steps": "Hold the rota through the summer."}


# --- the browser tests' world (run in the server's workspace, from a process of its own) ----
BROWSER_PASSWORD = "board-browser-test-password-7"


def seed_browser_world() -> None:
    """Users with passwords, roles and scopes, one action and one risk, and the hand-made
    warehouse (whose org tree gives the teams), in the configured workspace."""
    from headway.config import load_settings
    from headway.warehouse.build import refresh
    from headway.web import migrate_database, setup
    from tests import hand_fixture

    settings = load_settings()
    hand_fixture.write_hand_fixture(settings)
    refresh(settings)
    setup(settings)
    migrate_database()
    officer = make_user("olly", roles.SERVICE_MANAGER, first_name="Olly", last_name="Officer",
                        password=BROWSER_PASSWORD, whole_authority=True)
    make_user("chair", roles.BOARD_CHAIR, first_name="Cara", last_name="Chair", password=BROWSER_PASSWORD,
              whole_authority=True)
    make_user("mem", roles.SCRUTINY_MEMBER, first_name="Meg", last_name="Member", password=BROWSER_PASSWORD,
              whole_authority=True)
    make_action(officer, "1.1", due=dt.date(2099, 3, 31))
    make_risk(officer, "R1", current=(3, 4))
