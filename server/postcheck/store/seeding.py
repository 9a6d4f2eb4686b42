"""First start: the default calendar and roster from `policy_rules/` go into a new database, once,
even when several processes start together (the first to flip `seeded` does it)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from postcheck.elections.seed import seed_elections, seed_roster
from postcheck.store.changes import create
from postcheck.store.database import Store
from postcheck.store.models import Election, Party, Person, Role, StoreState

SEED_ACTOR = "system (first start, from policy_rules/)"


def seed_if_new(store: Store, rules_dir: Path) -> bool:
    with store.transaction() as session:
        claimed = session.execute(update(StoreState).where(StoreState.id == 1, StoreState.seeded.is_(False))
                                  .values(seeded=True)).rowcount
        if not claimed:
            return False
        for item in seed_elections(rules_dir):
            create(session, Election(**item), SEED_ACTOR)
        roster = seed_roster(rules_dir)
        for name in roster["roles"]:
            create(session, Role(name=name), SEED_ACTOR)
        for party in roster["parties"]:
            create(session, Party(name=party["name"], kind=party.get("kind", "party"),
                                  aliases=list(party.get("aliases", [])), hashtags=list(party.get("hashtags", [])),
                                  slogans=list(party.get("slogans", []))), SEED_ACTOR)
        for person in roster["people"]:
            create(session, Person(name=person["name"], kind=person.get("kind", "councillor"),
                                   party=person.get("party", ""), ward=person.get("ward", ""),
                                   aliases=list(person.get("aliases", [])), handles=list(person.get("handles", [])),
                                   roles=list(person.get("roles", []))), SEED_ACTOR)
        return True
