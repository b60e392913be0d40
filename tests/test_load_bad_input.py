"""Files that must not load: each gives a clear error naming the file, the row and
the column (never the offending value, which may be a child's data), and nothing
from the whole load is written. Files that look odd but are fine do load.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from headway.cli import main
from headway.errors import FileRejected, HeadwayError
from headway.returns import xmlfile
from headway.warehouse.staging import load_files, staged_tables

EPISODES_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE"
GOOD_EPISODE = "0123,01/05/2025,S,C2,N1,U1,PR1,,,"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def episodes(tmp_path: Path, *rows: str, name: str = "2026/episodes.csv") -> Path:
    return write(tmp_path / name, "\n".join([EPISODES_HEADER, *rows]) + "\n")


def rejected(paths, workspace) -> str:
    """The error text of a load that must fail; nothing may have been written."""
    with pytest.raises(FileRejected) as caught:
        load_files(paths, workspace)
    assert staged_tables(workspace) == {}
    return "\n".join(str(e) for e in caught.value.errors)


def cin_file(tmp_path: Path, children: str, year: int = 2026, prolog: str = "") -> Path:
    return write(tmp_path / "cin.xml", f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<Message>\n'
                 f"<Header><CollectionDetails><Year>{year}</Year></CollectionDetails></Header>\n"
                 f"<Children>\n{children}</Children>\n</Message>\n")


def cin_child(child_id: str, referral: str = "2025-06-02") -> str:
    return (f"<Child>\n<ChildIdentifiers>\n<LAchildID>{child_id}</LAchildID>\n</ChildIdentifiers>\n"
            f"<CINdetails>\n<CINreferralDate>{referral}</CINreferralDate>\n</CINdetails>\n</Child>\n")


# ------------------------------------------------------------------ not a return at all

def test_empty_file(tmp_path, workspace):
    message = rejected([write(tmp_path / "episodes.csv", "")], workspace)
    assert "episodes.csv: is empty" in message


def test_file_of_no_known_shape_lists_the_shapes_headway_knows(tmp_path, workspace):
    message = rejected([write(tmp_path / "notes.csv", "Name,Favourite colour\nA,Blue\n")], workspace)
    assert "notes.csv: is not a file Headway knows: it is a CSV file with columns Name, Favourite colour" in message
    for shape in ("SSDA903 Header", "SSDA903 Episodes", "SSDA903 Reviews", "CIN Census", "Teams", "Workers",
                  "Allocations", "ONS population 0-17"):
        assert shape in message


def test_xml_that_is_not_a_cin_census(tmp_path, workspace):
    message = rejected([write(tmp_path / "other.xml", "<?xml version='1.0'?><Invoice/>")], workspace)
    assert "other.xml: is not a file Headway knows: it is an XML file whose root element is not <Message>" in message


def test_excel_workbook_saved_with_a_csv_name(tmp_path, workspace):
    message = rejected([write(tmp_path / "episodes.csv", b"PK\x03\x04" + b"\x00" * 100)], workspace)
    assert "episodes.csv: is an Excel workbook, not a CSV file" in message


def test_a_path_that_does_not_exist(tmp_path, workspace):
    with pytest.raises(HeadwayError, match="does not exist"):
        load_files([tmp_path / "missing.csv"], workspace)


# ------------------------------------------------------------------ bad cells in a 903 file

def test_blank_child_names_file_row_and_column(tmp_path, workspace):
    path = episodes(tmp_path, GOOD_EPISODE, " ,01/05/2025,S,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 3, column CHILD: is blank, and every row needs it" in message


def test_impossible_date_names_file_row_and_column_but_not_the_value(tmp_path, workspace):
    path = episodes(tmp_path, GOOD_EPISODE, "0124,31/02/2023,S,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 3, column DECOM: is not a real date" in message
    assert "31/02/2023" not in message and "0124" not in message


def test_bad_date_far_beyond_the_sniffer_sample(tmp_path, workspace):
    rows = [GOOD_EPISODE] * 30_000 + ["0125,01/05/2025,S,C2,N1,U1,PR1,2025-13-01,E4A,"]
    path = episodes(tmp_path, *rows)
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 30002, column DEC: is not a real date" in message


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv",
                 f"{EPISODES_HEADER}\r\n{GOOD_EPISODE}\r\n\r\n,,,,,,,,,\r\n0126,01/05/2025,S,C2,N1,U1,PR1,32/01/2026,,\r\n")
    message = rejected([path], workspace)
    assert "row 5, column DEC" in message


def test_many_bad_rows_are_counted_not_all_listed(tmp_path, workspace):
    path = episodes(tmp_path, *["0127,00/05/2025,S,C2,N1,U1,PR1,,,"] * 50)
    with pytest.raises(FileRejected) as caught:
        load_files([path], workspace)
    assert len(caught.value.errors) == 11
    assert str(caught.value.errors[-1]).endswith("column DECOM: and 40 more rows with the same problem")


def test_a_row_with_too_few_values(tmp_path, workspace):
    path = episodes(tmp_path, GOOD_EPISODE, "0128,01/05/2025,S")
    message = rejected([path], workspace)
    assert f"{path}, row 3: this row does not have 10 values like the header" in message


def test_a_column_named_twice(tmp_path, workspace):
    path = write(tmp_path / "2026" / "header.csv", "CHILD,SEX,DOB,ETHNIC,child\n0001,1,01/01/2015,WBRI,0001\n")
    message = rejected([path], workspace)
    assert f"{path}, row 1, column CHILD: this column appears twice on row 1" in message


# ------------------------------------------------------------------ encodings

def test_utf8_with_bom_and_windows_1252_load(tmp_path, workspace):
    write(tmp_path / "org" / "teams.csv", codecs.BOM_UTF8 + "team_id,team_name,service_area\nT1,Équipe,Front Door\n".encode())
    write(tmp_path / "org" / "workers.csv",
          "worker_id,worker_name,team_id,role\nW1,Zoë Brontë,T1,Social Worker\n".encode("cp1252"))
    load_files([tmp_path / "org"], workspace)
    import pyarrow.parquet as pq
    assert pq.read_table(workspace.staging_dir / "org_team" / "current.parquet").column("team_name").to_pylist() == ["Équipe"]
    assert pq.read_table(workspace.staging_dir / "org_worker" / "current.parquet").column("worker_name").to_pylist() \
        == ["Zoë Brontë"]


def test_utf16_tab_separated_as_excel_saves_unicode_text_loads(tmp_path, workspace):
    text = EPISODES_HEADER.replace(",", "\t") + "\r\n" + GOOD_EPISODE.replace(",", "\t") + "\r\n"
    path = write(tmp_path / "2026" / "episodes.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    [result] = load_files([path], workspace)
    assert (result.format, result.rows_accepted) == ("SSDA903 Episodes 2025/26", 1)


def test_utf16_that_is_not_utf16(tmp_path, workspace):
    path = write(tmp_path / "episodes.csv", codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate
    message = rejected([path], workspace)
    assert f"{path}: starts like UTF-16 text (a byte-order mark) but is not UTF-16 text" in message


# ------------------------------------------------------------------ CIN Census XML

BILLION_LAUGHS = """<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
"""


def test_entity_declarations_are_refused(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("&lol3;"), prolog=BILLION_LAUGHS)
    message = rejected([path], workspace)
    assert f"{path}, row 1: declares entities in a DOCTYPE" in message


def test_truncated_xml_names_the_line(tmp_path, workspace):
    whole = cin_file(tmp_path, cin_child("0001") + cin_child("0002")).read_text()
    path = write(tmp_path / "cin.xml", whole[: whole.index("<CINreferralDate>2025-06-02</CINreferralDate>\n</CINdetails>\n</Child>\n</Children>")])
    message = rejected([path], workspace)
    end = path.read_text().count("\n") + 1
    assert f"{path}, row {end}: is not well-formed XML: Premature end of data in tag CINdetails" in message


def test_bad_date_in_cin_names_its_line_and_element(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("0001") + cin_child("0002", referral="2025-02-30"))
    message = rejected([path], workspace)
    line = path.read_text().splitlines().index("<CINreferralDate>2025-02-30</CINreferralDate>") + 1
    assert f"{path}, table cin_episode, row {line}, column CINreferralDate: is not a real date" in message
    assert "2025-02-30" not in message


def test_bad_values_deep_in_a_big_cin_file_name_their_lines(tmp_path, workspace, monkeypatch):
    """Pieces are parsed apart, in other processes; their line numbers are still the file's."""
    monkeypatch.setattr(xmlfile, "PIECE_BYTES", 2_000)
    children = "".join(cin_child(f"{i:04d}") for i in range(300))
    children += cin_child("9999", referral="2025-6-31") + cin_child("", referral="2025-06-01")
    path = cin_file(tmp_path, children)
    message = rejected([path], workspace)
    lines = path.read_text().splitlines()
    bad_date = lines.index("<CINreferralDate>2025-6-31</CINreferralDate>") + 1
    blank_id = lines.index("<LAchildID></LAchildID>") + 1
    assert f"table cin_episode, row {bad_date}, column CINreferralDate: is not a real date" in message
    assert f"table cin_child, row {blank_id}, column LAchildID: is blank" in message


def test_cin_year_disagreeing_with_the_year_option(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("0001"), year=2025)
    with pytest.raises(FileRejected, match="Year is 2025 but --year says 2026"):
        load_files([path], workspace, year=2026)


# ------------------------------------------------------------------ all or nothing

def test_a_good_file_and_a_bad_file_load_nothing(tmp_path, workspace):
    good = episodes(tmp_path, GOOD_EPISODE, name="good/2026/episodes.csv")
    bad = episodes(tmp_path, "0129,31/02/2023,S,C2,N1,U1,PR1,,,", name="bad/2025/episodes.csv")
    message = rejected([good, bad], workspace)
    assert str(bad) in message and str(good) not in message


def test_a_failed_load_leaves_earlier_staging_untouched(tmp_path, workspace):
    load_files([episodes(tmp_path, GOOD_EPISODE, name="first/2026/episodes.csv")], workspace)
    staged = workspace.staging_dir / "ssda903_episodes" / "2026.parquet"
    before = (staged.read_bytes(), os.stat(staged).st_mtime_ns)
    good = episodes(tmp_path, GOOD_EPISODE, "0130,01/05/2025,S,C2,N1,U1,PR1,,,", name="again/2026/episodes.csv")
    bad = write(tmp_path / "again" / "empty.csv", "")
    with pytest.raises(FileRejected):
        load_files([tmp_path / "again"], workspace)
    assert (staged.read_bytes(), os.stat(staged).st_mtime_ns) == before
    assert [p.name for p in staged.parent.iterdir()] == ["2026.parquet"]  # no temporary files left
    assert good.exists() and bad.exists()


def test_every_file_s_problems_are_reported_together(tmp_path, workspace):
    empty = write(tmp_path / "a.csv", "")
    unknown = write(tmp_path / "b.csv", "x,y\n1,2\n")
    blank = episodes(tmp_path, ",01/05/2025,S,C2,N1,U1,PR1,,,")
    message = rejected([empty, unknown, blank], workspace)
    assert all(str(p) in message for p in (empty, unknown, blank))


def test_the_load_command_prints_every_problem_and_exits_1(tmp_path):
    bad = episodes(tmp_path, "0131,31/02/2023,S,C2,N1,U1,PR1,,,")
    result = CliRunner().invoke(main, ["load", str(bad), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "Nothing was loaded: 1 problem(s) found." in result.output
    assert "row 2, column DECOM" in result.output
