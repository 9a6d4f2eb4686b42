"""Labelled posts (the convention of shared/README.md), read from JSONL files: one file per writer or
batch, which is also the unit that leave-one-file-out holds back."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from postcheck.engine.schema import CATEGORIES

KEYS = {"id", "text", "platform", "account", "reply", "at", "expect", "allow"}


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    platform: str
    account: str
    reply: bool
    at: str
    expect: frozenset[str]
    allow: frozenset[str]
    source: str  # the file it came from


def read_posts(path: Path) -> list[Post]:
    posts = []
    path = Path(path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise CorpusError(f"{path.name} line {number}: not JSON ({exc})") from None
        if not isinstance(row, dict) or set(row) != KEYS:
            raise CorpusError(f"{path.name} line {number}: the keys must be {', '.join(sorted(KEYS))}")
        unknown = (set(row["expect"]) | set(row["allow"])) - set(CATEGORIES)
        if unknown:
            raise CorpusError(f"{path.name} line {number}: unknown categories {sorted(unknown)}")
        if row["account"] not in ("personal", "council"):
            raise CorpusError(f"{path.name} line {number}: account must be personal or council")
        posts.append(Post(row["id"], row["text"], row["platform"], row["account"], bool(row["reply"]), row["at"],
                          frozenset(row["expect"]), frozenset(row["allow"]), path.stem))
    return posts


def read_corpus(directory: Path) -> list[Post]:
    """Every `*.jsonl` file in `directory`, in name order; ids must be unique across them."""
    files = sorted(Path(directory).glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{directory}: no *.jsonl files of labelled posts")
    posts = [post for path in files for post in read_posts(path)]
    seen: dict[str, str] = {}
    for post in posts:
        if post.id in seen:
            raise CorpusError(f"id {post.id} is in both {seen[post.id]} and {post.source}")
        seen[post.id] = post.source
    return posts
