"""What the blueprints share: the live rules and calendar, created once per app by the factory."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from flask import current_app

from postcheck.engine import Draft, ElectionState
from postcheck.engine.evaluate import Verdict, account_type, evaluate
from postcheck.engine.reloading import RuleSource


@dataclass
class Services:
    settings: dict
    rules: RuleSource
    calendar: object  # anything with `.current: CalendarSnapshot`
    store: object = None  # postcheck.store.Store: elections, roster, tokens, audit
    calendar_settings: dict | None = None  # Democracy Club organisation slugs for election ids
    channels: object = None  # postcheck.channels.LiveChannels: registered council channels, in memory

    def council_handles(self) -> tuple[str, ...]:
        """The registered council channels' handles, from memory: a check never queries for them."""
        return self.channels.handles if self.channels is not None else ()

    def account_type(self, draft: Draft) -> str:
        """The account type the check judges the draft by: as sent, else from the council handles."""
        return account_type(draft, self.rules.current, self.council_handles())

    def check(self, draft: Draft, at: dt.datetime) -> tuple[Verdict, ElectionState, str]:
        """The verdict (warnings, and what the time budget left unread), the election state, the version."""
        started = time.monotonic()
        ruleset = self.rules.current
        calendar = self.calendar.current
        election = calendar.state_at(at)
        verdict = evaluate(ruleset, draft, election, council_handles=self.council_handles(),
                           timeout=self.settings["REGEX_TIMEOUT_MS"] / 1000,
                           model_deadline=started + self.settings["MODEL_BUDGET_MS"] / 1000,
                           deadline=started + self.settings["CHECK_BUDGET_MS"] / 1000)
        return verdict, election, f"{ruleset.version}.{calendar.version}"


def services() -> Services:
    return current_app.extensions["postcheck"]
