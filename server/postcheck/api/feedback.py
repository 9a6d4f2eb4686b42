"""POST /api/v1/feedback: what happened to a warning the extension showed, to a post it could not
check in time (outcome `unchecked`), or to a page it could no longer read (outcomes `no_composer` and
`submit_missed`: the site changed); the last three name no rule. Counts only, never text.
GET /api/v1/feedback/summary: the counts, for the comms team to see which rules help and which annoy."""
from __future__ import annotations

import datetime as dt

from flask import abort, jsonify
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from postcheck.api import Blueprint
from postcheck.api.documented import errors
from postcheck.api.fields import ISO_DAY_PATTERN, FreeText
from postcheck.auth import require
from postcheck.engine.evaluate import PLATFORMS
from postcheck.elections.dates import FIRST_YEAR, LAST_YEAR
from postcheck.engine.schema import CATEGORIES
from postcheck.limits import limiter
from postcheck.metrics import note_outcome
from postcheck.outcomes import MAX_COUNT, NO_RULE_OUTCOMES, OUTCOMES, SOURCES, record, summary
from postcheck.services import services

blp = Blueprint("feedback", __name__, url_prefix="/api/v1",
                description="Outcome reports from the extension: counts, never text or handles")


class FeedbackSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # anything else (a stray text field included) is dropped unread
    # Not `required` in the document, which cannot say "required unless": a missing rule or category
    # with a warning's outcome is a 422 naming it, as is one given with `unchecked`, `no_composer` or
    # `submit_missed`.
    rule = fields.String(validate=validate.Regexp(r"^[a-z0-9][a-z0-9.-]{2,80}$"), metadata={"description": (
        "The warning's rule. Required with every outcome except `unchecked`, `no_composer` and "
        "`submit_missed`, and refused with those (422): they are about a post or a page, not a warning.")})
    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={"description": (
        "The rule's category. Required with every outcome except `unchecked`, `no_composer` and "
        "`submit_missed`, and refused with those (422).")})
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES + NO_RULE_OUTCOMES), metadata={
        "description": (
            "What happened to the warning: shown, edited, posted_anyway, reported_wrong, silent (found at "
            "Post in a silent pilot, not shown) or dismissed (the person chose \"Dismiss for this post\" "
            "in the underline card). Or one that names no rule, whose account_type, source and comment "
            "are dropped unread: `unchecked`, a post went out with no verdict, because the check did not "
            "come back within the extension's wait; `no_composer`, a page view on a configured site "
            "where the extension expected the site's composer and found none once the page settled; "
            "`submit_missed`, a submit the extension could not intercept (a click on the site's post "
            "button, or Ctrl/Cmd+Enter, with no composer it knows). The last two mean the site changed "
            "and a selector broke.")})
    platform = fields.String(load_default="other", validate=validate.OneOf(PLATFORMS))
    account_type = fields.String(load_default="personal", validate=validate.OneOf(("personal", "council")))
    extension_version = fields.String(load_default="", validate=validate.Regexp(r"^[0-9A-Za-z.+-]{0,40}$"))
    source = fields.String(load_default="rules", validate=validate.OneOf(SOURCES), metadata={"description": (
        "The warning's own `source` as the check gave it: rules, model (a learned warning, rule "
        "`model.<category>`) or both. Default rules, as sent by extensions older than 0.9.")})
    comment = FreeText(validate=validate.Length(max=280), metadata={"description": (
        "With reported_wrong: why the warning is wrong, in a few words. With any other outcome it is "
        "dropped unread.")})
    # strict: "3" and 3.0 are refused, not read as 3 (marshmallow refuses true/false in any number field).
    count = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=MAX_COUNT), metadata={
        "description": (
            f"How many times this same outcome happened: 1 to {MAX_COUNT}, default 1. The extension keeps "
            "the outcomes it could not send (the server answered 503 or 429, or did not answer) as counts "
            "per distinct report, without comments, and sends each later as one report with its count. "
            "Recorded as that many outcomes on the day the report arrives.")})

    @validates_schema
    def _a_rule_unless_unchecked(self, data, **kwargs):
        # Runs only when every field is valid. The view answers this 422 like any field's.
        if data["outcome"] in NO_RULE_OUTCOMES:
            wrong = {name: [f"A report of outcome {data['outcome']} belongs to no rule: leave {name} out."]
                     for name in ("rule", "category") if name in data}
        else:
            wrong = {name: ["Missing data for required field."] for name in ("rule", "category") if name not in data}
        if wrong:
            raise ValidationError(wrong)

    @post_load
    def _comment_only_when_wrong(self, data, **kwargs):
        # A comment says why a warning is wrong; with another outcome it means nothing, so it is dropped
        # like a field this version does not know, never stored. (It was refused with a 422 that the
        # OpenAPI document could not state: the fuzzer's "valid" reports failed.)
        if data["outcome"] != "reported_wrong":
            data.pop("comment", None)
        if data["outcome"] in NO_RULE_OUTCOMES:
            # About a warning or the account a check judged: neither exists for a post never checked.
            data.pop("source", None)
            data.pop("account_type", None)
        return data


def _within_years(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(f"Give a day from {FIRST_YEAR} to {LAST_YEAR}.")


class SummaryQuerySchema(Schema):
    # Years bounded as every date the server keeps is (elections.dates): 30 days before 0001-01-05 was a 500.
    start = fields.Date(data_key="from", validate=_within_years, metadata={"pattern": ISO_DAY_PATTERN, "description": (
        "First day (default: 30 days before `to`). At most 366 days before `to`, and not after it: 422 otherwise.")})
    end = fields.Date(data_key="to", validate=_within_years, metadata={"pattern": ISO_DAY_PATTERN,
                                                                       "description": "Last day (default: today)."})
    by = fields.String(load_default="rule", validate=validate.OneOf(("rule", "category")))


@blp.route("/feedback", methods=["POST"])
@limiter.limit(lambda: services().settings["FEEDBACK_RATE_LIMIT"])
@blp.arguments(FeedbackSchema, location="json")
@blp.response(202, description="Counted")
@errors(400, 429, 503)
def report_outcome(report):
    """Report what happened to a warning, that a post went out unchecked, or that a site changed

    The extension sends one report per warning it showed. Only the rule, its category, the outcome,
    the platform, the account type and the extension version are kept, as daily counts. A post that
    went out with no verdict is reported once, as outcome `unchecked` with no rule and no category;
    only the platform and the extension version are kept with it. So are `no_composer` (at most once
    per page view) and `submit_missed` (at most once per page): signs that the site changed.

    A report with `count` N stands for N alike (the extension's outcomes kept while the server could not
    take them); a report without it counts once, as every report did before `count` was added.
    """
    svc = services()
    today = dt.datetime.now(dt.timezone.utc).date()
    if report["outcome"] in NO_RULE_OUTCOMES:
        record(svc.store, report, today, report["count"])
        note_outcome(report["outcome"], report["platform"], report["count"])
        return _counted()
    category = svc.rules.current.category_of(report["rule"])
    if category is None:
        abort(422, description=f"No rule with id {report['rule']} is in force.")
    if category != report["category"]:
        abort(422, description=f"Rule {report['rule']} is in category {category}, not {report['category']}.")
    if (report["source"] == "model") != report["rule"].startswith("model."):
        abort(422, description="source 'model' goes with a learned warning's rule (model.<category>) and only with it.")
    record(svc.store, report, today, report["count"])
    # The metric counts outcomes, as the summary does: a kept count of N is N of them, not one report.
    note_outcome(report["outcome"], report["platform"], report["count"])
    return _counted()


def _counted():
    response = jsonify({"recorded": True})
    response.status_code = 202
    return response


@blp.route("/feedback/summary", methods=["GET"])
@require("comms")
@blp.arguments(SummaryQuerySchema, location="query")
@blp.response(200, description="Counts per rule or category, a series per day, rates and the latest comments")
def outcome_summary(args):
    """How the warnings land

    Per rule (or per category) over a period: how often each was shown, led to an edit, was posted
    anyway, was dismissed or was reported wrong, with a series per day and the latest comments. Apart
    from them, `unchecked`: how many posts went out with no verdict ({total, by_platform, days}); and
    `health`: for each of `no_composer` and `submit_missed`, {total, by_platform, days: [{day, count,
    by_platform}]}, the signs that X or Facebook changed their pages and a selector broke.
    """
    today = dt.datetime.now(dt.timezone.utc).date()
    end = args.get("end") or today
    start = args.get("start") or end - dt.timedelta(days=29)
    if start > end:
        abort(422, description="'from' must not be after 'to'.")
    if (end - start).days > 366:
        abort(422, description="Ask for at most a year at a time.")
    return jsonify(summary(services().store, start, end, args["by"]))
