"""Optimistic concurrency for the admin API: every row's ETag comes from its revision, and a change
must send it back in If-Match, so two people editing the same row cannot overwrite each other."""
from __future__ import annotations

import hashlib

from flask import abort, request


def etag_of(row) -> str:
    key = f"{type(row).__tablename__}:{getattr(row, 'id', None) or getattr(row, 'day', '')}:{row.revision}:{row.updated_at.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def require_if_match(row) -> None:
    """428 without If-Match, 412 when it names another version than the one stored."""
    if not request.if_match:
        abort(428, description="Send the ETag you last read in an If-Match header, so a change made "
                               "meanwhile by someone else is not overwritten.")
    if not request.if_match.contains(etag_of(row)) and not request.if_match.star_tag:
        abort(412, description="Someone changed this since you read it; fetch it again (GET) and reapply your change.")


def with_etag(response, row):
    response.set_etag(etag_of(row))
    return response
