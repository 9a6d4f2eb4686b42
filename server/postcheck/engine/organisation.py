"""The organisation's own facts, read from `policy_rules/organisation.yaml`: what makes postcheck one
council's and not another's. Nothing in the code names a council; everything here is data."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    aliases: tuple[str, ...] = ()
    official_handles: tuple[str, ...] = ()
    phone_region: str = "GB"
    phone_numbers: tuple[str, ...] = ()
    phone_prefixes: tuple[str, ...] = ()  # whole published ranges, e.g. a council's own exchange
    email_domains: tuple[str, ...] = ()
    email_addresses: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    disclaimer: str = "The views expressed here are my own and do not necessarily represent the views of the council."
    extra: dict = field(default_factory=dict)

    def is_official_handle(self, handle: str | None) -> bool:
        if not handle:
            return False
        wanted = handle.strip().lstrip("@").lower()
        return any(wanted == h.lstrip("@").lower() for h in self.official_handles)

    def lexicons(self) -> dict[str, list[str]]:
        """Word lists rule files can use by name (`lexicon: organisation.names`)."""
        return {
            "organisation.names": [self.name, self.short_name, *self.aliases],
            "organisation.handles": [h if h.startswith("@") else "@" + h for h in self.official_handles],
            "organisation.places": list(self.places),
            "organisation.offices": list(self.offices),
        }

    def template_values(self) -> dict[str, str]:
        return {"organisation.name": self.name, "organisation.short_name": self.short_name,
                "organisation.disclaimer": self.disclaimer}
