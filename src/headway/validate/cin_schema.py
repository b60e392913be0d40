"""The CIN Census file against the DfE's XML schema (XSD) of its collection year.

The DfE publishes the schema with each year's CIN Census specification; Headway does
not ship it. Point `headway validate --cin-xsd DIR` (or HEADWAY_CIN_XSD_DIR) at a
folder holding CIN_schema_<year>.xsd, <year> being the year the collection ends
(CIN_schema_2025.xsd for 2024/25, the <Year> in the file's header). Without one,
validate says the schema was not checked rather than passing the file.

The file is streamed through libxml2 with the schema attached (lxml's pull parser),
each element dropped once validated, so memory stays flat on a large authority. The parser is
as locked down as the reader's (no entities, no network, no DTD), and the first
schema error ends the check: libxml2 stops there, as the DfE's own upload does.
A finding names the file, the line and the element, never the value (a child's data).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from headway.validate.findings import ERROR, WARNING, Finding

CHECKED_BY = "CIN Census schema"
RULE = "XSD"
ENVIRONMENT = "HEADWAY_CIN_XSD_DIR"
QUOTED_VALUE = re.compile(r"(?i)\b(value|content) '[^']*'")
ELEMENT = re.compile(r"Element '([^']+)'")


def schema_dir(given: Path | None) -> Path | None:
    """The folder of schemas: the command's option, else the environment, else none."""
    if given is not None:
        return given
    return Path(os.environ[ENVIRONMENT]) if os.environ.get(ENVIRONMENT) else None


def schema_path(folder: Path, year: int) -> Path:
    return folder / f"CIN_schema_{year}.xsd"


def _load_schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _without_values(message: str) -> str:
    """libxml2 quotes the offending value; a value is a child's data, so it goes."""
    return QUOTED_VALUE.sub(r"\1", message)


def check_file(path: Path, file: str, year: int | None, folder: Path) -> list[Finding]:
    """Findings for one CIN file: none if it matches its year's schema."""
    if year is None:
        return [Finding(file, RULE, "Schema not checked: the file's collection year is not known.", WARNING,
                        CHECKED_BY)]
    xsd = schema_path(folder, year)
    if not xsd.is_file():
        return [Finding(file, RULE, f"Schema not checked: no {xsd.name} in {folder}.", WARNING, CHECKED_BY)]
    schema = _load_schema(xsd)
    if _first_error(path, schema, lines_a_feed=4096) is None:
        return []
    # Streamed validation loses libxml2's line numbers, so a failing file is fed again
    # a line at a time: the line being fed when the error is logged is the line.
    line, message = _first_error(path, schema, lines_a_feed=1)
    element = ELEMENT.search(message)
    return [Finding(file, RULE, f"Does not match {xsd.name}: {_without_values(message)}", ERROR, CHECKED_BY,
                    table="CIN", line=line, column=element.group(1) if element else None)]


def _first_error(path: Path, schema: etree.XMLSchema, lines_a_feed: int) -> tuple[int, str] | None:
    """(the last line fed when libxml2 found the first schema error, its message), or None."""
    parser = etree.XMLPullParser(events=("end",), schema=schema, resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False)
    fed = 0
    try:
        with path.open("rb") as fh:
            while piece := b"".join(line for _, line in zip(range(lines_a_feed), fh)):
                fed += piece.count(b"\n") or 1
                parser.feed(piece)
                errors = parser.feed_error_log.filter_from_errors()  # logged when seen, raised only later
                if errors:
                    return fed, errors[0].message
                _drop_read(parser)
            fed += 1
            parser.close()
    except etree.XMLSyntaxError as error:
        entry = error.error_log.last_error if error.error_log else None
        return fed, (entry.message if entry else error.msg) or "not well-formed"
    return None


def _drop_read(parser: etree.XMLPullParser) -> None:
    """Forget what has been validated, so memory stays flat however long the file."""
    for _, element in parser.read_events():
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]


def check(cin_files, folder: Path | None) -> list[Finding]:
    """Every CIN file against its year's schema, or one note per file saying why not."""
    if folder is None:
        return [Finding(f.file, RULE, f"Schema not checked: give --cin-xsd DIR or set {ENVIRONMENT}.", WARNING,
                        CHECKED_BY) for f in cin_files]
    return [finding for f in cin_files for finding in check_file(f.path, f.file, f.year, folder)]
