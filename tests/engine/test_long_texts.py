"""The detectors read only around an @ or a phone-shaped run: on a long text they must still find each
email address and phone number, wherever it stands, exactly as in a short one."""
import json

import pytest

from postcheck.engine.detectors import build_detectors
from postcheck.engine.organisation import Organisation
from tests.conftest import RULES_DIR

POSTS = [json.loads(line)["text"] for line in (RULES_DIR / "corpus" / "posts.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]
ORG = Organisation(name="Example Council", short_name="Example", phone_numbers=("020 7946 0000",),
                   email_domains=("example.gov.uk",))
DETECT = build_detectors(ORG)


def _long_text_with(needles):
    """Clean filler of about 20,000 characters with each needle at a different depth; returns the text
    and where each needle starts."""
    filler = [p for p in POSTS if "@" not in p and not any(ch.isdigit() for ch in p)]
    parts, where, length = [], [], 0
    for i, needle in enumerate(needles):
        for post in filler[i * 40 % len(filler):][:40]:
            parts.append(post)
            length += len(post) + 1
        where.append(length)
        parts.append(needle)
        length += len(needle) + 1
    return " ".join(parts), where


@pytest.mark.parametrize("needle", ["jo.bloggs@gmail.com", "(jo+news@mail.example.org)", "email:sam@hotmail.co.uk,"])
def test_email_addresses_are_found_deep_in_a_long_text(needle):
    text, where = _long_text_with([needle] * 4)
    assert len(text) > 10_000
    found = [text[s:e] for s, e in DETECT["email-address"](text)]
    address = needle.strip("(),").removeprefix("email:")
    assert found == [address] * 4
    assert [s for s, _e in DETECT["email-address"](text)] == [w + needle.index(address) for w in where]


def test_the_organisations_own_addresses_stay_unreported_in_a_long_text():
    text, _ = _long_text_with(["help@example.gov.uk", "@ExampleCouncil", "me @ home"])
    assert DETECT["email-address"](text) == []


@pytest.mark.parametrize("needle", ["07700 900123", "+44 7700 900123", "tel. 020 7946 0123", "(020) 7946 0999"])
def test_phone_numbers_are_found_deep_in_a_long_text(needle):
    text, where = _long_text_with([needle] * 3)
    found = DETECT["phone-number"](text)
    assert len(found) == 3
    number = needle.removeprefix("tel. ")
    assert [text[s:e].strip("()") for s, e in found] == [number.strip("()")] * 3 or \
        [text[s:e] for s, e in found] == [number] * 3
    assert all(w <= s < w + len(needle) for (s, _e), w in zip(found, where))


def test_published_numbers_stay_unreported_in_a_long_text():
    text, _ = _long_text_with(["020 7946 0000", "0800 123 4567"])
    assert DETECT["phone-number"](text) == []
