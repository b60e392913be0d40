"""How the synthetic Annex A writes each cell: the template's own form, or (variants)
the forms real councils' workbooks use. Every variant form reads back as the same
staged value (returns/annex_a.py); tests/test_annex_a.py holds the reader to that.

Forms rotate by row and column, so every form of every kind appears in a workbook
of any size.
"""

from __future__ import annotations

import datetime as dt
import string

from headway.returns.annex_a_lists import CODE_LISTS, AnnexList, Column

EXCEL_EPOCH = dt.date(1899, 12, 30)
LETTERS = string.ascii_lowercase
# The template writes coded values with a list letter: "a) Male", "q) 6: Police".
TEMPLATE = {
    "gender": {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded", "N": "d) Neither"},
    "abuse": {"NEG": "a) Neglect", "PHY": "b) Physical abuse", "SAB": "c) Sexual abuse", "EMO": "d) Emotional abuse",
              "MUL": "e) Multiple/not recommended"},
    "location": {"In": "a) In", "Out": "b) Out"},
    "in_touch": {"YES": "a) Yes", "NO": "b) No", "DIED": "c) Died", "REFU": "d) Refu", "NREQ": "e) NREQ",
                 "RHOM": "f) Rhom"},
    "suitability": {True: "a) Suitable", False: "b) Unsuitable"},
}
VARIANTS = {
    "gender": {"M": ("M", "1 - Male", "Male"), "F": ("F", "2 - Female", "Female"),
               "U": ("U", "0 - Not stated", "Unknown"), "N": ("N", "9 - Indeterminate", "Neither")},
    "suitability": {True: ("Suitable", 1, "Yes"), False: ("Unsuitable", 2, "No")},
}
ETHNIC_GROUPS = {"W": "White", "M": "Mixed", "A": "Asian or Asian British", "B": "Black or Black British"}
WORDS = {"N1": "Abuse or neglect", "N2": "Child's disability", "N3": "Parental illness or disability",
         "N4": "Family in acute stress", "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
         "N7": "Low income", "N8": "Absent parenting", "C1": "ICO", "C2": "FCO", "E1": "Placement order",
         "V2": "Single period under S20", "F1": "Full time in higher education", "G5": "NEET - other"}


def _name(code_list: str, code) -> str:
    names = CODE_LISTS[code_list][code]
    return names[0] if names else str(code)


class Cells:
    """One list's sheet name, title rows, headers and cells."""

    def __init__(self, annex: AnnexList, variants: bool):
        self.annex, self.variants = annex, variants
        self.formats = [self._format(c) for c in annex.columns]

    def sheet_name(self) -> str:
        n = self.annex.number
        if not self.variants:
            return self.annex.sheet_name
        return f"List{n}" if n % 2 else f"LIST {n} - {self.annex.title}"[:31]

    def title_rows(self, extract: dt.date) -> list[list]:
        if not self.variants:
            return []
        date = extract if self.annex.number % 2 else extract.strftime("%d/%m/%Y")
        return [[f"Annex A {self.annex.sheet_name}: {self.annex.title}"], ["Extract date:", date], []]

    def headers(self) -> list[str]:
        if not self.variants:
            return [c.header for c in self.annex.columns]
        return [self._header(c, j) for j, c in enumerate(self.annex.columns)]

    def row(self, values: list, i: int) -> list:
        return [None if v is None else fmt(v, i + j) for j, (fmt, v) in enumerate(zip(self.formats, values))]

    @staticmethod
    def _header(column: Column, j: int) -> str:
        if j % 3 == 0 and column.aliases:
            return column.aliases[0]
        if j % 3 == 1:
            return column.header.upper()
        return f"{column.header} (dd/mm/yyyy)" if column.kind == "date" else f" {column.header}  "

    # -------------------------------------------------------------- formats by kind

    def _format(self, column: Column):
        kind = column.kind
        if kind.startswith("code:"):
            return self._code(kind[5:])
        return getattr(self, f"_{kind}")

    def _pick(self, standard, forms: tuple, i: int):
        return forms[i % len(forms)] if self.variants else standard

    def _id(self, value: str, i: int):
        numeric = value.isdigit() and not value.startswith("0")
        return self._pick(value, (int(value) if numeric else value, f" {value} "), i)

    def _text(self, value, i: int):
        return self._pick(value, (value, f"{value}  "), i)

    def _label(self, value, i: int):
        value = str(value)
        if value.isupper() or any(ch.isdigit() for ch in value):
            return self._pick(value, (value, f"{value}: {WORDS.get(value, value)}", f"a) {value} - {value}"), i)
        return self._pick(f"a) {value}", (value, f"b) {value}"), i)

    def _date(self, value: dt.date, i: int):
        return self._pick(value, (value, value.strftime("%d/%m/%Y"), (value - EXCEL_EPOCH).days, value.isoformat()), i)

    def _int(self, value, i: int):
        value = int(value)
        return self._pick(value, (value, str(value), float(value), f"{value:,}"), i)

    def _age(self, value, i: int):
        value = int(value)
        if not self.variants:
            return value
        if value == 0:
            return "<1"
        if value <= 2:
            return f"{value * 12 + 6}m"
        return (f"{value}.5yrs", f"{value} years", value + 0.25)[i % 3]

    def _yesno(self, value, i: int):
        value = bool(value)
        return self._pick("a) Yes" if value else "b) No",
                          ("Y" if value else "N", "Yes" if value else "No", int(value), value), i)

    def _code(self, code_list: str):
        def fmt(value, i: int):
            if self.variants:
                forms = self._variants(code_list, value)
                return forms[i % len(forms)]
            return self._template(code_list, value)
        return fmt

    @staticmethod
    def _template(code_list: str, code) -> str:
        if code_list in TEMPLATE:
            return TEMPLATE[code_list].get(code, str(code))
        letter = LETTERS[list(CODE_LISTS[code_list]).index(code) % 26]
        if code_list == "ethnicity":
            return f"{letter}) {code}"
        if code_list == "source":
            return f"{letter}) {code}: {_name(code_list, code)}"
        return f"{code}: {WORDS.get(code, code)}"

    @staticmethod
    def _variants(code_list: str, code) -> tuple:
        if code_list in VARIANTS:
            return VARIANTS[code_list][code]
        name = _name(code_list, code)
        if code_list == "ethnicity":
            group = ETHNIC_GROUPS.get(code[0])
            return f"{code}  [{name}]", f"{group} - {name}" if group else name, code
        return code, f"{code} - {name}"
