"""Draw the Vega-Lite specs that charts.py builds as SVG, in Python.

The spec stays the one definition of each chart; charts.to_svg draws it here for the
web pages and the committee pack, and hands any other spec to vl-convert, which
draws any Vega-Lite. Why not vl-convert for all: it takes about 8 ms for a sparkline
and 45 to 60 ms for a trend chart, and every unit has its own charts (a team's
scorecard has a sparkline for each of 60 measures: half a second of CPU the first
time it is opened after a refresh, on a server with 921 teams and 5,000 workers; the
committee pack has a trend chart for each measure). This draws charts.py's few
shapes in well under a millisecond:

- lines over months (sparkline, trend_chart, workforce_chart): a line with points,
  a dashed target line, a horizontal rule (the zero of a vacancy gap);
- bars per unit (breakdown_chart): one bar per row, a dashed vertical target rule.

Any other spec (another mark, a text layer, a field it does not know) raises
NotDrawable, and the caller uses vl-convert instead. Every text is escaped; points
and bars carry a <title> for the tooltip vl-convert's charts would show in a browser.
"""

from __future__ import annotations

import datetime as dt
import math
from xml.sax.saxutils import escape, quoteattr

PADDING = 5
FONT_SIZE = 12
CHAR_WIDTH = 0.56 * FONT_SIZE  # Arial's average advance, for laying out labels
LABEL_LIMIT = 180  # px: longer unit names are cut, as Vega-Lite's axis labelLimit does
DEFAULT_COLOUR = "#1d70b8"


class NotDrawable(ValueError):
    """The spec is not one of the shapes drawn here: render it with vl-convert."""


def draw(spec: dict) -> str:
    layers = spec.get("layer") or [{"mark": spec.get("mark"), "encoding": spec.get("encoding", {})}]
    kinds = [_mark(layer)["type"] for layer in layers]
    if kinds[0] == "line" and set(kinds) <= {"line", "rule"}:
        return _draw_lines(spec, layers)
    if kinds[0] == "bar" and set(kinds[1:]) <= {"rule"}:
        return _draw_bars(spec, layers)
    raise NotDrawable(f"marks {kinds}")


# --- reading the spec -----------------------------------------------------------------
def _mark(layer: dict) -> dict:
    mark = layer.get("mark")
    mark = {"type": mark} if isinstance(mark, str) else dict(mark or {})
    if mark.get("type") not in ("line", "bar", "rule"):
        raise NotDrawable(f"mark {mark.get('type')}")
    return mark


def _channel(layer: dict, name: str, kind: str | None = None) -> dict:
    channel = layer.get("encoding", {}).get(name)
    if not channel or "field" not in channel or (kind and channel.get("type") != kind):
        raise NotDrawable(f"{name} channel {channel}")
    return channel


def _rule_values(layer: dict, channel: str) -> list[float]:
    """A rule layer's own data: the numbers it draws a line at."""
    field = _channel(layer, channel, "quantitative")["field"]
    if "data" not in layer or set(layer["encoding"]) != {channel}:
        raise NotDrawable("a rule without its own data or with more channels")
    return [row[field] for row in layer["data"]["values"] if row.get(field) is not None]


def _tooltip(layer: dict, row: dict) -> str:
    lines = []
    for item in layer.get("encoding", {}).get("tooltip", []):
        value = row.get(item["field"])
        if value is None:
            continue
        if item.get("type") == "temporal":
            value = f"{_day(value):%B %Y}"
        elif isinstance(value, (int, float)):
            value = f"{value:,.1f}"
        lines.append(f"{item.get('title', item['field'])}: {value}")
    return "<title>" + escape("\n".join(lines)) + "</title>" if lines else ""


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# --- scales and ticks -------------------------------------------------------------------
def nice_ticks(low: float, high: float, count: int) -> list[float]:
    """Round-numbered ticks covering low..high, about `count` of them (d3's rule:
    steps of 1, 2 or 5 times a power of ten)."""
    if high == low:
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    rough = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(rough))
    error = rough / power
    step = power * (10 if error >= 7.07 else 5 if error >= 3.16 else 2 if error >= 1.41 else 1)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


def _tick_text(value: float, ticks: list[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:,.{decimals}f}".replace("-", "\u2212")


def _scale(low: float, high: float, start: float, end: float):
    span = (high - low) or 1.0
    return lambda v: start + (v - low) / span * (end - start)


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _clip(text: str) -> str:
    if _text_width(text) <= LABEL_LIMIT:
        return text
    return text[: int(LABEL_LIMIT / CHAR_WIDTH) - 1] + "…"


# --- SVG pieces ----------------------------------------------------------------------------
def _svg(width: float, height: float, body: list[str], font: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family={quoteattr(font)} font-size="{FONT_SIZE}">'
            + "".join(body) + "</svg>")


def _line(x1, y1, x2, y2, colour: str, width: float = 1, dash: list | None = None) -> str:
    dashes = f' stroke-dasharray="{",".join(str(d) for d in dash)}"' if dash else ""
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"{dashes}/>')


def _text(x, y, text: str, anchor: str = "middle", colour: str = "#0b0c0c", rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}"{turn}>{escape(text)}</text>'


def _axis_style(spec: dict) -> dict:
    config = spec.get("config", {})
    axis = config.get("axis", {})
    return {"font": config.get("font", "sans-serif"), "colour": axis.get("labelColor", "#0b0c0c"),
            "grid": axis.get("grid", False) and not axis.get("disable"), "grid_colour": axis.get("gridColor", "#ddd"),
            "disabled": bool(axis.get("disable"))}


# --- lines over months ----------------------------------------------------------------------
def _draw_lines(spec: dict, layers: list[dict]) -> str:
    rows = spec.get("data", {}).get("values", [])
    width, height = spec.get("width", 400), spec.get("height", 200)
    style = _axis_style(spec)
    lines, rules = [], []
    for layer in layers:
        mark = _mark(layer)
        if mark["type"] == "rule":
            rules.append((mark, _rule_values(layer, "y")))
            continue
        if "data" in layer:
            raise NotDrawable("a line with its own data")
        x, y = _channel(layer, "x", "temporal"), _channel(layer, "y", "quantitative")
        # a month with no value breaks the line, as in Vega-Lite: None marks the break
        points = [(_day(r[x["field"]]), r.get(y["field"]), r) for r in rows if r.get(x["field"]) is not None]
        lines.append((layer, mark, points))
    first_y = _channel(layers[0], "y")
    axes = not style["disabled"] and first_y.get("axis", {}) is not None
    numbers = [v for _, _, points in lines for _, v, _ in points if v is not None]
    numbers += [v for _, values in rules for v in values]
    days = sorted({d for _, _, points in lines for d, v, _ in points if v is not None})
    if not numbers or not days:
        raise NotDrawable("nothing to draw")
    zero = first_y.get("scale", {}).get("zero", True)
    low, high = min(numbers), max(numbers)
    if zero:
        low, high = min(low, 0), max(high, 0)
    ticks = nice_ticks(low, high, max(2, math.ceil(height / 40))) if axes else []
    if ticks:
        low, high = ticks[0], ticks[-1]
    elif high == low:
        low, high = low - 1, high + 1
    title = first_y.get("title") if axes else None
    labels = [_tick_text(t, ticks) for t in ticks]
    left = PADDING + (max(map(_text_width, labels)) + 8 if labels else 0) + (FONT_SIZE + 8 if title else 0)
    x_title = _channel(layers[0], "x").get("title") if axes else None
    top, bottom = PADDING + (FONT_SIZE / 2 if axes else 0), PADDING + (FONT_SIZE + 10 if axes else 0) + (
        FONT_SIZE + 6 if x_title else 0)
    y_of = _scale(low, high, top + height, top)
    day_span = (days[-1] - days[0]).days or 1
    x_of = lambda d: left + (d - days[0]).days / day_span * width  # noqa: E731 - a scale

    body = []
    if axes:
        body += _y_axis(ticks, labels, y_of, left, width, style, title, top, height)
        body += _x_axis(days, _channel(layers[0], "x"), x_of, top + height, style, x_title, left, width)
    for mark, values in rules:
        body += [_line(left, y_of(v), left + width, y_of(v), mark.get("color", "#0b0c0c"),
                       mark.get("strokeWidth", 1), mark.get("strokeDash")) for v in values]
    for layer, mark, points in lines:
        colour = mark.get("color", DEFAULT_COLOUR)
        dash = f' stroke-dasharray="{",".join(str(d) for d in mark["strokeDash"])}"' if mark.get("strokeDash") else ""
        path = _path([(x_of(d), y_of(v)) if v is not None else None for d, v, _ in sorted(points, key=_first)])
        if path:
            body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{mark.get("strokeWidth", 2)}"'
                        f'{dash}/>')
        point = mark.get("point")
        if point:
            radius = math.sqrt(point.get("size", 30) / math.pi) if isinstance(point, dict) else 2.5
            fill = point.get("color", colour) if isinstance(point, dict) else colour
            body += [f'<circle cx="{x_of(d):.1f}" cy="{y_of(v):.1f}" r="{radius:.1f}" fill="{fill}">'
                     f"{_tooltip(layer, row)}</circle>" for d, v, row in points if v is not None]
    right = PADDING + (_text_width("Mmm 00") / 2 if axes else 0)  # room for half the last month's label
    return _svg(left + width + right, top + height + bottom, body, style["font"])


def _first(item):
    return item[0]


def _path(xys: list) -> str:
    """An SVG path through the points, lifting the pen at each None."""
    steps, pen_down = [], False
    for xy in xys:
        if xy is None:
            pen_down = False
            continue
        steps.append(f"{'L' if pen_down else 'M'}{xy[0]:.1f},{xy[1]:.1f}")
        pen_down = True
    return " ".join(steps)


def _y_axis(ticks, labels, y_of, left, width, style, title, top, height) -> list[str]:
    body = []
    for tick, label in zip(ticks, labels):
        y = y_of(tick)
        if style["grid"]:
            body.append(_line(left, y, left + width, y, style["grid_colour"]))
        body.append(_text(left - 6, y + FONT_SIZE / 3, label, "end", style["colour"]))
    body.append(_line(left, top, left, top + height, "#888"))
    if title:
        body.append(_text(PADDING + FONT_SIZE, top + height / 2, title, colour=style["colour"], rotate=True))
    return body


def _x_axis(days, channel, x_of, base, style, title, left, width) -> list[str]:
    """Month labels ('Mar 26'): every month, or every 2, 3, 6 or 12, to keep to the tick count."""
    most = channel.get("axis", {}).get("tickCount", 8)
    step = next((s for s in (1, 2, 3, 6, 12, 24) if math.ceil(len(days) / s) <= most), 48)
    body = [_line(left, base, left + width, base, "#888")]
    for day in days[::-1][::step]:  # counted back from the latest month, so it is always labelled
        x = x_of(day)
        body.append(_line(x, base, x, base + 4, "#888"))
        body.append(_text(x, base + FONT_SIZE + 4, f"{day:%b %y}", colour=style["colour"]))
    if title:
        body.append(_text(left + width / 2, base + 2 * FONT_SIZE + 10, title, colour=style["colour"]))
    return body


# --- bars per unit ----------------------------------------------------------------------------
def _draw_bars(spec: dict, layers: list[dict]) -> str:
    rows = spec.get("data", {}).get("values", [])
    width, height = spec.get("width", 400), spec.get("height", 200)
    style = _axis_style(spec)
    bar_layer = layers[0]
    if "data" in bar_layer:
        raise NotDrawable("bars with their own data")
    names, values = _channel(bar_layer, "y", "nominal"), _channel(bar_layer, "x", "quantitative")
    rules = [(_mark(layer), _rule_values(layer, "x")) for layer in layers[1:]]
    numbers = [r[values["field"]] for r in rows if r.get(values["field"]) is not None]
    numbers += [v for _, vs in rules for v in vs]
    ticks = nice_ticks(min(numbers + [0]), max(numbers + [0]), max(2, math.ceil(width / 40)))
    labels = [_clip(str(r.get(names["field"], ""))) for r in rows]
    left = PADDING + max(map(_text_width, labels), default=0) + 8
    top = PADDING
    x_of = _scale(ticks[0], ticks[-1], left, left + width)
    band = height / max(len(rows), 1)
    colour = _mark(bar_layer).get("color", DEFAULT_COLOUR)
    tick_labels = [_tick_text(t, ticks) for t in ticks]
    body = []
    for tick, text in zip(ticks, tick_labels):
        x = x_of(tick)
        if style["grid"]:
            body.append(_line(x, top, x, top + height, style["grid_colour"]))
        body.append(_text(x, top + height + FONT_SIZE + 4, text, colour=style["colour"]))
    for i, (row, label) in enumerate(zip(rows, labels)):
        y = top + i * band
        body.append(_text(left - 6, y + band / 2 + FONT_SIZE / 3, label, "end", style["colour"]))
        value = row.get(values["field"])
        if value is None:
            continue
        x0, x1 = sorted((x_of(0), x_of(value)))
        body.append(f'<rect x="{x0:.1f}" y="{y + band * 0.05:.1f}" width="{x1 - x0:.1f}" height="{band * 0.9:.1f}" '
                    f'fill="{colour}">{_tooltip(bar_layer, row)}</rect>')
    body.append(_line(left, top + height, left + width, top + height, "#888"))
    for mark, xs in rules:
        body += [_line(x_of(v), top, x_of(v), top + height, mark.get("color", "#0b0c0c"),
                       mark.get("strokeWidth", 1), mark.get("strokeDash")) for v in xs]
    title = values.get("title")
    if title:
        body.append(_text(left + width / 2, top + height + 2 * FONT_SIZE + 10, title, colour=style["colour"]))
    bottom = FONT_SIZE + 10 + (FONT_SIZE + 6 if title else 0) + PADDING
    return _svg(left + width + PADDING * 2, top + height + bottom, body, style["font"])
