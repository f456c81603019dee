"""The demo eID provider of `make run` (rathaus.demo.eid) lets the demo citizen reach the levels
"substantial" and "high", so that services like Gewerbe anmelden can be started; without any
provider the step-up page is no dead end: it leads back and to the office.
"""

import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import werkzeug.serving
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rathaus.applications.models import Draft
from rathaus.catalog.models import LocalService
from rathaus.demo import eid
from rathaus.demo.accounts import CITIZEN_EMAIL, CITIZEN_PASSWORD
from rathaus.federation.models import ExternalIdentity
from rathaus.federation.selectors import SESSION_TRUST_KEY

pytestmark = pytest.mark.django_db

GEWERBE_START = "/konto/leistung/gewerbe-anmelden/starten/?gemeinde=dueren"


@pytest.fixture(scope="module")
def demo_eid_url() -> Iterator[str]:
    """The demo provider exactly as `bin/run-local` serves it, on a free loopback port."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, eid.provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(2)
        server.server_close()


@pytest.fixture
def demo_eid(demo_eid_url, settings):
    settings.RATHAUS_IDENTITY_PROVIDERS = [eid.provider_config(demo_eid_url)]
    cache.clear()  # the provider's discovery document is cached by issuer
    yield demo_eid_url
    cache.clear()


@pytest.fixture
def citizen_browser(demo_data) -> Client:
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": CITIZEN_EMAIL, "password": CITIZEN_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return browser


@pytest.mark.parametrize(
    ("subject", "level"),
    [(eid.SUBJECT_SUBSTANTIAL, "substantial"), (eid.SUBJECT_HIGH, "high")],
)
def test_demo_citizen_starts_gewerbe_anmelden_through_the_demo_eid(
    demo_eid, citizen_browser, subject, level
):
    browser = citizen_browser
    response = browser.get(GEWERBE_START)
    assert response.status_code == 302
    step_up = urlsplit(response["Location"])
    assert parse_qs(step_up.query) == {"level": ["substantial"], "next": [GEWERBE_START]}
    page = browser.get(response["Location"]).content.decode()
    assert eid.PROVIDER_LABEL in page

    # The button on the step-up page: off to the provider, which offers both identities.
    start = browser.post(
        reverse("federation:begin", args=[eid.PROVIDER_KEY]),
        {"purpose": "step_up", "level": "substantial", "next": GEWERBE_START},
    )
    assert start["Location"].startswith(f"{demo_eid}/oauth2/authorize?")
    login_page = requests.get(start["Location"], timeout=5).text
    assert eid.SUBJECT_SUBSTANTIAL in login_page and eid.SUBJECT_HIGH in login_page
    answer = requests.post(
        start["Location"], data={"sub": subject}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302, answer.text

    back = browser.get(answer.headers["Location"])
    assert back.status_code == 302 and back["Location"] == GEWERBE_START
    assert browser.session[SESSION_TRUST_KEY]["level"] == level
    identity = ExternalIdentity.objects.get(provider=eid.PROVIDER_KEY, subject=subject)
    assert identity.user.email == CITIZEN_EMAIL and identity.last_level == level

    # Now the service opens: its start page, then the first step of a fresh draft.
    apply_start = browser.get(GEWERBE_START)
    assert apply_start["Location"] == reverse("apply:start", args=["dueren", "gewerbe-anmelden"])
    assert browser.get(apply_start["Location"]).status_code == 200
    first_step = browser.post(apply_start["Location"])
    assert first_step.status_code == 302
    assert browser.get(first_step["Location"]).status_code == 200
    draft = Draft.objects.get(applicant__email=CITIZEN_EMAIL)
    assert draft.form.service.slug == "gewerbe-anmelden"


def test_without_a_provider_the_step_up_page_leads_back_and_to_the_office(
    citizen_browser, settings
):
    settings.RATHAUS_IDENTITY_PROVIDERS = []
    response = citizen_browser.get(GEWERBE_START, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("federation:step-up"))
    assert "Kein Identitätsanbieter bietet hier dieses Vertrauensniveau an." in page
    # The way back to the service page …
    assert f'href="{reverse("portal:service-detail", args=["dueren", "gewerbe-anmelden"])}"' in page
    assert "Zurück zu „Gewerbe anmelden“" in page
    # … and the offline alternative: the responsible office and how to reach it.
    office = LocalService.objects.get(
        municipality__slug="dueren", service__slug="gewerbe-anmelden"
    ).responsible_office
    assert "Persönlich beantragen" in page
    assert office.name in page and office.street in page
    assert office.phone and office.phone in page
    assert reverse("portal:office-detail", args=[office.municipality.slug, office.slug]) in page


def test_a_step_up_page_without_a_known_service_still_leads_back(citizen_browser, settings):
    settings.RATHAUS_IDENTITY_PROVIDERS = []
    page = citizen_browser.get(
        reverse("federation:step-up"), {"level": "high", "next": "/konto/"}
    ).content.decode()
    assert "Kein Identitätsanbieter" in page
    assert f'href="{reverse("portal:landing")}"' in page
