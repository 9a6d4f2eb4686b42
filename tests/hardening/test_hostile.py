"""Hostile drafts of the largest accepted size are answered (200), not a 5xx and not a hang. How fast
belongs to the benchmarks in bench/, not here."""
import pytest

HOSTILE = {
    "one letter": "a" * 100_000,
    "at signs": "@" * 100_000,
    "Cllr repeated": ("Cllr " * 20_000)[:100_000],
    "emoji with ZWJ": ("👩‍👩‍👧" * 20_000)[:100_000],
    "digits": ("0770 " * 20_000)[:100_000],
    "nested brackets": (("((((" + "a" * 92 + "))))") * 1000)[:100_000],
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_100000_character_draft_is_answered(client, text):
    assert len(text) == 100_000
    response = client.post("/api/v1/check", json={"text": text, "at": "2026-04-20T10:00:00+01:00"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    for warning in response.get_json()["warnings"]:
        assert all(0 <= s["start"] < s["end"] <= len(text.encode("utf-16-le")) // 2 for s in warning["spans"])
