"""Small charts drawn on the server as SVG (no script, nothing inline that the CSP would refuse):
one line per outcome, a day per step, for a rule's counts over the chosen period."""
from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

SERIES = (("shown", "#1d70b8"), ("edited", "#00703c"), ("posted_anyway", "#d4351c"), ("reported_wrong", "#6f3c97"))
WIDTH, HEIGHT, PAD = 240, 60, 4


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def sparkline(days: list[dict], start: dt.date, end: dt.date, label: str) -> Markup:
    """An SVG line chart of the daily counts; its text alternative states the totals it shows."""
    by_day = {d["day"]: d for d in days}
    axis = _days(start, end)
    peak = max([d.get(name, 0) for d in days for name, _colour in SERIES] + [1])
    step = (WIDTH - 2 * PAD) / max(len(axis) - 1, 1)
    lines = []
    for name, colour in SERIES:
        points = " ".join(
            f"{PAD + i * step:.1f},{HEIGHT - PAD - (by_day.get(day.isoformat(), {}).get(name, 0) / peak) * (HEIGHT - 2 * PAD):.1f}"
            for i, day in enumerate(axis))
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>')
    totals = {name: sum(d.get(name, 0) for d in days) for name, _colour in SERIES}
    title = (f"{label}: per day from {start:%-d %b} to {end:%-d %b %Y}; in all {totals['shown']} shown, "
             f"{totals['edited']} edited, {totals['posted_anyway']} posted anyway, {totals['reported_wrong']} reported wrong")
    return Markup(f'<svg class="sparkline" role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
                  f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#b1b4b6"/>'
                  + "".join(lines) + "</svg>")
