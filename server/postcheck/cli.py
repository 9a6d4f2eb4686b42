"""The `postcheck` command: check a draft, test the rules, serve the API."""
from __future__ import annotations

import datetime as dt
import sys
import textwrap

import click
from flask.cli import FlaskGroup, with_appcontext

from postcheck import __version__
from postcheck.app import create_app
from postcheck.elections.calendar import LONDON
from postcheck.engine import Draft, RulePackError
from postcheck.engine.evaluate import PLATFORMS
from postcheck.engine.examples import run_all_examples
from postcheck.services import services


def _parse_at(value: str | None) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO date or date-time, e.g. 2026-04-20 or 2026-04-20T09:30") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _create_cli_app():
    """The app for one command: no file watching, and a broken rule folder or setting explained, not a traceback."""
    from postcheck.config import load_settings

    try:
        load_settings()  # a setting that does not parse is named with its meaning (load_settings' message)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        # No command but `serve` (which builds its own app) takes sign-ins: no secret-key warning here.
        return create_app({"RULES_RELOAD_SECONDS": 0, "SERVES_SIGN_INS": False})
    except RulePackError as exc:
        raise click.ClickException("the rules cannot be loaded:\n  " + "\n  ".join(exc.problems)) from None


@click.group(cls=FlaskGroup, create_app=_create_cli_app, add_version_option=False)
def main():
    """postcheck: warns staff before a social media post breaks the policy."""


@main.command("check")
@click.argument("text")
@click.option("--account", type=click.Choice(["personal", "council"]), default=None, help="Default: from --handle, else personal.")
@click.option("--handle", default=None, help="The account's handle, e.g. @HaringeyCouncil.")
@click.option("--platform", type=click.Choice(PLATFORMS), default="other")
@click.option("--reply", is_flag=True, help="The draft answers someone else's post.")
@click.option("--profile-disclaimer", is_flag=True, help="The profile already says views are my own.")
@click.option("--at", "at", default=None, help="The moment to judge against (ISO date or date-time); default now.")
@with_appcontext
def check_command(text, account, handle, platform, reply, profile_disclaimer, at):
    """Check TEXT and print the warnings as staff would read them."""
    draft = Draft(text=text, platform=platform, account_type=account, handle=handle, reply=reply,
                  profile_disclaimer=profile_disclaimer)
    verdict, election, version = services().check(draft, _parse_at(at))
    warnings = verdict.warnings
    if election.active:
        click.echo(f"Pre-election period: {election.period['name']} (until {election.period['ends']})")
    if not warnings:
        click.echo("No warnings.")
        return
    for w in warnings:
        source = {"model": f", learned, confidence {w.confidence}",
                  "both": f", the model agrees, confidence {w.confidence}"}.get(w.source, "")
        click.echo(f"\n[{w.severity.upper()}] {w.title}  ({w.category}, rule {w.rule}{source})")
        for span in w.spans:
            click.echo(f"  > {_utf16_slice(text, span['start'], span['end'])!r}")
        click.echo(textwrap.fill(w.message, 88, initial_indent="  ", subsequent_indent="  "))
        click.echo(textwrap.fill("What to do: " + w.advice, 88, initial_indent="  ", subsequent_indent="  "))
        click.echo(f"  Policy, {w.policy['section']}, {w.policy['clause']}: \"{w.policy['quote']}\"")
        if w.fix and w.fix.get("append"):
            click.echo(f"  Suggested fix: add \"{w.fix['append']}\"")
    if verdict.incomplete:
        click.echo(f"\nOnly partly checked: the time budget ran out before {', '.join(verdict.not_checked)} read it all.")
    click.echo(f"\n{len(warnings)} warning(s); rules version {version}")


def _utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[start * 2:end * 2].decode("utf-16-le")


@main.group("rules")
def rules_group():
    """The policy rules."""


@rules_group.command("test")
@click.option("--verbose", "-v", is_flag=True, help="List every example, not only failures.")
@with_appcontext
def rules_test(verbose):
    """Run every rule's warn and pass examples."""
    ruleset = services().rules.current
    results = run_all_examples(ruleset)
    failed = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            mark = "ok  " if r.ok else "FAIL"
            click.echo(f"{mark} {r.rule} [{r.kind}] {r.text!r}" + (f": {r.problem}" if r.problem else ""))
    cards = len(ruleset.learned.cards) if ruleset.learned is not None else 0
    click.echo(f"{len(ruleset.rules)} rules and {cards} learned cards, {len(results)} examples: "
               f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@main.group("model")
def model_group():
    """The learned model beside the rules (policy_rules/model/)."""


@model_group.command("train")
@click.option("--rules", "rules_dir", default=None, type=click.Path(file_okay=False),
              help="The rules folder (default: POSTCHECK_RULES_DIR, else policy_rules/).")
@click.option("--corpus", "corpus_dir", default=None, type=click.Path(file_okay=False),
              help="Folder of labelled posts, *.jsonl (default: the rules folder's corpus/).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Where the model is written (default: the rules folder's model/, beside its cards.yaml).")
def model_train(rules_dir, corpus_dir, out_dir):
    """Train the model on labelled posts: deterministic, a few minutes for 6,000 posts.

    Thresholds are chosen by leave-one-file-out over the corpus files. A running server picks the new
    model up like an edited rule (and keeps the last good one if it is broken).
    """
    from postcheck.config import load_settings
    from postcheck.model.artefact import ModelError
    from postcheck.model.corpus import CorpusError

    try:
        from postcheck.model.retrain import retrain
        import sklearn  # noqa: F401  (training only; a server scores with numpy)
    except ImportError:
        raise click.ClickException("training needs scikit-learn: .venv/bin/pip install -e '.[train]'") from None
    rules_dir = rules_dir or load_settings()["RULES_DIR"]
    try:
        retrain(rules_dir, corpus_dir, out_dir, progress=click.echo)
    except (CorpusError, ModelError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    except RulePackError as exc:
        raise click.ClickException("the rules cannot be loaded:\n  " + "\n  ".join(exc.problems)) from None


@main.group("tokens")
def tokens_group():
    """Bearer tokens for the elections, roster and audit API."""


def _cli_actor() -> str:
    import getpass
    try:
        return f"{getpass.getuser()} (command line)"
    except Exception:  # no user name in some containers
        return "command line"


def _plain_name(_ctx, _param, value: str) -> str:
    """A token's name shows in the audit log and on /admin: held to the rule for every typed name."""
    from postcheck.api.fields import text_problem
    problem = text_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@tokens_group.command("create")
@click.option("--role", type=click.Choice(["comms", "admin"]), required=True,
              help="comms: calendar and roster; admin: everything.")
@click.option("--name", required=True, callback=_plain_name, help="Whose token it is, e.g. \"Jo Bloggs, Press Team\".")
@with_appcontext
def tokens_create(role, name):
    """Create a token; it is shown once, alone on the last line, and only its hash is kept."""
    from postcheck.auth import create_token
    plain, row = create_token(services().store, name, role, _cli_actor())
    click.echo(f"Token {row.id} for {row.name} ({row.role}). Copy it now: it cannot be shown again.")
    click.echo(plain)


@tokens_group.command("list")
@with_appcontext
def tokens_list():
    """List tokens (never the tokens themselves)."""
    from postcheck.auth import list_tokens
    for row in list_tokens(services().store):
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.role}\t{state}\tcreated {row.created_at:%Y-%m-%d %H:%M}\t{row.name}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke(token_id):
    """Revoke a token by its id (from `postcheck tokens list`)."""
    from postcheck.auth import revoke_token
    row = revoke_token(services().store, token_id, _cli_actor())
    if row is None:
        raise click.ClickException(f"no token {token_id}")
    click.echo(f"Token {row.id} ({row.name}) revoked.")


@main.group("retention")
def retention_group():
    """Deleting old outcome comments and audit entries (docs/data-protection.md)."""


@retention_group.command("apply")
@with_appcontext
def retention_apply():
    """Delete comments and audit entries older than their retention settings, now.

    Each server already does this once a day; run it from a cron job or systemd timer to have it done
    at a fixed time. Safe to run on several machines at once. A run that removes anything records one
    line of counts in the audit log.
    """
    from postcheck.retention import apply
    from postcheck.store import StoreUnavailable

    settings = services().settings
    try:
        result = apply(services().store, settings["COMMENT_RETENTION_DAYS"], settings["AUDIT_RETENTION_DAYS"],
                       _cli_actor())
    except StoreUnavailable:
        raise click.ClickException("the database cannot be reached; nothing was deleted") from None
    if result.comments_before is None:
        click.echo("Outcome comments: kept without limit (POSTCHECK_COMMENT_RETENTION_DAYS=0).")
    else:
        click.echo(f"Outcome comments: removed {result.comments_removed} from before "
                   f"{result.comments_before.isoformat()} (POSTCHECK_COMMENT_RETENTION_DAYS={result.comment_days}).")
    if result.audit_before is None:
        click.echo("Audit entries: kept without limit (POSTCHECK_AUDIT_RETENTION_DAYS=0).")
    else:
        click.echo(f"Audit entries: removed {result.audit_removed} from before {result.audit_before:%Y-%m-%d %H:%M} "
                   f"UTC (POSTCHECK_AUDIT_RETENTION_DAYS={result.audit_days}).")
    if result.removed_anything:
        click.echo("The audit log records this run (counts only).")


# Not in the group's app context: serve builds the app it serves, once.
@main.command("serve", with_appcontext=False)
@click.option("--host", default=None, help="Default 127.0.0.1 (with --production: POSTCHECK_BIND).")
@click.option("--port", default=None, type=int, help="Default 8080 (with --production: POSTCHECK_BIND).")
@click.option("--production", is_flag=True,
              help="gunicorn with postcheck's config (workers per core, timeouts, no query strings in logs); "
                   "refuses unsafe settings. See docs/deploying.md.")
def serve(host, port, production):
    """Serve the API: a threaded server for one machine, or gunicorn with --production."""
    if production:
        _serve_production(host, port)
        return
    host, port = host or "127.0.0.1", port or 8080
    # Flask's CLI ignores app.run() inside a command, so the server is started directly.
    from werkzeug.serving import run_simple

    try:
        app = create_app()
    except RulePackError as exc:
        raise click.ClickException("the rules cannot be loaded:\n  " + "\n  ".join(exc.problems)) from None
    click.echo(f"postcheck {__version__} serving on http://{host}:{port} (rules {app.extensions['postcheck'].rules.current.version})")
    run_simple(host, port, app, threaded=True, use_reloader=False, request_handler=_request_handler())


def _request_handler():
    """werkzeug's request handler without its own line per request: postcheck.access logs each request
    already, without its query string. werkzeug's line logged every request a second time, and with
    the query string, which on `/v2/check?text=` is the draft itself."""
    from werkzeug.serving import WSGIRequestHandler

    class OneLinePerRequest(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            pass

    return OneLinePerRequest


def _serve_production(host, port):
    import os
    from pathlib import Path

    from postcheck.config import load_settings
    from postcheck.production import UnsafeSettings, check_production

    os.environ["POSTCHECK_PRODUCTION"] = "1"
    if host or port:
        os.environ["POSTCHECK_BIND"] = f"{host or '127.0.0.1'}:{port or 8080}"
    try:
        check_production(load_settings())  # here, so the reasons come as one message, not a worker traceback
    except (UnsafeSettings, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    conf = Path(__file__).with_name("gunicorn_conf.py")
    # exec: gunicorn becomes this process, so systemd's stop and reload signals reach its master.
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "-c", str(conf), "postcheck.wsgi:app"])


if __name__ == "__main__":  # pragma: no cover
    main()
