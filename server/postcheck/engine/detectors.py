"""Detectors for personal data that a word list cannot describe: they parse and validate.

Each detector is built with the organisation's own published facts, so the council's switchboard, its
mailboxes and its office addresses are never reported as someone's personal data.
"""
from __future__ import annotations

import operator
import time
from typing import Callable

import phonenumbers
import regex

from postcheck.engine.organisation import Organisation

Span = tuple[int, int]
# A detector reads a text; the check gives it, by keyword, its deadline (a `time.monotonic()` value)
# and `memo`, a dict that lives as long as the check, where detectors reading the same things share them.
Detector = Callable[..., list[Span]]


class DetectorUnfinished(TimeoutError):
    """A detector stopped at its bound (a count, or the check's deadline) before it read the whole text
    and had found nothing by then: whether the text holds what it looks for is not known. The check
    then names the rule as not checked, so padding a post can never silently switch a detector off."""

_TIMEOUT = 0.05
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# An NHS number is ten digits, written 3-3-4; the tenth is a modulus 11 check digit.
_NHS = regex.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
# National Insurance numbers: two letters, six digits (often in pairs), a letter A-D.
_NI = regex.compile(r"(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])")
_POSTCODE = regex.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])", regex.IGNORECASE)
_STREET_TYPES = (
    "road|rd|street|st|lane|ln|avenue|ave|close|gardens|gdns|grove|crescent|cres|drive|dr|way|place|pl|"
    "terrace|court|ct|mews|hill|park road|park|square|sq|walk|rise|row|parade|green|estate|house|villas"
)
# A house number and a street ("14 Philip Lane", "Flat 3, 27 Bruce Grove"): a home address.
_STREET_ADDRESS = regex.compile(
    r"(?<![\w£$.,:/-])(?:flat \d+[a-z]?,? )?\d{1,4}[a-z]?,? (?:[A-Z][\w'-]+ ){1,3}(?:" + _STREET_TYPES + r")(?![\w])",
    regex.IGNORECASE,
)
# Freephone, shared-cost, premium and national numbers belong to services (helplines, businesses), not to
# a person: publishing them is not a data breach.
_SERVICE_NUMBER_TYPES = {phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
                         phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.UAN}
# A phone number has at most 15 digits (E.164): written with spaces and brackets it fits in 22
# characters, and the shape is bounded to that. An unbounded shape matched a whole run of digits and
# spaces, which the parser then read at once: seconds for "07700 " * 16666.
_PHONE_SHAPE = regex.compile(r"(?:\+|\b0)[\d\s().-]{8,20}\d")
# Text either side of a phone-shaped run that the parser also reads ("tel.", an extension).
_PHONE_MARGIN = 24
# The parser reads at most this many distinct stretches of one text (about 0.5 ms each at worst). The
# same stretch repeated is read once: a run of one number repeated costs one parse.
MAX_PHONE_STRETCHES = 100
_BREAKS = " \n\t"


def _stretches_with(text: str, char: str) -> list[tuple[int, int]]:
    """The stretches between spaces, tabs or line breaks that contain `char`, in order. An email
    address lies within one, so a long post with a few @ is not scanned word by word."""
    stretches: list[tuple[int, int]] = []
    at = text.find(char)
    while at != -1:
        start = max(text.rfind(b, 0, at) for b in _BREAKS) + 1
        ends = [e for e in (text.find(b, at) for b in _BREAKS) if e != -1]
        end = min(ends) if ends else len(text)
        stretches.append((start, end))
        at = text.find(char, end)
    return stretches


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(map(operator.mul, map(int, digits[:9]), range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_candidates(text: str, memo: dict | None) -> tuple[tuple[int, int, bool], ...]:
    """Every NHS number in the text as (start, end, written 3-3-4), found once per check (`memo` is
    the check's own scratch dict) for both detectors that read them. The candidates are collected first and checked after: the regex timeout counts
    the time spent between matches too. Each distinct ten digits are checked once."""
    if memo is not None and "nhs-candidates" in memo:
        return memo["nhs-candidates"]
    candidates = [(m.span(), m.groups()) for m in _NHS.finditer(text, timeout=_TIMEOUT)]
    valid: dict[str, bool] = {}
    found = []
    for (start, end), groups in candidates:
        digits = "".join(groups)
        ok = valid.get(digits)
        if ok is None:
            ok = valid[digits] = digits[0] != "0" and len(set(digits)) > 1 and _nhs_check_digit_ok(digits)
        if ok:
            found.append((start, end, end - start > 10))
    if memo is not None:
        memo["nhs-candidates"] = tuple(found)
    return tuple(found)


def nhs_numbers(text: str, grouped_only: bool = False, *, deadline: float | None = None,
                memo: dict | None = None) -> list[Span]:
    """Ten digits with a valid check digit. NHS numbers never start with 0 (that is a phone number).
    `grouped_only` keeps those written 3-3-4, the NHS's own layout, which other ten-digit numbers
    (order numbers, references) rarely copy."""
    return [(start, end) for start, end, grouped in _nhs_candidates(text, memo) if grouped or not grouped_only]


def ni_numbers(text: str, *, deadline: float | None = None, memo: dict | None = None) -> list[Span]:
    return [m.span() for m in _NI.finditer(text, timeout=_TIMEOUT)]


def _national_to_e164(prefix: str, region: str) -> str:
    """'020 8489' in the GB region becomes '+44208489': a prefix written as people write numbers."""
    digits = "".join(ch for ch in prefix if ch.isdigit() or ch == "+")
    if digits.startswith("+"):
        return digits
    trunk = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix or ""
    if trunk and digits.startswith(trunk):
        digits = digits[len(trunk):]
    return f"+{phonenumbers.country_code_for_region(region)}{digits}"


def build_detectors(org: Organisation) -> dict[str, Detector]:
    """The detectors rule files may name, bound to this organisation's published contact details."""
    official_numbers = set()
    for number in org.phone_numbers:
        try:
            parsed = phonenumbers.parse(number, org.phone_region)
        except phonenumbers.NumberParseException:
            continue
        official_numbers.add(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    # A published range ("020 8489"): any number in it is the organisation's own line.
    official_prefixes = tuple("+" + "".join(ch for ch in _national_to_e164(p, org.phone_region) if ch.isdigit())
                              for p in org.phone_prefixes)
    official_domains = tuple(d.lower().lstrip("@") for d in org.email_domains)
    official_addresses = {a.lower() for a in org.email_addresses}
    office_text = [a.lower() for a in org.addresses]

    def personal_numbers_in(stretch: str) -> list[Span]:
        found = []
        for match in phonenumbers.PhoneNumberMatcher(stretch, org.phone_region, leniency=phonenumbers.Leniency.POSSIBLE):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if (e164 in official_numbers or e164.startswith(official_prefixes)
                    or phonenumbers.number_type(match.number) in _SERVICE_NUMBER_TYPES):
                continue
            found.append((match.start, match.end))
        return found

    def phone_numbers(text: str, *, deadline: float | None = None, memo: dict | None = None) -> list[Span]:
        # The parser is slow: it reads only around phone-shaped runs (most posts have none), each run
        # bounded in length, each distinct stretch once, and at most MAX_PHONE_STRETCHES of them. Of
        # what it finds in a stretch, only numbers overlapping the stretch's own run count: the margins
        # may cut a neighbouring number short, and that number has a stretch of its own.
        parsed: dict[tuple[str, int, int], list[Span]] = {}
        spans: set[Span] = set()
        # The shapes are collected first: the regex timeout would count the parsing between matches.
        for shape_start, shape_end in [m.span() for m in _PHONE_SHAPE.finditer(text, timeout=_TIMEOUT)]:
            low = max(0, shape_start - _PHONE_MARGIN)
            key = (text[low:shape_end + _PHONE_MARGIN], shape_start - low, shape_end - low)
            found = parsed.get(key)
            if found is None:
                if len(parsed) == MAX_PHONE_STRETCHES or (deadline is not None and time.monotonic() > deadline):
                    if spans:
                        break  # the rule fires on what was found; more would only add underlines
                    raise DetectorUnfinished(f"phone-number: stopped after {len(parsed)} distinct stretches")
                stretch, run_start, run_end = key
                found = parsed[key] = [(start, end) for start, end in personal_numbers_in(stretch)
                                       if start < run_end and end > run_start]
            spans.update((low + start, low + end) for start, end in found)
        return sorted(spans)

    def email_addresses(text: str, *, deadline: float | None = None, memo: dict | None = None) -> list[Span]:
        spans = []
        for low, high in _stretches_with(text, "@"):
            for m in _EMAIL.finditer(text, low, high, timeout=_TIMEOUT):
                domain = m.group(1).lower()
                address = m.group(0).lower()
                if address in official_addresses:
                    continue
                if any(domain == d or domain.endswith("." + d) for d in official_domains):
                    continue
                spans.append(m.span())
        return spans

    def _not_an_office(text: str, spans: list[Span]) -> list[Span]:
        kept = []
        for start, end in spans:
            found = text[start:end].lower()
            if not any(found in office or office in found for office in office_text):
                kept.append((start, end))
        return kept

    def street_addresses(text: str, *, deadline: float | None = None, memo: dict | None = None) -> list[Span]:
        return _not_an_office(text, [m.span() for m in _STREET_ADDRESS.finditer(text, timeout=_TIMEOUT)])

    def postcodes(text: str, *, deadline: float | None = None, memo: dict | None = None) -> list[Span]:
        return _not_an_office(text, [m.span() for m in _POSTCODE.finditer(text, timeout=_TIMEOUT)])

    return {
        "phone-number": phone_numbers,
        "email-address": email_addresses,
        "nhs-number": nhs_numbers,
        "nhs-number-grouped": lambda text, **reading: nhs_numbers(text, grouped_only=True, **reading),
        "ni-number": ni_numbers,
        "street-address": street_addresses,
        "postcode": postcodes,
    }
