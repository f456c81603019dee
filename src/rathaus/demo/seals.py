"""Demo seals: Stadt Düren and Stadt Gütersloh seal their documents with their own seal
certificates (issued by the demo CA, rathaus.seals.demo_ca) configured in their configuration
profiles; every other demo municipality uses the installation's seal.

Only while the installation has no real seal (RATHAUS_SEAL_CERT_FILE empty). Idempotent: a
seal is issued only where a profile has none, or has one from an earlier demo CA that no
longer exists; a seal an operator configured in the admin is never replaced.
"""

from collections import Counter

from cryptography import x509
from django.conf import settings

from rathaus.core.actors import Actor
from rathaus.municipalities.configuration_services import (
    configuration_profile_create,
    configuration_profile_update,
)
from rathaus.municipalities.models import ConfigurationProfile, Municipality
from rathaus.seals.demo_ca import CA_NAME, demo_ca_issued, demo_seal_issue

SYSTEM_ACTOR = Actor.system("demo_load")
# Municipality slug → organisation named in the seal certificate.
DEMO_SEALS = {"dueren": "Stadt Düren", "guetersloh": "Stadt Gütersloh"}


def demo_seal_common_name(organisation: str) -> str:
    return f"{organisation} – Demo-Siegel"


def _from_old_demo_ca(certificate_pem: str) -> bool:
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    except ValueError:
        return False
    return CA_NAME in certificate.issuer.rfc4514_string()


def demo_seals_load() -> tuple[Counter[str], Counter[str]]:
    """Configure the demo municipalities' own seals; returns (created, updated) counters."""
    created: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    if settings.RATHAUS_SEAL_CERT_FILE:
        return created, updated
    for slug, organisation in DEMO_SEALS.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        profile = ConfigurationProfile.objects.filter(municipality=municipality).first()
        # Kept: a seal of the current demo CA, or one an operator configured.
        if (
            profile is not None
            and profile.has_seal
            and (
                demo_ca_issued(profile.seal_certificate_pem)
                or not _from_old_demo_ca(profile.seal_certificate_pem)
            )
        ):
            continue
        seal = demo_seal_issue(
            common_name=demo_seal_common_name(organisation), organisation=organisation
        )
        values = {
            "seal_certificate_pem": seal.certificate_pem,
            "seal_chain_pem": seal.chain_pem,
            "seal_private_key": seal.private_key_pem,
            "seal_passphrase": "",
        }
        if profile is None:
            configuration_profile_create(
                actor=SYSTEM_ACTOR,
                kind=ConfigurationProfile.Kind.MUNICIPALITY,
                name=municipality.name,
                municipality=municipality,
                **values,
            )
            created["seal"] += 1
        else:
            configuration_profile_update(actor=SYSTEM_ACTOR, profile=profile, **values)
            updated["seal"] += 1
    return created, updated
