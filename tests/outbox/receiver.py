"""A subscriber's far end for the tests: a small HTTP server on 127.0.0.1 in a
thread, with a dedup table keyed by the Idempotency-Key header, as a careful
receiver keeps one."""

import hashlib
import hmac
import json
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Modes: "up" answers 200; "unavailable" 503; "drop" reads the request, then
# closes the connection without an answer (a reply lost on the way back);
# "hold" keeps the request open until `release()` (a delivery in flight).
MODES = {"up", "unavailable", "drop", "hold"}


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """The check docs/outbox.md shows a webhook receiver (without its clock
    window, which the tests do not need)."""
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest("sha256=" + expected, header)


class Receiver:
    def __init__(self, *, secret: str | None = None) -> None:
        self.secret = secret
        self.mode = "up"
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.released = threading.Event()
        # Every request as received: (idempotency key, headers, body); the
        # headers read case-insensitively, as HTTP has them.
        self.requests: list[tuple[str, Message, bytes]] = []
        # One row per idempotency key, in the order first applied.
        self.dedup: dict[str, dict[str, Any]] = {}
        self.bad_signatures = 0
        self._server: ThreadingHTTPServer | None = None
        self.port = self._start(0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/events"

    def _start(self, port: int) -> int:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self._server.server_address[1]

    def down(self) -> None:
        """Stop listening: connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def up(self, mode: str = "up") -> None:
        """Listen again on the same port, in ``mode``."""
        self.mode = mode
        if self._server is None:
            self._start(self.port)

    def release(self) -> None:
        self.released.set()

    def wait_for_requests(self, count: int, timeout: float) -> bool:
        """Whether ``count`` requests have arrived within ``timeout`` seconds
        (a generous bound, for a failure not to hang the suite)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        key = request.headers.get("Idempotency-Key", "")
        with self.arrived:
            self.requests.append((key, request.headers, body))
            self.arrived.notify_all()
            mode = self.mode
        if mode == "hold":
            self.released.wait()
            mode = "up"
        if mode == "drop":
            request.close_connection = True
            return
        if mode == "unavailable":
            request.send_response(503)
            request.end_headers()
            return
        if self.secret is not None and not verify(
            self.secret,
            request.headers.get("X-OneCenter-Timestamp", ""),
            body,
            request.headers.get("X-OneCenter-Signature", ""),
        ):
            with self.lock:
                self.bad_signatures += 1
            request.send_response(401)
            request.end_headers()
            return
        with self.lock:
            self.dedup.setdefault(key, json.loads(body))
        request.send_response(200)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def applied_sequences(self) -> dict[str, list[int]]:
        """Per dossier code, the sequence numbers in the order first applied."""
        order: dict[str, list[int]] = {}
        with self.lock:
            for document in self.dedup.values():
                data = document.get("data", document)
                order.setdefault(data["dossier_code"], []).append(data["sequence"])
        return order
