"""The optional virus scan of evidence uploads (headway.board.clamd, HEADWAY_CLAMD).

Two kinds of test. The protocol and the fail-closed rules against a tiny clamd stand-in
in this file, which speaks INSTREAM and answers as told (clean, FOUND, garbage, silence).
And the real ClamAV daemon (Debian's clamav-daemon) with the EICAR test string, skipped
where clamd is not installed. The official signature databases come from the internet
through freshclam, which the tests do not do, so the real daemon runs here on a database
of one signature written by the test: EICAR's bytes, as ClamAV's own .ndb format.
"""

from __future__ import annotations

import shutil
import socket
import socketserver
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from headway.board import clamd
from headway.errors import HeadwayError
from tests.board_fixtures import board_app, board_db, client_for, make_action, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("board_db")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
# The EICAR anti-virus test file: harmless, and detected by every scanner as a test.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(client, action, content: bytes, name: str = "report.pdf"):
    return client.post(f"/board/actions/{action.pk}/evidence/new/",
                       {"title": "Audit report", "url": "", "file": SimpleUploadedFile(name, content)})


def saved_files(action) -> int:
    return action.evidence.count()


# --- the address -------------------------------------------------------------------------
def test_addresses_are_unix_or_tcp_and_anything_else_stops_start_up():
    assert clamd.parse_address("") is None and clamd.parse_address(None) is None
    assert str(clamd.parse_address("unix:/run/clamav/clamd.ctl")) == "unix:/run/clamav/clamd.ctl"
    assert clamd.parse_address(" tcp:scanner.example:3310 ") == clamd.ClamdAddress("tcp", host="scanner.example",
                                                                                   port=3310)
    assert clamd.parse_address("tcp:[::1]:3310").host == "::1"
    for bad in ("clamd.ctl", "unix:relative/path", "tcp:host", "tcp:host:0", "tcp:host:99999", "http://x:3310"):
        with pytest.raises(HeadwayError, match="HEADWAY_CLAMD=.* is not a clamd address"):
            clamd.parse_address(bad)


def test_the_setting_comes_from_the_environment(tmp_path):
    from headway.config import Settings
    from headway.web.settings import build_settings

    settings = Settings(workspace=tmp_path / "workspace")
    assert build_settings(settings, {})["HEADWAY_CLAMD"] is None
    assert build_settings(settings, {"HEADWAY_CLAMD": "tcp:127.0.0.1:3310"})["HEADWAY_CLAMD"].port == 3310
    with pytest.raises(HeadwayError, match="HEADWAY_CLAMD"):
        build_settings(settings, {"HEADWAY_CLAMD": "127.0.0.1:3310"})


# --- a clamd stand-in that speaks INSTREAM ---------------------------------------------------
class StandIn:
    """Reads zINSTREAM and the chunks, keeps what it received, then answers `reply` (None: hang up
    without a word; "silence": say nothing until the client gives up)."""

    def __init__(self, reply):
        self.reply, self.received, self.chunks = reply, b"", []

    def handle(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += reader.read(1)
        assert command == b"zINSTREAM\0"
        while True:
            (length,) = struct.unpack("!I", reader.read(4))
            if length == 0:
                break
            self.chunks.append(length)
            self.received += reader.read(length)
        if self.reply == "silence":
            time.sleep(2)
        elif self.reply is not None:
            conn.sendall(self.reply)


@pytest.fixture
def stand_in(tmp_path):
    """stand_in(reply, tcp=False) -> (its StandIn, the address to configure); served on a thread."""
    servers = []

    def serve(reply, tcp: bool = False):
        fake = StandIn(reply)

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                fake.handle(self.request)

        if tcp:
            server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
            address = clamd.ClamdAddress("tcp", host="127.0.0.1", port=server.server_address[1])
        else:
            path = tmp_path / "clamd.sock"
            server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
            address = clamd.ClamdAddress("unix", path=str(path))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return fake, address

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("tcp", [False, True])
def test_a_clean_file_is_streamed_in_chunks_and_saved(people, stand_in, tcp):
    fake, address = stand_in(b"stream: OK\0", tcp=tcp)
    action = make_action(people["officer"])
    big_pdf = PDF + b"%" + b"x" * (3 * clamd.CHUNK_BYTES)  # several chunks
    with override_settings(HEADWAY_CLAMD=address):
        assert upload(client_for(people["officer"]), action, big_pdf).status_code == 302
    assert fake.received == big_pdf and len(fake.chunks) == 4 and max(fake.chunks) == clamd.CHUNK_BYTES
    assert action.evidence.get().file.read() == big_pdf  # the scan read the file; the saved copy is whole


def test_a_file_clamd_finds_something_in_is_refused(people, stand_in):
    _, address = stand_in(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
    action = make_action(people["officer"])
    with override_settings(HEADWAY_CLAMD=address):
        response = upload(client_for(people["officer"]), action, PDF)
    assert response.status_code == 200
    assert "The virus scanner found Win.Test.EICAR_HDB-1 in this file, so it was not saved" in \
        response.content.decode()
    assert saved_files(action) == 0


@pytest.mark.parametrize("reply", [None, b"INSTREAM size limit exceeded. ERROR\0", b"PONG\0", b"stream:  FOUND\0",
                                   "silence"])
def test_no_verdict_means_no_upload(people, stand_in, monkeypatch, reply):
    monkeypatch.setattr(clamd, "TIMEOUT_SECONDS", 0.5)
    _, address = stand_in(reply)
    action = make_action(people["officer"])
    with override_settings(HEADWAY_CLAMD=address):
        response = upload(client_for(people["officer"]), action, PDF)
    assert response.status_code == 200 and "could not be checked for viruses" in response.content.decode()
    assert saved_files(action) == 0


def test_an_unreachable_scanner_means_no_upload(people, tmp_path):
    action = make_action(people["officer"])
    for address in (clamd.ClamdAddress("unix", path=str(tmp_path / "no-such.sock")),
                    clamd.ClamdAddress("tcp", host="127.0.0.1", port=free_port())):
        with override_settings(HEADWAY_CLAMD=address):
            response = upload(client_for(people["officer"]), action, PDF)
        assert "could not be checked for viruses" in response.content.decode(), address
    assert saved_files(action) == 0


def test_without_a_scanner_uploads_are_checked_by_content_only(people):
    action = make_action(people["officer"])
    with override_settings(HEADWAY_CLAMD=None):
        assert upload(client_for(people["officer"]), action, PDF).status_code == 302


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the real ClamAV daemon ----------------------------------------------------------------
@pytest.fixture(scope="module")
def real_clamd(tmp_path_factory):
    """clamd started for these tests on a socket of its own, with one signature: EICAR."""
    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "headway-test.ndb").write_text(f"Headway.Test.EICAR:0:*:{EICAR.hex()}\n", encoding="ascii")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n", encoding="ascii")
    daemon = subprocess.Popen([binary, "-c", str(folder / "clamd.conf")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not socket_path.exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"clamd did not start: {daemon.stderr.read().decode()[-300:] if daemon.stderr else ''}")
            time.sleep(0.2)
        yield clamd.ClamdAddress("unix", path=str(socket_path))
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def test_the_real_daemon_refuses_the_eicar_test_file_and_passes_a_clean_one(people, real_clamd):
    action = make_action(people["officer"])
    officer = client_for(people["officer"])
    with override_settings(HEADWAY_CLAMD=real_clamd):
        refused = upload(officer, action, PDF + EICAR + b"\n%%EOF\n")
        assert refused.status_code == 200 and "The virus scanner found Headway.Test.EICAR" in refused.content.decode()
        assert saved_files(action) == 0
        assert upload(officer, action, PDF).status_code == 302
    assert saved_files(action) == 1
    assert clamd.scan(real_clamd, [EICAR[:20], EICAR[20:]]).startswith("Headway.Test.EICAR")  # across chunks
