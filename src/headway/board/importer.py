"""Import an action plan and risk register from Excel, checking everything before saving anything.

    read_workbook(file)   -> (Upload, problems)   each cell converted by its column's kind
    read_workbook(file, mapping)                  the same, with the analyst's own column mapping
    layout(file, mapping) -> [SheetLayout]        what the column-mapping page offers
    check(upload)         -> (Preview, problems)  against each other and the database
    save(upload, user)    -> Preview              in one transaction, only if check finds nothing

A problem names the sheet, the spreadsheet's own row number and the column (letter
and heading), and says what to write instead. It never repeats the cell's value.
The Upload is plain JSON-able data, so the preview page can keep it in the session
until the analyst confirms; save() checks it again then, against the database as
it is at that moment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from headway.board import catalogue
from headway.board.history import acting_as
from headway.board.import_spec import SHEETS, Column, Sheet, normalise
from headway.board.models import (Action, KeyArea, LinkedMeasure, Mitigation, OfstedPoint, Risk, RiskCategory,
                                  Status, Theme)
from headway.board.permissions import INSIDE_ROLES
from headway.board.risk_matrix import current_matrix

HEADER_SEARCH_ROWS = 10  # councils put titles and notes above the header row
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y", "%d.%m.%Y")
RAG_CODES = {"r": "R", "red": "R", "a": "A", "amber": "A", "g": "G", "green": "G"}
STATUSES = {"not started": Status.NOT_STARTED, "in progress": Status.IN_PROGRESS, "started": Status.IN_PROGRESS,
            "on track": Status.IN_PROGRESS, "ongoing": Status.IN_PROGRESS, "complete": Status.COMPLETE,
            "completed": Status.COMPLETE, "done": Status.COMPLETE}
OFSTED_KINDS = {normalise(label): value for value, label in OfstedPoint.Kind.choices}


@dataclass(frozen=True)
class Problem:
    sheet: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [f"Sheet {self.sheet}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Upload:
    """Converted rows per sheet key: each row is {"_row": n, column key: value}."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> column key -> "H (Due date)"
    ignored: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Upload":
        return cls(**data)


@dataclass
class Mapping:
    """The analyst's own matching, from the column-mapping page, for a layout the names don't catch.

    sheets: template sheet key -> worksheet title ("" = the workbook has none).
    columns: template sheet key -> column key -> heading as written ("" = not in the workbook).
    A sheet or column named here is matched only this way; the rest by name, as without a mapping.
    """

    sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> "Mapping":
        return cls(**data) if data else cls()


@dataclass
class SheetLayout:
    """One template sheet as the mapping page shows it."""

    sheet: Sheet
    worksheets: list[str]          # every worksheet in the workbook
    worksheet: str                 # the one used for this sheet ("" = none)
    headings: list[str]            # the headings in its header row
    matched: dict[str, str]        # column key -> the heading used ("" = none)

    @property
    def rows(self) -> list[tuple[Column, str]]:
        return [(column, self.matched.get(column.key, "")) for column in self.sheet.columns]


@dataclass
class Preview:
    ofsted: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    new_key_areas: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------
def read_workbook(fileobj, mapping: Mapping | None = None) -> tuple[Upload, list[Problem]]:
    mapping = mapping or Mapping()
    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged or non-Excel file raises many kinds (BadZipFile, KeyError...)
        return Upload(), [Problem("(workbook)", "This file could not be opened as an Excel workbook (.xlsx). "
                                  "Open it in Excel and save it again as an Excel Workbook.")]
    upload, problems = Upload(), []
    try:
        found = {sheet.key: _find_worksheet(book, sheet, mapping) for sheet in SHEETS}
        if not found["actions"] and not found["risks"]:
            names = ", ".join(s.title for s in SHEETS)
            return upload, [Problem("(workbook)", f"No sheet called Actions or Risks. Use the template's sheet "
                                                  f"names ({names}).")]
        for sheet in SHEETS:
            if found[sheet.key] is not None:
                problems += _read_sheet(found[sheet.key], sheet, upload, mapping.columns.get(sheet.key, {}))
    finally:
        book.close()
    return upload, problems


def _find_worksheet(book, sheet: Sheet, mapping: Mapping):
    if sheet.key in mapping.sheets:
        return next((ws for ws in book.worksheets if ws.title == mapping.sheets[sheet.key]), None)
    return next((ws for ws in book.worksheets if normalise(ws.title) in sheet.names()), None)


def _read_sheet(ws, sheet: Sheet, upload: Upload, chosen: dict[str, str]) -> list[Problem]:
    rows = list(ws.iter_rows(values_only=True))
    header_index = _header_row(rows, sheet, chosen)
    if header_index is None:
        wanted = ", ".join(c.title for c in sheet.columns if c.required)
        return [Problem(ws.title, f"No header row found in the first {HEADER_SEARCH_ROWS} rows. The header row "
                                  f"needs these columns: {wanted}.")]
    positions, problems = _map_columns(rows[header_index], sheet, ws.title, upload, chosen)
    if problems:
        return problems
    converted = []
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(_blank(v) for v in values):
            continue
        row = {"_row": offset}
        for column, index in positions.items():
            value = values[index] if index < len(values) else None
            label = upload.labels[sheet.key][column.key]
            result = _convert(value, column)
            if isinstance(result, Problem):
                problems.append(Problem(ws.title, result.message, offset, label))
            else:
                row[column.key] = result
        converted.append(row)
    upload.rows[sheet.key] = converted
    return problems


def _column_names(column: Column, chosen: dict[str, str]) -> set[str]:
    """The headings that mean this column: the analyst's choice if they made one, else its names."""
    if column.key in chosen:
        return {normalise(chosen[column.key])} - {""}
    return column.names()


def _header_row(rows: list[tuple], sheet: Sheet, chosen: dict[str, str]) -> int | None:
    required = [c for c in sheet.columns if c.required]
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {normalise(v) for v in values if not _blank(v)}
        if sum(1 for c in required if _column_names(c, chosen) & names) * 2 >= len(required):
            return index
    return None


def _column_for(name, sheet: Sheet, chosen: dict[str, str]) -> Column | None:
    """The template column a heading is: the analyst's choices first, then by name."""
    wanted = normalise(name)
    return (next((c for c in sheet.columns if c.key in chosen and normalise(chosen[c.key]) == wanted), None)
            or next((c for c in sheet.columns if c.key not in chosen and wanted in c.names()), None))


def _map_columns(header: tuple, sheet: Sheet, title: str, upload: Upload, chosen: dict[str, str]):
    positions: dict[Column, int] = {}
    labels: dict[str, str] = {}
    for index, name in enumerate(header):
        if _blank(name):
            continue
        column = _column_for(name, sheet, chosen)
        letter = get_column_letter(index + 1)
        if column is None:
            upload.ignored.append(f"{title}, column {letter} ({str(name).strip()})")
        elif column in positions:
            return {}, [Problem(title, f"Two columns are both {column.title}: keep one of them", None, letter)]
        else:
            positions[column] = index
            labels[column.key] = f"{letter} ({column.title})"
    upload.labels[sheet.key] = labels
    missing = [c.title for c in sheet.columns if c.required and c not in positions]
    if missing:
        return {}, [Problem(title, f"The header row has no column for: {', '.join(missing)}")]
    return positions, []


# --- the column-mapping page ---------------------------------------------------------------
def _likely_header(rows: list[tuple], sheet: Sheet, chosen: dict[str, str]) -> int | None:
    """The header row as read_workbook finds it, else the fullest of the first rows."""
    found = _header_row(rows, sheet, chosen)
    if found is not None or not rows:
        return found
    counts = [sum(not _blank(v) for v in values) for values in rows[:HEADER_SEARCH_ROWS]]
    return counts.index(max(counts)) if max(counts) else None


def _sheet_layout(book, sheet: Sheet, mapping: Mapping) -> SheetLayout:
    ws = _find_worksheet(book, sheet, mapping)
    chosen = mapping.columns.get(sheet.key, {})
    headings: list[str] = []
    if ws is not None:
        rows = list(ws.iter_rows(values_only=True, max_row=HEADER_SEARCH_ROWS))
        index = _likely_header(rows, sheet, chosen)
        if index is not None:
            headings = list(dict.fromkeys(str(v).strip() for v in rows[index] if not _blank(v)))
    matched = {}
    for column in sheet.columns:
        names = _column_names(column, chosen)
        matched[column.key] = next((h for h in headings if normalise(h) in names), "")
    return SheetLayout(sheet, [w.title for w in book.worksheets], ws.title if ws is not None else "", headings,
                       matched)


def layout(fileobj, mapping: Mapping | None = None) -> list[SheetLayout]:
    """For each template sheet: the worksheet used, its headings and which heading each column gets."""
    mapping = mapping or Mapping()
    book = load_workbook(fileobj, read_only=True, data_only=True)
    try:
        return [_sheet_layout(book, sheet, mapping) for sheet in SHEETS]
    finally:
        book.close()


# --- converting one cell ------------------------------------------------------------------
def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a reference typed as 7 arrives as 7.0
    return str(value).strip()


def _convert(value, column: Column):
    """The cell as the column's kind, or a Problem (with no row or column yet)."""
    if _blank(value):
        if column.required:
            return Problem("", f"Enter the {column.title.lower()}")
        return [] if column.kind == "list" else None
    converter = CONVERTERS[column.kind]
    try:
        return converter(value)
    except ValueError as problem:
        return Problem("", str(problem))


def _date(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError("Enter a real date, written like 31/03/2026")


def _number(value) -> int:
    if isinstance(value, bool):
        raise ValueError("Enter a whole number")
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ValueError("Enter a whole number, like 3")


def _list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", _text(value)) if part.strip()]


def _rag(value) -> str:
    code = RAG_CODES.get(normalise(value))
    if code is None:
        raise ValueError("Enter Red, Amber or Green (or R, A or G)")
    return code


def _status(value) -> str:
    status = STATUSES.get(normalise(value))
    if status is None:
        raise ValueError("Enter Not started, In progress or Complete")
    return str(status)


CONVERTERS = {"text": _text, "date": _date, "number": _number, "list": _list, "rag": _rag, "status": _status}


# --- checking rows against each other and the database ------------------------------------
class Checker:
    """Collects problems for one upload; each check names the sheet, row and column."""

    def __init__(self, upload: Upload):
        self.upload = upload
        self.problems: list[Problem] = []
        self.titles = {sheet.key: sheet.title for sheet in SHEETS}

    def problem(self, sheet: str, row: dict, column: str | None, message: str) -> None:
        label = self.upload.labels.get(sheet, {}).get(column) if column else None
        self.problems.append(Problem(self.titles[sheet], message, row["_row"], label))

    def rows(self, sheet: str) -> list[dict]:
        return self.upload.rows.get(sheet, [])

    def unique_new_references(self, sheet: str, model, noun: str) -> set[str]:
        seen: dict[str, int] = {}
        existing = set(model.objects.filter(reference__in=[r.get("reference") for r in self.rows(sheet)])
                       .values_list("reference", flat=True))
        for row in self.rows(sheet):
            ref = row.get("reference")
            if ref is None:
                continue
            if ref in seen:
                self.problem(sheet, row, "reference", f"This {noun} reference is also on row {seen[ref]}: "
                                                      "each must be different")
            elif ref in existing:
                self.problem(sheet, row, "reference", f"Headway already has a {noun} with this reference. "
                                                      "Change the reference or remove the row")
            seen.setdefault(ref, row["_row"])
        return set(seen)

    def person(self, sheet: str, row: dict, column: str):
        text = row.get(column)
        if text is None:
            return None
        user = (get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True,
                                                groups__name__in=INSIDE_ROLES).distinct().first())
        if user is None:
            self.problem(sheet, row, column, "No active Headway user has this username or email with an officer, "
                                             "analyst or board chair role. Add them first or correct the name")
        return user


def check(upload: Upload) -> tuple[Preview, list[Problem]]:
    checker = Checker(upload)
    preview = Preview()
    ofsted_refs = _check_ofsted(checker, preview)
    action_refs = _check_actions(checker, preview, ofsted_refs)
    _check_risks(checker, preview, action_refs)
    return preview, checker.problems


def _check_ofsted(checker: Checker, preview: Preview) -> set[str]:
    refs = checker.unique_new_references("ofsted", OfstedPoint, "Ofsted point")
    for row in checker.rows("ofsted"):
        kind = row.get("kind")
        if kind is not None and normalise(kind) not in OFSTED_KINDS:
            checker.problem("ofsted", row, "kind", "Enter Recommendation, Point of concern or Area for improvement")
        preview.ofsted.append({**row, "row_number": row["_row"]})
    return refs


def _check_actions(checker: Checker, preview: Preview, new_ofsted: set[str]) -> set[str]:
    refs = checker.unique_new_references("actions", Action, "action")
    known_ofsted = new_ofsted | set(OfstedPoint.objects.values_list("reference", flat=True))
    themes = set(Theme.objects.values_list("name", flat=True))
    areas = set(KeyArea.objects.values_list("name", flat=True))
    for row in checker.rows("actions"):
        user = checker.person("actions", row, "accountable_officer")
        if row.get("start_date") and row.get("due_date") and row["due_date"] < row["start_date"]:
            checker.problem("actions", row, "due_date", "The due date must be on or after the start date")
        if row.get("officer_rag") and not row.get("rag_reason"):
            checker.problem("actions", row, "rag_reason", "Give a reason for the RAG rating")
        if any(ref not in known_ofsted for ref in row.get("ofsted", [])):
            checker.problem("actions", row, "ofsted", "An Ofsted reference here is not on the Ofsted sheet or in "
                                                      "Headway. Add it to the Ofsted sheet")
        unknown = [mid for mid in row.get("measures", []) if not catalogue.is_measure(mid)]
        if unknown:
            checker.problem("actions", row, "measures", f"Not in the measure catalogue: {', '.join(unknown)}. "
                                                        "Use catalogue IDs such as A02")
        _note_new(preview.new_themes, row.get("theme"), themes)
        _note_new(preview.new_key_areas, row.get("key_area"), areas)
        preview.actions.append({**row, "row_number": row["_row"], "officer_name": _name(user)})
    return refs


def _check_risks(checker: Checker, preview: Preview, new_actions: set[str]) -> None:
    checker.unique_new_references("risks", Risk, "risk")
    size = current_matrix().size
    known_actions = new_actions | set(Action.objects.values_list("reference", flat=True))
    categories = set(RiskCategory.objects.values_list("name", flat=True))
    new_category_appetite: dict[str, int | None] = {}
    for row in checker.rows("risks"):
        user = checker.person("risks", row, "owner")
        for column in ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
                       "target_likelihood", "target_impact"):
            if row.get(column) is not None and not 1 <= row[column] <= size:
                checker.problem("risks", row, column, f"Enter a number from 1 to {size}")
        if row.get("appetite_score") is not None and not 1 <= row["appetite_score"] <= size * size:
            checker.problem("risks", row, "appetite_score", f"Enter a score from 1 to {size * size}")
        category = row.get("category")
        if category and category not in categories:
            new_category_appetite[category] = new_category_appetite.get(category) or row.get("appetite_score")
            if new_category_appetite[category] is None and category not in preview.new_categories:
                checker.problem("risks", row, "appetite_score", "This category is new: give its appetite score "
                                                                "here so Headway can create it")
            _note_new(preview.new_categories, category, categories)
        if any(ref not in known_actions for ref in row.get("mitigating_actions", [])):
            checker.problem("risks", row, "mitigating_actions", "An action reference here is not on the Actions "
                                                                "sheet or in Headway")
        preview.risks.append({**row, "row_number": row["_row"], "owner_name": _name(user)})


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _note_new(found: list[str], name: str | None, existing: set[str]) -> None:
    if name and name not in existing and name not in found:
        found.append(name)


# --- saving -------------------------------------------------------------------------------
class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was saved")


def save(upload: Upload, user) -> Preview:
    """Write everything in one transaction, or nothing (ImportRefused) if check() finds a problem."""
    with transaction.atomic(), acting_as(user):
        preview, problems = check(upload)
        if problems:
            raise ImportRefused(problems)
        users = _people(upload)
        for row in upload.rows.get("ofsted", []):
            kind = OFSTED_KINDS.get(normalise(row.get("kind")), OfstedPoint.Kind.RECOMMENDATION)
            OfstedPoint.objects.create(reference=row["reference"], text=row["text"], source=row.get("source") or "",
                                       kind=kind)
        for row in upload.rows.get("actions", []):
            _save_action(row, users)
        for row in upload.rows.get("risks", []):
            _save_risk(row, users)
    return preview


def _people(upload: Upload) -> dict[str, object]:
    names = {r.get("accountable_officer") for r in upload.rows.get("actions", [])}
    names |= {r.get("owner") for r in upload.rows.get("risks", [])}
    found = {}
    for name in filter(None, names):
        found[name] = (get_user_model().objects.filter(Q(username__iexact=name) | Q(email__iexact=name),
                                                       is_active=True).first())
    return found


def _date_value(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _save_action(row: dict, users: dict) -> None:
    theme, _ = Theme.objects.get_or_create(name=row["theme"])
    area = KeyArea.objects.get_or_create(name=row["key_area"])[0] if row.get("key_area") else None
    action = Action(
        reference=row["reference"], title=row["title"], description=row.get("description") or "", theme=theme,
        key_area=area, accountable_officer=users[row["accountable_officer"]], lead=row.get("lead") or "",
        start_date=_date_value(row["start_date"]), due_date=_date_value(row["due_date"]),
        status=row.get("status") or Status.NOT_STARTED, officer_rag=row.get("officer_rag") or "",
        rag_reason=row.get("rag_reason") or "")
    action.full_clean()
    action.save()
    if row.get("ofsted"):
        action.ofsted_points.set(OfstedPoint.objects.filter(reference__in=row["ofsted"]))
    for measure_id in sorted(set(row.get("measures", []))):
        LinkedMeasure.objects.create(action=action, measure_id=measure_id)


def _save_risk(row: dict, users: dict) -> None:
    category = RiskCategory.objects.filter(name=row["category"]).first()
    if category is None:
        category = RiskCategory.objects.create(name=row["category"], appetite_score=row["appetite_score"])
    fields = {key: row[key] for key in ("inherent_likelihood", "inherent_impact", "current_likelihood",
                                        "current_impact", "target_likelihood", "target_impact")}
    risk = Risk(reference=row["reference"], title=row["title"], cause=row.get("cause") or "",
                effect=row.get("effect") or "", owner=users[row["owner"]], category=category,
                appetite_score=row.get("appetite_score"), next_review_on=_date_value(row["next_review_on"]), **fields)
    risk.full_clean()
    risk.save()
    actions = list(Action.objects.filter(reference__in=row.get("mitigating_actions", [])))
    if row.get("mitigation") or actions:
        text = row.get("mitigation") or "Delivered through the linked action"
        for action in actions or [None]:
            Mitigation.objects.create(risk=risk, description=text, action=action)
