"""Rules: every rule in force grouped by policy section, read-only (they change in policy_rules/).
Each is folded to its title, category, severity and where it applies, in words (rule_words.py), and
the page can be filtered by category and severity with a plain GET form (?category=violent&severity=high)."""
from __future__ import annotations

from flask import render_template, request

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form
from postcheck.admin.rule_words import SEVERITY_WORDS, category_name, describe
from postcheck.engine.schema import CATEGORIES, SEVERITIES
from postcheck.services import services

FILTERS = ("category", "severity")


def _shown(item: dict, form: Form) -> bool:
    category, severity = form.values["category"], form.values["severity"]
    return (not category or item["category"] == category) and (not severity or severity in item["severity"].values())


def rules_by_section(ruleset, form: Form | None = None) -> list[tuple[str, list[dict]]]:
    sections: dict[str, list[dict]] = {}
    for rule in ruleset.rules:
        summary = rule.summary()
        if form is not None and not _shown(summary, form):
            continue
        summary["conditions"] = describe(rule.when, rule.severity, whole_post=rule.whole_post,
                                         unless=rule.written.get("unless"), except_=rule.written.get("except"))
        summary["category_name"] = category_name(rule.category)
        sections.setdefault(summary["policy"].get("section") or "Other", []).append(summary)
    return sorted(sections.items())


def _filters() -> Form:
    form = Form(values={k: request.args.get(k, "").strip() for k in FILTERS})
    if form.values["category"] and form.values["category"] not in CATEGORIES:
        form.errors["category"] = (f"There is no category “{form.values['category'][:40]}”. "
                                   "Choose one from the list, or “All categories”.")
    if form.values["severity"] and form.values["severity"] not in SEVERITIES:
        form.errors["severity"] = (f"There is no severity “{form.values['severity'][:40]}”. Choose "
                                   + ", ".join(f"{SEVERITY_WORDS[s].lower()} ({s})" for s in SEVERITIES)
                                   + ", or “All severities”.")
    return form


@bp.route("/rules")
def rules():
    source = services().rules
    current = source.current
    form = _filters()
    model = current.learned.summary() if current.learned is not None else None
    cards_total = len(model["categories"]) if model else 0
    if model:
        model["categories"] = [dict(c, conditions=describe(c["when"], c["severity"]), category_name=category_name(c["category"]))
                               for c in model["categories"] if not form.ok or _shown(c, form)]
    sections = rules_by_section(current, form if form.ok else None)
    used = sorted({r.category for r in current.rules} | ({c for c in current.learned.cards} if current.learned else set()))
    options = {"category": {"": "All categories", **{c: category_name(c) for c in used}},
               "severity": {"": "All severities", **{s: SEVERITY_WORDS[s] for s in SEVERITIES}}}
    context = dict(sections=sections, version=current.version, reload_error=source.last_error, model=model,
                   form=form, options=options, filtered=any(form.values.values()),
                   shown=sum(len(rules) for _s, rules in sections), total=len(current.rules), cards_total=cards_total)
    return render_template("admin/rules.html", **context), (200 if form.ok else 422)
