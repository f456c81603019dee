"""A real OpenLDAP server (slapd) for the tests, on a free loopback port in a temporary folder."""

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE_DN = "dc=rathaus,dc=test"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "directory-admin-secret"
PEOPLE_DN = f"ou=people,{BASE_DN}"
GROUPS_DN = f"ou=groups,{BASE_DN}"


@dataclass(frozen=True)
class DirectoryServer:
    uri: str
    process: subprocess.Popen
    ca_file: Path  # the test CA that signed the server's certificate (for STARTTLS)


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rathaus test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def slapd_binary() -> str | None:
    return shutil.which("slapd") or (
        "/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(folder: Path, tls: tuple[Path, Path, Path]) -> str:
    modules = (
        f"modulepath {MODULE_DIR}\nmoduleload back_mdb\n"
        if (MODULE_DIR / "back_mdb.la").exists() or (MODULE_DIR / "back_mdb.so").exists()
        else ""
    )
    schemas = "".join(
        f"include {SCHEMA_DIR / name}.schema\n" for name in ("core", "cosine", "inetorgperson")
    )
    ca_file, cert_file, key_file = tls
    return (
        f"{schemas}{modules}"
        f"pidfile {folder / 'slapd.pid'}\n"
        f"TLSCACertificateFile {ca_file}\n"
        f"TLSCertificateFile {cert_file}\n"
        f"TLSCertificateKeyFile {key_file}\n"
        "database mdb\n"
        "maxsize 10485760\n"
        f'suffix "{BASE_DN}"\n'
        f'rootdn "{ADMIN_DN}"\n'
        f"rootpw {ADMIN_PASSWORD}\n"
        f"directory {folder / 'data'}\n"
        # Users bind with their own password; everybody bound may read (group searches).
        "access to attrs=userPassword by self read by anonymous auth by * none\n"
        "access to * by users read by anonymous auth\n"
    )


def start(folder: Path) -> DirectoryServer:
    """Start slapd with an empty mdb database under `folder` and wait until it answers."""
    import ldap

    (folder / "data").mkdir(parents=True)
    conf = folder / "slapd.conf"
    tls = write_certificates(folder)
    conf.write_text(_config(folder, tls))
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}/"
    binary = slapd_binary()
    assert binary
    process = subprocess.Popen(
        [binary, "-f", str(conf), "-h", uri, "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "LANG": "C"},
    )
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"slapd exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            conn = ldap.initialize(uri)
            conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
            conn.unbind_s()
            break
        except ldap.SERVER_DOWN:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    return DirectoryServer(uri=uri, process=process, ca_file=tls[0])


def stop(server: DirectoryServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def user_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE_DN}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS_DN}"


def load(
    server: DirectoryServer, *, users: list[dict[str, str]], groups: dict[str, list[str]]
) -> None:
    """Add the base entries, `users` (uid, password, given, surname, mail) and groupOfNames
    `groups` (cn → member uids)."""
    import ldap
    import ldap.modlist

    conn = ldap.initialize(server.uri)
    conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)

    def add(dn: str, attrs: dict[str, list[str]]) -> None:
        conn.add_s(
            dn, ldap.modlist.addModlist({k: [v.encode() for v in vs] for k, vs in attrs.items()})
        )

    add(
        BASE_DN,
        {"objectClass": ["dcObject", "organization"], "dc": ["rathaus"], "o": ["rathaus test"]},
    )
    add(PEOPLE_DN, {"objectClass": ["organizationalUnit"], "ou": ["people"]})
    add(GROUPS_DN, {"objectClass": ["organizationalUnit"], "ou": ["groups"]})
    for user in users:
        add(
            user_dn(user["uid"]),
            {
                "objectClass": ["inetOrgPerson"],
                "uid": [user["uid"]],
                "cn": [f"{user['given']} {user['surname']}"],
                "givenName": [user["given"]],
                "sn": [user["surname"]],
                "mail": [user["mail"]],
                "userPassword": [user["password"]],
            },
        )
    for cn, members in groups.items():
        add(
            group_dn(cn),
            {
                "objectClass": ["groupOfNames"],
                "cn": [cn],
                "member": [user_dn(uid) for uid in members],
            },
        )
    conn.unbind_s()
