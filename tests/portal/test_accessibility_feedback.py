"""The accessibility statement's feedback form (BITV 2.0) and its service."""

import socket

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.municipalities.models import AccessibilityFeedback
from rathaus.municipalities.services import accessibility_feedback_submit
from tests.portal.page_audit import assert_page_is_clean

pytestmark = pytest.mark.django_db


def url(data):
    return reverse("portal:accessibility", args=[data.kreis.slug])


def test_statement_names_the_contact_and_the_enforcement_procedure(client, portal_data):
    html = client.get(url(portal_data)).content.decode()
    assert "Erklärung zur Barrierefreiheit" in html
    assert 'href="mailto:barrierefrei@musterkreis.example"' in html
    assert (
        "Durchsetzungs- und Ombudsstelle für barrierefreie Informationstechnik des Landes Rheinland-Pfalz"
        in html
    )
    assert "teilweise vereinbar" in html
    assert 'id="rueckmeldung"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_page_link_from_the_footer_prefills_the_page_field(client, portal_data):
    html = client.get(url(portal_data), {"seite": "/musterkreis/leistungen/"}).content.decode()
    assert 'name="page_url" value="/musterkreis/leistungen/"' in html


def test_missing_message_shows_the_error_summary_and_keeps_the_values(
    client, portal_data, mailoutbox
):
    response = client.post(
        url(portal_data), {"message": "  ", "name": "Kim Muster", "email": "kim@example.org"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fehler: Erklärung zur Barrierefreiheit" in html
    assert '<a href="#id_message">Bitte beschreiben Sie die Barriere.</a>' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Kim Muster"' in html
    assert 'value="kim@example.org"' in html
    assert_page_is_clean(html, language="de")
    assert not AccessibilityFeedback.objects.exists()
    assert mailoutbox == []


def test_invalid_email_is_rejected(client, portal_data):
    html = client.post(
        url(portal_data), {"message": "Kontrast zu schwach", "email": "kein-at-zeichen"}
    ).content.decode()
    assert '<a href="#id_email">Bitte geben Sie eine gültige E-Mail-Adresse ein' in html
    assert "Kontrast zu schwach</textarea>" in html
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_is_stored_mailed_audited_and_confirmed(
    client, portal_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(portal_data),
            {
                "message": "Das Formular lässt sich nicht mit der Tastatur bedienen.",
                "page_url": "/musterkreis/zustaendigkeit/",
                "name": "Kim Muster",
                "email": "kim@example.org",
            },
            REMOTE_ADDR="192.0.2.7",
        )
    assert response.status_code == 302
    assert response["Location"] == url(portal_data)

    feedback = AccessibilityFeedback.objects.get()
    assert feedback.municipality == portal_data.kreis
    assert feedback.page_url == "/musterkreis/zustaendigkeit/"
    assert feedback.name == "Kim Muster"
    assert feedback.email == "kim@example.org"
    assert feedback.created_at is not None

    (mail,) = mailoutbox
    assert mail.to == ["barrierefrei@musterkreis.example"]
    assert mail.subject == "Rückmeldung zur Barrierefreiheit des Portals Kreis Musterkreis"
    assert "Das Formular lässt sich nicht mit der Tastatur bedienen." in mail.body
    assert "kim@example.org" in mail.body
    assert str(feedback.pk) in mail.body

    event = AuditEvent.objects.get(action="accessibility_feedback.submit")
    assert event.object_id == str(feedback.pk)
    assert event.ip_address == "192.0.2.7"
    assert event.details["notified"] == "barrierefrei@musterkreis.example"
    assert "kim@example.org" not in str(event.details)  # no personal data in the audit trail

    html = client.get(response["Location"]).content.decode()
    assert "Vielen Dank! Ihre Nachricht wurde gesendet an: Kreisverwaltung Musterkreis." in html


def test_mail_goes_to_the_general_address_without_an_accessibility_contact(
    portal_data, mailoutbox, django_capture_on_commit_callbacks
):
    municipality = portal_data.vg
    municipality.email = "post@musterland.example"
    municipality.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        accessibility_feedback_submit(municipality=municipality, message="Bild ohne Alternativtext")
    assert [m.to for m in mailoutbox] == [["post@musterland.example"]]


def test_no_mail_before_the_transaction_commits(
    portal_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accessibility_feedback_submit(municipality=portal_data.kreis, message="Fokus unsichtbar")
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_feedback_is_kept_when_nobody_can_be_notified(
    portal_data, mailoutbox, django_capture_on_commit_callbacks
):
    municipality = portal_data.vg
    municipality.email = ""
    municipality.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback = accessibility_feedback_submit(municipality=municipality, message="Zu klein")
    assert AccessibilityFeedback.objects.get() == feedback
    assert mailoutbox == []


def test_feedback_is_kept_when_the_mail_server_is_down(
    portal_data, settings, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as sock:  # a port on which nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        feedback = accessibility_feedback_submit(
            municipality=portal_data.kreis, message="Untertitel fehlen"
        )
    assert AccessibilityFeedback.objects.filter(pk=feedback.pk).exists()
    assert "Error calling" in caplog.text


def test_post_without_csrf_token_is_refused_with_an_explanation(portal_data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(portal_data), {"message": "Test"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()
