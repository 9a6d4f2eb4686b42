"""How the warnings land: the extension's outcome counts (no text) per rule or category over a chosen
period, sortable, with a small chart per row. Read from `postcheck.outcomes.summary`, as the API does.
Extension health: the site-change counts (no composer found, a submit not intercepted) per day and
site, which tell IT that X or Facebook changed their pages and a selector broke."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request

from postcheck.admin.blueprint import bp
from postcheck.admin.charts import SERIES, sparkline
from postcheck.admin.forms import Form, form_day
from postcheck.elections.calendar import LONDON
from postcheck.outcomes import OUTCOMES, health, summary
from postcheck.services import services

SORTS = ("key", "category", *OUTCOMES, "edit_rate", "reported_wrong_rate")
MAX_DAYS = 366


def _sort_key(name: str):
    if name in OUTCOMES:
        return lambda item: item["totals"][name]
    if name in ("edit_rate", "reported_wrong_rate"):
        return lambda item: -1 if item[name] is None else item[name]
    return lambda item: (item.get(name) or "").lower()


def _period(form: Form) -> tuple[dt.date, dt.date]:
    today = dt.datetime.now(LONDON).date()
    end = form_day(form, "to", today)
    start = form_day(form, "from", end - dt.timedelta(days=29))
    if form.ok and start > end:
        form.errors["from"] = "The first day must not be after the last day."
    if form.ok and (end - start).days >= MAX_DAYS:
        form.errors["from"] = "Choose at most a year at a time."
    return start, end


@bp.route("/health", endpoint="health")
def health_page():
    form = Form(values={k: request.args.get(k, "") for k in ("from", "to")})
    start, end = _period(form)
    if not form.ok:
        return render_template("admin/health.html", form=form, data=None, start=start, end=end), 422
    data = health(services().store, start, end)
    # One row per day and site that had any report, newest first: a broken selector shows as a run of
    # days on one site.
    rows: dict[tuple[str, str], dict] = {}
    for outcome in ("no_composer", "submit_missed"):
        for day in data[outcome]["days"]:
            for platform, count in day["by_platform"].items():
                if count:
                    row = rows.setdefault((day["day"], platform), {"day": day["day"], "platform": platform,
                                                                   "no_composer": 0, "submit_missed": 0})
                    row[outcome] += count
    data["rows"] = sorted(rows.values(), key=lambda r: (r["day"], r["platform"]), reverse=True)
    return render_template("admin/health.html", form=form, data=data, start=start, end=end)


@bp.route("/outcomes")
def outcomes():
    form = Form(values={k: request.args.get(k, "") for k in ("from", "to", "by", "sort", "dir")})
    start, end = _period(form)
    by = form.values["by"] if form.values["by"] in ("rule", "category") else "rule"
    sort = form.values["sort"] if form.values["sort"] in SORTS else "shown"
    descending = form.values["dir"] != "asc"
    if not form.ok:
        return render_template("admin/outcomes.html", form=form, data=None, by=by, sort=sort, descending=descending,
                               start=start, end=end, series=SERIES), 422
    data = summary(services().store, start, end, by)
    data["items"].sort(key=_sort_key(sort), reverse=descending)
    for item in data["items"]:
        item["chart"] = sparkline(item["days"], start, end, item["key"])
    return render_template("admin/outcomes.html", form=form, data=data, by=by, sort=sort, descending=descending,
                           start=start, end=end, series=SERIES)
