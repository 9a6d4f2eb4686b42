"""Democracy Club election identifiers (`local.haringey.2026-05-07`), built by `uk-election-ids`."""
from __future__ import annotations

import datetime as dt

from uk_election_ids.election_ids import IdBuilder
from uk_election_ids.slugger import slugify


class ElectionIdError(ValueError):
    pass


def election_id(kind: str, poll_date: dt.date, *, organisation: str, mayor_organisation: str = "london",
                scope: str | list[str] = "borough") -> str:
    """The id of the election this council's calendar means. A by-election in one ward gets that
    ward's ballot id, so two by-elections on one day do not collide."""
    wards = scope if isinstance(scope, list) else []
    try:
        if kind == "local":
            builder = IdBuilder("local", poll_date).with_organisation(organisation)
            if len(wards) == 1:
                return builder.with_division(slugify(wards[0])).ballot_id
            return builder.organisation_group_id
        if kind == "gla":
            return IdBuilder("gla", poll_date).with_subtype("a").subtype_group_id
        if kind == "mayor":
            return IdBuilder("mayor", poll_date).with_organisation(mayor_organisation).organisation_group_id
        if kind == "referendum":
            return IdBuilder("ref", poll_date).with_organisation(organisation).organisation_group_id
        if kind == "parl-general":
            return IdBuilder("parl", poll_date).election_group_id
        if kind == "parl-by":
            if len(wards) != 1:
                raise ElectionIdError("a parliamentary by-election needs its constituency as the one item of scope")
            return IdBuilder("parl", poll_date).with_division(slugify(wards[0])).ballot_id
    except ValueError as exc:
        raise ElectionIdError(str(exc)) from None
    raise ElectionIdError(f"unknown kind of election: {kind}")
