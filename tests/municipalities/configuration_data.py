"""Seals and profiles for the tests of the per-municipality configuration."""

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from rathaus.core.actors import Actor
from rathaus.municipalities.configuration_services import configuration_profile_create
from rathaus.municipalities.models import ConfigurationProfile
from rathaus.seals.demo_ca import DemoSeal, demo_seal_issue

ACTOR = Actor.system("test")


def seal_for(organisation: str, directory: Path) -> DemoSeal:
    """A seal for `organisation` issued by a demo CA kept in `directory`."""
    return demo_seal_issue(
        common_name=f"{organisation} Siegel", organisation=organisation, directory=directory
    )


def encrypted_key(seal: DemoSeal, passphrase: str) -> str:
    key = serialization.load_pem_private_key(seal.private_key_pem.encode(), password=None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    ).decode()


def own_profile(municipality: Any, **values: Any) -> ConfigurationProfile:
    return configuration_profile_create(
        actor=ACTOR,
        kind=ConfigurationProfile.Kind.MUNICIPALITY,
        name=municipality.name,
        municipality=municipality,
        **values,
    )


def provider_profile(name: str = "Kommunales Rechenzentrum", **values: Any) -> ConfigurationProfile:
    return configuration_profile_create(
        actor=ACTOR, kind=ConfigurationProfile.Kind.IT_SERVICE_PROVIDER, name=name, **values
    )


def seal_values(seal: DemoSeal) -> dict[str, str]:
    return {
        "seal_certificate_pem": seal.certificate_pem,
        "seal_chain_pem": seal.chain_pem,
        "seal_private_key": seal.private_key_pem,
    }


def serve(municipality: Any, provider: ConfigurationProfile) -> None:
    municipality.configuration_provider = provider
    municipality.save(update_fields=["configuration_provider"])
