"""Rules: every rule in force grouped by policy section, read-only (they change in policy_rules/)."""
from __future__ import annotations

from flask import render_template

from postcheck.admin.blueprint import bp
from postcheck.services import services


def rules_by_section() -> list[tuple[str, list[dict]]]:
    sections: dict[str, list[dict]] = {}
    for rule in services().rules.current.rules:
        summary = rule.summary()
        sections.setdefault(summary["policy"].get("section") or "Other", []).append(summary)
    return sorted(sections.items())


@bp.route("/rules")
def rules():
    source = services().rules
    learned = source.current.learned
    return render_template("admin/rules.html", sections=rules_by_section(), version=source.current.version,
                           reload_error=source.last_error, model=learned.summary() if learned is not None else None)
