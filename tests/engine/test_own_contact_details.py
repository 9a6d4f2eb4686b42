"""Issue 18: a number or address the post says is the author's own ("call me on", "my number is",
"email me at") gets one low-severity warning of its own, not the high "someone's phone number" one;
someone else's number or address stays high. The full answer is checked (the rules and the learned
model together), through the HTTP API, as the extension sees it."""
import pytest

from postcheck.services import services
from tests.conftest import post_check, utf16_slice

OUTSIDE = "2026-09-15T10:00:00+01:00"  # outside any pre-election period
OWN_PHONE, OWN_EMAIL = "personal-data.own-phone-number", "personal-data.own-email-address"
PHONE, EMAIL = "personal-data.phone-number", "personal-data.email-address"
OWN_PHONE_MESSAGE = "This looks like your own number: posting it publicly shares it with everyone who sees the post."
OWN_EMAIL_MESSAGE = ("This looks like your own email address: posting it publicly shares it with everyone who sees "
                     "the post.")

OWN_NUMBERS = [
    ("Call me on 07700 900123", "07700 900123"),
    ("My number is 07700 900123, message any time", "07700 900123"),
    ("my number's 07700900123 x", "07700900123"),
    ("Text me on 07700 900123 if you want the spare tickets", "07700 900123"),
    ("Ring me on 07700 900123 after 6", "07700 900123"),
    ("DM me or text 07700 900123", "07700 900123"),
    ("WhatsApp me on +44 7700 900123", "+44 7700 900123"),
    ("my mobile: 07700 900123", "07700 900123"),
    ("Give me a ring on (020) 7946 0321 tomorrow", "(020) 7946 0321"),
    ("07700 900123 is my mobile if anyone needs a lift", "07700 900123"),
    ("If you see him, call me on 07700 900123", "07700 900123"),  # "call me on" is right before it: mine
]
OWN_ADDRESSES = [
    ("Email me at jo.bloggs@example.com", "jo.bloggs@example.com"),
    ("My email is jo.bloggs@example.com", "jo.bloggs@example.com"),
    ("DM me or email jo.bloggs@example.com", "jo.bloggs@example.com"),
    ("Drop me an email: jo.bloggs@example.com", "jo.bloggs@example.com"),
    ("jo.bloggs@example.com is my personal email", "jo.bloggs@example.com"),
]
# Someone else's: the context words are there, but not about the number next to them.
SOMEONE_ELSES = [
    ("Call me if you see him, he's on 07700 900123", PHONE, "07700 900123"),
    ("My mum's number is 07700 900123", PHONE, "07700 900123"),
    ("she's on 07700 900123 if anyone wants a chat", PHONE, "07700 900123"),
    ("Text me, or ring his mobile on 07700 900123", PHONE, "07700 900123"),
    ("Call me or my brother on 07700 900123", PHONE, "07700 900123"),
    ("Text me at 6pm, she's on 07700 900123", PHONE, "07700 900123"),
    ("email her at jo.bloggs83@gmail.com", EMAIL, "jo.bloggs83@gmail.com"),
    ("My colleague's email is jo.bloggs@example.com", EMAIL, "jo.bloggs@example.com"),
]


def personal_data(client, text):
    """The answer's personal-data warnings as (rule, severity, message, underlined words)."""
    answer = post_check(client, text=text, at=OUTSIDE)
    return [(w["rule"], w["severity"], w["message"], [utf16_slice(text, s["start"], s["end"]) for s in w["spans"]])
            for w in answer["warnings"] if w["category"] == "personal-data"]


def loaded_rule(app, rule_id):
    with app.app_context():
        return services().rules.current.rule(rule_id)


@pytest.mark.parametrize("rule_id, message", [(OWN_PHONE, OWN_PHONE_MESSAGE), (OWN_EMAIL, OWN_EMAIL_MESSAGE)])
def test_the_own_contact_rules_are_low_for_every_account(app, rule_id, message):
    rule = loaded_rule(app, rule_id)
    assert rule is not None and rule.enabled
    assert dict(rule.severity) == {"personal": "low", "council": "low"}
    assert rule.message == message


@pytest.mark.parametrize("text, number", OWN_NUMBERS)
def test_an_own_number_gets_one_low_warning_and_no_high_one(client, text, number):
    assert personal_data(client, text) == [(OWN_PHONE, "low", OWN_PHONE_MESSAGE, [number])]


@pytest.mark.parametrize("text, address", OWN_ADDRESSES)
def test_an_own_address_gets_one_low_warning_and_no_high_one(client, text, address):
    assert personal_data(client, text) == [(OWN_EMAIL, "low", OWN_EMAIL_MESSAGE, [address])]


@pytest.mark.parametrize("text, rule_id, found", SOMEONE_ELSES)
def test_someone_elses_number_or_address_stays_high(app, client, text, rule_id, found):
    # The low rules are in force, so their silence here is theirs, not their absence.
    assert loaded_rule(app, OWN_PHONE) is not None and loaded_rule(app, OWN_EMAIL) is not None
    warnings = personal_data(client, text)
    assert [(rule, severity, marks) for rule, severity, _message, marks in warnings] == [(rule_id, "high", [found])]


@pytest.mark.parametrize("text, own_rule, mine, high_rule, theirs", [
    ("Call me on 07700 900111 or my husband on 07700 900222", OWN_PHONE, "07700 900111", PHONE, "07700 900222"),
    ("His number is 07700 900111, my number is 07700 900222", OWN_PHONE, "07700 900222", PHONE, "07700 900111"),
    ("Her email is jo.bloggs@example.com, my email is sam@example.com", OWN_EMAIL, "sam@example.com",
     EMAIL, "jo.bloggs@example.com"),
])
def test_own_and_someone_elses_in_one_post_are_each_warned_once(app, client, text, own_rule, mine, high_rule, theirs):
    assert loaded_rule(app, own_rule) is not None
    warnings = {rule: (severity, marks) for rule, severity, _message, marks in personal_data(client, text)}
    assert warnings == {own_rule: ("low", [mine]), high_rule: ("high", [theirs])}


@pytest.mark.parametrize("text", [t for t, _n in OWN_NUMBERS + OWN_ADDRESSES] + [t for t, _r, _f in SOMEONE_ELSES])
def test_the_low_and_the_high_warning_never_underline_the_same_words(app, client, text):
    assert loaded_rule(app, OWN_PHONE) is not None and loaded_rule(app, OWN_EMAIL) is not None
    underlined = [tuple(marks) for _rule, _severity, _message, marks in personal_data(client, text)]
    assert len(underlined) == 1, underlined  # one warning per number here: low or high, never both


@pytest.mark.parametrize("text", [
    "Call me on 020 8489 1000",                       # the council's switchboard: published, not personal
    "Email me at webcommunications@haringey.gov.uk",  # a council mailbox
    "Text me when you're there, I'll be at the gate from 6",
])
def test_published_contacts_and_no_contact_details_pass(app, client, text):
    assert loaded_rule(app, OWN_PHONE) is not None and loaded_rule(app, OWN_EMAIL) is not None
    assert personal_data(client, text) == []
