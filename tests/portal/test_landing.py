"""The landing page lists the portals: by Land, each Kreis with the municipalities below it."""

import pytest
from django.urls import reverse

from rathaus.municipalities.models import Municipality
from rathaus.portal.municipality_tree import portal_tree
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_landing_groups_municipalities_below_their_kreis(client, portal_data):
    html = client.get(reverse("portal:landing")).content.decode()
    assert "Rheinland-Pfalz</h2>" in html
    kreis_card = html[html.index('href="/musterkreis/"') :]
    # The Verbandsgemeinden are listed inside the Kreis card, their members inside them.
    assert kreis_card.index('href="/anderswo/"') < kreis_card.index('href="/fernheim/"')
    assert kreis_card.index('href="/musterland/"') < kreis_card.index('href="/musterdorf/"')
    assert "/beispielhausen/" not in html  # no portal of its own
    assert "Verbandsgemeinde Anderswo</a>" in html
    assert "(Verbandsgemeinde)" not in html  # the kind is already in the name
    assert "(Ortsgemeinde)" in html


def test_portal_tree_nests_and_groups_by_land(portal_data):
    MunicipalityFactory(
        name="Stadt Düren",
        slug="dueren",
        kind=Municipality.Kind.GROSSE_KREISANGEHOERIGE_STADT,
        ars="053580008008",
        ags="05358008",
        land="05",
    )
    portals = list(Municipality.objects.filter(has_portal=True))
    lands = portal_tree(portals)
    assert [land.name for land in lands] == ["Nordrhein-Westfalen", "Rheinland-Pfalz"]
    (kreis,) = lands[1].nodes
    assert kreis.municipality == portal_data.kreis
    assert [n.municipality.slug for n in kreis.children] == ["anderswo", "musterland"]
    musterland = kreis.children[1]
    assert [n.municipality.slug for n in musterland.children] == ["musterdorf"]


def test_municipality_whose_parent_has_no_portal_is_listed_at_the_top(portal_data):
    portal_data.kreis.has_portal = False
    portal_data.kreis.save(update_fields=["has_portal"])
    lands = portal_tree(list(Municipality.objects.filter(has_portal=True)))
    assert [n.municipality.slug for n in lands[0].nodes] == ["anderswo", "musterland"]


def test_empty_installation_says_so(client, db):
    html = client.get(reverse("portal:landing")).content.decode()
    assert "Bisher hat noch keine Kommune ein Portal veröffentlicht." in html
