import io
import socket
import threading

import pytest

from rathaus.contrib.clamav import local
from rathaus.contrib.clamav.scanner import ClamAVScanner
from rathaus.uploads.scanners import ScannerUnavailable, scan_retry_delay
from tests.applications import upload_samples as samples


def test_clean_file_passes_the_real_clamd(clamav):
    assert ClamAVScanner().scan(io.BytesIO(samples.pdf())).clean


def test_eicar_is_found_by_the_real_clamd_even_inside_a_pdf(clamav):
    for content in (samples.eicar(), samples.eicar_in_pdf()):
        result = ClamAVScanner().scan(io.BytesIO(content))
        assert not result.clean
        assert result.signature.startswith("Eicar-Test-Signature")


def test_no_daemon_at_the_socket_is_unavailable(tmp_path):
    scanner = ClamAVScanner(url=f"unix://{tmp_path}/nobody.sock", timeout=2)
    with pytest.raises(ScannerUnavailable, match=r"nobody\.sock"):
        scanner.scan(io.BytesIO(samples.pdf()))


def test_closed_tcp_port_is_unavailable():
    with socket.socket() as probe:  # a free port, closed again: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ScannerUnavailable):
        ClamAVScanner(url=f"tcp://127.0.0.1:{port}", timeout=2).scan(io.BytesIO(b"x"))


def test_daemon_that_never_answers_times_out():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []

    def accept():
        connection, _ = server.accept()
        accepted.append(connection)  # held open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    try:
        with pytest.raises(ScannerUnavailable, match="clamd"):
            ClamAVScanner(url=f"tcp://127.0.0.1:{port}", timeout=1).scan(io.BytesIO(samples.pdf()))
    finally:
        for connection in accepted:
            connection.close()
        server.close()


def test_unknown_url_scheme_is_unavailable_not_a_crash():
    with pytest.raises(ScannerUnavailable, match="scheme"):
        ClamAVScanner(url="http://localhost:3310", timeout=1).scan(io.BytesIO(b"x"))


def test_retry_delay_backs_off_and_is_capped():
    delays = [scan_retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays == sorted(delays)
    assert max(delays) == 3600


def test_missing_clamd_binary_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(local, "CLAMD_CANDIDATES", (str(tmp_path / "clamd"),))
    with pytest.raises(local.ClamdMissing, match="apt-get install clamav-daemon"):
        local.clamd_binary()


def test_local_config_has_only_the_eicar_signature(tmp_path):
    config, url = local.clamd_local_config(tmp_path)
    assert url == f"unix://{tmp_path.resolve()}/clamd.sock"
    assert "Foreground yes" in config.read_text()
    assert [p.name for p in (tmp_path / "db").iterdir()] == ["eicar.ndb"]
    assert local.EICAR.hex() in (tmp_path / "db" / "eicar.ndb").read_text()
