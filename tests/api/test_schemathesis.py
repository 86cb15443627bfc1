"""Schemathesis against the live schema and a live server, as the public, a
citizen and a clerk: no server error, no answer outside the schema.

Runs the CLI (``st run``) on every operation with a small number of examples
each, so it stays within a few minutes; the figures are printed.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.services import api_key_issue
from api.throttles import PublicThrottle, UserThrottle
from tests.factories import demo_user

from .conftest import ALL_SCOPES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = os.environ.get("API_FUZZ_MAX_EXAMPLES", "20")
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)


def fuzz(
    schema_url: str,
    tmp_path: Path,
    name: str,
    headers: list[str],
    dossier_id: int | None = None,
) -> dict:
    """One run of ``st``; path ids point at ``dossier_id`` (a dossier the caller
    may reach), so the endpoints' logic is fuzzed, not only their 404."""
    report = tmp_path / f"{name}.ndjson"
    config = tmp_path / f"{name}.toml"
    config.write_text(
        "[parameters]\n"
        '"path.code" = "1.001193"\n'
        + (f'"path.id" = {dossier_id}\n' if dossier_id else "")
    )
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        schema_url,
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        "16",
        "--request-timeout",
        "60",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--suppress-health-check",
        "all",
        # Nothing is kept between runs (no .schemathesis/ folder in the checkout).
        "--generation-database",
        "none",
    ]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=tmp_path
    )
    print(f"--- schemathesis as {name} ---")
    print(result.stdout)
    print(result.stderr[-2000:])
    figures = re.search(r"Test cases:\s*\n\s*(.+)", result.stdout)
    return {
        "exit": result.returncode,
        "figures": figures[1].strip() if figures else "no summary",
    }


@pytest.mark.parametrize("caller", ["public", "citizen", "staff"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, demo, tmp_path, monkeypatch, file_online, caller
):
    """One run per kind of caller, so the suite's workers share them out."""
    # The fuzzer sends thousands of requests from one address: the API's own
    # throttles would answer most of them 429 (which the schema allows).
    for throttle in (PublicThrottle, UserThrottle):
        monkeypatch.setattr(
            throttle,
            "THROTTLE_RATES",
            {"public": "100000/minute", "user": "100000/minute"},
        )
    schema_url = f"{live_server.url}/api/v1/schema/"
    if caller == "public":
        run = fuzz(schema_url, tmp_path, "public", [])
    else:
        user = demo_user("citizen" if caller == "citizen" else "clerk")
        dossier = file_online()
        _key, secret = api_key_issue(
            name=f"fuzz {caller}", user=user, scopes=ALL_SCOPES
        )
        run = fuzz(
            schema_url,
            tmp_path,
            caller,
            [f"Authorization: Bearer {secret}"],
            dossier.pk,
        )
    print("schemathesis:", caller, f"{run['figures']} (exit {run['exit']})")
    assert run["exit"] == 0, run["figures"]
