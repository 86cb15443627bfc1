"""Schemathesis against the live schema and a live server, as the public, a
citizen and a clerk: no server error, no answer outside the schema.

Runs the CLI (``st run``) on every operation with a small number of examples
each, so it stays within a few minutes; the figures are printed.
"""

import json
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


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, demo, tmp_path, monkeypatch, file_online
):
    # The fuzzer sends thousands of requests from one address: the API's own
    # throttles would answer most of them 429 (which the schema allows).
    for throttle in (PublicThrottle, UserThrottle):
        monkeypatch.setattr(
            throttle,
            "THROTTLE_RATES",
            {"public": "100000/minute", "user": "100000/minute"},
        )
    citizens_dossier, clerks_dossier = file_online(), file_online()
    _key, citizen = api_key_issue(
        name="fuzz citizen", user=demo_user("citizen"), scopes=ALL_SCOPES
    )
    _key, clerk = api_key_issue(
        name="fuzz clerk", user=demo_user("clerk"), scopes=ALL_SCOPES
    )
    schema_url = f"{live_server.url}/api/v1/schema/"
    runs = {
        "public": fuzz(schema_url, tmp_path, "public", []),
        "citizen": fuzz(
            schema_url,
            tmp_path,
            "citizen",
            [f"Authorization: Bearer {citizen}"],
            citizens_dossier.pk,
        ),
        "staff": fuzz(
            schema_url,
            tmp_path,
            "staff",
            [f"Authorization: Bearer {clerk}"],
            clerks_dossier.pk,
        ),
    }
    summary = {
        name: f"{run['figures']} (exit {run['exit']})" for name, run in runs.items()
    }
    print("schemathesis:", json.dumps(summary, ensure_ascii=False))
    assert {name: run["exit"] for name, run in runs.items()} == {
        "public": 0,
        "citizen": 0,
        "staff": 0,
    }, summary
