"""Loading integrity (issue 3): a resubmission replaces its year and says what
changed; a return loads whole or not at all, even when killed while writing; rows
read = rows accepted + rows rejected for every file, in the `headway load` output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from headway.cli import main
from headway.errors import FileRejected
from headway.warehouse import staging
from headway.warehouse.staging import load_files, staged_tables

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE"
HEADER = "CHILD,SEX,DOB,ETHNIC"


def year_folder(root: Path, header: list[str], episodes: list[str], year: int = 2026) -> Path:
    folder = root / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text("\n".join([HEADER, *header]) + "\n")
    (folder / "episodes.csv").write_text("\n".join([EPISODES, *episodes]) + "\n")
    return folder


def snapshot(settings) -> dict[str, bytes]:
    return {str(p.relative_to(settings.staging_dir)): p.read_bytes()
            for p in settings.staging_dir.rglob("*") if p.is_file() and p.name != ".lock"}


FIRST = (["0001,1,01/01/2015,WBRI", "0002,2,01/01/2016,WBRI", "0003,1,01/01/2017,WBRI"],
         ["0001,01/05/2025,S,C2,N1,U1,PR1,,,", "0002,01/05/2025,S,C2,N1,U1,PR1,,,",
          "0003,01/06/2025,S,C2,N1,U1,PR1,,,"])
# 0001 unchanged; 0002's episode changes (it ends); 0003 leaves; 0004 arrives.
SECOND = (["0001,1,01/01/2015,WBRI", "0002,2,01/01/2016,WBRI", "0004,2,01/01/2018,WBRI"],
          ["0001,01/05/2025,S,C2,N1,U1,PR1,,,", "0002,01/05/2025,S,C2,N1,U1,PR1,01/09/2025,E11,",
           "0004,01/07/2025,S,C2,N1,U1,PR1,,,"])


# ------------------------------------------------------------------ resubmission

def test_a_resubmission_replaces_its_year_and_says_what_changed(tmp_path, workspace):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    results = load_files([year_folder(tmp_path / "v2", *SECOND)], workspace)
    notes = {Path(r.file).name: r.notes for r in results}
    assert "replaces the 2025/26 ssda903_episodes loaded before: 1 row(s) added, 1 removed, 1 changed; " \
           "1 child(ren) added, 1 removed" in notes["episodes.csv"]
    assert "replaces the 2025/26 ssda903_header loaded before: 1 row(s) added, 1 removed, 0 changed; " \
           "1 child(ren) added, 1 removed" in notes["header.csv"]
    episodes = pq.read_table(workspace.staging_dir / "ssda903_episodes" / "2026.parquet")
    assert episodes.num_rows == 3 and episodes.column("dec").null_count == 2


def test_an_identical_resubmission_changes_nothing(tmp_path, workspace):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    results = load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    assert all(any(n.endswith("0 row(s) added, 0 removed, 0 changed; 0 child(ren) added, 0 removed")
                   for n in r.notes) for r in results)


def test_a_first_load_and_other_years_say_nothing_about_replacing(tmp_path, workspace):
    results = load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    assert not any("replaces" in n for r in results for n in r.notes)
    older = (["0009,1,01/01/2012,WBRI"], ["0009,01/05/2024,S,C2,N1,U1,PR1,,,"])
    results = load_files([year_folder(tmp_path / "v1", *older, year=2025)], workspace)
    assert not any("replaces" in n for r in results for n in r.notes)
    assert sorted(p.name for p in (workspace.staging_dir / "ssda903_episodes").glob("*.parquet")) == \
        ["2025.parquet", "2026.parquet"]


# ------------------------------------------------------------------ all or nothing

def test_one_bad_file_among_good_ones_loads_nothing_and_staging_is_unchanged(tmp_path, workspace):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    before = snapshot(workspace)
    folder = year_folder(tmp_path / "v2", *SECOND)
    (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n0001,01/01/2015,31/09/2025,PN1\n")
    with pytest.raises(FileRejected) as caught:
        load_files([folder], workspace)
    assert [str(e) for e in caught.value.errors] == [
        f"{Path('2026') / 'reviews.csv'}, table ssda903_reviews, row 2, column REVIEW: is not a real date in the "
        "form DD/MM/YYYY or YYYY-MM-DD"]
    assert snapshot(workspace) == before


def test_a_fatal_integrity_problem_in_one_file_loads_nothing(tmp_path, workspace):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    before = snapshot(workspace)
    header, episodes = SECOND
    folder = year_folder(tmp_path / "v2", header, episodes + ["0004,01/08/2025,S,C2,N1,U1,PR1,,,"])
    with pytest.raises(FileRejected, match="row 5, column DECOM: this episode starts before the episode on row 4 ends"):
        load_files([folder], workspace)
    assert snapshot(workspace) == before


def test_a_load_killed_while_renaming_is_finished_by_the_next_reader(tmp_path, workspace, monkeypatch):
    """The journal lists every file of the load: one renamed, then the process dies;
    the next look at staging renames the rest, so the return is never half in."""
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    renamed = []
    real_replace = os.replace

    def dies_after_one(source, target):
        if str(target).endswith(".parquet"):
            if renamed:
                raise KeyboardInterrupt("killed")
            renamed.append(target)
        return real_replace(source, target)

    monkeypatch.setattr(staging.os, "replace", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        load_files([year_folder(tmp_path / "v2", *SECOND)], workspace)
    monkeypatch.setattr(staging.os, "replace", real_replace)
    assert (workspace.staging_dir / staging.JOURNAL).exists() and len(renamed) == 1
    assert len(list(workspace.staging_dir.rglob("*.tmp"))) == 1  # one new file in place, one still waiting
    staged = staged_tables(workspace)
    assert not (workspace.staging_dir / staging.JOURNAL).exists()
    assert pq.read_table(staged["ssda903_episodes"][0]).column("dec").null_count == 2  # the second load's
    assert pq.read_table(staged["ssda903_header"][0]).num_rows == 3
    assert not list(workspace.staging_dir.rglob("*.tmp"))


def test_temporary_files_of_a_load_killed_while_writing_are_removed(tmp_path, workspace):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    before = snapshot(workspace)
    stray = workspace.staging_dir / "ssda903_episodes" / ".2026.parquet.99999.tmp"
    stray.write_bytes(b"half a file")
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    assert not stray.exists() and snapshot(workspace).keys() == before.keys()


def test_a_load_that_fails_writing_leaves_no_temporary_files_and_no_journal(tmp_path, workspace, monkeypatch):
    load_files([year_folder(tmp_path / "v1", *FIRST)], workspace)
    before = snapshot(workspace)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(staging.pq, "write_table", disk_full)
    with pytest.raises(OSError):
        load_files([year_folder(tmp_path / "v2", *SECOND)], workspace)
    assert snapshot(workspace) == before


# ------------------------------------------------------------------ rows read = accepted + rejected

def test_the_load_command_reports_rows_for_every_file_and_what_changed(tmp_path):
    workspace = tmp_path / "ws"
    runner = CliRunner()
    first = runner.invoke(main, ["load", str(year_folder(tmp_path / "v1", *FIRST)), "--workspace", str(workspace)])
    assert first.exit_code == 0, first.output
    header, episodes = SECOND
    folder = year_folder(tmp_path / "v2", header, episodes + [",,,,,,,,,"])
    second = runner.invoke(main, ["load", str(folder), "--workspace", str(workspace)])
    assert second.exit_code == 0, second.output
    lines = second.output.splitlines()
    assert f"{Path('2026') / 'episodes.csv'}: SSDA903 Episodes 2025/26, 4 rows read, 3 accepted, 1 rejected" \
        in second.output
    assert f"{Path('2026') / 'header.csv'}: SSDA903 Header 2025/26, 3 rows read, 3 accepted, 0 rejected" \
        in second.output
    assert "      1 blank row(s) (every cell empty) rejected" in lines
    assert any(line.strip().startswith("replaces the 2025/26 ssda903_episodes loaded before: 1 row(s) added")
               for line in lines)


def test_warnings_load_and_are_listed_fatal_problems_exit_1(tmp_path):
    workspace = tmp_path / "ws"
    header, episodes = FIRST
    folder = year_folder(tmp_path / "v1", header, episodes)
    (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n0001,02/01/2015,01/06/2025,PN1\n")
    loaded = CliRunner().invoke(main, ["load", str(folder), "--workspace", str(workspace)])
    assert loaded.exit_code == 0, loaded.output
    assert "      warning HW05: row 2: the date of birth differs from the child's row 2 in the Header " \
           f"({Path('2026') / 'header.csv'})" in loaded.output
    (folder / "header.csv").write_text("\n".join([HEADER, *header, header[0]]) + "\n")
    refused = CliRunner().invoke(main, ["load", str(folder), "--workspace", str(workspace)])
    assert refused.exit_code == 1
    assert "Nothing was loaded" in refused.output
    assert "row 5, column CHILD: this child is already on row 2" in refused.output


def test_rows_add_up_for_every_file_of_the_synthetic_authority(tmp_path, workspace):
    from headway.synth import generate
    generate(tmp_path / "returns", children=3000, years=2)
    results = load_files([tmp_path / "returns"], workspace)
    assert results and all(r.rows_read == r.rows_accepted + r.rows_rejected for r in results)
    assert all(r.rows_rejected == 0 or r.notes for r in results)  # a rejected row always says why


def test_compare_counts_repeated_rows_and_empty_tables():
    import datetime as dt

    import pyarrow as pa

    from headway.warehouse.resubmission import compare
    day = dt.date(2025, 5, 1)
    old = pa.table({"child_id": ["a", "b"], "decom": [day, day], "ls": ["C2", "C2"]})
    twice = pa.concat_tables([old, old.slice(0, 1)])
    assert compare(old, twice).describe() == "1 row(s) added, 0 removed, 0 changed; 0 child(ren) added, 0 removed"
    assert compare(twice, old).describe() == "0 row(s) added, 1 removed, 0 changed; 0 child(ren) added, 0 removed"
    assert compare(old, old.slice(0, 0)).describe() == \
        "0 row(s) added, 2 removed, 0 changed; 0 child(ren) added, 2 removed"
    teams = pa.table({"team_id": ["T1", "T2"], "team_name": ["A", "B"]})
    renamed = pa.table({"team_id": ["T1", "T2"], "team_name": ["A", "Bee"]})
    assert compare(teams, renamed).describe() == "0 row(s) added, 0 removed, 1 changed"


def test_a_warning_is_staged_with_its_table_and_flagged_on_the_measures_using_it(tmp_path):
    from headway.config import load_settings
    from headway.warehouse.build import refresh
    from headway.warehouse.query import Warehouse
    from headway.warehouse.staging import staged_warnings

    workspace = tmp_path / "ws"
    header, episodes = FIRST
    folder = year_folder(tmp_path / "v1", header, episodes)
    (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n0001,02/01/2015,01/06/2025,PN1\n")
    assert CliRunner().invoke(main, ["load", str(folder), "--workspace", str(workspace)]).exit_code == 0
    settings = load_settings(workspace)
    [reviews] = staged_tables(settings)["ssda903_reviews"]
    assert [w[:5] for w in staged_warnings(reviews)] == ["HW05:"]
    [episodes_file] = staged_tables(settings)["ssda903_episodes"]
    assert staged_warnings(episodes_file) == []

    refresh(settings)
    with Warehouse(settings.warehouse_path) as warehouse:
        flagged = warehouse.load_warnings("L16")  # CLA reviews on time: uses the Reviews table
        assert [(w["source_table"], w["staged_as"]) for w in flagged] == [("ssda903_reviews", "2026")]
        assert "date of birth differs" in flagged[0]["warning"]
        assert warehouse.load_warnings("L01") == []  # children looked after: Episodes only


# ------------------------------------------------------------------ integrity checks on what the readers read

def troubled_year(root: Path) -> Path:
    """A 903 year and a CIN Census with one of nearly every integrity problem, fatal and warning."""
    folder = year_folder(root, [
        "0001,1,01/01/2015,WBRI", "0002,2,01/01/2016,WBRI", "0001,1,01/01/2015,WBRI",    # HW01: 0001 twice
        "0005,1,01/01/2020,WBRI", "0006,1,01/01/2014,WBRI"], [
        "0001,01/05/2025,S,C2,N1,U1,PR1,01/08/2025,E11,",
        "0001,01/07/2025,S,C2,N1,U1,PR1,,,",            # HW03: starts before the one above ends
        "0002,01/05/2025,S,C2,N1,U1,PR1,,,",
        "0002,01/05/2025,S,C2,N1,U1,PR1,,,",            # HW04: same start
        "0003,01/06/2025,S,C2,N1,U1,PR1,,,",            # HW02: no Header row
        "0005,01/06/2019,S,C2,N1,U1,PR1,,,",            # HW11: before the child's birth
        "0006,01/06/2025,S,C2,N1,U1,PR1,01/05/2025,E11,",  # HW10: ends before it starts
        "0006,01/06/2026,S,C2,N1,U1,PR1,,,"])           # HW09: after the collection year
    (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n0002,02/01/2016,01/06/2025,PN1\n")  # HW05
    (folder / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\n0005,2,01/01/2020,01/01/2038\n")  # HW12
    children = "".join(f"<Child>\n<ChildIdentifiers>\n<LAchildID>{child}</LAchildID>\n<PersonBirthDate>{dob}"
                       "</PersonBirthDate>\n</ChildIdentifiers>\n<CINdetails>\n<CINreferralDate>2025-06-02"
                       "</CINreferralDate>\n</CINdetails>\n</Child>\n"
                       for child, dob in (("0002", "2016-01-01"), ("0006", "2014-01-02"),  # HW06: 0006's DOB
                                          ("0007", "2017-03-01"), ("0007", "2017-03-01")))  # HW07: 0007 twice
    (folder / "cin.xml").write_text('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n<Header><CollectionDetails>'
                                    "<Collection>CIN</Collection><Year>2026</Year></CollectionDetails></Header>\n"
                                    f"<Children>\n{children}</Children>\n</Message>\n")
    return folder


def test_checks_on_the_tables_read_find_what_reading_the_files_again_finds(tmp_path):
    """`headway load` checks the 903 text and CIN children its readers produced;
    `headway validate` (integrity_problems) reads the files itself: same problems,
    same files, rows, lines and columns, same words."""
    from headway.returns import read_returns
    from headway.validate import integrity_problems, integrity_problems_in

    folder = troubled_year(tmp_path / "returns")
    files = staging._files_in([folder])
    returns, errors = read_returns(files)
    assert not errors and len(returns) == len(files) == 5
    names = dict(files)
    fatal, warnings = integrity_problems_in(returns, names)
    again = integrity_problems(files, years={r.path: r.collection_year for r in returns})
    assert (fatal, warnings) == again
    assert {e.rule for e in fatal} == {"HW01", "HW02", "HW03", "HW04", "HW07", "HW09", "HW10", "HW11"}
    assert {w.rule for w in warnings} == {"HW05", "HW06", "HW12"}
    cin_lines = (folder / "cin.xml").read_text().splitlines()
    second_0007 = [i + 1 for i, line in enumerate(cin_lines) if line == "<LAchildID>0007</LAchildID>"][1] - 2
    assert [(e.file, e.message[:e.message.index(":")]) for e in fatal if e.rule == "HW07"] == \
        [(names[folder / "cin.xml"], f"line {second_0007}")]


def test_the_load_reads_no_file_twice_for_its_checks(tmp_path, workspace, monkeypatch):
    from headway.validate import inputs

    def read_again(*args, **kwargs):
        raise AssertionError("a file was read again for the integrity checks")

    monkeypatch.setattr(inputs, "read_csv_text", read_again)
    monkeypatch.setattr(inputs, "scan_cin", read_again)
    folder = year_folder(tmp_path / "v1", *FIRST)
    (folder / "cin.xml").write_text(
        '<?xml version="1.0"?><Message><Header><CollectionDetails><Year>2026</Year></CollectionDetails></Header>'
        "<Children><Child><ChildIdentifiers><LAchildID>0001</LAchildID><PersonBirthDate>2015-01-02"
        "</PersonBirthDate></ChildIdentifiers><CINdetails><CINreferralDate>2025-06-02</CINreferralDate>"
        "</CINdetails></Child></Children></Message>")
    results = load_files([folder], workspace)
    notes = {Path(r.file).name: r.notes for r in results}
    # the CIN child's date of birth differs from the Header's: found without reading the file again
    assert any(n.startswith("warning HW06:") and "PersonBirthDate differs" in n for n in notes["cin.xml"])


def test_a_cin_child_twice_is_refused_naming_the_line_of_the_second(tmp_path, workspace):
    folder = troubled_year(tmp_path / "returns")
    for name in ("header.csv", "episodes.csv", "reviews.csv", "uasc.csv"):
        (folder / name).unlink()
    with pytest.raises(FileRejected) as caught:
        load_files([folder / "cin.xml"], workspace)
    lines = (folder / "cin.xml").read_text().splitlines()
    second = [i + 1 for i, line in enumerate(lines) if line == "<LAchildID>0007</LAchildID>"][1] - 2
    assert lines[second - 1] == "<Child>"
    assert [str(e) for e in caught.value.errors] == [
        f"{folder / 'cin.xml'}, table Child, column LAchildID: line {second}: this child is already in the file "
        f"(the <Child> at line {second - 9}): each child must have one <Child> element"]
    assert staged_tables(workspace) == {}


@pytest.mark.parametrize("piece_bytes, encoding", [(2_000, "utf-8"), (1 << 30, "utf-8"), (2_000, "utf-16")])
def test_the_cin_reader_knows_the_line_of_every_child_in_pieces_or_whole(tmp_path, monkeypatch, piece_bytes,
                                                                         encoding):
    """The lines the integrity checks name come from the reader (pieces parsed apart,
    in other processes; one piece; or, UTF-16, the file streamed), and are the lines
    lxml gives when the file is parsed whole."""
    from lxml import etree

    from headway.returns import read_return, xmlfile

    monkeypatch.setattr(xmlfile, "PIECE_BYTES", piece_bytes)
    children = "".join(f"<Child>\n<ChildIdentifiers>\n<LAchildID>{i:04d}</LAchildID>\n</ChildIdentifiers>\n"
                       + "<CINdetails>\n<CINreferralDate>2025-06-02</CINreferralDate>\n</CINdetails>\n" * (i % 3)
                       + "</Child>\n" for i in range(400))
    path = tmp_path / "cin.xml"
    path.write_text(f'<?xml version="1.0" encoding="{encoding}"?>\n<!-- a comment\nover lines -->\n<Message>\n'
                    "<Header><CollectionDetails><Year>2026</Year></CollectionDetails></Header>\n"
                    f"<Children>\n{children}</Children>\n</Message>\n", encoding=encoding)
    read = read_return(path)
    expected = [e.sourceline for e in etree.parse(str(path)).getroot().iter("Child")]
    assert len(expected) == 400 and read.record_lines.tolist() == expected
