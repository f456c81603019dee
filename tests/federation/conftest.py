"""A real OpenID Connect provider (oidc-provider-mock) on loopback, with a knob to tamper."""

import base64
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import oidc_provider_mock
import pytest
import requests
import werkzeug.serving
from django.core.cache import cache
from django.urls import reverse
from jwcrypto import jwk

PROVIDER_KEY = "testidp"
CLIENT_ID = "rathaus-test"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tamper:
    """WSGI middleware in front of the provider: rewrites token or JWKS responses on demand."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.mode: str | None = None

    def _rewrite(self, environ: dict[str, Any], start_response: Any, change: Any) -> list[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda _b: None

        body = json.loads(b"".join(self.app(environ, capture)))
        new = json.dumps(change(body)).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(new)))])
        return [new]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"]
        if self.mode == "tamper_id_token" and path == "/oauth2/token":
            return self._rewrite(environ, start_response, _tamper_token)
        if self.mode == "foreign_jwks" and path == "/jwks":
            foreign = jwk.JWK.generate(kty="RSA", size=2048)
            return self._rewrite(
                environ,
                start_response,
                lambda _body: {"keys": [foreign.export_public(as_dict=True)]},
            )
        return self.app(environ, start_response)


def _tamper_token(body: dict[str, Any]) -> dict[str, Any]:
    header, payload, signature = body["id_token"].split(".")
    claims = json.loads(_unb64(payload))
    claims["sub"] = "someone-else"
    body["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    return body


@dataclass
class OidcServer:
    url: str
    tamper: Tamper
    extra: dict[str, Any] = field(default_factory=dict)

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        response = requests.put(f"{self.url}/users/{quote(sub)}", json=claims, timeout=5)
        assert response.status_code == 204


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[OidcServer]:
    tamper = Tamper(oidc_provider_mock.app(require_nonce=True))
    server = werkzeug.serving.make_server("127.0.0.1", 0, tamper, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield OidcServer(url=f"http://127.0.0.1:{server.server_port}", tamper=tamper)
    finally:
        server.shutdown()
        thread.join(2)
        server.server_close()


@pytest.fixture
def oidc(oidc_server: OidcServer, settings: Any) -> Iterator[OidcServer]:
    settings.RATHAUS_IDENTITY_PROVIDERS = [
        {
            "key": PROVIDER_KEY,
            "type": "oidc",
            "label": "Test-IdP",
            "issuer": oidc_server.url,
            "client_id": CLIENT_ID,
            "client_secret": "client-secret",
            "levels": ["low", "substantial", "high"],
        }
    ]
    cache.clear()
    oidc_server.tamper.mode = None
    yield oidc_server
    oidc_server.tamper.mode = None
    cache.clear()


def oidc_authorize(
    client: Any,
    server: OidcServer,
    *,
    sub: str,
    claims: dict[str, Any],
    purpose: str = "login",
    level: str = "substantial",
    next_url: str = "",
) -> str:
    """Start at rathaus, authorize at the provider like a browser; returns the callback URL."""
    server.set_user(sub, claims)
    start = client.post(
        reverse("federation:begin", args=[PROVIDER_KEY]),
        {"purpose": purpose, "level": level, "next": next_url},
    )
    assert start.status_code == 302, start.content
    location = start["Location"]
    assert location.startswith(f"{server.url}/oauth2/authorize?")
    answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = answer.headers["Location"]
    assert urlsplit(callback).path == reverse("federation:callback", args=[PROVIDER_KEY])
    return callback


# --- SAML ---------------------------------------------------------------------------------

SAML_KEY = "bundid"
SP_ENTITY_ID = "http://testserver/saml-sp"


@pytest.fixture(scope="session")
def saml_setup(tmp_path_factory: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    from django.test import RequestFactory

    from rathaus.contrib.saml.provider import SamlProvider
    from tests.federation.saml_idp import start_idp, write_key_and_cert
    from tests.optional_dependencies import HOW_TO_INSTALL, unavailable

    if shutil.which("xmlsec1") is None:
        unavailable(
            f"SAML tests need the xmlsec1 program: the Debian package xmlsec1 – {HOW_TO_INSTALL}"
        )
    directory = tmp_path_factory.mktemp("saml")
    idp, server, thread = start_idp(directory)
    sp_key, sp_cert = write_key_and_cert(directory, "sp")
    config = {
        "key": SAML_KEY,
        "type": "saml",
        "label": "BundID (Test)",
        "idp_metadata_url": f"{idp.url}/metadata",
        "sp_entity_id": SP_ENTITY_ID,
        "sp_key_file": sp_key,
        "sp_cert_file": sp_cert,
        "levels": ["low", "substantial", "high"],
    }
    provider_config = {k: v for k, v in config.items() if k not in {"key", "type", "label"}}
    sp = SamlProvider(key=SAML_KEY, label="BundID (Test)", config=provider_config)
    idp.trust_sp(sp.metadata_response(RequestFactory().get("/")).content.decode())
    try:
        yield idp, config
    finally:
        server.shutdown()
        thread.join(2)
        server.server_close()


@pytest.fixture
def saml(saml_setup: tuple[Any, dict[str, Any]], settings: Any) -> Any:
    from tests.federation.saml_idp import Knobs

    idp, config = saml_setup
    settings.RATHAUS_IDENTITY_PROVIDERS = [config]
    idp.knobs = Knobs()
    return idp


def saml_authorize(
    client: Any, idp: Any, *, purpose: str = "login", level: str = "substantial", next_url: str = ""
) -> tuple[str, dict[str, str]]:
    """Start at rathaus, follow the redirect to the IdP like a browser; returns the POST form."""
    from tests.federation.saml_idp import form_fields

    start = client.post(
        reverse("federation:begin", args=[SAML_KEY]),
        {"purpose": purpose, "level": level, "next": next_url},
    )
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{idp.url}/sso/redirect?SAMLRequest=")
    answer = requests.get(start["Location"], timeout=5)
    assert answer.status_code == 200, answer.text
    action, fields = form_fields(answer.text)
    assert urlsplit(action).path == reverse("federation:callback", args=[SAML_KEY])
    return action, fields
