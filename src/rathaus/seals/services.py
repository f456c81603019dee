"""Sealing PDF documents the authority issues (receipts, later decisions) with the
installation's electronic seal: PAdES baseline B-B (CMS signature with signed attributes,
embedded in the PDF as an incremental update, ETSI.CAdES.detached).

Without a time-stamper the signing time is the one the seal claims (B-B); given one (a
pyHanko `TimeStamper`), the signature carries a signature time-stamp token, PAdES B-T
(`rathaus.seals.timestamping.pdf_seal_timestamped` asks the installation's TSA).

Key material: the seal configured for the document's municipality (its own configuration
profile, else its IT service provider's; rathaus.municipalities.configuration, key stored
encrypted), else the installation's RATHAUS_SEAL_KEY_FILE / _CERT_FILE / _CHAIN_FILES /
_KEY_PASSPHRASE; when they are empty, the demo CA under `VAR_DIR/seal`
(`manage.py seal_demo_ca`, demo only).
"""

import functools
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from rathaus.core.errors import DomainError
from rathaus.municipalities.configuration import seal_configuration_for
from rathaus.seals.demo_ca import demo_ca_files

SIGNATURE_FIELD = "Siegel"


class SealNotConfigured(DomainError):
    """No seal certificate is configured and no demo CA exists (or it cannot be loaded)."""


@dataclass(frozen=True)
class SealMaterial:
    """The seal in use and the certificates validators should trust: files (installation,
    demo CA) or PEM data from a municipality's configuration profile (`source` names it)."""

    key_file: Path | None
    cert_file: Path | None
    chain_files: tuple[Path, ...]
    passphrase: str = field(repr=False)
    trust_root_files: tuple[Path, ...]
    demo: bool
    certificate_pem: bytes = b""
    chain_pem: bytes = b""
    private_key_pem: bytes = field(default=b"", repr=False)
    source: str = "installation"
    version: int = 0

    def trust_roots_pem(self) -> list[bytes]:
        """The trust anchors as PEM data (the chain's last certificate, else the seal)."""
        if self.private_key_pem:
            return [
                trust_anchor_pem(certificate_pem=self.certificate_pem, chain_pem=self.chain_pem)
            ]
        return [f.read_bytes() for f in self.trust_root_files]


def trust_anchor_pem(*, certificate_pem: bytes, chain_pem: bytes) -> bytes:
    """The anchor validators trust for a configured seal: the chain's last certificate (its
    root), else the seal certificate itself."""
    chain = chain_pem or certificate_pem
    blocks = chain.split(b"-----END CERTIFICATE-----")
    last = [b for b in blocks if b.strip()][-1]
    return last.strip() + b"\n-----END CERTIFICATE-----\n"


def seal_material(*, municipality: Any = None) -> SealMaterial:
    """The seal of `municipality` (a Municipality or its id) as configured in its own or its
    IT service provider's profile; else the installation's seal, else the demo CA. Raises
    SealNotConfigured when none exists."""
    if municipality is not None:
        configured = seal_configuration_for(
            municipality=municipality.pk if hasattr(municipality, "pk") else UUID(str(municipality))
        )
        if configured is not None:
            return SealMaterial(
                key_file=None,
                cert_file=None,
                chain_files=(),
                passphrase=configured.passphrase,
                trust_root_files=(),
                demo=False,
                certificate_pem=configured.certificate_pem,
                chain_pem=configured.chain_pem,
                private_key_pem=configured.private_key_pem,
                source=f"profile:{configured.profile_id}",
                version=configured.updated_at_ns,
            )
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


def _mtime(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=4)
def _signer_load(material: SealMaterial, key_mtime: int) -> signers.SimpleSigner:
    # Cached per process; the key file's mtime (a profile's change time) is part of the key,
    # so a renewed seal is picked up without a restart.
    if material.private_key_pem:
        return _signer_from_pem(material)
    # pyHanko is untyped: the annotation states what `load` returns.
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
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


def _signer_from_pem(material: SealMaterial) -> signers.SimpleSigner:
    try:
        key = load_private_key_from_pemder_data(
            material.private_key_pem,
            passphrase=material.passphrase.encode() if material.passphrase else None,
        )
        (certificate,) = load_certs_from_pemder_data(material.certificate_pem)
        chain = list(load_certs_from_pemder_data(material.chain_pem)) if material.chain_pem else []
    except (ValueError, TypeError):
        raise SealNotConfigured(
            _(
                "The seal configured for this municipality could not be loaded (certificate, "
                "key or passphrase); check its configuration profile."
            )
        ) from None
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),  # type: ignore[no-untyped-call]
    )


def seal_signer(material: SealMaterial) -> signers.SimpleSigner:
    """The signer of `material` (`seal_material()`), cached per process until the seal
    changes: for other documents the installation seals, e.g. receipts (rathaus.evidence)."""
    return _signer_load(material, material.version or _mtime(material.key_file))


class _Pdf17Signer(signers.PdfSigner):
    """Declares an ECDSA seal the PDF 1.7 way: PAdES by the ESIC developer extension only.

    pyHanko also declares ISO/TS 32002 for ECDSA on the NIST curves, which raises the catalog's
    /Version to 2.0; the sealed documents are PDF/A-2, which is based on PDF 1.7 (ISO 19005-2,
    6.1.2). ECDSA is part of PAdES for PDF 1.7 documents (ETSI EN 319 142-1 with
    ETSI TS 119 312). RSA needs nothing more either; EdDSA exists only in PDF 2.0 and keeps
    pyHanko's declarations."""

    def register_extensions(self, pdf_out: BasePdfFileWriter, *, md_algorithm: str) -> None:
        mechanism = self.signer.get_signature_mechanism_for_digest(md_algorithm)
        if mechanism.signature_algo != "ecdsa":
            super().register_extensions(pdf_out, md_algorithm=md_algorithm)
            return
        pdf_out.ensure_output_version(version=(1, 7))  # type: ignore[no-untyped-call]
        pdf_out.register_extension(ESIC_EXTENSION_1)


def _producer_reset(writer: IncrementalPdfFileWriter) -> None:
    """Drop the Info dictionary's /Producer in the seal's update: pyHanko writes itself as the
    XMP pdf:Producer but appends itself to an existing Info producer, and PDF/A wants both
    equal (ISO 19005-2, 6.6.2.3); without one it writes the same value into both."""
    info_ref = writer.trailer.raw_get("/Info")
    if not isinstance(info_ref, generic.IndirectObject):
        return
    info = info_ref.get_object()  # type: ignore[no-untyped-call]
    if "/Producer" in info:
        del info["/Producer"]
        writer.mark_update(info_ref)


def pdf_seal(
    *,
    pdf: bytes,
    reason: str,
    location: str,
    municipality: Any = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """`pdf` with the electronic seal (PAdES B-B) of `municipality` (its configured seal, else
    the installation's) added as an incremental update; the original bytes stay unchanged,
    the header and the PDF version too, and the update keeps a PDF/A document's metadata
    consistent. With `timestamper` the signature gets a signature time-stamp from it
    (PAdES B-T)."""
    material = seal_material(municipality=municipality)
    signer = seal_signer(material)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _producer_reset(writer)
    output = BytesIO()
    _Pdf17Signer(meta, signer=signer, timestamper=timestamper).sign_pdf(writer, output=output)
    return output.getvalue()
