"""Reads of receipts: the bundle a citizen or a court can verify offline."""

import io
import zipfile

from django.utils.translation import gettext as _

from rathaus.evidence.models import Receipt
from rathaus.evidence.timestamps import timestamp_certificate_pem
from rathaus.evidence.trust_anchors import trust_anchors_pem

BUNDLE_README = """{title}

receipt.json  {json}
receipt.p7s   {p7s}
receipt.tsr   {tsr}
ca.pem        {ca}
tsa.pem       {tsa}

openssl cms -verify -binary -inform DER -in receipt.p7s -content receipt.json -CAfile ca.pem
openssl ts -verify -in receipt.tsr -data receipt.json -CAfile ca.pem -untrusted tsa.pem
"""


def receipt_bundle(receipt: Receipt) -> bytes:
    """A ZIP with the receipt, its signature and time-stamp, the trust anchors, the TSA's
    certificate and a README with the two openssl commands that verify it."""
    readme = BUNDLE_README.format(
        title=_("Receipt %(sequence)s: verify with OpenSSL") % {"sequence": receipt.sequence},
        json=_("the receipt (canonical JSON)"),
        p7s=_("the electronic seal (CMS, detached)"),
        tsr=_("the time-stamp (RFC 3161)"),
        ca=_("the trusted root certificates"),
        tsa=_("the time-stamp authority's certificate"),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("receipt.json", receipt.document.encode("utf-8"))
        bundle.writestr("receipt.p7s", bytes(receipt.signature))
        bundle.writestr("receipt.tsr", bytes(receipt.timestamp))
        bundle.writestr("ca.pem", b"".join(_pem_line_end(p) for p in trust_anchors_pem()))
        bundle.writestr("tsa.pem", timestamp_certificate_pem(bytes(receipt.timestamp)))
        bundle.writestr("README.txt", readme.encode("utf-8"))
    return buffer.getvalue()


def _pem_line_end(pem: bytes) -> bytes:
    return pem if pem.endswith(b"\n") else pem + b"\n"
