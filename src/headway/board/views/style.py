"""The board's own stylesheet (heat map, text areas, checkboxes), served by the app.

It is served from here rather than /static/ so the board keeps all its files in its
own folder; like every board page it needs a signed-in user with a Headway role.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.views.decorators.http import require_safe

from headway.board.permissions import board_view

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "board" / "board.css"


@require_safe
@board_view("view_board")
def stylesheet(request):
    response = FileResponse(STYLESHEET.open("rb"), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response
