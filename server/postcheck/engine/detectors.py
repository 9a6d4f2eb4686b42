"""Detectors for personal data that a word list cannot describe: they parse and validate.

Each detector is built with the organisation's own published facts, so the council's switchboard, its
mailboxes and its office addresses are never reported as someone's personal data.
"""
from __future__ import annotations

from typing import Callable

import phonenumbers
import regex

from postcheck.engine.organisation import Organisation
from postcheck.engine.windows import merge_intervals

Span = tuple[int, int]
Detector = Callable[[str], list[Span]]

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
_PHONE_SHAPE = regex.compile(r"(?:\+|\b0)[\d\s().-]{8,}\d")
# Text either side of a phone-shaped run that the parser also reads ("tel.", an extension).
_PHONE_MARGIN = 24
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
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_numbers(text: str, grouped_only: bool = False) -> list[Span]:
    """Ten digits with a valid check digit. NHS numbers never start with 0 (that is a phone number).
    `grouped_only` keeps those written 3-3-4, the NHS's own layout, which other ten-digit numbers
    (order numbers, references) rarely copy."""
    spans = []
    for m in _NHS.finditer(text, timeout=_TIMEOUT):
        digits = "".join(m.groups())
        if grouped_only and len(m.group(0)) == 10:
            continue
        if digits[0] != "0" and len(set(digits)) > 1 and _nhs_check_digit_ok(digits):
            spans.append(m.span())
    return spans


def ni_numbers(text: str) -> list[Span]:
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

    def phone_numbers(text: str) -> list[Span]:
        # The parser is slow: it reads only around phone-shaped runs, and most posts have none.
        shapes = [(max(0, m.start() - _PHONE_MARGIN), m.end() + _PHONE_MARGIN)
                  for m in _PHONE_SHAPE.finditer(text, timeout=_TIMEOUT)]
        spans = []
        for low, high in merge_intervals(shapes):
            for match in phonenumbers.PhoneNumberMatcher(text[low:high], org.phone_region,
                                                         leniency=phonenumbers.Leniency.POSSIBLE):
                e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
                if (e164 in official_numbers or e164.startswith(official_prefixes)
                        or phonenumbers.number_type(match.number) in _SERVICE_NUMBER_TYPES):
                    continue
                spans.append((low + match.start, low + match.end))
        return spans

    def email_addresses(text: str) -> list[Span]:
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

    def street_addresses(text: str) -> list[Span]:
        return _not_an_office(text, [m.span() for m in _STREET_ADDRESS.finditer(text, timeout=_TIMEOUT)])

    def postcodes(text: str) -> list[Span]:
        return _not_an_office(text, [m.span() for m in _POSTCODE.finditer(text, timeout=_TIMEOUT)])

    return {
        "phone-number": phone_numbers,
        "email-address": email_addresses,
        "nhs-number": nhs_numbers,
        "nhs-number-grouped": lambda text: nhs_numbers(text, grouped_only=True),
        "ni-number": ni_numbers,
        "street-address": street_addresses,
        "postcode": postcodes,
    }
