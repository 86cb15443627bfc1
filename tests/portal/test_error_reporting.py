"""Optional error reporting: with SENTRY_DSN set, an unhandled exception reaches the
error service (a real HTTP receiver here) without personal data."""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from onecenter.errors import scrub_event

BASE_DIR = Path(__file__).resolve().parents[2]

# Run in a separate process: the SDK, once started, hooks into Django for good.
CRASH = """
import sentry_sdk
from wsgiref.util import setup_testing_defaults
import portal.views
from onecenter.wsgi import application

def boom(request):
    raise RuntimeError("the home page broke")

portal.views.home = boom
environ = {
    "PATH_INFO": "/",
    "QUERY_STRING": "cccd=001099012345&phone=0912345678",
    "HTTP_HOST": "testserver",
    "HTTP_COOKIE": "__Host-sessionid=secret-session-value",
    "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    "HTTP_X_REQUEST_ID": "req-12345678",
    "REMOTE_ADDR": "203.0.113.9",
}
setup_testing_defaults(environ)
statuses = []
b"".join(application(environ, lambda status, headers, *rest: statuses.append(status)))
assert statuses[0].startswith("500"), statuses
sentry_sdk.flush(timeout=30)
"""


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":  # pragma: no cover - only if brotli is installed
            import brotli

            body = brotli.decompress(body)
        type(self).bodies.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_crash_reaches_the_error_service_without_personal_data():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {
            **os.environ,
            "DEBUG": "true",
            "SECRET_KEY": "error-reporting-test",
            "ALLOWED_HOSTS": "testserver",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
            "DJANGO_SETTINGS_MODULE": "onecenter.settings",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CRASH],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        server.shutdown()
    sent = b"\n".join(_Receiver.bodies).decode()
    events = []
    for line in sent.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "exception" in item:
            events.append(item)
    assert events, sent[:2000]
    (event,) = events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["method"] == "GET"
    assert event["request"]["url"].endswith("/")
    assert event["request"]["headers"]["X-Request-Id"] == "req-12345678"
    for secret in ("001099012345", "0912345678", "secret-session-value", "203.0.113.9"):
        assert secret not in sent


def test_scrub_keeps_only_what_finds_the_fault():
    event = {
        "request": {
            "method": "POST",
            "url": "https://onecenter.example.vn/track/?code=X&pin=1234",
            "headers": {
                "Cookie": "a=b",
                "Authorization": "Basic x",
                "User-Agent": "UA",
            },
            "data": {"pin": "1234"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": "42", "username": "citizen", "email": "a@b.vn"},
        "extra": {"sys.argv": ["manage.py", "demo_otp", "clerk"]},
        "breadcrumbs": {"values": [{"message": "SELECT ... '001099012345'"}]},
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"pin": "1"}}]}}]},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["request"] == {
        "method": "POST",
        "url": "https://onecenter.example.vn/track/",
        "headers": {"User-Agent": "UA"},
    }
    assert scrubbed["user"] == {"id": "42"}
    assert "breadcrumbs" not in scrubbed
    assert scrubbed["extra"] == {}
    assert "vars" not in scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
