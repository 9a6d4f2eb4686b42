"""The `postcheck` command: check a draft, test the rules, serve the API.

Each command builds only what it needs, so none waits for the whole app (migrations, the API, the admin
pages, every rule compiled): `--help` and `tokens` compile no rules, `check` and `rules test` read the
calendar and roster without migrating, and only Flask's own commands (run, shell, routes) and the
extensions' (limiter, openapi) build the app. Heavy modules are imported inside the commands.
"""
from __future__ import annotations

import datetime as dt
import sys
import textwrap
from pathlib import Path

import click
from flask.cli import FlaskGroup, ScriptInfo

from postcheck import __version__
from postcheck.engine.platforms import PLATFORMS


def _parse_at(value: str | None) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO date or date-time, e.g. 2026-04-20 or 2026-04-20T09:30") from None
    from postcheck.elections.calendar import LONDON
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _rules_problem(exc) -> click.ClickException:
    return click.ClickException("the rules cannot be loaded:\n  " + "\n  ".join(exc.problems))


def _create_cli_app():
    """The app for Flask's and the extensions' commands: no file watching, and a broken rule folder or
    setting explained, not a traceback."""
    from postcheck.app import create_app
    from postcheck.engine import RulePackError

    _settings()
    try:
        # No command but `serve` (which builds its own app) takes sign-ins: no secret-key warning here.
        return create_app({"RULES_RELOAD_SECONDS": 0, "SERVES_SIGN_INS": False})
    except RulePackError as exc:
        raise _rules_problem(exc) from None


def _settings() -> dict:
    """The settings, as the app reads them, with the app's log format; a setting that does not parse is
    named with its meaning (load_settings' message)."""
    from postcheck import logging_setup
    from postcheck.config import load_settings

    try:
        settings = load_settings()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    logging_setup.configure(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    return settings


def _given_app():
    """The app a caller handed in, as Flask's CLI would use it: an app context already pushed, a test's
    app (FlaskGroup's test_cli_runner) or `--app`. None for a plain `postcheck ...`, which then builds
    only what its command needs."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app._get_current_object()
    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None and (info.create_app is not _create_cli_app or info.app_import_path):
        return info.load_app()
    return None


def _database_url(settings: dict) -> str:
    """The database the server uses: POSTCHECK_DATABASE_URL, else the file in the app's instance folder
    (found as Flask finds it for the app's import name, without building the app)."""
    from flask.sansio.scaffold import find_package

    from postcheck.store.database import default_url

    if settings["DATABASE_URL"]:
        return settings["DATABASE_URL"]
    prefix, package_path = find_package("postcheck.app")  # Flask's auto_find_instance_path, exactly
    instance = Path(package_path) / "instance" if prefix is None else Path(prefix) / "var" / "postcheck.app-instance"
    return default_url(instance, bool(settings.get("TESTING")))


def _store():
    """The store, migrated and seeded as the app's first start would do it, for commands that write."""
    from postcheck.store import Store
    from postcheck.store.seeding import seed_if_new

    app = _given_app()
    if app is not None:
        return app.extensions["postcheck"].store, app.extensions["postcheck"].settings
    settings = _settings()
    store = Store(_database_url(settings), settings["DATABASE_TIMEOUT_SECONDS"])
    store.upgrade()
    seed_if_new(store, Path(settings["RULES_DIR"]))
    return store, settings


def _live_state(settings: dict):
    """(calendar snapshot, roster lexicons or None, council handles, where they came from), read the
    quick way: from the database when one exists at this schema version, never migrating it; else from
    the seed files in the rules folder (elections.yaml, roster.yaml), as a new database would start."""
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from postcheck.elections.roster import lexicons
    from postcheck.elections.schedule import build_snapshot
    from postcheck.elections.seed import seed_periods
    from postcheck.store import Store
    from postcheck.store.models import CouncilChannel, Election, NonWorkingDay

    rules_dir = Path(settings["RULES_DIR"])
    seed = f"the seed file {rules_dir / 'elections.yaml'}"
    url = _database_url(settings)
    shown = make_url(url).render_as_string(hide_password=True)
    store = Store(url, settings["DATABASE_TIMEOUT_SECONDS"])
    try:
        if store.file is None and store.backend == "sqlite":
            why = "no database file is configured"
        elif store.file is not None and not store.file.exists():  # connecting would create an empty file
            why = f"no database at {shown} yet"
        elif not store._at_current_version():  # a server start migrates it; a check does not
            why = f"the database at {shown} cannot be read or is not at this version"
        else:
            try:
                with store.transaction() as session:
                    days = [d.day for d in session.scalars(select(NonWorkingDay))]
                    snapshot = build_snapshot(session.scalars(select(Election)).all(), days)
                    roster = lexicons(session)
                    handles = tuple(session.scalars(select(CouncilChannel.handle)))
                return snapshot, roster, handles, f"the database at {shown}"
            except Exception as exc:  # noqa: BLE001  (any failure to read: the seed file serves, said so)
                why = f"the database at {shown} could not be read ({type(exc).__name__})"
    finally:
        store.dispose()
    return seed_periods(rules_dir), None, (), f"{seed} ({why})"


def _services():
    """What `check` and `rules test` need: the settings, the rules compiled once with the roster, the
    calendar and council channels; the app's own services when an app was given."""
    from types import SimpleNamespace

    from postcheck.engine import RulePackError, pattern_gate
    from postcheck.engine.loader import load_rule_pack
    from postcheck.services import Services

    app = _given_app()
    if app is not None:
        return app.extensions["postcheck"], None
    # One draft or the examples, then exit: not worth the seconds of the Hyperscan gate's compile, which
    # the process would wait for at exit. Checks give the same answers without it.
    pattern_gate.COMPILE_IN_BACKGROUND = False
    settings = _settings()
    snapshot, roster, handles, source = _live_state(settings)
    try:
        ruleset = load_rule_pack(Path(settings["RULES_DIR"]), roster)
    except RulePackError as exc:
        raise _rules_problem(exc) from None
    return Services(settings=settings, rules=SimpleNamespace(current=ruleset), calendar=SimpleNamespace(current=snapshot),
                    channels=SimpleNamespace(handles=handles)), source


class _CommandLine(FlaskGroup):
    """Flask's group (its options and run, shell, routes) without building the app for `--help` or for
    postcheck's own commands: FlaskGroup lists the app's commands, which builds it."""

    def list_commands(self, ctx):
        self._load_plugin_commands()
        return sorted(click.Group.list_commands(self, ctx))

    def command(self, *args, **kwargs):
        kwargs.setdefault("with_appcontext", False)  # each command builds what it needs, itself
        return super().command(*args, **kwargs)

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", click.Group)
        return super().group(*args, **kwargs)


class _FromTheApp(click.Group):
    """An extension's command group (limiter, openapi), listed by name and built with the app when run."""

    def make_context(self, info_name, args, parent=None, **extra):
        real = parent.ensure_object(ScriptInfo).load_app().cli.get_command(parent, self.name)
        return real.make_context(info_name, args, parent=parent, **extra)


@click.group(cls=_CommandLine, create_app=_create_cli_app, add_version_option=False)
def main():
    """postcheck: warns staff before a social media post breaks the policy."""


main.add_command(_FromTheApp("limiter", help="Flask-Limiter maintenance & utility commands"))
main.add_command(_FromTheApp("openapi", help="OpenAPI commands."))


@main.command("check")
@click.argument("text")
@click.option("--account", type=click.Choice(["personal", "council"]), default=None, help="Default: from --handle, else personal.")
@click.option("--handle", default=None, help="The account's handle, e.g. @HaringeyCouncil.")
@click.option("--platform", type=click.Choice(PLATFORMS), default="other")
@click.option("--reply", is_flag=True, help="The draft answers someone else's post.")
@click.option("--profile-disclaimer", is_flag=True, help="The profile already says views are my own.")
@click.option("--at", "at", default=None, help="The moment to judge against (ISO date or date-time); default now.")
def check_command(text, account, handle, platform, reply, profile_disclaimer, at):
    """Check TEXT and print the warnings as staff would read them."""
    from postcheck.engine import Draft

    moment = _parse_at(at)
    services, source = _services()
    if source:
        click.echo(f"Calendar: from {source}")
    draft = Draft(text=text, platform=platform, account_type=account, handle=handle, reply=reply,
                  profile_disclaimer=profile_disclaimer)
    verdict, election, version = services.check(draft, moment)
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
def rules_test(verbose):
    """Run every rule's warn and pass examples."""
    from postcheck.engine.examples import run_all_examples

    ruleset = _services()[0].rules.current
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
    from postcheck.engine import RulePackError
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
        raise _rules_problem(exc) from None


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
def tokens_create(role, name):
    """Create a token; it is shown once, alone on the last line, and only its hash is kept."""
    from postcheck.auth import create_token
    plain, row = create_token(_store()[0], name, role, _cli_actor())  # audited in the same transaction
    click.echo(f"Token {row.id} for {row.name} ({row.role}). Copy it now: it cannot be shown again.")
    click.echo(plain)


@tokens_group.command("list")
def tokens_list():
    """List tokens (never the tokens themselves)."""
    from postcheck.auth import list_tokens
    for row in list_tokens(_store()[0]):
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.role}\t{state}\tcreated {row.created_at:%Y-%m-%d %H:%M}\t{row.name}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    """Revoke a token by its id (from `postcheck tokens list`)."""
    from postcheck.auth import revoke_token
    row = revoke_token(_store()[0], token_id, _cli_actor())
    if row is None:
        raise click.ClickException(f"no token {token_id}")
    click.echo(f"Token {row.id} ({row.name}) revoked.")


@main.group("retention")
def retention_group():
    """Deleting old outcome comments and audit entries (docs/data-protection.md)."""


@retention_group.command("apply")
def retention_apply():
    """Delete comments and audit entries older than their retention settings, now.

    Each server already does this once a day; run it from a cron job or systemd timer to have it done
    at a fixed time. Safe to run on several machines at once. A run that removes anything records one
    line of counts in the audit log.
    """
    from postcheck.retention import apply
    from postcheck.store import StoreUnavailable

    try:
        store, settings = _store()
        result = apply(store, settings["COMMENT_RETENTION_DAYS"], settings["AUDIT_RETENTION_DAYS"],
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

    from postcheck.app import create_app
    from postcheck.engine import RulePackError

    try:
        app = create_app()
    except RulePackError as exc:
        raise _rules_problem(exc) from None
    except ValueError as exc:  # a setting: its message names it and says what would do
        raise click.ClickException(str(exc)) from None
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
