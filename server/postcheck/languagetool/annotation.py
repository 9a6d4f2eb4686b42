"""LanguageTool's `data` parameter: text with markup, where only the text is checked but offsets
answer in the original (markup included), as LanguageTool does."""
from __future__ import annotations

import re
from dataclasses import dataclass

from postcheck import jsonbody
from postcheck.engine.text import utf16_length

# Half of a UTF-16 surrogate pair, which a JSON escape (\ud83d) can carry alone: json.loads joins only
# whole pairs. It is not text: it cannot be encoded to answer with LanguageTool's offsets (a 500 before).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class AnnotationError(ValueError):
    pass


@dataclass(frozen=True)
class Segment:
    checked_start: int   # UTF-16 offset in the checked text
    checked_length: int
    original_start: int  # UTF-16 offset in the original text
    original_length: int
    is_text: bool


@dataclass(frozen=True)
class Annotated:
    original: str   # what the client holds: text and markup
    checked: str    # what is checked: text, with markup replaced by its interpretAs
    segments: tuple[Segment, ...]

    def to_original(self, offset: int, *, end: bool = False) -> int:
        """Maps a UTF-16 offset of the checked text to the original text."""
        for seg in self.segments:
            inside = seg.checked_start <= offset < seg.checked_start + seg.checked_length
            at_end = end and offset == seg.checked_start + seg.checked_length
            if inside or at_end:
                if seg.is_text:
                    return seg.original_start + (offset - seg.checked_start)
                return seg.original_start + (seg.original_length if end else 0)
        last = self.segments[-1] if self.segments else None
        return last.original_start + last.original_length if last else 0


def plain(text: str) -> Annotated:
    length = utf16_length(text)
    return Annotated(text, text, (Segment(0, length, 0, length, True),))


def parse_annotation(data: str) -> Annotated:
    """`{"annotation": [{"text": "A "}, {"markup": "<b>"}, {"markup": "<p>", "interpretAs": "\\n\\n"}]}`"""
    try:
        parsed = jsonbody.loads(data)
    except (ValueError, TypeError) as exc:
        reason = f" ({exc.msg})" if isinstance(exc, jsonbody.UnparseableJSON) else ""
        raise AnnotationError("'data' must be JSON: {\"annotation\": [{\"text\": ...}, {\"markup\": ...}]}" + reason) from None
    items = parsed.get("annotation") if isinstance(parsed, dict) else None
    if not isinstance(items, list):
        raise AnnotationError("'data' needs an 'annotation' list")
    original, checked, segments = [], [], []
    o_pos = c_pos = 0
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise AnnotationError(f"annotation item {i} must be an object")
        if "text" in item and "markup" not in item:
            text = item["text"]
            if not isinstance(text, str):
                raise AnnotationError(f"annotation item {i}: 'text' must be a string")
            n = utf16_length(text)
            segments.append(Segment(c_pos, n, o_pos, n, True))
            original.append(text)
            checked.append(text)
            o_pos += n
            c_pos += n
        elif "markup" in item and "text" not in item:
            markup, interpret = item["markup"], item.get("interpretAs", "")
            if not isinstance(markup, str) or not isinstance(interpret, str):
                raise AnnotationError(f"annotation item {i}: 'markup' and 'interpretAs' must be strings")
            n_o, n_c = utf16_length(markup), utf16_length(interpret)
            segments.append(Segment(c_pos, n_c, o_pos, n_o, False))
            original.append(markup)
            checked.append(interpret)
            o_pos += n_o
            c_pos += n_c
        else:
            raise AnnotationError(f"annotation item {i} needs exactly one of 'text' or 'markup'")
        if any(_LONE_SURROGATE.search(value) for value in item.values() if isinstance(value, str)):
            raise AnnotationError(f"annotation item {i} holds half of a UTF-16 surrogate pair (\\uD800-\\uDFFF "
                                  "without its other half), which is not text")
    return Annotated("".join(original), "".join(checked), tuple(segments))
