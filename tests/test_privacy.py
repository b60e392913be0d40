"""Privacy at load time (docs/privacy.md): child IDs reach staging only as keyed
pseudonyms, the key never does, postcodes are cut to the sector, dates of birth to
the month if asked, and every stored column is documented.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from headway.config import DEMO_KEY, KEY_VARIABLE, load_settings
from headway.errors import HeadwayError
from headway.warehouse import privacy
from headway.warehouse.staging import load_files, staged_tables
from headway.warehouse.tables import STAGING_TABLES, YEARLY_TABLES

ROOT = Path(__file__).resolve().parents[1]
KEY = "another-test-key-fedcba9876543210fedcba98765"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST"


def returns(tmp_path: Path, child: str = "RAWID0123") -> Path:
    """One child in the 903 Header and Episodes, the CIN Census and the allocations."""
    folder = tmp_path / "returns"
    (folder / "2026").mkdir(parents=True, exist_ok=True)
    (folder / "org").mkdir(exist_ok=True)
    (folder / "2026" / "header.csv").write_text(f"CHILD,SEX,DOB,ETHNIC\n{child},1,17/06/2015,WBRI\n")
    (folder / "2026" / "episodes.csv").write_text(
        f"{EPISODES}\n{child},01/05/2025,S,C2,N1,U1,PR1,,,,E20 1LP,zz99 3vz\n")
    (folder / "cin.xml").write_text(
        '<?xml version="1.0"?><Message><Header><CollectionDetails><Year>2026</Year></CollectionDetails></Header>'
        f"<Children><Child><ChildIdentifiers><LAchildID>{child}</LAchildID><PersonBirthDate>2015-06-17"
        "</PersonBirthDate></ChildIdentifiers><CINdetails><CINreferralDate>2025-06-02</CINreferralDate>"
        "</CINdetails></Child></Children></Message>")
    (folder / "org" / "allocations.csv").write_text(
        f"child_id,worker_id,start_date,end_date\n{child},W1,2025-05-01,\n")
    return folder


def staged(settings, table: str, column: str, label: str = "2026") -> list:
    return pq.read_table(settings.staging_dir / table / f"{label}.parquet").column(column).to_pylist()


def hmac_hex(key: str, child: str) -> str:
    return hmac.new(key.encode(), child.encode(), hashlib.sha256).hexdigest()[:20]


# ------------------------------------------------------------------ pseudonyms

def test_child_ids_are_stored_as_the_hmac_of_the_id_and_the_same_in_every_table(tmp_path, workspace, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    load_files([returns(tmp_path)], workspace)
    expected = hmac_hex(KEY, "RAWID0123")
    assert staged(workspace, "ssda903_header", "child_id") == [expected]
    assert staged(workspace, "ssda903_episodes", "child_id") == [expected]
    assert staged(workspace, "cin_child", "child_id") == [expected]
    assert staged(workspace, "cin_episode", "child_id") == [expected]
    assert staged(workspace, "org_allocation", "child_id", "current") == [expected]


def test_no_staged_file_holds_the_raw_id_or_the_key(tmp_path, workspace, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    load_files([returns(tmp_path)], workspace)
    stored = [p for p in workspace.staging_dir.rglob("*") if p.is_file()]
    assert len(stored) > 5
    for path in stored:
        data = path.read_bytes()
        assert b"RAWID0123" not in data and KEY.encode() not in data, path


def test_a_different_key_gives_different_pseudonyms(tmp_path, monkeypatch):
    first, second = load_settings(tmp_path / "a"), load_settings(tmp_path / "b")
    load_files([returns(tmp_path)], first)
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    load_files([returns(tmp_path)], second)
    assert staged(first, "ssda903_header", "child_id") != staged(second, "ssda903_header", "child_id")


def test_pseudonymise_trims_spaces_keeps_zeros_and_blank_stays_blank():
    key = b"k" * 32
    out = privacy.pseudonymise(pa.chunked_array([[" 123", "123 ", "0123", None, ""]]), key).to_pylist()
    assert out[0] == out[1] == hmac_hex("k" * 32, "123")
    assert out[2] == hmac_hex("k" * 32, "0123") != out[0]
    assert out[3:] == [None, None]


# ------------------------------------------------------------------ the key

def test_load_refuses_without_a_key_and_says_how_to_set_one(tmp_path, workspace, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(HeadwayError) as caught:
        load_files([returns(tmp_path)], workspace)
    message = str(caught.value)
    assert "No pseudonymisation key" in message and KEY_VARIABLE in message and "key_file" in message
    assert staged_tables(workspace) == {}


@pytest.mark.parametrize("key, why", [("short", "too weak"), ("a" * 40, "too weak"), (DEMO_KEY, "demo key")])
def test_weak_and_demo_keys_are_refused(tmp_path, workspace, monkeypatch, key, why):
    monkeypatch.setenv(KEY_VARIABLE, key)
    with pytest.raises(HeadwayError, match=why):
        load_files([returns(tmp_path)], workspace)
    assert staged_tables(workspace) == {}


def test_demo_mode_loads_with_the_demo_key(tmp_path, workspace, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    load_files([returns(tmp_path)], replace(workspace, demo=True))
    assert staged(workspace, "ssda903_header", "child_id") == [hmac_hex(DEMO_KEY, "RAWID0123")]


def test_a_key_file_named_in_headway_toml(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o600)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "headway.toml").write_text(f'[privacy]\nkey_file = "{key_file}"\n')
    settings = load_settings(workspace)
    load_files([returns(tmp_path)], settings)
    assert staged(settings, "ssda903_header", "child_id") == [hmac_hex(KEY, "RAWID0123")]
    key_file.chmod(0o644)
    with pytest.raises(HeadwayError, match="can be read by other users"):
        load_files([returns(tmp_path)], settings)


def test_a_key_file_inside_the_workspace_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "pseudonym.key").write_text(KEY)
    (workspace / "pseudonym.key").chmod(0o600)
    (workspace / "headway.toml").write_text('[privacy]\nkey_file = "pseudonym.key"\n')
    with pytest.raises(HeadwayError, match="inside the workspace"):
        load_files([returns(tmp_path)], load_settings(workspace))


def test_loading_with_another_key_than_staging_was_loaded_with_is_refused(tmp_path, workspace, monkeypatch):
    load_files([returns(tmp_path)], workspace)
    before = {p: p.read_bytes() for p in workspace.staging_dir.rglob("*.parquet")}
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    with pytest.raises(HeadwayError, match="pseudonymised with a different key"):
        load_files([returns(tmp_path)], workspace)
    assert {p: p.read_bytes() for p in workspace.staging_dir.rglob("*.parquet")} == before


# ------------------------------------------------------------------ dates of birth, postcodes

def test_dates_of_birth_are_kept_whole_unless_asked(tmp_path, workspace):
    load_files([returns(tmp_path)], workspace)
    assert staged(workspace, "ssda903_header", "dob") == [dt.date(2015, 6, 17)]


def test_dates_of_birth_cut_to_the_first_of_the_month(tmp_path, workspace):
    load_files([returns(tmp_path)], replace(workspace, dob_first_of_month=True))
    assert staged(workspace, "ssda903_header", "dob") == [dt.date(2015, 6, 1)]
    assert staged(workspace, "cin_child", "dob") == [dt.date(2015, 6, 1)]
    assert staged(workspace, "ssda903_episodes", "decom") == [dt.date(2025, 5, 1)]  # other dates stay whole


def test_postcodes_are_cut_to_the_sector_and_pseudo_postcodes_not_kept(tmp_path, workspace):
    results = load_files([returns(tmp_path)], workspace)
    assert staged(workspace, "ssda903_episodes", "home_post") == ["E20 1"]
    assert staged(workspace, "ssda903_episodes", "pl_post") == [None]
    [episodes] = [r for r in results if r.file.endswith("episodes.csv")]
    assert "pl_post: 1 value(s) not a UK postcode, not kept" in episodes.notes


def test_the_placement_distance_is_kept_and_the_postcodes_are_not(tmp_path, workspace):
    """The miles between home and placement are worked out from the whole postcodes
    before they are cut to sectors (BS1 4DJ in Bristol to BA1 1LZ in Bath: 11.3)."""
    folder = tmp_path / "2026"
    folder.mkdir()
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC\nRAWID0123,1,17/06/2015,WBRI\n")
    (folder / "episodes.csv").write_text(f"{EPISODES}\nRAWID0123,01/05/2025,S,C2,N1,U1,PR1,,,,BS1 4DJ,ba11lz\n")
    load_files([folder], workspace)
    assert staged(workspace, "ssda903_episodes", "pl_distance") == [11.3]
    assert staged(workspace, "ssda903_episodes", "home_post") == ["BS1 4"]
    assert staged(workspace, "ssda903_episodes", "pl_post") == ["BA1 1"]


def test_postcode_sector_from_every_spelling():
    sectors, dropped = privacy.postcode_sector(pa.array(["E20 1LP", "e201lp", "E2 0 1 L P", "SW1A 1AA", "e20 1",
                                                         "ZZ99", "ZZ99 3CZ", "E2", "", None]))
    assert sectors.to_pylist() == ["E20 1", "E20 1", "E20 1", "SW1A 1", "E20 1", None, None, None, None, None]
    assert dropped == 3


# ------------------------------------------------------------------ every stored column is documented

def documented_columns() -> dict[str, set[str]]:
    """Table -> the `column` names in the first cell of each row under its heading."""
    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    documented = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        rows = [line.split("|")[1] for line in body.splitlines() if line.startswith("|")]
        documented[heading.strip()] = {name for cell in rows for name in re.findall(r"`([^`]+)`", cell)}
    return documented


def test_every_staging_column_is_listed_in_privacy_md():
    documented = documented_columns()
    missing = [f"{table}.{column}" for table, columns in STAGING_TABLES.items() for column in columns
               if column not in documented.get(table, set())]
    assert not missing, f"add these to docs/privacy.md with why they are needed: {missing}"
    assert "collection_year" in documented["All yearly tables"] and YEARLY_TABLES


def test_privacy_md_lists_no_table_that_is_not_stored():
    stray = set(documented_columns()) - set(STAGING_TABLES) - {"All yearly tables", "Annex A lists (annex_a_list1 "
                                                                "to annex_a_list11)"}
    assert not stray


def test_no_staging_column_is_free_text():
    free_text = re.compile(r"note|comment|description|narrative|free_?text|summary|name_of_child|address")
    assert [f"{t}.{c}" for t, cols in STAGING_TABLES.items() for c in cols if free_text.search(c)] == []


def test_every_child_id_column_is_pseudonymised():
    """Any table whose rows are about a child has a child_id column privacy.protect pseudonymises."""
    for table, columns in STAGING_TABLES.items():
        if table.startswith(("ssda903_", "cin_", "annex_a_list")) and table != "annex_a_list11":
            assert any(privacy.is_child_id(c) for c in columns), table
    assert privacy.is_person_id("adopter_id") and privacy.is_person_id("family_id")
    assert not privacy.is_person_id("worker_id")


def test_the_key_check_file_does_not_hold_the_key(tmp_path, workspace):
    load_files([returns(tmp_path)], workspace)
    check = (workspace.staging_dir / ".key-check").read_text().strip()
    assert len(check) == 16 and check not in os.environ[KEY_VARIABLE]


# ------------------------------------------------------------------ headway serve

def test_serve_refuses_to_start_without_a_key_or_with_another_key(tmp_path, workspace, monkeypatch):
    from headway.warehouse.staging import check_key_to_serve
    load_files([returns(tmp_path)], workspace)
    check_key_to_serve(workspace)  # the key it was loaded with: starts
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    with pytest.raises(HeadwayError, match="pseudonymised with a different key"):
        check_key_to_serve(workspace)
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(HeadwayError, match="No pseudonymisation key"):
        check_key_to_serve(workspace)


def test_serve_on_a_demo_workspace_needs_no_key(tmp_path, workspace, monkeypatch):
    from headway.warehouse.staging import check_key_to_serve
    monkeypatch.delenv(KEY_VARIABLE)
    load_files([returns(tmp_path)], replace(workspace, demo=True))
    check_key_to_serve(workspace)
    (workspace.staging_dir / ".key-check").write_text("0123456789abcdef\n")  # another key's staging
    with pytest.raises(HeadwayError, match="No pseudonymisation key"):
        check_key_to_serve(workspace)


# ------------------------------------------------------------------ downstream: the web shows the pseudonym

@pytest.fixture(scope="module")
def executive_user(tmp_path_factory):
    """Django set up, the app database migrated, and an Executive Director who sees
    the whole authority."""
    from headway.web import migrate_database, setup
    from headway.web.accounts import ensure_user

    setup(load_settings(tmp_path_factory.mktemp("privacy-web") / "workspace"))
    migrate_database()
    return ensure_user("privacy-executive", "correct horse battery staple 42", role="Executive Director",
                       whole_authority=True)


def test_the_child_page_and_exception_list_show_the_pseudonym_not_the_id(tmp_path, executive_user, monkeypatch):
    """Loaded for real (pseudonymised), refreshed, then read by the web pages: the
    child's page is found by its pseudonym, and the council's ID appears nowhere."""
    from django.test import Client, override_settings

    from headway.warehouse.build import refresh
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    folder = returns(tmp_path, child="RAWID0123")
    (folder / "org" / "teams.csv").write_text("team_id,team_name,service_area\nT1,Team One,Children in Care\n")
    (folder / "org" / "workers.csv").write_text("worker_id,worker_name,team_id,role\nW1,Worker One,T1,Social Worker\n")
    settings = load_settings(tmp_path / "ws")
    load_files([folder], settings)
    refresh(settings)
    pseudonym = hmac_hex(KEY, "RAWID0123")
    with override_settings(HEADWAY_SETTINGS=settings):
        executive = Client(SERVER_NAME="localhost")
        executive.force_login(executive_user)
        page = executive.get(f"/children/{pseudonym}/")
        assert page.status_code == 200
        assert pseudonym in page.content.decode() and "RAWID0123" not in page.content.decode()
        assert executive.get("/children/RAWID0123/").status_code == 404
        listing = executive.get("/exceptions/cla-reviews/").content.decode()
        assert f"/children/{pseudonym}/" in listing and "RAWID0123" not in listing


def test_staging_loaded_before_pseudonyms_is_not_mixed_with_them(tmp_path, workspace):
    """Staging written with the council's own IDs (an older Headway) would hold the
    same child under two IDs after a pseudonymised load: refused."""
    from tests.hand_fixture import write_staging
    write_staging(workspace, "ssda903_header", [{"child_id": "RAWID0123", "sex": "M"}], 2025)
    before = {p: p.read_bytes() for p in workspace.staging_dir.rglob("*.parquet")}
    with pytest.raises(HeadwayError, match="holds child IDs as the returns wrote them"):
        load_files([returns(tmp_path)], workspace)
    assert {p: p.read_bytes() for p in workspace.staging_dir.rglob("*.parquet")} == before
