"""Turns postcheck warnings into LanguageTool matches: offsets and lengths in UTF-16 code units,
context and sentence as LanguageTool gives them, fixes as replacements."""
from __future__ import annotations

import regex

from postcheck.engine import Warning
from postcheck.languagetool.annotation import Annotated

CONTEXT_CHARS = 40
# A sentence ends at . ! or ? followed by a space or the end: "pr!ck" is one word, not two sentences.
_SENTENCE_END = regex.compile(r"[.!?]+[\"')\]]*(?=\s|$)\s*")
_LAST_WORD = regex.compile(r"\S+\s*$")


def lt_rule_id(rule_id: str) -> str:
    """LanguageTool rule ids are upper case with underscores."""
    return regex.sub(r"[.-]", "_", rule_id).upper()


def lt_category_id(category: str) -> str:
    return "POSTCHECK_" + category.replace("-", "_").upper()


def category_name(category: str) -> str:
    return "Policy: " + category.replace("-", " ")


class Utf16Text:
    """A string addressed in UTF-16 code units, as LanguageTool's offsets are."""

    def __init__(self, text: str):
        self.text = text
        self.units = text.encode("utf-16-le")

    def __len__(self):
        return len(self.units) // 2

    def slice(self, start: int, end: int) -> str:
        return self.units[start * 2:end * 2].decode("utf-16-le", errors="replace")


def _sentence_bounds(text: str, start: int) -> tuple[int, int]:
    """Code-point bounds of the sentence around `start`."""
    begin = 0
    for m in _SENTENCE_END.finditer(text[:start]):
        begin = m.end()
    m = _SENTENCE_END.search(text, start)
    return begin, (m.end() if m else len(text))


def _to_code_points(text16: Utf16Text, offset: int) -> int:
    return len(text16.slice(0, offset))


def _match(w: Warning, doc: Utf16Text, offset: int, length: int, replacements: list[str]) -> dict:
    start_cp = _to_code_points(doc, offset)
    end_cp = _to_code_points(doc, offset + length)
    text = doc.text
    ctx_start = max(0, start_cp - CONTEXT_CHARS)
    ctx_end = min(len(text), end_cp + CONTEXT_CHARS)
    context = text[ctx_start:ctx_end]
    ctx16 = Utf16Text(text[ctx_start:start_cp])
    s_begin, s_end = _sentence_bounds(text, start_cp)
    return {
        "message": f"{w.message} {w.advice}",
        "shortMessage": w.title,
        "replacements": [{"value": r} for r in replacements],
        "offset": offset,
        "length": length,
        "context": {"text": context, "offset": len(ctx16), "length": length},
        "sentence": text[s_begin:s_end].strip(),
        "type": {"typeName": "Other"},
        "rule": {
            "id": lt_rule_id(w.rule),
            "description": f"{w.title} ({w.policy['section']}, {w.policy['clause']}): \"{w.policy['quote']}\"",
            "issueType": "non-conformance",
            "category": {"id": lt_category_id(w.category), "name": category_name(w.category)},
            "urls": [],
            "sourceFile": "postcheck",
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def to_matches(warnings: list[Warning], doc: Annotated) -> list[dict]:
    original = Utf16Text(doc.original)
    matches = []
    for w in warnings:
        if w.spans:
            for span in w.spans:
                start = doc.to_original(span["start"])
                end = doc.to_original(span["end"], end=True)
                matches.append(_match(w, original, start, max(0, end - start), []))
        else:
            # A whole-post warning has no words to mark: mark the last word, where an appended fix goes,
            # and offer the word followed by the fix as the replacement.
            last = _LAST_WORD.search(doc.original)
            word = last.group(0).rstrip() if last else ""
            start_cp = last.start() if last else len(doc.original)
            offset = len(Utf16Text(doc.original[:start_cp]))
            length = len(Utf16Text(word))
            replacements = [f"{word} {w.fix['append']}"] if w.fix and w.fix.get("append") else []
            matches.append(_match(w, original, offset, length, replacements))
    matches.sort(key=lambda m: (m["offset"], m["length"]))
    return matches
