"""The draft cut into pieces at the warnings' spans, so the page can underline exactly the words the
extension would. Spans count UTF-16 code units (as JavaScript does); Python counts code points."""
from __future__ import annotations


def _utf16_to_index(text: str) -> dict[int, int]:
    positions, units = {0: 0}, 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        positions[units] = index + 1
    return positions


def segments(text: str, warnings: list[dict]) -> list[dict]:
    """[{'text', 'rules': [numbers of the warnings that mark it]}] covering the whole text in order."""
    to_index = _utf16_to_index(text)
    cuts = {0, len(text)}
    marks: list[tuple[int, int, int]] = []
    for number, warning in enumerate(warnings, start=1):
        for span in warning.get("spans", []):
            start, end = to_index.get(span["start"]), to_index.get(span["end"])
            if start is None or end is None or start >= end:
                continue  # a span inside a surrogate pair cannot happen; ignore rather than break the page
            cuts.update((start, end))
            marks.append((start, end, number))
    points = sorted(cuts)
    pieces = []
    for start, end in zip(points, points[1:]):
        numbers = sorted({n for s, e, n in marks if s <= start and end <= e})
        pieces.append({"text": text[start:end], "rules": numbers})
    return pieces


def marked_words(text: str, warning: dict) -> list[str]:
    """The words a warning underlines, in order: for a learned warning, the words that drove it."""
    to_index = _utf16_to_index(text)
    words = []
    for span in warning.get("spans", []):
        start, end = to_index.get(span["start"]), to_index.get(span["end"])
        if start is not None and end is not None and start < end:
            words.append(text[start:end])
    return words
