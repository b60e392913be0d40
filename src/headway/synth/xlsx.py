"""A minimal .xlsx writer for the synthetic Annex A: text as shared strings, numbers,
booleans, and dates as Excel serial numbers in a date style (what Excel itself
writes). openpyxl's writer spends ~20 microseconds a cell; this one ~1, which keeps
`headway synth` fast at council scale. Only what the synthetic workbook needs: no
shared strings, no column widths, no formulas.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape


class _Archive(zipfile.ZipFile):
    """A zip whose entries all carry a fixed time (see _entry)."""

    def __init__(self, path: Path):
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)

    def writestr(self, name, data, *args, **kwargs):
        super().writestr(_entry(name) if isinstance(name, str) else name, data, *args, **kwargs)

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_STYLE = 1  # cellXfs entry 1: built-in number format 14 (a date)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
{sheets}</Types>"""
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\n')
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>{sheets}</sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
{sheets}<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
               'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{ref}"/><sheetData>')
STRINGS_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
                 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">')
SHEET_END = "</sheetData></worksheet>"


def column_letters(n: int) -> list[str]:
    """A, B, ... Z, AA, ... for the first n columns."""
    out = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


LETTERS = column_letters(256)


class _Strings:
    """The shared strings table: text is written once and cells point at it (what
    Excel writes, and what openpyxl reads fastest)."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def cell(self, ref: str, value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
        number = self.index.setdefault(str(value), len(self.index))
        return f'<c r="{ref}" t="s"><v>{number}</v></c>'

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in self.index)
        return STRINGS_START.format(n=len(self.index)) + items + "</sst>"


def _sheet_xml(rows: list[list], strings: _Strings) -> Iterable[str]:
    width = max((len(row) for row in rows), default=1)
    yield SHEET_START.format(ref=f"A1:{LETTERS[max(width, 1) - 1]}{max(len(rows), 1)}")
    for r, row in enumerate(rows, start=1):
        cells = "".join(strings.cell(f"{LETTERS[c]}{r}", v) for c, v in enumerate(row))
        yield f'<row r="{r}">{cells}</row>'
    yield SHEET_END


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed time, so the same workbook is the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheets: list[tuple[str, Iterable[list]]]) -> None:
    """Write sheets (name, rows) to path; rows are lists of None, str, int, float,
    bool or datetime.date."""
    strings = _Strings()
    with _Archive(path) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            sheets="".join(SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(sheets="".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _) in enumerate(sheets, start=1))))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(sheets="".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>\n' for n in range(1, len(sheets) + 1))))
        archive.writestr("xl/styles.xml", STYLES)
        for n, (_, rows) in enumerate(sheets, start=1):
            with archive.open(_entry(f"xl/worksheets/sheet{n}.xml"), "w") as fh:
                chunk = []
                for part in _sheet_xml(list(rows), strings):
                    chunk.append(part)
                    if len(chunk) == 2000:
                        fh.write("".join(chunk).encode("utf-8"))
                        chunk = []
                fh.write("".join(chunk).encode("utf-8"))
        archive.writestr("xl/sharedStrings.xml", strings.xml())
