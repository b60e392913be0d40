"""Files that must not load: each gives a clear error naming the file, the row and
the column (never the offending value, which may be a child's data), and nothing
from the whole load is written. Files that look odd but are fine do load.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from headway.cli import main
from headway.config import load_settings
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
    assert "episodes.csv: is " in message and "workbook" in message


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


# ------------------------------------------------------------------ the case-management extract

def test_a_worker_listed_twice_names_both_rows(tmp_path, workspace):
    """A worker on two rows could be in two teams, and their children counted in
    both: the file is refused, naming the row and the earlier one (a blank line and a
    blank row between them still count as rows), never the ID."""
    path = write(tmp_path / "org" / "workers.csv", "worker_id,worker_name,team_id,role\n"
                 "W1,One,T1,Social Worker\nW2,Two,T1,Social Worker\n\n,,,\nW1,One,T2,Social Worker\n")
    message = rejected([path], workspace)
    assert f"{path}, table org_worker, row 6, column worker_id: has the same worker_id as row 2: " \
           "each is listed once" in message
    assert "W1" not in message.replace(str(path), "")


def test_a_team_listed_twice_is_refused_and_distinct_ids_load(tmp_path, workspace):
    teams = "team_id,team_name,service_area\nT1,North,Front Door\nT2,South,Front Door\n"
    message = rejected([write(tmp_path / "bad" / "teams.csv", teams + "T1,North again,Children in Care\n")],
                       workspace)
    assert "row 4, column team_id: has the same team_id as row 2" in message
    [result] = load_files([write(tmp_path / "good" / "teams.csv", teams)], workspace)
    assert result.rows_accepted == 2


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


# ================================================================== security.md 7.1, case by case (issue 3)

HEADER_HEADER = "CHILD,SEX,DOB,ETHNIC"
REVIEWS_HEADER = "CHILD,DOB,REVIEW,REVIEW_CODE"


def header_file(tmp_path: Path, *rows: str, name: str = "2026/header.csv") -> Path:
    return write(tmp_path / name, "\n".join([HEADER_HEADER, *rows]) + "\n")


def staged_column(workspace, table: str, column: str, label: str = "2026") -> list:
    import pyarrow.parquet as pq
    return pq.read_table(workspace.staging_dir / table / f"{label}.parquet").column(column).to_pylist()


def uk(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def year_of(day: dt.date) -> int:
    """The collection year a day falls in (2026 = April 2025 to March 2026)."""
    return day.year + 1 if day.month >= 4 else day.year


# ------------------------------------------------------------------ 1-4: encodings and line endings

def test_utf8_bom_before_child_still_finds_the_child_column(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv", codecs.BOM_UTF8 + f"{EPISODES_HEADER}\n{GOOD_EPISODE}\n".encode())
    [result] = load_files([path], workspace)
    assert (result.format, result.rows_accepted) == ("SSDA903 Episodes 2025/26", 1)
    assert staged_column(workspace, "ssda903_episodes", "child_id") != [None]


def test_utf16_comma_separated_and_big_endian_load(tmp_path, workspace):
    text = f"{EPISODES_HEADER}\r\n{GOOD_EPISODE}\r\n"
    little = write(tmp_path / "le" / "2026" / "episodes.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    big = write(tmp_path / "be" / "2025" / "episodes.csv",
                codecs.BOM_UTF16_BE + text.replace("01/05/2025", "01/05/2024").encode("utf-16-be"))
    results = load_files([little, big], workspace)
    assert [(r.format, r.rows_accepted) for r in results] == [("SSDA903 Episodes 2025/26", 1),
                                                              ("SSDA903 Episodes 2024/25", 1)]


def test_windows_1252_text_loads_with_a_note_saying_so(tmp_path, workspace):
    path = write(tmp_path / "org" / "workers.csv",
                 "worker_id,worker_name,team_id,role\nW1,Zoë Brontë £,T1,Social Worker\n".encode("cp1252"))
    [result] = load_files([path], workspace)
    assert staged_column(workspace, "org_worker", "worker_name", "current") == ["Zoë Brontë £"]
    assert any("Windows-1252" in note for note in result.notes)


def test_mixed_line_endings_trailing_blank_lines_and_a_trailing_comma_load(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv",
                 f"{EPISODES_HEADER},\r\n{GOOD_EPISODE},\n0124,01/06/2025,S,C2,N1,U1,PR1,,,,\r\n\n\r\n\n")
    [result] = load_files([path], workspace)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)


# ------------------------------------------------------------------ 5-6: empty, header only, blank and title rows

def test_a_file_of_only_spaces_and_newlines_is_empty(tmp_path, workspace):
    message = rejected([write(tmp_path / "2026" / "episodes.csv", "  \r\n\n  \n")], workspace)
    assert "episodes.csv: is empty" in message


def test_header_only_file_is_refused_so_it_cannot_replace_a_year_with_nothing(tmp_path, workspace):
    path = episodes(tmp_path)
    message = rejected([path], workspace)
    assert f"{path}: has column names on row 1 but no rows Headway can load under them" in message


def test_rows_of_only_commas_are_rejected_and_counted_not_dropped_silently(tmp_path, workspace):
    path = episodes(tmp_path, GOOD_EPISODE, ",,,,,,,,,", " , ,,,,,,,,")
    [result] = load_files([path], workspace)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 1, 2)
    assert "2 blank row(s) (every cell empty) rejected" in result.notes


def test_blank_first_row_says_where_the_column_names_are(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv", f",,,\n{EPISODES_HEADER}\n{GOOD_EPISODE}\n")
    message = rejected([path], workspace)
    assert f"{path}, row 2: the column names of SSDA903 Episodes are on row 2, not row 1" in message


def test_title_rows_above_the_header_say_where_the_column_names_are(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv",
                 f"SSDA903 Episodes 2025/26\nSynthetic Borough,,\n{EPISODES_HEADER}\n{GOOD_EPISODE}\n")
    message = rejected([path], workspace)
    assert f"{path}, row 3: the column names of SSDA903 Episodes are on row 3, not row 1: delete the 2 row(s)" \
        in message


# ------------------------------------------------------------------ 7-8: header variants

def test_header_case_spaces_and_extra_free_text_columns_load_without_the_extras(tmp_path, workspace):
    header = " child , decom,Rne,LS,CIN,PLACE, Place provider ,DEC,REC,REASON_PLACE_CHANGE,Social worker notes"
    path = write(tmp_path / "2026" / "episodes.csv", f"{header}\n{GOOD_EPISODE},Free text about the child\n")
    [result] = load_files([path], workspace)
    assert result.rows_accepted == 1
    import pyarrow.parquet as pq
    columns = pq.read_table(workspace.staging_dir / "ssda903_episodes" / "2026.parquet").column_names
    assert not any("note" in c for c in columns)  # free text is never stored


def test_a_missing_required_column_is_named(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv",
                 "CHILD,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC\n0123,S,C2,N1,U1,PR1,\n")
    message = rejected([path], workspace)
    assert f"{path}, row 1, column DECOM: looks like SSDA903 Episodes but has no column DECOM on row 1" in message


# ------------------------------------------------------------------ 9-10: child IDs

def test_spaces_round_a_child_id_do_not_make_another_child(tmp_path, workspace):
    header_file(tmp_path, "123,1,01/01/2015,WBRI")
    episodes(tmp_path, " 123,01/05/2025,S,C2,N1,U1,PR1,01/07/2025,X1,", "123 ,01/07/2025,S,C2,N1,U1,PR1,,,")
    load_files([tmp_path / "2026"], workspace)
    [child] = staged_column(workspace, "ssda903_header", "child_id")
    assert staged_column(workspace, "ssda903_episodes", "child_id") == [child, child]


def test_leading_zeros_make_another_child_across_years(tmp_path, workspace):
    episodes(tmp_path, "0123,01/05/2025,S,C2,N1,U1,PR1,,,", name="2026/episodes.csv")
    episodes(tmp_path, "123,01/05/2024,S,C2,N1,U1,PR1,,,", name="2025/episodes.csv")
    load_files([tmp_path], workspace)
    this_year = staged_column(workspace, "ssda903_episodes", "child_id", "2026")
    last_year = staged_column(workspace, "ssda903_episodes", "child_id", "2025")
    assert this_year != last_year and None not in this_year + last_year


def test_ids_ending_point_zero_are_kept_as_written_and_noted(tmp_path, workspace):
    episodes(tmp_path, "123.0,01/05/2025,S,C2,N1,U1,PR1,,,", name="2026/episodes.csv")
    episodes(tmp_path, "123,01/05/2024,S,C2,N1,U1,PR1,,,", name="2025/episodes.csv")
    results = load_files([tmp_path], workspace)
    assert staged_column(workspace, "ssda903_episodes", "child_id", "2026") != \
        staged_column(workspace, "ssda903_episodes", "child_id", "2025")
    [note] = [n for r in results for n in r.notes if "'.0'" in n]
    assert note.startswith("child_id: 1 ID(s) end in '.0'")


def test_a_blank_child_in_a_cin_file_names_its_line(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("0001") + cin_child("  "))
    message = rejected([path], workspace)
    line = path.read_text().splitlines().index("<LAchildID>  </LAchildID>") + 1
    assert f"{path}, table cin_child, row {line}, column LAchildID: is blank, and every row needs it" in message


# ------------------------------------------------------------------ 11: one child, several tables

def test_a_child_twice_in_the_header_is_refused(tmp_path, workspace):
    path = header_file(tmp_path, "0001,1,01/01/2015,WBRI", "0002,2,01/01/2016,WBRI", "0001,1,01/01/2015,WBRI")
    message = rejected([path], workspace)
    assert f"{path}, table Header, row 4, column CHILD: this child is already on row 2 of the Header" in message


def test_a_child_with_episodes_but_no_header_row_is_refused(tmp_path, workspace):
    header_file(tmp_path, "0001,1,01/01/2015,WBRI")
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,,,", "0002,01/05/2025,S,C2,N1,U1,PR1,,,")
    message = rejected([tmp_path / "2026"], workspace)
    assert "2026/episodes.csv, table Episodes, row 3, column CHILD: this child has 1 episode(s) in this file but " \
           "no row in the Header" in message and str(path.name) in message


def test_a_date_of_birth_differing_between_tables_loads_with_a_warning(tmp_path, workspace):
    header_file(tmp_path, "0001,1,01/01/2015,WBRI")
    write(tmp_path / "2026" / "reviews.csv", f"{REVIEWS_HEADER}\n0001,02/01/2015,01/06/2025,PN1\n")
    results = load_files([tmp_path / "2026"], workspace)
    [reviews] = [r for r in results if r.file.endswith("reviews.csv")]
    assert any(n.startswith("warning HW05: row 2: the date of birth differs") for n in reviews.notes)
    assert staged_column(workspace, "ssda903_reviews", "child_id") != [None]


# ------------------------------------------------------------------ 12: dates

def test_a_uk_date_is_read_day_first(tmp_path, workspace):
    load_files([episodes(tmp_path, "0001,01/02/2026,S,C2,N1,U1,PR1,,,")], workspace)
    assert staged_column(workspace, "ssda903_episodes", "decom") == [dt.date(2026, 2, 1)]


def test_an_iso_date_in_a_dd_mm_column_is_read(tmp_path, workspace):
    load_files([episodes(tmp_path, "0001,2026-02-01,S,C2,N1,U1,PR1,,,", "0002,02/02/2026,S,C2,N1,U1,PR1,,,")],
               workspace)
    assert staged_column(workspace, "ssda903_episodes", "decom") == [dt.date(2026, 2, 1), dt.date(2026, 2, 2)]


@pytest.mark.parametrize("value", ["1/2/23", "44958", "NULL", "2023/02/01", "01-02-2023", "1 Feb 2023"])
def test_dates_in_no_accepted_form_are_refused(tmp_path, workspace, value):
    path = episodes(tmp_path, GOOD_EPISODE, f"0002,{value},S,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 3, column DECOM: is not a real date in the form " \
           "DD/MM/YYYY or YYYY-MM-DD" in message
    assert value not in message


def test_a_month_first_date_beyond_row_20480_is_refused(tmp_path, workspace):
    rows = [GOOD_EPISODE] * 25_000 + ["0002,05/13/2025,S,C2,N1,U1,PR1,,,"]
    path = episodes(tmp_path, *rows)
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 25002, column DECOM: is not a real date" in message


def test_an_impossible_uk_date_after_20480_iso_dates_is_refused(tmp_path, workspace):
    rows = ["0001,2025-05-01,S,C2,N1,U1,PR1,,,"] * 25_000 + ["0002,31/04/2025,S,C2,N1,U1,PR1,,,"]
    path = episodes(tmp_path, *rows)
    message = rejected([path], workspace)
    assert f"{path}, table ssda903_episodes, row 25002, column DECOM: is not a real date" in message


def test_a_date_of_care_in_the_future_is_refused(tmp_path, workspace):
    future = dt.date.today() + dt.timedelta(days=40)
    path = episodes(tmp_path, f"0001,{uk(future)},S,C2,N1,U1,PR1,,,", name=f"{year_of(future)}/episodes.csv")
    message = rejected([path], workspace)
    assert f"{path}, table Episodes, row 2, column DECOM: DECOM is after today: a date of care cannot be in the " \
           "future" in message


def test_a_date_after_the_collection_year_is_refused(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2024,S,C2,N1,U1,PR1,,,", "0002,01/04/2025,S,C2,N1,U1,PR1,,,",
                    name="2025/episodes.csv")
    message = rejected([path], workspace)
    assert f"{path}, table Episodes, row 3, column DECOM: DECOM is after 31 March 2025, the end of the file's " \
           "collection year" in message


def test_an_episode_ending_before_it_starts_is_refused(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,30/04/2025,E11,")
    message = rejected([path], workspace)
    assert f"{path}, table Episodes, row 2, column DEC: DEC is before DECOM" in message


# ------------------------------------------------------------------ 13: episodes

def test_overlapping_episodes_are_refused(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,01/07/2025,P1,", "0001,01/06/2025,P,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert f"{path}, table Episodes, row 3, column DECOM: this episode starts before the episode on row 2 " \
           "ends" in message


def test_an_open_episode_followed_by_a_later_one_is_refused(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,,,", "0001,01/08/2025,P,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert "row 3, column DECOM: this episode starts before the episode on row 2 ends" in message


def test_a_duplicated_episode_is_refused(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,,,", "0001,01/05/2025,S,C2,N1,U1,PR1,,,")
    message = rejected([path], workspace)
    assert f"{path}, table Episodes, row 3, column DECOM: this episode starts on the same day as the episode " \
           "on row 2" in message


def test_episodes_that_meet_load(tmp_path, workspace):
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,01/07/2025,X1,", "0001,01/07/2025,P,C2,N1,U1,PR1,,,")
    assert [r.rows_accepted for r in load_files([path], workspace)] == [2]


# ------------------------------------------------------------------ 19-22: CIN Census XML

def test_a_child_twice_in_a_cin_file_is_refused(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("0001") + cin_child("0002") + cin_child("0001"))
    message = rejected([path], workspace)
    line = [i for i, text in enumerate(path.read_text().splitlines(), 1) if text == "<Child>"][2]
    assert f"{path}, table Child, column LAchildID: line {line}: this child is already in the file" in message


def test_an_external_entity_is_refused_and_never_read(tmp_path, workspace):
    secret = write(tmp_path / "secret.txt", "do not read me")
    prolog = f'<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    path = cin_file(tmp_path, cin_child("&xxe;"), prolog=prolog)
    message = rejected([path], workspace)
    assert f"{path}, row 1: declares entities in a DOCTYPE" in message and "do not read me" not in message


def test_an_external_dtd_is_never_loaded(tmp_path, workspace):
    """A DTD the parser fetched would fail the parse (it is not a DTD); the file loads."""
    dtd = write(tmp_path / "evil.dtd", "this is not a DTD <<<")
    path = cin_file(tmp_path, cin_child("0001"), prolog=f'<!DOCTYPE Message SYSTEM "file://{dtd}">\n')
    [result] = load_files([path], workspace)
    assert result.rows_accepted == result.rows_read == 2


def test_an_entity_bomb_pushed_past_the_first_64_kb_is_still_refused_quickly(tmp_path, workspace):
    import time
    padding = "<!--" + "x" * 70_000 + "-->\n"
    path = cin_file(tmp_path, cin_child("&lol3;"), prolog=padding + BILLION_LAUGHS)
    started = time.perf_counter()
    message = rejected([path], workspace)
    assert time.perf_counter() - started < 5
    assert f"{path}: is not a file Headway knows" in message and "lol" not in message


def test_very_deep_nesting_is_refused_quickly(tmp_path, workspace):
    import time
    deep = "<Extra>" * 50_000 + "</Extra>" * 50_000
    path = cin_file(tmp_path, cin_child("0001").replace("</Child>", deep + "</Child>"))
    started = time.perf_counter()
    message = rejected([path], workspace)
    assert time.perf_counter() - started < 10
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "<Extra>" in text)
    assert f"{path}, row {line}: is not well-formed XML: Excessive depth in document" in message


def test_a_cin_date_with_a_time_is_refused_naming_its_line(tmp_path, workspace):
    path = cin_file(tmp_path, cin_child("0001", referral="2025-06-02T00:00:00"))
    message = rejected([path], workspace)
    line = path.read_text().splitlines().index("<CINreferralDate>2025-06-02T00:00:00</CINreferralDate>") + 1
    assert f"{path}, table cin_episode, row {line}, column CINreferralDate: is not a real date" in message


def test_an_html_page_saved_as_xml_is_not_a_return(tmp_path, workspace):
    path = write(tmp_path / "cin.xml", "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n")
    message = rejected([path], workspace)
    assert f"{path}: is not a file Headway knows: it is an XML file whose root element is not <Message>" in message


def test_a_file_that_is_only_an_xml_declaration_is_not_a_return(tmp_path, workspace):
    path = write(tmp_path / "cin.xml", '<?xml version="1.0" encoding="utf-8"?>\n')
    message = rejected([path], workspace)
    assert f"{path}: is not a file Headway knows" in message


def test_a_binary_file_is_not_a_return(tmp_path, workspace):
    path = write(tmp_path / "2026" / "episodes.csv", bytes(range(256)) * 4)
    message = rejected([path], workspace)
    assert f"{path}: is not a text file (it holds NUL bytes)" in message


def test_empty_assessment_factors_load(tmp_path, workspace):
    child = cin_child("0001").replace("</CINdetails>", "<Assessments><AssessmentActualStartDate>2025-06-03"
                                      "</AssessmentActualStartDate><FactorsIdentifiedAtAssessment>"
                                      "<AssessmentFactors></AssessmentFactors></FactorsIdentifiedAtAssessment>"
                                      "</Assessments></CINdetails>")
    load_files([cin_file(tmp_path, child)], workspace)
    assert staged_column(workspace, "cin_assessment", "factors") == [None]


# ------------------------------------------------------------------ 32: size limit, memory

def test_a_file_at_the_size_limit_loads_and_one_byte_over_is_refused_unread(tmp_path, workspace):
    workspace.workspace.mkdir(parents=True)
    (workspace.workspace / "headway.toml").write_text("[load]\nmax_file_mb = 1\n")
    limit = load_settings(workspace.workspace)
    body = f"{EPISODES_HEADER}\n{GOOD_EPISODE}\n"
    padding = (1 << 20) - len(body)
    at_limit = write(tmp_path / "a" / "2026" / "episodes.csv", body + "\n" * padding)  # blank lines: no rows
    assert at_limit.stat().st_size == 1 << 20
    assert [r.rows_accepted for r in load_files([at_limit], limit)] == [1]
    over = write(tmp_path / "b" / "2026" / "episodes.csv", at_limit.read_bytes() + b"\n")
    with pytest.raises(FileRejected, match=r"over the limit of 1 MB \(\[load\] max_file_mb in headway.toml\): "
                                           "it was not read"):
        load_files([over], limit)


MEASURE_PEAK = """
import resource, sys
from pathlib import Path
from headway.config import Settings
from headway.errors import FileRejected
from headway.warehouse.staging import load_files
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)  # after the imports
try:
    load_files([Path(sys.argv[1])], Settings(workspace=Path(sys.argv[2])))
    print("loaded")
except FileRejected as exc:
    print(exc.errors[0])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_memory_stays_bounded_for_a_large_bad_cin_file(tmp_path):
    """A 60 MB CIN file with a bad date at the end is read in pieces by worker
    processes (or streamed): the loading process holds the tables read so far
    (about half the file's size), never the file or its parse tree (lxml's tree of
    the whole file would be several times its size)."""
    import subprocess
    import sys
    path = tmp_path / "cin.xml"
    with path.open("w") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails><Year>2026</Year>'
                 "</CollectionDetails></Header><Children>\n")
        block = "".join(cin_child(f"{i:06d}") for i in range(1000))
        while fh.tell() < 60 << 20:
            fh.write(block)
        fh.write(cin_child("999999", referral="2025-02-30") + "</Children></Message>\n")
    out = subprocess.run([sys.executable, "-c", MEASURE_PEAK, str(path), str(tmp_path / "ws")],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    imports, error, peak = int(out[0]), out[1], int(out[2])
    assert "column CINreferralDate: is not a real date" in error
    assert peak - imports < 60, f"peak {peak} MB after {imports} MB of imports, for a 60 MB file"


def test_an_episode_before_the_child_was_born_is_refused(tmp_path, workspace):
    header_file(tmp_path, "0001,1,01/06/2025,WBRI")
    path = episodes(tmp_path, "0001,01/05/2025,S,C2,N1,U1,PR1,,,")
    message = rejected([tmp_path / "2026"], workspace)
    assert "2026/episodes.csv, table Episodes, row 2, column DECOM: DECOM is before the child's date of birth " \
           "(row 2 of the Header" in message and path.exists()


def test_sex_differing_between_header_and_uasc_loads_with_a_warning(tmp_path, workspace):
    header_file(tmp_path, "0001,1,01/01/2009,WBRI", "0002,2,01/01/2009,WBRI")
    write(tmp_path / "2026" / "uasc.csv", "CHILD,SEX,DOB,DUC\n0001,M,01/01/2009,01/01/2027\n0002,M,01/01/2009,\n")
    results = load_files([tmp_path / "2026"], workspace)
    [uasc] = [r for r in results if r.file.endswith("uasc.csv")]
    assert [n for n in uasc.notes if n.startswith("warning HW12")] == [
        "warning HW12: row 3: SEX differs from the child's row 3 in the Header (2026/header.csv)"]


def test_a_cin_child_without_an_la_child_id_element_is_refused(tmp_path, workspace):
    child = cin_child("0001").replace("<LAchildID>0001</LAchildID>\n", "")
    path = cin_file(tmp_path, child)
    message = rejected([path], workspace)
    assert f"{path}, table cin_child, row " in message and "column LAchildID: is blank, and every row needs it" \
        in message


def test_a_cin_date_with_a_time_zone_is_the_same_date(tmp_path, workspace):
    """xs:date allows a time zone; the calendar date is what the measures count."""
    path = cin_file(tmp_path, cin_child("0001", referral="2025-06-02Z")
                    + cin_child("0002", referral="2025-06-03+01:00"))
    load_files([path], workspace)
    assert staged_column(workspace, "cin_episode", "referral_date") == [dt.date(2025, 6, 2), dt.date(2025, 6, 3)]


def test_a_failed_load_prints_no_child_s_data(tmp_path):
    """security.md 7.4 (58): the output of a failing load names places, never values."""
    secrets = ["SECRETID42", "17/06/2015", "31/02/2025", "E20 1LP", "NOTADATE"]
    folder = tmp_path / "2026"
    write(folder / "header.csv", "CHILD,SEX,DOB,ETHNIC\n" + "SECRETID42,1,17/06/2015,WBRI\n" * 2)
    write(folder / "episodes.csv",
          f"{EPISODES_HEADER},HOME_POST\nSECRETID42,31/02/2025,S,C2,N1,U1,PR1,NOTADATE,,,E20 1LP\n")
    result = CliRunner().invoke(main, ["load", str(folder), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 1 and "column DECOM" in result.output and "column CHILD" in result.output
    assert [s for s in secrets if s in result.output] == []
