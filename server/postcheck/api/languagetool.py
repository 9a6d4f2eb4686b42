"""LanguageTool's HTTP protocol (`/v2/check`, `/v2/languages`, `/v2/healthcheck`) over the same engine.

Errors answer as LanguageTool does: a status code with a plain-text message. Account, reply and
moment have no LanguageTool parameter; clients that can send extra parameters use the `postcheck*`
ones, and the server's defaults apply otherwise.
"""
from __future__ import annotations

import datetime as dt
import re

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_limiter.errors import RateLimitExceeded

from postcheck import __version__
from postcheck.api import Blueprint
from postcheck.elections.calendar import LONDON
from postcheck.engine import Draft
from postcheck.engine.evaluate import PLATFORMS
from postcheck.engine.schema import CATEGORIES
from postcheck.languagetool.annotation import AnnotationError, parse_annotation, plain
from postcheck.languagetool.matches import lt_category_id, lt_rule_id, to_matches
from postcheck.limits import check_limit
from postcheck.metrics import note_warnings
from postcheck.services import services

blp = Blueprint("languagetool", __name__, url_prefix="/v2",
                description="LanguageTool-compatible protocol: point LanguageTool clients at this server")

LANGUAGES = [
    {"name": "English", "code": "en", "longCode": "en"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (Australian)", "code": "en", "longCode": "en-AU"},
    {"name": "English (Canadian)", "code": "en", "longCode": "en-CA"},
    {"name": "English (New Zealand)", "code": "en", "longCode": "en-NZ"},
    {"name": "English (South African)", "code": "en", "longCode": "en-ZA"},
]
_BY_CODE = {lang["longCode"].lower(): lang for lang in LANGUAGES}
_TRUE = ("true", "1", "yes", "on")


class LanguageToolError(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


@blp.errorhandler(LanguageToolError)
def _plain_error(exc: LanguageToolError):
    return Response(f"Error: {exc.message}", status=exc.status, mimetype="text/plain")


@blp.errorhandler(RateLimitExceeded)
def _plain_rate_limit(exc: RateLimitExceeded):
    # Plain text as LanguageTool answers its own limit; flask-limiter adds Retry-After.
    return Response("Error: Too many requests from this client; try again after the Retry-After seconds",
                    status=429, mimetype="text/plain")


def _csv(name: str) -> set[str]:
    return {v.strip().upper().replace("-", "_").replace(".", "_") for v in request.values.get(name, "").split(",") if v.strip()}


def _language() -> dict:
    code = request.values.get("language", "").strip()
    if not code:
        raise LanguageToolError(400, "Missing 'language' parameter, e.g. language=en-GB or language=auto")
    if code.lower() == "auto":
        return _BY_CODE["en-gb"]
    found = _BY_CODE.get(code.lower())
    if not found:
        raise LanguageToolError(400, f"{_named(code)} is not a language code known to this server; it checks English (en, en-GB, en-US...)")
    return found


# What a language code can look like (BCP 47's letters, digits and hyphens; Java clients write '_').
_TAG_SHAPED = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
_NAMED_LENGTH = 20


def _named(code: str) -> str:
    """The value named as LanguageTool names it, when it has the shape of a language code (which
    leaves no control character to escape), cut to 20 characters. Anything else (spaces, punctuation:
    a draft sent in the wrong parameter) is not quoted back: a draft is never echoed
    (tests/hardening/test_privacy.py)."""
    if not _TAG_SHAPED.fullmatch(code):
        return f"'language' (a value of {len(code)} characters, not quoted)"
    cut = code if len(code) <= _NAMED_LENGTH else code[:_NAMED_LENGTH] + "…"
    return f"'{cut}'"


def _moment() -> dt.datetime:
    value = request.values.get("postcheckAt", "").strip()
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LanguageToolError(400, "'postcheckAt' must be an ISO 8601 date-time, e.g. 2026-04-20T09:30:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _choice(name: str, allowed: tuple[str, ...], default):
    value = request.values.get(name, "").strip().lower()
    if not value:
        return default
    if value not in allowed:
        raise LanguageToolError(400, f"'{name}' must be one of {', '.join(allowed)}")
    return value


# The parameters as the OpenAPI document gives them: in the query string for GET, in a form body for
# POST, as LanguageTool takes them. Empty means the default, as LanguageTool clients send it. What no
# schema can state is said in words: one of `text` or `data`; `data` holds JSON; `enabledOnly` needs
# rules or categories. The server answers 400 (plain text) for those.
_LANGUAGE_CODES = list(dict.fromkeys(["auto", *(code for lang in LANGUAGES for code in (lang["code"], lang["longCode"]))]))
_FLAG = {"type": "string", "description": "true, 1, yes or on; anything else is false."}
_RULE_LIST = {"type": "string", "description": "Comma-separated ids, as /v2/check answers them."}
_CHECK_FIELDS = {
    "text": {"type": "string", "description": "The text to check. Give this or `data`."},
    "data": {"type": "string", "description": (
        'Instead of `text`: JSON text with markup, {"annotation": [{"text": "A "}, {"markup": "<b>"}, '
        '{"markup": "<p>", "interpretAs": "\\n\\n"}]}; only the text is checked, offsets count the markup.')},
    "language": {"type": "string", "enum": _LANGUAGE_CODES, "description": "English only (any letter case)."},
    "enabledRules": _RULE_LIST, "disabledRules": _RULE_LIST, "enabledCategories": _RULE_LIST,
    "disabledCategories": _RULE_LIST,
    "enabledOnly": {**_FLAG, "description": "true: only the enabledRules and enabledCategories (then give one)."},
    "postcheckAccount": {"type": "string", "enum": ["", "personal", "council"],
                         "description": "The account the post goes out from (any letter case); empty: the server's default."},
    "postcheckHandle": {"type": "string", "description": "The account's handle; a registered council channel is council."},
    "postcheckReply": {**_FLAG, "description": "true: the draft answers someone else's post."},
    "postcheckProfileDisclaimer": {**_FLAG, "description": "true: the author's profile already says views are their own."},
    "postcheckPlatform": {"type": "string", "enum": ["", *PLATFORMS], "description": "Empty: other."},
    "postcheckAt": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "maxLength": 0}],
                    "description": "The moment to judge against (ISO 8601); empty: now."},
}
_PLAIN_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_CHECK_DOC = {
    "summary": "Check text (LanguageTool protocol)",
    "description": ("LanguageTool's /v2/check: `text` or `data`, `language`, the rule and category filters, and "
                    "postcheck's own `postcheck*` parameters. Offsets and lengths count UTF-16 code units. Errors "
                    "are plain text, as LanguageTool's."),
    "responses": {"200": {"description": "LanguageTool's check answer", "content": {"application/json": {"schema": {"type": "object"}}}},
                  "400": {"description": "A parameter is missing or wrong (plain text)", "content": _PLAIN_TEXT},
                  "413": {"description": "The text is too long (plain text)", "content": _PLAIN_TEXT},
                  "429": {"description": "Too many checks from this client; see Retry-After (plain text)",
                          "content": _PLAIN_TEXT}},
}


@blp.route("/check", endpoint="check")
class Check(MethodView):
    @blp.doc(**_CHECK_DOC, parameters=[{"in": "query", "name": name, "schema": schema, "required": name == "language"}
                                       for name, schema in _CHECK_FIELDS.items()])
    @check_limit()
    def get(self):
        return _check()

    @blp.doc(**_CHECK_DOC, requestBody={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["language"], "properties": _CHECK_FIELDS,
        "anyOf": [{"required": ["text"]}, {"required": ["data"]}]}}}})
    @check_limit()
    def post(self):
        return _check()


def _check():
    svc = services()
    language = _language()
    if "data" in request.values:
        try:
            doc = parse_annotation(request.values["data"])
        except AnnotationError as exc:
            raise LanguageToolError(400, str(exc)) from None
    elif "text" in request.values:
        doc = plain(request.values["text"])
    else:
        raise LanguageToolError(400, "Missing 'text' or 'data' parameter")
    limit = svc.settings["MAX_TEXT_CHARS"]
    if len(doc.checked) > limit:
        raise LanguageToolError(413, f"Your text exceeds the limit of {limit} characters")

    account = _choice("postcheckAccount", ("personal", "council"), svc.settings["LT_DEFAULT_ACCOUNT"] or None)
    draft = Draft(text=doc.checked, platform=_choice("postcheckPlatform", PLATFORMS, "other"),
                  account_type=account, handle=request.values.get("postcheckHandle") or None,
                  reply=request.values.get("postcheckReply", "").lower() in _TRUE,
                  profile_disclaimer=request.values.get("postcheckProfileDisclaimer", "").lower() in _TRUE)
    verdict, election, version = svc.check(draft, _moment())
    warnings = verdict.warnings

    enabled_rules, disabled_rules = _csv("enabledRules"), _csv("disabledRules")
    enabled_cats, disabled_cats = _csv("enabledCategories"), _csv("disabledCategories")
    enabled_only = request.values.get("enabledOnly", "").lower() in _TRUE
    if enabled_only and not (enabled_rules or enabled_cats):
        raise LanguageToolError(400, "enabledOnly needs enabledRules or enabledCategories")

    def wanted(w) -> bool:
        rule, cat = lt_rule_id(w.rule), lt_category_id(w.category)
        if rule in disabled_rules or cat in disabled_cats or cat.removeprefix("POSTCHECK_") in disabled_cats:
            return False
        if enabled_only:
            return rule in enabled_rules or cat in enabled_cats or cat.removeprefix("POSTCHECK_") in enabled_cats
        return True

    shown = [w for w in warnings if wanted(w)]
    note_warnings(shown)
    return jsonify({
        "software": {"name": "postcheck", "version": __version__, "buildDate": None, "apiVersion": 1,
                     "premium": False, "status": "", "rulesVersion": version},
        "warnings": {"incompleteResults": verdict.incomplete},
        "language": {"name": language["name"], "code": language["longCode"],
                     "detectedLanguage": {"name": language["name"], "code": language["longCode"], "confidence": 1.0}},
        "matches": to_matches(shown, doc),
        "postcheck": {"election": {"active": election.active, "period": election.period}},
    })


@blp.route("/languages", methods=["GET"])
@blp.doc(summary="Languages (LanguageTool protocol)", responses={"200": {"description": "English variants"}})
def languages():
    return jsonify(LANGUAGES)


@blp.route("/healthcheck", methods=["GET"])
@blp.doc(summary="Health (LanguageTool protocol)", responses={"200": {"description": "OK"}})
def healthcheck():
    services()  # the app is built and has rules
    return Response("OK", mimetype="text/plain")


ALL_CATEGORY_IDS = [lt_category_id(c) for c in CATEGORIES]
