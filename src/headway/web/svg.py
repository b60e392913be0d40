"""Charts as inline SVG, drawn on the server from the shared Vega-Lite specs.

charts.to_svg draws charts.py's own shapes in Python (chart_drawing.py) and any
other spec with vl-convert, which takes tens of milliseconds a chart. Drawn SVGs are
cached keyed on the spec's JSON: the same data gives the same spec, and a refresh
with new data gives new keys.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from headway import charts

CACHE_SIZE = 1024  # a few hundred measures' sparklines plus recently viewed charts


def spec_key(spec: dict) -> str:
    """The cache key: the spec as canonical JSON."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)


@lru_cache(maxsize=CACHE_SIZE)
def _render(spec_json: str) -> str:
    return charts.to_svg(json.loads(spec_json))


def inline_svg(spec: dict, label: str | None = None) -> SafeString:
    """The chart as an <svg> element: role="img" with the label, or aria-hidden if no label.

    chart_drawing and vl-convert both escape every text they write into the SVG, so
    the markup is safe to put in the page as it is.
    """
    svg = _render(spec_key(spec))
    if label:
        attributes = f'role="img" aria-label="{escape(label)}" focusable="false"'
    else:  # decorative: the table beside it carries the numbers
        attributes = 'aria-hidden="true" focusable="false"'
    return mark_safe(svg.replace("<svg ", f"<svg {attributes} ", 1))


def clear_cache() -> None:
    _render.cache_clear()
