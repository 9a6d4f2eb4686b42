"""The welcome page (issue 20, item 10): the badge, an underline and the dialog in pictures, the
organisation named, and a truthful account of what a "warning is wrong" report sends (the comment)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_welcome_page_shows_the_pictures_names_the_organisation_and_says_what_is_sent(launch):
    browser = launch(organisationName="Haringey Council")
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/src/welcome/welcome.html")
    page.wait_for_function("() => document.querySelector('#intro').textContent.includes('Haringey Council')")
    images = page.evaluate("""() => [...document.querySelectorAll('figure img')].map(i => ({
        src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0, alt: i.alt}))""")
    assert [i["src"] for i in images] == ["welcome-badge.png", "welcome-underline.png", "welcome-dialog.png"]
    assert all(i["loaded"] and i["alt"] for i in images), images
    assert page.locator('[data-part="organisation"]').inner_text() == "Set up for you by Haringey Council"
    report = page.locator("#wrong-report").inner_text()
    assert "the comment you typed" in report and "Haringey Council\u2019s postcheck server" in report
    assert "only counts of which warnings were shown" not in page.locator("main").inner_text()
