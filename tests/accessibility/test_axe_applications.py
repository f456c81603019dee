"""Accessibility of the online application (/antraege/): every step of a real demo form, an
error state, proofs, check, declarations, fee, confirmation, 'Mein Bereich' and the status
page with an open request for documents; German, and English for a sample.

Same harness as test_axe_logged_in.py (demo server, headless Chromium, axe-core with the WCAG
2.1 A/AA tags, `<html lang>` and console/CSP check). `seed()` below runs in the demo server's
environment (`manage.py shell`) and prepares for the seeded citizen: a draft of the demo form
"Hund anmelden" (started through `draft_start`, so prefilled from the profile) and a submitted
application (written directly: filling the whole demo form in the browser is not the subject
here) with a status history and an open request for documents.
"""

import pytest
from selenium.webdriver.common.by import By

from tests.accessibility.application_seed import SERVICE
from tests.accessibility.conftest import AxeBrowser, PageAudit
from tests.accessibility.test_axe import _problems, _report
from tests.accessibility.test_axe_logged_in import _as_citizen

pytestmark = pytest.mark.browser


def _click(browser: AxeBrowser, selector: str) -> None:
    browser.submit(browser.driver.find_element(By.CSS_SELECTOR, selector))


def test_application_pages_have_no_violations(browser: AxeBrowser, seeded: dict) -> None:
    _as_citizen(browser)
    draft, submission = seeded["draft"], seeded["submission"]
    audits: list[PageAudit] = []
    start = f"/antraege/neu/{seeded['municipality']}/{SERVICE}/"
    audits.append(browser.audit(start, language="de"))
    for step in seeded["steps"]:
        audits.append(browser.audit(f"/antraege/{draft}/schritt/{step}/", language="de"))
    # Error state: the first step sent empty (the demo form has required fields).
    browser.open(f"/antraege/{draft}/schritt/{seeded['steps'][0]}/", language="de")
    for element in browser.driver.find_elements(
        By.CSS_SELECTOR, ".application-form input.kern-form-input__input"
    ):
        element.clear()
    _click(browser, "button[value=next]")
    error_page = browser.audit_current(language="de")
    assert browser.driver.find_elements(By.ID, "error-summary"), browser.driver.current_url
    audits.append(error_page)
    for page in ("nachweise", "pruefen", "erklaerungen", "gebuehr", "loeschen"):
        audits.append(browser.audit(f"/antraege/{draft}/{page}/", language="de"))
    # Declarations sent without ticking: the error state.
    browser.open(f"/antraege/{draft}/erklaerungen/", language="de")
    _click(browser, "form.kern-stack button[type=submit]")
    audits.append(browser.audit_current(language="de"))
    audits.append(browser.audit("/antraege/", language="de"))
    audits.append(browser.audit(f"/antraege/eingereicht/{submission}/", language="de"))
    audits.append(browser.audit(f"/antraege/vorgang/{submission}/", language="de"))
    # Uploading for the request for documents without a file: the status page's error state.
    _click(browser, ".document-request button[value=upload]")
    audits.append(browser.audit_current(language="de"))
    for path in (
        "/antraege/",
        f"/antraege/{draft}/schritt/{seeded['steps'][0]}/",
        f"/antraege/{draft}/pruefen/",
        f"/antraege/vorgang/{submission}/",
    ):
        audits.append(browser.audit(path, language="en"))
    assert not _problems(audits), _report(f"{len(audits)} application pages", audits)
