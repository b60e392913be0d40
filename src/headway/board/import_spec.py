"""The Excel import template: which sheets and columns it has, and the template workbook.

A council's own spreadsheet usually differs from the template in small ways, so a
column is found by any of its names (case, spaces, '*' and punctuation ignored)
and a sheet by any of its names. Columns the template does not know are listed in
the preview as ignored. docs/board.md documents every column; the workbook's
"Read me" sheet says the same.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

DATE_FORMAT_HELP = "a date, written 31/03/2026 (or an Excel date)"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # text, date, number, list, rag, status, state
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def names(self) -> set[str]:
        return {normalise(n) for n in (self.title, self.key, *self.aliases)}


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalise(n) for n in (self.title, *self.aliases)}


def normalise(name) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


OFSTED = Sheet("ofsted", "Ofsted", (
    Column("reference", "Reference", "text", True, ("ref", "ofsted ref", "ofsted reference", "poc ref")),
    Column("kind", "Kind", "text", False, ("type",), "Recommendation, Point of concern or Area for improvement"),
    Column("source", "Source", "text", False, ("inspection", "visit"), "For example ILACS May 2019"),
    Column("text", "Text", "text", True, ("recommendation", "point of concern", "wording", "description")),
), aliases=("ofsted points", "recommendations", "points of concern"))

ACTIONS = Sheet("actions", "Actions", (
    Column("reference", "Reference", "text", True, ("ref", "action ref", "action reference", "pip ref", "no")),
    Column("title", "Title", "text", True, ("action", "action title")),
    Column("description", "Description", "text", False, ("detail", "details")),
    Column("theme", "Theme", "text", True, ("priority", "workstream"), "New themes are created"),
    Column("key_area", "Key area", "text", False, ("area",), "New key areas are created"),
    Column("accountable_officer", "Accountable officer", "text", True,
           ("accountable", "owner", "officer", "responsible officer"),
           "The officer's Headway username or email address"),
    Column("lead", "Lead", "text", False, ("lead officer",)),
    Column("start_date", "Start date", "date", True, ("start",), DATE_FORMAT_HELP),
    Column("due_date", "Due date", "date", True, ("due", "deadline", "target date", "completion date"),
           DATE_FORMAT_HELP),
    Column("status", "Status", "status", False, (), "Not started, In progress or Complete (blank: Not started)"),
    Column("officer_rag", "RAG", "rag", False, ("rag rating", "rag status"), "Red, Amber or Green (or R, A, G)"),
    Column("rag_reason", "RAG reason", "text", False, ("reason", "rag comment", "rationale"),
           "Needed when RAG is given"),
    Column("ofsted", "Ofsted references", "list", False, ("ofsted", "ofsted ref", "ofsted refs", "poc"),
           "References from the Ofsted sheet or already in Headway, separated by commas"),
    Column("measures", "Measures", "list", False, ("measure ids", "kpis", "measure"),
           "Catalogue measure IDs such as A02, separated by commas"),
), aliases=("action plan", "plan", "improvement plan"))

RISKS = Sheet("risks", "Risks", (
    Column("reference", "Reference", "text", True, ("ref", "risk ref", "risk reference", "risk id", "no")),
    Column("title", "Risk", "text", True, ("title", "risk title", "risk description")),
    Column("cause", "Cause", "text", False),
    Column("effect", "Effect", "text", False, ("consequence", "impact description")),
    Column("owner", "Owner", "text", True, ("risk owner",), "The owner's Headway username or email address"),
    Column("category", "Category", "text", True, ("risk category", "type"),
           "New categories are created; give their Appetite"),
    Column("inherent_likelihood", "Inherent likelihood", "number", True, ("inherent l",)),
    Column("inherent_impact", "Inherent impact", "number", True, ("inherent i",)),
    Column("current_likelihood", "Current likelihood", "number", True, ("current l", "residual likelihood")),
    Column("current_impact", "Current impact", "number", True, ("current i", "residual impact")),
    Column("target_likelihood", "Target likelihood", "number", True, ("target l",)),
    Column("target_impact", "Target impact", "number", True, ("target i",)),
    Column("appetite_score", "Appetite", "number", False, ("appetite score", "risk appetite"),
           "The highest acceptable score; blank uses the category's"),
    Column("next_review_on", "Next review date", "date", True, ("review date", "next review"), DATE_FORMAT_HELP),
    Column("mitigation", "Mitigation", "text", False, ("mitigations", "controls", "mitigating actions text")),
    Column("mitigating_actions", "Mitigating actions", "list", False, ("action refs", "linked actions"),
           "Action references, separated by commas"),
), aliases=("risk register", "risk log", "register"))

SHEETS = (OFSTED, ACTIONS, RISKS)


def template_workbook() -> bytes:
    """The template: one sheet per kind with its headers, and a Read me sheet describing every column."""
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    readme.append(["Sheet", "Column", "Required", "What to write"])
    for cell in readme[1]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.title)
        ws.append([c.title for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in sheet.columns:
            readme.append([sheet.title, column.title, "Yes" if column.required else "No",
                           column.help or ("Text" if column.kind == "text" else column.kind.capitalize())])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
