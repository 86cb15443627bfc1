"""A small client of ClamAV's daemon (clamd): is this upload clean?

Speaks clamd's INSTREAM command over TCP (``tcp://127.0.0.1:3310``) or a Unix
socket (``unix:///run/clamav/clamd.ctl``): the file goes in length-prefixed chunks,
clamd answers ``stream: OK`` or ``stream: <signature> FOUND``. Written here rather
than taken from the ``clamd`` package, unmaintained since 2014; the protocol is
clamd(8)'s "INSTREAM".
"""

import socket
import struct
from typing import IO
from urllib.parse import urlsplit

CHUNK_BYTES = 64 * 1024


class ScanError(Exception):
    """The scanner gave no verdict (unreachable, timed out, refused the file)."""


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    raise ScanError(f"CLAMAV_URL must be tcp://host:port or unix:///path, not {url!r}")


def scan(stream: IO[bytes], *, url: str, timeout: float = 30.0) -> str | None:
    """The signature clamd found in ``stream``, or None when it is clean.

    Raises ScanError whenever there is no clear verdict, so that callers can
    refuse the file rather than let it through unscanned.
    """
    try:
        with _connect(url, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ScanError(f"clamd at {url}: {exc}") from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "... ERROR".
    _name, _sep, verdict = answer.partition(": ")
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScanError(f"clamd at {url} answered {answer!r}")
