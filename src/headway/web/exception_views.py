"""Lists of children: the exception lists managers act on each morning, their Excel
exports, and one page per child. All child-level, so every view and export is
written to the audit log with the children it showed, and each is limited to the
teams the access policy allows (request.access.team_filter), in the SQL itself.

The lists are as at the latest month end in the published warehouse (the date the
figures were drawn up to), and come from headway.warehouse.exceptions. Each list (in
each order) is worked out once per published snapshot for the whole authority
(Warehouse.cached), and every request then keeps only the teams the user's scope
allows. A list page shows PAGE_SIZE children at a time, and the audit log records the
children each page showed; the export holds the whole list.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from headway.warehouse import exceptions
from headway.web import audit, exports
from headway.web.access import OrgTree, Permission, requires
from headway.web.views import month_ending, no_warehouse, open_warehouse, select_options

CHILD_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
PAGE_SIZE = 100  # children on one page of a list
PAGE_NUMBER = re.compile(r"^[0-9]{1,9}$")  # ASCII digits only: int() refuses some that isdigit() allows
COLUMNS = (  # (sort key, heading, numeric)
    ("child", "Child ID", False), ("worker", "Allocated worker", False), ("team", "Team", False),
    ("started", None, False), ("due", "Due by", False), ("overdue", "Days overdue", True),
)


def day_text(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "–"


def _no_model_tables(request):
    return render(request, "exceptions_unavailable.html", status=200)


def _open(request):
    """(warehouse, org, as_at), or a response to send instead."""
    warehouse = open_warehouse()
    if warehouse is None:
        return None, no_warehouse(request)
    if not warehouse.cached(("has_model_tables",), lambda: exceptions.has_model_tables(warehouse.con)):
        warehouse.close()
        return None, _no_model_tables(request)
    return (warehouse, OrgTree.from_warehouse(warehouse), warehouse.latest_period()), None


def chosen_teams(request, org: OrgTree) -> tuple[frozenset[str] | None, str]:
    """The teams to list: the user's whole scope, or one team of it (?team=ID; 404 outside it)."""
    allowed = request.access.team_filter(org)
    team = request.GET.get("team", "")
    if not team:
        return allowed, ""
    if not request.access.may_see_child(org, team) or not org.chain("team", team):
        audit.record_denial(request, f"team {team} on an exception list")
        raise Http404("No such team")
    return frozenset({team}), team


def chosen_sort(request) -> tuple[str, bool]:
    sort = request.GET.get("sort", exceptions.DEFAULT_SORT[0])
    order = request.GET.get("order", "desc" if sort == exceptions.DEFAULT_SORT[0] else "asc")
    if sort not in exceptions.SORT_COLUMNS or order not in ("asc", "desc"):
        raise BadRequest(f"sort must be one of {', '.join(exceptions.SORT_COLUMNS)} and order asc or desc")
    return sort, order == "desc"


def team_choices(request, org: OrgTree) -> tuple[tuple[str, str], ...]:
    """(team ID, name) for every team the user may list."""
    teams = request.access.team_filter(org)
    visible = org.units("team") if teams is None else sorted(teams, key=lambda t: org.name("team", t))
    return tuple((t, org.name("team", t)) for t in visible)


def overdue_rows(warehouse, list_id: str, as_at: dt.date, teams: frozenset[str] | None,
                 sort: str = exceptions.DEFAULT_SORT[0], descending: bool = exceptions.DEFAULT_SORT[1]) -> list[dict]:
    """One list's overdue items for the teams given (None: every child): the whole
    authority's list, read once per snapshot and kept in each order asked for, then
    only the teams allowed."""
    every = warehouse.cached(("exception rows", list_id, as_at),
                             lambda: exceptions.exception_rows(warehouse.con, list_id, as_at, None))
    ordered = warehouse.cached(("exception rows", list_id, as_at, sort, descending),
                               lambda: exceptions.sort_rows(every, sort, descending))
    return ordered if teams is None else [r for r in ordered if r["team_id"] in teams]


def the_list(list_id: str) -> exceptions.ExceptionList:
    item = exceptions.BY_ID.get(list_id)
    if item is None:
        raise Http404("No such list")
    return item


@requires(Permission.CHILDREN)
@require_safe
def exceptions_index(request):
    """Every list, with how many children are on it within the user's scope."""
    opened, response = _open(request)
    if response:
        return response
    warehouse, org, as_at = opened
    teams = request.access.team_filter(org)
    with warehouse:
        counts = {item.id: len(overdue_rows(warehouse, item.id, as_at, teams)) for item in exceptions.LISTS}
    lists = [{"id": item.id, "title": item.title, "rule": item.rule, "count": counts[item.id],
              "url": reverse("exception_list", args=[item.id])} for item in exceptions.LISTS]
    return render(request, "exceptions_index.html", {"lists": lists, "as_at": month_ending(as_at)})


def _list_rows(request, list_id: str):
    item = the_list(list_id)
    opened, response = _open(request)
    if response:
        return None, response
    warehouse, org, as_at = opened
    with warehouse:
        teams, team = chosen_teams(request, org)
        sort, descending = chosen_sort(request)
        rows = overdue_rows(warehouse, list_id, as_at, teams, sort, descending)
        team_options = select_options(warehouse, team_choices(request, org), team)
    return {"item": item, "org": org, "as_at": as_at, "team": team, "sort": sort, "descending": descending,
            "rows": rows, "team_options": team_options}, None


def sort_headers(item, sort: str, descending: bool, team: str) -> list[dict]:
    headers = []
    for key, heading, numeric in COLUMNS:
        active = key == sort
        next_order = "asc" if active and descending else "desc" if active else "asc"
        params = {"sort": key, "order": next_order, **({"team": team} if team else {})}
        headers.append({"text": heading or item.started_label, "numeric": numeric, "url": "?" + urlencode(params),
                        "aria_sort": ("descending" if descending else "ascending") if active else "none"})
    return headers


def chosen_page(request, rows: list[dict]):
    """?page=N of the list (400 if not a whole number from 1, 404 past the last page)."""
    text = request.GET.get("page", "1")
    if not PAGE_NUMBER.match(text) or int(text) < 1:
        raise BadRequest("page must be a whole number from 1")
    paginator = Paginator(rows, PAGE_SIZE, allow_empty_first_page=True)
    if int(text) > paginator.num_pages:
        raise Http404("No such page of this list")
    return paginator.page(int(text))


def page_links(page, params: dict) -> dict:
    """Previous and next page links that keep the team and the order."""
    def link(number):
        return "?" + urlencode({**params, "page": number})
    return {"number": page.number, "count": page.paginator.num_pages,
            "first": page.start_index(), "last": page.end_index(),
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "next": link(page.next_page_number()) if page.has_next() else None}


@requires(Permission.CHILDREN)
@require_safe
def exception_list(request, list_id: str):
    found, response = _list_rows(request, list_id)
    if response:
        return response
    item = found["item"]
    page = chosen_page(request, found["rows"])
    rows = page.object_list
    audit.record_view(request, f"Exception list: {item.title}", [r["child_id"] for r in rows])
    # One reverse() for the page, not one a row: a page has 100 children.
    child_url = reverse("child", args=["__child__"])
    export_params = {"sort": found["sort"], "order": "desc" if found["descending"] else "asc",
                     **({"team": found["team"]} if found["team"] else {})}
    return render(request, "exception_list.html", {
        "count": len(found["rows"]),
        "pages": page_links(page, export_params),
        "item": item,
        "as_at": month_ending(found["as_at"]),
        "team_options": found["team_options"],
        "team": found["team"],
        "sort": found["sort"],
        "order": "desc" if found["descending"] else "asc",
        "headers": sort_headers(item, found["sort"], found["descending"], found["team"]),
        "export_url": reverse("exception_export", args=[item.id]) + "?" + urlencode(export_params),
        "rows_html": rows_html(rows, child_url),
    })


# One child's row of an exception list. A page has 100 of them: written with the
# standard library's escape and one format a row, not the template engine's lookups
# per cell (17 ms a page on the large authority) nor format_html (13 ms).
ROW = ('<tr class="govuk-table__row" data-child-id="{0}">'
       '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{1}">{0}</a></th>'
       '<td class="govuk-table__cell">{2}</td><td class="govuk-table__cell">{3}</td>'
       '<td class="govuk-table__cell">{4}</td><td class="govuk-table__cell">{5}</td>'
       '<td class="govuk-table__cell govuk-table__cell--numeric hw-overdue">{6}</td></tr>')


def rows_html(rows: list[dict], child_url: str) -> SafeString:
    """The page's rows, every value escaped (html.escape, as Django's own escape uses)."""
    def row(r: dict) -> str:
        cells = (r["child_id"], child_url.replace("__child__", quote(r["child_id"], safe="")),
                 r["worker_name"] or "Not allocated", r["team_name"], day_text(r["started"]),
                 day_text(r["due_date"]), r["days_overdue"])
        return ROW.format(*(html.escape(str(cell)) for cell in cells))
    return mark_safe("\n".join(row(r) for r in rows))


@requires(Permission.EXPORT)
@require_safe
def exception_export(request, list_id: str):
    found, response = _list_rows(request, list_id)
    if response:
        return response
    item, rows = found["item"], found["rows"]
    audit.record_export(request, f"Exception list export: {item.title}", [r["child_id"] for r in rows])
    body = exports.exception_workbook(item, rows, found["as_at"], exported_by=request.access.username,
                                      exported_at=timezone.now())
    response = HttpResponse(body, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{item.id}-{found["as_at"].isoformat()}.xlsx"'
    return response


@requires(Permission.CHILDREN)
@require_safe
def child(request, child_id: str):
    """One child: who holds the case, what is overdue, and the dated events behind it.
    A child outside the user's scope gets the same 404 as one that does not exist."""
    if not CHILD_ID.match(child_id):
        raise Http404("No such child")
    opened, response = _open(request)
    if response:
        return response
    warehouse, org, as_at = opened
    with warehouse:
        holder = exceptions.child_holder(warehouse.con, child_id, as_at)
        if holder is None or not request.access.may_see_child(org, holder["team_id"]):
            audit.record_denial(request, f"child {child_id}")
            raise Http404("No such child")
        overdue = exceptions.child_exceptions(warehouse.con, child_id, as_at)
        history = exceptions.child_history(warehouse.con, child_id)
    audit.record_view(request, "Child", [child_id])
    return render(request, "child.html", {
        "child_id": child_id,
        "as_at": month_ending(as_at),
        "holder": holder,
        "overdue": [{**r, "due": day_text(r["due_date"]), "started": day_text(r["started"]),
                     "url": reverse("exception_list", args=[r["list_id"]])} for r in overdue],
        "history": [{"event": h["event"], "started": day_text(h["started"]), "ended": day_text(h["ended"])}
                    for h in history],
    })
