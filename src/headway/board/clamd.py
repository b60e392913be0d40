"""An optional virus scan of evidence uploads by a ClamAV daemon (clamd), over its INSTREAM
protocol (clamd(8)): the command `zINSTREAM\\0`, then the file in chunks, each a 4-byte
length in network byte order and the bytes, then a zero-length chunk; clamd answers
`stream: OK`, `stream: <signature> FOUND`, or an error.

Switched on by HEADWAY_CLAMD (read once by headway.web.settings):

    HEADWAY_CLAMD=unix:/run/clamav/clamd.ctl     Debian's clamav-daemon socket
    HEADWAY_CLAMD=tcp:127.0.0.1:3310

When it is set, an upload is refused if clamd finds something, and also if clamd cannot be
reached, times out or answers anything else (fail closed: an unscanned file is never
saved). Unset, there is no scan (docs/security.md). Plain Python, no Django, so the
settings module can parse the address at start-up.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from headway.errors import HeadwayError

ENV = "HEADWAY_CLAMD"
CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 30.0  # connecting, each send, and waiting for the verdict
MAX_REPLY_BYTES = 4096
END_OF_STREAM = struct.pack("!I", 0)


class ClamdUnavailable(Exception):
    """clamd could not be asked, or gave no verdict: the upload must be refused."""


@dataclass(frozen=True)
class ClamdAddress:
    kind: str  # "unix" or "tcp"
    path: str = ""
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return f"unix:{self.path}" if self.kind == "unix" else f"tcp:{self.host}:{self.port}"

    def connect(self, timeout: float) -> socket.socket:
        if self.kind == "unix":
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            try:
                conn.connect(self.path)
            except OSError:
                conn.close()
                raise
            return conn
        conn = socket.create_connection((self.host, self.port), timeout=timeout)
        conn.settimeout(timeout)
        return conn


def parse_address(text: str | None, source: str = ENV) -> ClamdAddress | None:
    """`unix:/path` or `tcp:host:port`; None if empty (no scan). A bad value stops start-up."""
    text = (text or "").strip()
    if not text:
        return None
    kind, _, rest = text.partition(":")
    if kind == "unix" and rest.startswith("/"):
        return ClamdAddress("unix", path=rest)
    if kind == "tcp":
        host, _, port = rest.rpartition(":")
        if host and port.isdigit() and 0 < int(port) < 65536:
            return ClamdAddress("tcp", host=host.strip("[]"), port=int(port))
    raise HeadwayError(f"{source}={text!r} is not a clamd address: write unix:/path/to/clamd.socket or "
                       "tcp:host:port, for example unix:/run/clamav/clamd.ctl or tcp:127.0.0.1:3310")


def _read_reply(conn: socket.socket) -> bytes:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        part = conn.recv(MAX_REPLY_BYTES)
        if not part:
            break
        reply += part
    return reply.split(b"\0", 1)[0]


def verdict(reply: bytes) -> str | None:
    """None for a clean stream, the signature's name for a find; anything else is no verdict."""
    text = reply.decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return None
    if text.startswith("stream: ") and text.endswith(" FOUND") and len(text) > len("stream:  FOUND"):
        return text[len("stream: "):-len(" FOUND")]
    raise ClamdUnavailable(f"clamd gave no verdict: {text[:200]!r}" if text else "clamd closed without an answer")


def scan(address: ClamdAddress, chunks: Iterable[bytes], timeout: float | None = None) -> str | None:
    """Stream the chunks to clamd: None if clean, the signature's name if it found something.
    Raises ClamdUnavailable when there is no verdict (unreachable, timed out, an error)."""
    timeout = timeout or TIMEOUT_SECONDS
    try:
        with address.connect(timeout) as conn:
            conn.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                if chunk:
                    conn.sendall(struct.pack("!I", len(chunk)) + chunk)
            conn.sendall(END_OF_STREAM)
            reply = _read_reply(conn)
    except OSError as problem:  # refused, no such socket, timed out, closed on us (size limit)
        raise ClamdUnavailable(f"clamd at {address} could not be used: {problem}") from problem
    return verdict(reply)
