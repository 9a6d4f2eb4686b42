"""Names and free text a person types and the server keeps refuse control characters (Unicode Cc) and
the bidirectional embeddings, overrides and isolates, on every path: the JSON API, the CSV import,
the /admin forms, the Democracy Club import and the token command. Tab and line breaks pass only in
the fields that have lines (notes, a feedback comment). Ordinary names in any script still pass."""
from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import jsonschema_rs
import pytest

from postcheck.api.fields import MULTI_LINE_PATTERN, ONE_LINE_PATTERN, text_problem
from postcheck.cli import main as cli
from postcheck.limits import limiter
from tests.admin.conftest import admin_app, client, signed_in, token  # noqa: F401  (fixtures)
from tests.admin.helpers import field_error, post_form
from tests.hardening.helpers import dump_database, openapi_document

# Each refused value carries this marker, so a dump of the database shows whether any of it was kept.
MARK = "Qzvx"
REFUSED = {"escape": "\x1b", "bell": "\x07", "right-to-left override": "\u202e", "left-to-right isolate": "\u2066"}
GOOD_NAMES = ["Siân Lloyd-Jones", "Seán O'Brien", "Zoë Okonjo 🌹", "Cyngor Sir Ynys Môn", "عمران خان",
              "Plaid Cymru – Y Blaid", "Aelod Cabinet dros Addysg"]
FIXTURES = Path(__file__).resolve().parents[1] / "elections" / "fixtures"


def bad(char: str) -> str:
    return f"{MARK} Jo{char}Bloggs"


def _store(app):
    return app.extensions["postcheck"].store


def _nothing_kept(app):
    assert MARK not in dump_database(_store(app)), "a refused value reached the database"


def _refused(response, field: str):
    body = response.get_json()
    assert response.status_code == 422, (field, body)
    assert re.search(rf"(^|; |: ){re.escape(field)}(\.\d+)?: ", body["message"]), body["message"]
    assert "U+" in body["message"], body["message"]  # the character is invisible: the message names its code


# --- The rule itself ----------------------------------------------------------------------------

BIDI_CONTROLS = {*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def test_the_rule_refuses_exactly_category_cc_and_the_direction_controls():
    for code in (c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF):
        char = chr(code)
        refused = unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS
        assert (text_problem(f"a{char}b") is not None) == refused, f"U+{code:04X} in one line"
        assert (text_problem(f"a{char}b", multiline=True) is not None) == (refused and char not in "\t\n\r"), \
            f"U+{code:04X} in lines"


def test_the_documented_patterns_read_as_the_server_does_in_ecma_262():
    one_line = jsonschema_rs.validator_for({"type": "string", "pattern": ONE_LINE_PATTERN}).is_valid
    lines = jsonschema_rs.validator_for({"type": "string", "pattern": MULTI_LINE_PATTERN}).is_valid
    for code in [*range(0x3000), *range(0xFE00, 0xFFFF), 0x1F339, 0x10FFFF]:  # controls, scripts, emoji
        if 0xD800 <= code <= 0xDFFF:
            continue
        value = f"a{chr(code)}b"
        assert one_line(value) == (text_problem(value) is None), f"U+{code:04X}"
        assert lines(value) == (text_problem(value, multiline=True) is None), f"U+{code:04X}"
    assert not one_line("ab\n"), "ECMA's $ is the end of the text, not before a last line break"


# --- The JSON API -------------------------------------------------------------------------------

# (collection path, a valid body, the fields to spoil one at a time; list fields take a list)
RECORDS = [
    ("/api/v1/roster/parties", {"name": "Haringey First"}, ["name", "aliases", "hashtags", "slogans"]),
    ("/api/v1/roster/people", {"name": "Sam Lee"}, ["name", "party", "ward", "aliases", "handles", "roles"]),
    ("/api/v1/roster/roles", {"name": "Chair of Planning"}, ["name"]),
    ("/api/v1/elections", {"name": "Noel Park by-election", "kind": "local", "poll_date": "2030-05-02",
                           "scope": ["Noel Park"]}, ["name", "notes", "scope"]),
    ("/api/v1/non-working-days", {"day": "2030-06-03", "name": "Day of mourning"}, ["name"]),
]
LIST_FIELDS = {"aliases", "hashtags", "slogans", "handles", "roles", "scope"}


def _spoil(body: dict, field: str, value: str) -> dict:
    return {**body, field: [value] if field in LIST_FIELDS else value}


# Each character is tried in one test per record, on one app: an app on a database of its own costs more
# than all the requests made here (it was one test for each character, 152 apps).
@pytest.mark.parametrize(("path", "body", "fields"), RECORDS, ids=[r[0].rsplit("/", 1)[-1] for r in RECORDS])
def test_api_create_refuses_each_field(store_app, api, comms, path, body, fields):
    for char in REFUSED.values():
        for field in fields:
            _refused(api.post(path, json=_spoil(body, field, bad(char)), headers=comms), field)
    _nothing_kept(store_app)


UPDATABLE = [r for r in RECORDS if "non-working-days" not in r[0]]  # a non-working day is added or removed


@pytest.mark.parametrize(("path", "body", "fields"), UPDATABLE, ids=[r[0].rsplit("/", 1)[-1] for r in UPDATABLE])
def test_api_update_refuses_each_field(store_app, api, comms, path, body, fields):
    created = api.post(path, json=body, headers=comms)
    assert created.status_code == 201, created.get_json()
    location = created.headers["Location"]
    etag = api.get(location, headers=comms).headers["ETag"]
    for char in REFUSED.values():
        for field in fields:
            _refused(api.patch(location, json=_spoil({}, field, bad(char)), headers={**comms, "If-Match": etag}), field)
    assert api.get(location, headers=comms).headers["ETag"] == etag, "a refused change changed the record"
    _nothing_kept(store_app)


@pytest.fixture()
def fresh_limits(store_app):
    limiter.reset()  # the limiter's counters are per process; start from zero
    yield


REPORT = {"rule": "offensive.strong-language", "category": "offensive", "outcome": "reported_wrong",
          "platform": "twitter", "account_type": "personal", "extension_version": "0.1.0"}


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_a_feedback_comment_refuses_control_characters(store_app, api, fresh_limits, char):
    _refused(api.post("/api/v1/feedback", json={**REPORT, "comment": bad(char)}), "comment")
    _nothing_kept(store_app)


@pytest.mark.parametrize("char", ["\t", "\n"], ids=["tab", "newline"])
def test_one_line_names_refuse_tab_and_newline(store_app, api, comms, char):
    for path, body, fields in RECORDS:
        for field in fields:
            if field in ("notes",):
                continue
            _refused(api.post(path, json=_spoil(body, field, bad(char)), headers=comms), field)
    _nothing_kept(store_app)


def test_multi_line_fields_keep_tab_and_line_breaks(api, comms, fresh_limits):
    notes = "Checked with Electoral Services.\n\tCount at Alexandra Palace.\r\nDeclaration by 02:00."
    created = api.post("/api/v1/elections", json={**RECORDS[3][1], "notes": notes}, headers=comms)
    assert created.status_code == 201, created.get_json()
    assert api.get(created.headers["Location"], headers=comms).get_json()["notes"] == notes
    comment = "It's a band name.\n\tThe Pogues, not a slur."
    assert api.post("/api/v1/feedback", json={**REPORT, "comment": comment}).status_code == 202
    summary = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    assert [c["comment"] for c in summary["comments"]] == [comment]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_ordinary_names_in_any_script_still_pass(api, comms, name):
    for path in ("/api/v1/roster/parties", "/api/v1/roster/roles"):
        created = api.post(path, json={"name": name}, headers=comms)
        assert created.status_code == 201, created.get_json()
        assert api.get(created.headers["Location"], headers=comms).get_json()["name"] == name
    person = api.post("/api/v1/roster/people", json={"name": name, "party": name, "ward": name, "aliases": [name],
                                                     "handles": ["@jo_bloggs"], "roles": [name]}, headers=comms)
    assert person.status_code == 201, person.get_json()
    assert person.get_json()["aliases"] == [name] and person.get_json()["ward"] == name
    # (not as a ward: the election's id is made from the ward's name, and a name without Latin letters has no id)
    election = api.post("/api/v1/elections", json={**RECORDS[3][1], "name": name, "notes": name}, headers=comms)
    assert election.status_code == 201, election.get_json()
    assert election.get_json()["name"] == name and election.get_json()["notes"] == name


# --- The CSV import (/api/v1/roster.csv) --------------------------------------------------------

CSV_HEADER = "type,name,kind,party,ward,aliases,handles,hashtags,slogans,roles\r\n"


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_the_csv_import_refuses_the_whole_file_naming_line_and_field(store_app, api, comms, char):
    rows = ["person,Maria Okonjo,councillor,Labour,Noel Park,,,,,\r\n",
            f"person,{bad(char)},councillor,Labour,Noel Park,,,,,\r\n",
            f"party,Haringey First,group,,,Cllr {bad(char)},,,,\r\n",
            f"role,{bad(char)},,,,,,,,\r\n"]
    for spoilt, (line, field) in zip(rows[1:], [(3, "name"), (3, "aliases"), (3, "name")]):
        response = api.post("/api/v1/roster.csv", data=CSV_HEADER + rows[0] + spoilt,
                            headers={**comms, "Content-Type": "text/csv"})
        message = response.get_json()["message"]
        assert response.status_code == 422, message
        assert f"line {line}: {field}" in message and "U+" in message, message
    _nothing_kept(store_app)
    assert "Maria Okonjo" not in dump_database(_store(store_app)), "the import is all or nothing"


def test_the_csv_import_keeps_ordinary_names(api, comms):
    rows = "".join(f"person,{name},councillor,Plaid Cymru,{name},{name},,,,\r\n" for name in GOOD_NAMES)
    response = api.post("/api/v1/roster.csv", data=CSV_HEADER + rows, headers={**comms, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.get_json()
    assert {p["name"] for p in api.get("/api/v1/roster/people", headers=comms).get_json()} == set(GOOD_NAMES)


# --- The Democracy Club import: a file saved from a browser, so it is checked the same way ---------

@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_the_everyelection_import_skips_an_election_with_control_characters(store_app, api, comms, char):
    data = json.loads((FIXTURES / "everyelection.json").read_text())
    by_election = next(r for r in data["results"] if r["election_id"] == "local.haringey.bruce-castle.by.2027-02-04")
    by_election["election_title"] = bad(char)
    response = api.post("/api/v1/elections/import/everyelection", json=data, headers=comms)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] == []
    reason = {s["election_id"]: s["reason"] for s in body["skipped"]}[by_election["election_id"]]
    assert "election_title" in reason and "U+" in reason
    by_election["election_title"] = "Bruce Castle by-election"
    by_election["division"]["name"] = bad(char)
    body = api.post("/api/v1/elections/import/everyelection", json=data, headers=comms).get_json()
    assert body["created"] == [] and "division" in {s["election_id"]: s["reason"] for s in body["skipped"]}[
        by_election["election_id"]]
    _nothing_kept(store_app)


# --- The OpenAPI document says it, so a client (or schemathesis) never sends what is refused -----

IN_SCHEMAS = {"Party": "name aliases hashtags slogans", "Person": "name party ward aliases handles roles",
              "Role": "name", "PartyPatch": "name aliases hashtags slogans",
              "PersonPatch": "name party ward aliases handles roles", "RolePatch": "name",
              "ElectionIn": "name notes", "ElectionPatch": "name notes", "NonWorkingDayIn": "name",
              "Feedback": "comment"}
MULTI_LINE = {"notes", "comment"}


def _document_patterns():
    schemas = openapi_document()["components"]["schemas"]
    for schema, names in IN_SCHEMAS.items():
        for name in names.split():
            prop = schemas[schema]["properties"][name]
            prop = prop.get("items", prop)
            yield f"{schema}.{name}", name, prop.get("pattern")


@pytest.mark.parametrize(("where", "name", "pattern"), list(_document_patterns()))
def test_the_document_gives_each_typed_field_the_pattern_the_server_applies(where, name, pattern):
    assert pattern, f"{where} has no pattern in the OpenAPI document"
    valid = jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid  # ECMA 262, as clients read it
    for char in REFUSED.values():
        assert not valid(bad(char)), f"{where}'s pattern admits {char!r}"
    for char in ("\t", "\n", "\r\n"):
        assert valid(f"a{char}b") == (name in MULTI_LINE), f"{where} and {char!r}"
    assert all(valid(n) for n in GOOD_NAMES)


# --- The /admin forms ----------------------------------------------------------------------------

CHANNEL = {"platform": "twitter", "handle": "@HaringeyYouth", "team": "Youth Services", "owner_name": "Priya Shah",
           "owner_contact": "priya.shah@haringey.gov.uk", "authorised_on": "", "authorised_by": "Head of Communications",
           "password_changed_on": "", "staff_with_access": "Priya Shah\nTom Reed", "notes": ""}
ELECTION = {"name": "Noel Park by-election", "kind": "local", "poll_date": "Thursday 4 February 2027",
            "scope": "Noel Park", "notes": "", "action": "save"}
# (the new-record page, a valid form, the fields to spoil one at a time)
FORMS = [
    ("/admin/roster/parties/new", {"name": "Haringey First", "kind": "group"},
     ["name", "aliases", "hashtags", "slogans"]),
    ("/admin/roster/people/new", {"name": "Sam Lee", "kind": "candidate"},
     ["name", "party", "ward", "aliases", "handles", "roles"]),
    ("/admin/roster/roles/new", {"name": "Chair of Planning"}, ["name"]),
    ("/admin/elections/new", ELECTION, ["name", "notes", "scope"]),
    ("/admin/channels/new", CHANNEL,
     ["team", "owner_name", "owner_contact", "authorised_by", "staff_with_access", "notes"]),
]


def _form_refused(response, field: str):
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:300]
    error = field_error(html, field)
    assert error and "U+" in error, f"{field}: {error!r}"  # the message names the character's code


@pytest.mark.parametrize(("page", "form", "fields"), FORMS, ids=[f[0].split("/")[-2] for f in FORMS])
def test_admin_forms_refuse_each_field_when_adding(admin_app, signed_in, page, form, fields):
    for char in REFUSED.values():
        for field in fields:
            _form_refused(post_form(signed_in, page, {**form, field: bad(char)}), field)
    _nothing_kept(admin_app)


def _revision(pages, path: str) -> str:
    return pages.get(path).get_data(as_text=True).split('name="revision" value="')[1].split('"')[0]


@pytest.mark.parametrize(("page", "form", "fields"), FORMS, ids=[f[0].split("/")[-2] for f in FORMS])
def test_admin_forms_refuse_each_field_when_editing(admin_app, signed_in, page, form, fields):
    section = page.rsplit("/", 1)[0]
    listing = section if section.count("/") == 2 else section.rsplit("/", 1)[0]

    def edit_links() -> set[str]:
        return set(re.findall(rf'href="({re.escape(section)}/[^"/]+/edit)"', signed_in.get(listing).get_data(as_text=True)))

    before = edit_links()
    created = post_form(signed_in, page, form)
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    (edit,) = edit_links() - before
    revision = _revision(signed_in, edit)
    for char in REFUSED.values():
        for field in fields:
            _form_refused(post_form(signed_in, edit, {**form, field: bad(char), "revision": revision}), field)
    assert _revision(signed_in, edit) == revision, "a refused change changed the record"
    _nothing_kept(admin_app)


def test_admin_forms_keep_tab_and_line_breaks_in_notes_and_ordinary_names(admin_app, signed_in):
    name = "Siân O'Brien 🌹"
    notes = "Authorised at SMT.\r\n\tReview in May."
    channel = post_form(signed_in, "/admin/channels/new", {**CHANNEL, "owner_name": name, "notes": notes})
    assert channel.status_code == 302
    election = post_form(signed_in, "/admin/elections/new", {**ELECTION, "name": "عمران خان Is-etholiad", "notes": notes})
    assert election.status_code == 302
    assert post_form(signed_in, "/admin/roster/people/new", {"name": name, "kind": "candidate",
                                                              "aliases": "Cyngor Sir Ynys Môn"}).status_code == 302
    refused = post_form(signed_in, "/admin/channels/new", {**CHANNEL, "handle": "@Other", "owner_name": "Priya\tShah"})
    _form_refused(refused, "owner_name")
    kept = dump_database(_store(admin_app))
    assert "'Authorised at SMT.\\r\\n\\tReview in May.'" in kept and name in kept and "عمران خان" in kept


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_the_admin_roster_import_rejects_the_row_and_applies_the_rest(admin_app, signed_in, char):
    text = CSV_HEADER + "person,Maria Okonjo,councillor,Labour,Noel Park,,,,,\r\n" + f"person,{bad(char)},councillor,,,,,,,\r\n"
    preview = post_form(signed_in, "/admin/roster/import", {"file": (io.BytesIO(text.encode()), "roster.csv"),
                                                           "action": "preview"},
                        page="/admin/roster/import", content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 row rejected" in html and "<td>3</td>" in html
    assert re.search(r"name: [^<]*U\+", html), "the rejected row does not say which field and why"
    applied = post_form(signed_in, "/admin/roster/import", {"csv": text, "action": "apply"}, page="/admin/roster/import")
    assert applied.status_code == 200 and "1 row rejected" in applied.get_data(as_text=True)
    _nothing_kept(admin_app)
    assert "Maria Okonjo" in dump_database(_store(admin_app))


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_the_admin_everyelection_import_skips_an_election_with_control_characters(admin_app, signed_in, char):
    data = json.loads((FIXTURES / "everyelection.json").read_text())
    for item in data["results"]:
        item["election_title"] = bad(char)
    response = post_form(signed_in, "/admin/elections/import",
                         {"file": (io.BytesIO(json.dumps(data).encode()), "elections.json")},
                         content_type="multipart/form-data")
    assert response.status_code == 200 and "U+" in response.get_data(as_text=True)
    _nothing_kept(admin_app)


# --- Tokens' names (made only with the command) ---------------------------------------------------

@pytest.mark.parametrize("char", [*REFUSED.values(), "\n"], ids=[*REFUSED.keys(), "newline"])
def test_a_token_name_with_control_characters_is_refused(store_app, char):
    result = store_app.test_cli_runner().invoke(cli, ["tokens", "create", "--role", "comms", "--name", bad(char)])
    assert result.exit_code != 0 and "--name" in result.output and "U+" in result.output, result.output
    _nothing_kept(store_app)
    good = store_app.test_cli_runner().invoke(cli, ["tokens", "create", "--role", "comms", "--name", "Siân O'Brien, Press"])
    assert good.exit_code == 0, good.output


# A lone UTF-16 surrogate ("\ud800" in JSON) is no character at all, and no database can keep it: it was
# a 500 on every stored field. Refused like a control character (the documented pattern leaves it out:
# JavaScript would then refuse every emoji).
@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff"], ids=["high", "low"])
def test_a_lone_surrogate_in_a_stored_field_is_refused_not_a_500(store_app, api, comms, fresh_limits, surrogate):
    _refused(api.post("/api/v1/roster/roles", json={"name": f"Chair {surrogate}{MARK}"}, headers=comms), "name")
    _refused(api.post("/api/v1/feedback", json={**REPORT, "comment": f"wrong {surrogate}{MARK}"}), "comment")
    _nothing_kept(store_app)
    paired = json.loads('"a \\ud83d\\ude00 b"')  # JSON's escaped surrogate pair is one emoji
    assert paired == "a \U0001F600 b" and text_problem(paired) is None
