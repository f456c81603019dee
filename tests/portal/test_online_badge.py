"""The "Online verfügbar" badge marks every service a citizen can apply for online: at an
external online service, and with a form published in this portal alike."""

import re

import pytest
from django.urls import reverse

from rathaus.catalog.search import search_index_rebuild
from tests.factories import FormDefinitionFactory

pytestmark = pytest.mark.django_db

BADGE = "Online verfügbar"


def badged_services(html: str) -> set[str]:
    """The names of the listed services that carry the badge."""
    items = re.findall(r'<li class="service-item">(.*?)</li>', html, flags=re.S)
    names = set()
    for item in items:
        if BADGE in item:
            names.add(re.search(r'class="service-item__link"[^>]*>([^<]+)</a>', item).group(1))
    return names


def get(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response.content.decode()


def test_own_online_form_gets_the_badge_once_published(client, portal_data):
    service_list = reverse("portal:service-list", args=[portal_data.vg.slug])
    # The identity card is offered "internal", but no form is published yet.
    assert "Personalausweis beantragen" not in badged_services(get(client, service_list))

    form = FormDefinitionFactory(service=portal_data.id_card, status="draft")
    assert "Personalausweis beantragen" not in badged_services(get(client, service_list))

    form.status = "published"
    form.save(update_fields=["status"])
    assert "Personalausweis beantragen" in badged_services(get(client, service_list))


def test_badge_on_every_list_of_services(client, portal_data):
    FormDefinitionFactory(service=portal_data.id_card)
    search_index_rebuild()  # the factories bypass the services that index
    vg = portal_data.vg.slug
    for url in (
        reverse("portal:start", args=[vg]),
        reverse("portal:service-list", args=[vg]),
        reverse("portal:search", args=[vg]) + "?q=Personalausweis",
        reverse("portal:life-situation-detail", args=[vg, portal_data.moving.slug]),
    ):
        badged = badged_services(get(client, url))
        assert "Personalausweis beantragen" in badged, url


def test_external_online_service_keeps_its_badge(client, portal_data):
    html = get(client, reverse("portal:service-list", args=[portal_data.kreis.slug]))
    assert portal_data.licence.name_de in badged_services(html)
