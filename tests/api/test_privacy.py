"""The text of a draft is personal data: it must not reach any log line, at any level."""
import logging

from tests.conftest import post_check

MARKER = "QX7-unique-draft-marker-9931"


def test_draft_text_appears_in_no_log_line(client, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    caplog.set_level(logging.DEBUG, logger="postcheck")  # ours sets its own level
    texts = [f"{MARKER} fuck", f"ring {MARKER} on 07700 900123", f"Cllr {MARKER}", MARKER]
    for text in texts:
        post_check(client, text=text, at="2026-04-20T10:00:00+01:00")
    client.post("/api/v1/check", json={"text": MARKER, "at": MARKER})   # an error path too
    client.post("/api/v1/check", data=MARKER, content_type="text/plain")
    assert caplog.records, "the access log should have written something"
    for record in caplog.records:
        assert MARKER not in record.getMessage()
        assert MARKER not in str(record.args)
