"""A real SAML 2.0 IdP for the tests: pysaml2's Server behind a loopback HTTP server.

The browser (Django's test client, driven by the test) follows the HTTP-Redirect AuthnRequest
to this server, which answers with the HTTP-POST binding form carrying a signed Response.
Keys and certificates are generated per test session; metadata is exchanged via files/URL.
"""

import base64
import datetime as dt
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import werkzeug.serving
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server


def write_key_and_cert(directory: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@dataclass
class Knobs:
    """What the IdP puts into its next answer."""

    subject: str = "bund-0001"
    class_ref: str = "STORK-QAA-Level-3"
    identity: dict[str, list[str]] = field(
        default_factory=lambda: {
            "givenName": ["Berta"],
            "sn": ["Beispiel"],
            "mail": ["berta@example.org"],
            "postalCode": ["56812"],
            "street": ["Endertstraße 1"],
        }
    )
    audience: str | None = None  # another SP's entity ID
    expired: bool = False
    in_response_to: str | None = None  # None: the request's ID; "": unsolicited


class TestIdp:
    def __init__(self, directory: Path, url: str) -> None:
        self.url = url
        self.entity_id = f"{url}/idp"
        self.key_file, self.cert_file = write_key_and_cert(directory, "idp")
        self.directory = directory
        self.knobs = Knobs()
        self.metadata_xml = str(entity_descriptor(self._config(None, minutes=15)))
        self.server: Server | None = None
        self.expired_server: Server | None = None

    def _config(self, sp_metadata: str | None, *, minutes: int) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "metadata": {"local": [sp_metadata]} if sp_metadata else {},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.url}/sso/redirect", BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
            }
        )
        return config

    def trust_sp(self, sp_metadata_xml: str) -> None:
        path = self.directory / "sp.xml"
        path.write_text(sp_metadata_xml, encoding="utf-8")
        self.server = Server(config=self._config(str(path), minutes=15))
        self.expired_server = Server(config=self._config(str(path), minutes=-30))

    def answer(self, query: str) -> str:
        """Handle an AuthnRequest (HTTP-Redirect), return the HTTP-POST form page."""
        assert self.server is not None and self.expired_server is not None
        params = {k: v[0] for k, v in parse_qs(query).items()}
        request = self.server.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        knobs = self.knobs
        if knobs.audience:
            args["sp_entity_id"] = knobs.audience
        if knobs.in_response_to is not None:
            args["in_response_to"] = knobs.in_response_to
        server = self.expired_server if knobs.expired else self.server
        response = server.create_authn_response(
            identity=knobs.identity,
            userid=knobs.subject,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=knobs.subject),
            authn={"class_ref": knobs.class_ref, "authn_auth": self.entity_id},
            sign_assertion=True,
            sign_response=False,
            **args,
        )
        http_args = server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            params.get("RelayState", ""),
            response=True,
        )
        return http_args["data"]

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [self.metadata_xml.encode()]
        if path == "/sso/redirect":
            body = self.answer(environ.get("QUERY_STRING", ""))
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the IdP's auto-post form."""
    action = re.search(r'action="([^"]+)"', html)
    assert action is not None, html
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    return action.group(1), fields


def tamper_response(saml_response: str, old: str, new: str) -> str:
    xml = base64.b64decode(saml_response).decode()
    assert old in xml
    return base64.b64encode(xml.replace(old, new).encode()).decode()


def start_idp(directory: Path) -> tuple[TestIdp, werkzeug.serving.BaseWSGIServer, threading.Thread]:
    holder: dict[str, TestIdp] = {}
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, lambda e, s: holder["idp"].wsgi(e, s), threaded=True
    )
    idp = TestIdp(directory, f"http://127.0.0.1:{server.server_port}")
    holder["idp"] = idp
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return idp, server, thread
