"""The antivirus hook: clamd's INSTREAM asked about every upload when CLAMAV_URL is
set; an infected file is refused, quarantined and logged, a silent scanner refuses
the upload (fail closed). A fake clamd runs in a thread; a real one when installed."""

import logging
import shutil
import socket
import socketserver
import stat
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import antivirus
from dossiers.uploads import check_upload

from .conftest import upload

# The EICAR test file, which every antivirus reports; built from two halves so
# that this source file is not itself reported.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
INFECTED_PDF = b"%PDF-1.4\n%" + EICAR + b"\n%%EOF\n"
CLEAN_PDF = b"%PDF-1.4\n%clean\n%%EOF\n"


class FakeClamd(socketserver.BaseRequestHandler):
    """Answers INSTREAM as clamd does: FOUND for the EICAR string, else OK;
    the server's ``mode`` makes it misbehave."""

    def handle(self) -> None:
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = stream.read(1)
            if not byte:
                return
            command += byte
        data = b""
        while True:
            (length,) = struct.unpack("!L", stream.read(4))
            if not length:
                break
            data += stream.read(length)
        self.server.received.append((command, data))
        if self.server.mode == "silent":
            return
        if self.server.mode == "error":
            self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in data:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def serve(server) -> Iterator:
    server.received = []
    server.mode = "normal"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def fake_clamd(settings, tmp_path_factory) -> Iterator:
    """A fake clamd on a free TCP port of 127.0.0.1, configured as CLAMAV_URL."""
    server = TCPServer(("127.0.0.1", 0), FakeClamd)
    host, port = server.server_address
    settings.CLAMAV_URL = f"tcp://{host}:{port}"
    settings.UPLOAD_QUARANTINE_DIR = str(tmp_path_factory.mktemp("quarantine"))
    yield from serve(server)


@pytest.fixture
def fake_clamd_unix(settings, tmp_path) -> Iterator:
    path = tmp_path / "clamd.ctl"
    server = UnixServer(str(path), FakeClamd)
    settings.CLAMAV_URL = f"unix://{path}"
    settings.UPLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    yield from serve(server)


def fake_clamd_url(server) -> str:
    host, port = server.server_address
    return f"tcp://{host}:{port}"


def test_scan_speaks_instream_over_tcp(fake_clamd):
    """The file arrives whole, in chunks after the zINSTREAM command; OK is clean."""
    body = b"%PDF-1.4\n" + bytes(range(256)) * 800
    assert antivirus.scan(upload("a.pdf", body), url=fake_clamd_url(fake_clamd)) is None
    assert fake_clamd.received == [(b"zINSTREAM\0", body)]
    found = antivirus.scan(upload("b.pdf", EICAR), url=fake_clamd_url(fake_clamd))
    assert found == "Eicar-Test-Signature"


def test_scan_speaks_instream_over_a_unix_socket(fake_clamd_unix, settings):
    assert antivirus.scan(upload("a.pdf", CLEAN_PDF), url=settings.CLAMAV_URL) is None
    found = antivirus.scan(upload("b.pdf", INFECTED_PDF), url=settings.CLAMAV_URL)
    assert found == "Eicar-Test-Signature"


def test_an_infected_upload_is_refused_quarantined_and_logged(
    fake_clamd, settings, caplog
):
    """The message says a virus was found; the file is kept, owner-only, in the
    quarantine folder, and a warning names it with its hash."""
    caplog.set_level(logging.WARNING, logger="dossiers.uploads")
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("to-khai.pdf", INFECTED_PDF), ["pdf"])
    assert caught.value.code == "infected"
    assert "to-khai.pdf" in caught.value.messages[0]
    assert "Eicar-Test-Signature" in caught.value.messages[0]
    (kept,) = Path(settings.UPLOAD_QUARANTINE_DIR).iterdir()
    assert kept.read_bytes() == INFECTED_PDF
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    (record,) = [r for r in caplog.records if "Infected upload" in r.getMessage()]
    assert "Eicar-Test-Signature" in record.getMessage()
    assert str(kept) in record.getMessage()


def test_a_clean_upload_passes_the_scan(fake_clamd):
    file = upload("to-khai.pdf", CLEAN_PDF)
    check_upload(file, ["pdf"])
    assert file.content_type == "application/pdf"
    assert fake_clamd.received[0][1] == CLEAN_PDF


def test_files_refused_for_their_type_are_not_sent_to_the_scanner(fake_clamd):
    with pytest.raises(ValidationError):
        check_upload(upload("to-khai.pdf.exe", INFECTED_PDF), ["pdf"])
    assert fake_clamd.received == []


@pytest.mark.parametrize("mode", ["silent", "error"])
def test_a_scanner_without_a_verdict_refuses_the_upload(fake_clamd, mode):
    """No answer or an error answer: refused with a message (fail closed)."""
    fake_clamd.mode = mode
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("to-khai.pdf", CLEAN_PDF), ["pdf"])
    assert caught.value.code == "scan_failed"
    assert "to-khai.pdf" in caught.value.messages[0]


def test_an_unreachable_scanner_refuses_the_upload(settings):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{port}"
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("to-khai.pdf", CLEAN_PDF), ["pdf"])
    assert caught.value.code == "scan_failed"


def test_without_clamav_url_nothing_is_scanned(settings):
    """Off by default: the type checks alone decide."""
    settings.CLAMAV_URL = ""
    check_upload(upload("to-khai.pdf", INFECTED_PDF), ["pdf"])


@pytest.mark.django_db
def test_an_infected_paper_is_not_stored_in_the_dossier(
    client, citizen, new_draft, fake_clamd, media, settings
):
    """Through the draft: 400 with the message, no attachment, nothing in media."""
    dossier = new_draft()
    files_before = set(media.rglob("*"))
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:upload_paper", args=[dossier.pk, 0]),
        {"paper-0": upload("to-khai.pdf", INFECTED_PDF)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert "Eicar-Test-Signature" in response.content.decode()
    assert not dossier.attachments.exists()
    assert set(media.rglob("*")) == files_before
    assert len(list(Path(settings.UPLOAD_QUARANTINE_DIR).iterdir())) == 1


# --- a real clamd, when this machine has one -----------------------------------------


@pytest.fixture
def real_clamd(tmp_path) -> Iterator[str]:
    """clamd on a Unix socket of its own, with one signature: EICAR anywhere in a
    file (the official databases are downloaded, which tests cannot do)."""
    clamd = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
    )
    if clamd is None:
        pytest.skip("clamd is not installed")
    database = tmp_path / "db"
    database.mkdir()
    (database / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    sock = tmp_path / "clamd.ctl"
    config = tmp_path / "clamd.conf"
    config.write_text(
        f"Foreground yes\nLocalSocket {sock}\nDatabaseDirectory {database}\n"
        "LogTime no\nLogVerbose no\n"
    )
    process = subprocess.Popen(
        [clamd, "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # clamd opens its socket before it announces its self-check interval.
        for line in process.stdout:
            if "Self checking every" in line:
                break
        else:
            pytest.fail(f"clamd did not start (exit {process.wait()})")
        yield f"unix://{sock}"
    finally:
        process.terminate()
        process.wait()


def test_a_real_clamd_finds_eicar(real_clamd, settings, tmp_path):
    settings.CLAMAV_URL = real_clamd
    settings.UPLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    assert antivirus.scan(upload("a.pdf", CLEAN_PDF), url=real_clamd) is None
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("to-khai.pdf", INFECTED_PDF), ["pdf"])
    assert caught.value.code == "infected"
    check_upload(upload("to-khai.pdf", CLEAN_PDF), ["pdf"])
