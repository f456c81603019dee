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

import json
import subprocess
import sys

import pytest
from selenium.webdriver.common.by import By

from tests.accessibility.conftest import (
    COMMAND_TIMEOUT,
    MANAGE_PY,
    REPO_ROOT,
    AxeBrowser,
    PageAudit,
)
from tests.accessibility.seed_accounts import CITIZEN_EMAIL
from tests.accessibility.test_axe import _problems, _report
from tests.accessibility.test_axe_logged_in import _as_citizen

pytestmark = pytest.mark.browser

SERVICE = "hund-anmelden"


def seed() -> None:
    """Print the ids the browser test needs as JSON (idempotent per database)."""
    import datetime as dt

    from django.utils import timezone

    from rathaus.accounts.models import User
    from rathaus.applications.drafts import draft_start
    from rathaus.applications.models import DocumentRequest, StatusChange, Submission
    from rathaus.catalog.models import LocalService
    from rathaus.organisations.selectors import Principal

    citizen = User.objects.get(email=CITIZEN_EMAIL)
    offer = (
        LocalService.objects.select_related("municipality", "responsible_office")
        .filter(service__slug=SERVICE, online_available=True)
        .order_by("municipality__slug")
        .first()
    )
    assert offer is not None, f"the demo data has no offer of {SERVICE}"
    draft = draft_start(offer=offer, principal=Principal(user=citizen))
    now = timezone.now()
    submission = Submission.objects.create(
        reference=f"A11Y-{now:%H%M%S%f}",
        form=draft.form,
        schema_version=draft.form.version,
        service=offer.service,
        municipality=offer.municipality,
        office=offer.responsible_office,
        applicant=citizen,
        data={},
        submitted_at=now,
        status=Submission.Status.QUERY,
        status_changed_at=now,
    )
    StatusChange.objects.create(submission=submission, status=Submission.Status.SUBMITTED)
    StatusChange.objects.create(
        submission=submission,
        status=Submission.Status.QUERY,
        note="Bitte reichen Sie den Nachweis der Haftpflichtversicherung nach.",
    )
    DocumentRequest.objects.create(
        submission=submission,
        message="Nachweis der Hundehaftpflichtversicherung",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    steps = [step["id"] for step in draft.form.ui["steps"]]
    print(
        json.dumps(
            {
                "draft": str(draft.pk),
                "steps": steps,
                "submission": str(submission.pk),
                "municipality": offer.municipality.slug,
            }
        )
    )


@pytest.fixture(scope="module")
def seeded(demo_environment: dict[str, str], demo_server: str) -> dict[str, object]:
    result = subprocess.run(
        [
            sys.executable,
            str(MANAGE_PY),
            "shell",
            "-c",
            "from tests.accessibility.test_axe_applications import seed; seed()",
        ],
        cwd=REPO_ROOT,
        env=demo_environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"seed failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


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
