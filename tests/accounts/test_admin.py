import pytest

from rathaus.accounts import selectors, services
from rathaus.accounts.models import User
from tests.staff.people import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    admin = User.objects.create_superuser(username="admin", email="admin@example.org", password="x")
    login_with_mfa(client, admin)  # /intern/ needs a second factor in the session
    return client


def test_consent_text_agreed_to_is_read_only_in_admin(admin_client_, citizen):
    text = selectors.consent_text_current(key="mailbox_notification_by_retrieval")
    url = f"/intern/admin/accounts/consenttext/{text.pk}/change/"
    assert 'name="text_de"' in admin_client_.get(url).content.decode()
    services.consent_give(user=citizen, text=text, language="de")
    html = admin_client_.get(url).content.decode()
    assert 'name="text_de"' not in html and "§ 41 Abs. 2a" in html


def test_consents_cannot_be_changed_in_admin(admin_client_, citizen):
    text = selectors.consent_text_current(key="mailbox_notification_by_retrieval")
    consent = services.consent_give(user=citizen, text=text, language="de")
    assert admin_client_.get("/intern/admin/accounts/consent/").status_code == 200
    assert admin_client_.get("/intern/admin/accounts/consent/add/").status_code == 403
    response = admin_client_.post(
        f"/intern/admin/accounts/consent/{consent.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403


def test_user_admin_shows_profile(admin_client_, citizen):
    response = admin_client_.get(f"/intern/admin/accounts/user/{citizen.pk}/change/")
    assert response.status_code == 200
    assert 'name="postal_code"' in response.content.decode()
