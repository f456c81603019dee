"""The demo eID provider of `make run`: a local OpenID Connect provider standing in for BundID.

Services such as Gewerbe anmelden need the level of assurance "substantial", which a password
log-in never reaches (rathaus.federation.levels). So that the demo citizen can complete them,
`bin/run-local` starts this provider (oidc-provider-mock, the same server the federation tests
use) on a loopback port and registers it through ``RATHAUS_IDENTITY_PROVIDERS``:

    python -m rathaus.demo.eid serve --host 127.0.0.1 --port 8001
    python -m rathaus.demo.eid config http://127.0.0.1:8001    # prints the JSON to register it

Its log-in page offers Erika Mustermann twice: as with an ELSTER certificate ("substantial")
and as with the Online-Ausweis ("high"). It confirms whoever clicks: demo only, never configure
it in production. No Django import here: the provider runs without the settings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from rathaus.demo.data.citizen import CITIZEN_EMAIL, CITIZEN_PROFILE

PROVIDER_KEY = "demo-eid"
PROVIDER_LABEL = "Demo-eID (Testumgebung)"
CLIENT_ID = "rathaus-demo"
# The mock accepts any client secret; rathaus still sends one, as with a real provider.
CLIENT_SECRET = "demo-eid-client-secret"  # noqa: S105
LEVELS = ["substantial", "high"]

# Subject at the provider → the level it confirms (eIDAS URI in the `acr` claim).
SUBJECT_SUBSTANTIAL = "erika-mustermann-elster-substantiell"
SUBJECT_HIGH = "erika-mustermann-online-ausweis-hoch"
SUBJECT_LEVELS = {
    SUBJECT_SUBSTANTIAL: "http://eidas.europa.eu/LoA/substantial",
    SUBJECT_HIGH: "http://eidas.europa.eu/LoA/high",
}


def citizen_claims(acr: str) -> dict[str, Any]:
    """What the provider delivers about the demo citizen (OIDC standard claims)."""
    return {
        "email": CITIZEN_EMAIL,
        "email_verified": True,
        "given_name": CITIZEN_PROFILE["first_name"],
        "family_name": CITIZEN_PROFILE["last_name"],
        "birthdate": CITIZEN_PROFILE["date_of_birth"],
        "address": {
            "street_address": CITIZEN_PROFILE["street"],
            "postal_code": CITIZEN_PROFILE["postal_code"],
            "locality": CITIZEN_PROFILE["city"],
            "country": "DE",
        },
        "acr": acr,
    }


def provider_config(issuer: str) -> dict[str, Any]:
    """The ``RATHAUS_IDENTITY_PROVIDERS`` entry for the demo provider at `issuer`."""
    return {
        "key": PROVIDER_KEY,
        "type": "oidc",
        "label": PROVIDER_LABEL,
        "issuer": issuer.rstrip("/"),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "levels": LEVELS,
    }


def provider_app() -> Any:
    """The WSGI application: oidc-provider-mock with the demo citizen's two identities."""
    import oidc_provider_mock

    users = [
        oidc_provider_mock.User(sub=sub, claims=citizen_claims(acr))
        for sub, acr in SUBJECT_LEVELS.items()
    ]
    return oidc_provider_mock.app(require_nonce=True, user_claims=users)


def serve(host: str, port: int) -> None:
    import werkzeug.serving

    # http is fine on loopback; on another host address the demo still runs without TLS.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    server = werkzeug.serving.make_server(host, port, provider_app(), threaded=True)
    print(f"demo eID provider on http://{host}:{server.server_port}/", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rathaus.demo.eid", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the demo eID provider")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8001)
    config_parser = commands.add_parser("config", help="print its RATHAUS_IDENTITY_PROVIDERS")
    config_parser.add_argument("issuer", help="the provider's address, e.g. http://127.0.0.1:8001")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.host, args.port)
    else:
        sys.stdout.write(json.dumps([provider_config(args.issuer)]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
