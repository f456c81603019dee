"""The certificates a receipt is verified against: the seal's CA (which also issues the local
TSA's certificate) plus the roots of configured external TSAs."""

from pathlib import Path

from django.conf import settings

from rathaus.seals.services import seal_material


def trust_anchors_pem() -> list[bytes]:
    """PEM blobs of all trust anchors; raises SealNotConfigured without a seal."""
    anchors = list(seal_material().trust_roots_pem())
    anchors.extend(Path(p).read_bytes() for p in settings.RATHAUS_TSA_TRUST_ROOT_FILES)
    return anchors
