"""Sealing PDF documents the authority issues (receipts, later decisions) with the
installation's electronic seal: PAdES baseline B-B (CMS signature with signed attributes,
embedded in the PDF as an incremental update, ETSI.CAdES.detached).

No time-stamp authority is configured yet, so the signing time is the one the seal claims
(B-B, not B-T); adding a TSA (pyhanko `HTTPTimeStamper`) turns this into B-T.

Key material: RATHAUS_SEAL_KEY_FILE / _CERT_FILE / _CHAIN_FILES / _KEY_PASSPHRASE; when they
are empty, the demo CA under `VAR_DIR/seal` (`manage.py seal_demo_ca`, demo only).
"""

import functools
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from rathaus.core.errors import DomainError
from rathaus.seals.demo_ca import demo_ca_files

SIGNATURE_FIELD = "Siegel"


class SealNotConfigured(DomainError):
    """No seal certificate is configured and no demo CA exists (or it cannot be loaded)."""


@dataclass(frozen=True)
class SealMaterial:
    """The files of the seal in use and the certificates validators should trust."""

    key_file: Path
    cert_file: Path
    chain_files: tuple[Path, ...]
    passphrase: str
    trust_root_files: tuple[Path, ...]
    demo: bool


def seal_material() -> SealMaterial:
    """The configured seal, else the demo CA; raises SealNotConfigured when neither exists."""
    if settings.RATHAUS_SEAL_KEY_FILE or settings.RATHAUS_SEAL_CERT_FILE:
        if not (settings.RATHAUS_SEAL_KEY_FILE and settings.RATHAUS_SEAL_CERT_FILE):
            raise SealNotConfigured(
                _("RATHAUS_SEAL_KEY_FILE and RATHAUS_SEAL_CERT_FILE must be set together.")
            )
        chain = tuple(Path(p) for p in settings.RATHAUS_SEAL_CHAIN_FILES)
        return SealMaterial(
            key_file=Path(settings.RATHAUS_SEAL_KEY_FILE),
            cert_file=Path(settings.RATHAUS_SEAL_CERT_FILE),
            chain_files=chain,
            passphrase=settings.RATHAUS_SEAL_KEY_PASSPHRASE,
            # The chain ends in the issuing root; without a chain, the seal itself is the anchor.
            trust_root_files=chain or (Path(settings.RATHAUS_SEAL_CERT_FILE),),
            demo=False,
        )
    demo = demo_ca_files()
    if demo.exist():
        return SealMaterial(
            key_file=demo.seal_key,
            cert_file=demo.seal_cert,
            chain_files=(demo.ca_cert,),
            passphrase="",
            trust_root_files=(demo.ca_cert,),
            demo=True,
        )
    raise SealNotConfigured(
        _(
            "No seal certificate is configured: set RATHAUS_SEAL_KEY_FILE and "
            "RATHAUS_SEAL_CERT_FILE, or create a demo seal with 'manage.py seal_demo_ca' "
            "(demo only)."
        )
    )


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=4)
def _signer_load(material: SealMaterial, key_mtime: int) -> signers.SimpleSigner:
    # Cached per process; the key file's mtime is part of the key, so a renewed seal is picked
    # up without a restart.
    signer = signers.SimpleSigner.load(
        str(material.key_file),
        str(material.cert_file),
        ca_chain_files=[str(p) for p in material.chain_files] or None,
        key_passphrase=material.passphrase.encode() if material.passphrase else None,
    )
    if signer is None:
        raise SealNotConfigured(
            _(
                "The seal certificate or its key could not be loaded "
                "(file missing, wrong format or passphrase)."
            )
        )
    return signer


def pdf_seal(*, pdf: bytes, reason: str, location: str) -> bytes:
    """`pdf` with the installation's electronic seal (PAdES B-B) added as an incremental
    update; the original bytes stay unchanged (and PDF/A conformance with them)."""
    material = seal_material()
    signer = _signer_load(material, _mtime(material.key_file))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = BytesIO()
    signers.sign_pdf(writer, meta, signer=signer, output=output)
    return output.getvalue()
