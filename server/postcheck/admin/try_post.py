"""Try a post: a draft, the account, reply or not, and a date; the warnings as staff would see them.
The draft is checked and shown back on this one page; it is never logged, stored or put in the session."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form
from postcheck.admin.highlight import marked_words, segments
from postcheck.elections.calendar import LONDON
from postcheck.elections.dates import DateInputError, parse_uk_date, parse_uk_moment
from postcheck.engine import Draft
from postcheck.services import services

ACCOUNTS = {"": "Decide from the handle", "personal": "Personal account", "council": "Council channel"}
PLATFORMS = {"other": "Any", "twitter": "X (Twitter)", "facebook": "Facebook"}


def _moment(text: str) -> dt.datetime:
    """Now when blank; a date alone means midday that day (a date-time is taken as typed)."""
    if not text.strip():
        return dt.datetime.now(dt.timezone.utc)
    try:
        return dt.datetime.combine(parse_uk_date(text), dt.time(12, 0), LONDON)
    except DateInputError:
        return parse_uk_moment(text, LONDON)


@bp.route("/try", methods=["GET", "POST"])
def try_post():
    form = Form(values={"account": "", "platform": "other", "at": ""})
    if request.method == "GET":
        return render_template("admin/try.html", form=form, accounts=ACCOUNTS, platforms=PLATFORMS, result=None)
    values = {k: request.form.get(k, "") for k in ("text", "account", "handle", "platform", "at")}
    values["platform"] = values["platform"] or "other"
    values["reply"] = request.form.get("reply") == "yes"
    values["profile_disclaimer"] = request.form.get("profile_disclaimer") == "yes"
    form.values = values
    svc = services()
    if not values["text"].strip():
        form.errors["text"] = "Type or paste a draft post to try."
    elif len(values["text"]) > svc.settings["MAX_TEXT_CHARS"]:
        form.errors["text"] = f"The draft is longer than {svc.settings['MAX_TEXT_CHARS']:,} characters."
    if values["account"] not in ACCOUNTS:
        form.errors["account"] = "Choose an account type."
    if values["platform"] not in PLATFORMS:
        form.errors["platform"] = "Choose a platform."
    if len(values["handle"]) > 100:
        form.errors["handle"] = "A handle is at most 100 characters."
    try:
        at = _moment(values["at"])
    except DateInputError as exc:
        form.errors["at"] = str(exc)
    if not form.ok:
        return render_template("admin/try.html", form=form, accounts=ACCOUNTS, platforms=PLATFORMS, result=None), 422
    draft = Draft(text=values["text"], platform=values["platform"], account_type=values["account"] or None,
                  handle=values["handle"].strip() or None, reply=values["reply"],
                  profile_disclaimer=values["profile_disclaimer"])
    verdict, election, version = svc.check(draft, at)
    warnings = verdict.warnings
    found = [{**w.as_dict(), "words": marked_words(values["text"], w.as_dict())} for w in warnings]
    result = {"warnings": found, "pieces": segments(values["text"], found), "election": election,
              "account": svc.account_type(draft), "at": at.astimezone(LONDON), "rules_version": version,
              "not_checked": verdict.not_checked}
    return render_template("admin/try.html", form=form, accounts=ACCOUNTS, platforms=PLATFORMS, result=result)
