from rathaus.catalog import selectors
from rathaus.core.errors import NotFound
from tests.factories import LifeSituationFactory, LocalServiceFactory, ServiceFactory


def test_portal_scope_includes_own_ancestors_and_descendants(hierarchy):
    names = lambda m: [o.service.slug for o in selectors.service_list(municipality=m)]  # noqa: E731
    # The VG sees its own service and the Kreis's; the Kreis sees its own and the VG's.
    assert names(hierarchy.vg) == ["fahrzeug-zulassen", "wohnsitz-anmelden"]
    assert names(hierarchy.kreis) == ["fahrzeug-zulassen", "wohnsitz-anmelden"]
    other = LocalServiceFactory()
    assert other.service.slug not in names(hierarchy.kreis)


def test_offer_resolution_per_portal(hierarchy):
    kreis_view = {o.service.slug: o for o in selectors.service_list(municipality=hierarchy.kreis)}
    # On the Kreis portal residence registration depends on the place (offered by the VGs).
    assert kreis_view["wohnsitz-anmelden"].depends_on_place
    assert kreis_view["fahrzeug-zulassen"].local_service == hierarchy.kfz_kreis
    og_view = {
        o.service.slug: o for o in selectors.service_list(municipality=hierarchy.ortsgemeinde)
    }
    assert og_view["wohnsitz-anmelden"].local_service == hierarchy.melde_vg


def test_local_overrides_apply(hierarchy):
    hierarchy.kfz_kreis.fee_rule = {"kind": "fixed", "amount": 4200}
    hierarchy.kfz_kreis.online_available = False
    hierarchy.kfz_kreis.save()
    hierarchy.kfz.online_application = "external"
    hierarchy.kfz.online_url = "https://example.org/kfz"
    hierarchy.kfz.save()
    offer = selectors.service_get(municipality=hierarchy.vg, slug="fahrzeug-zulassen")
    assert offer.fee_rule == {"kind": "fixed", "amount": 4200}
    assert not offer.online_available
    stadt_offer = selectors.service_get(municipality=hierarchy.stadt, slug="fahrzeug-zulassen")
    assert stadt_offer.fee_rule == {"kind": "fixed", "amount": 1000}
    assert stadt_offer.online_available
    assert stadt_offer.online_url == "https://example.org/kfz"


def test_service_get_unknown_or_out_of_scope(hierarchy):
    import pytest

    foreign = LocalServiceFactory()
    with pytest.raises(NotFound):
        selectors.service_get(municipality=hierarchy.vg, slug=foreign.service.slug)
    with pytest.raises(NotFound):
        selectors.service_get(municipality=hierarchy.vg, slug="nope")


def test_list_query_count_does_not_grow(hierarchy, django_assert_max_num_queries):
    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.service_list(municipality=hierarchy.ortsgemeinde)
        return len(ctx.captured_queries)

    small = count_queries()
    for _ in range(10):
        LocalServiceFactory(
            municipality=hierarchy.vg,
            service=ServiceFactory(),
            responsible_office=hierarchy.vg_office,
        )
    assert count_queries() == small


def test_life_situations_count_services_in_scope(hierarchy):
    situation = LifeSituationFactory(name_de="Umzug")
    hierarchy.meldewesen.life_situations.add(situation)
    unrelated = LifeSituationFactory(name_de="Leer")
    ServiceFactory().life_situations.add(unrelated)
    listed = list(selectors.life_situation_list(municipality=hierarchy.ortsgemeinde))
    assert [(s.name_de, s.service_count) for s in listed] == [("Umzug", 1)]
    services = selectors.service_list(municipality=hierarchy.ortsgemeinde, life_situation=situation)
    assert [o.service for o in services] == [hierarchy.meldewesen]
