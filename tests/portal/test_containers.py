"""Dockerfile and compose.yaml stay in step with Procfile, checked without a container
engine (none runs here, and `docker compose config` needs the compose plugin)."""

import json
import re
import shlex
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_PROCESSES = ("web", "worker", "beat")
APP_SERVICES = (*APP_PROCESSES, "migrate")
# Top-level keys of the Compose Specification; `x-…` keys are extensions.
COMPOSE_TOP_LEVEL = {"name", "version", "include", "services", "networks", "volumes"}
COMPOSE_TOP_LEVEL |= {"configs", "secrets"}
DEPENDS_CONDITIONS = {
    "service_started",
    "service_healthy",
    "service_completed_successfully",
}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {
        name.strip(): command.strip()
        for name, command in (line.split(":", 1) for line in lines if line.strip())
    }


@cache
def compose() -> dict:
    """compose.yaml parsed by PyYAML (a dev dependency)."""
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as (INSTRUCTION, arguments) per stage, continuations joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def last(stage: list[tuple[str, str]], instruction: str) -> str:
    values = [arguments for name, arguments in stage if name == instruction]
    assert values, f"no {instruction} in the final stage"
    return values[-1]


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_runs_the_procfile_commands():
    """web, worker and beat run exactly the Procfile's lines."""
    services = compose()["services"]
    for process, command in procfile().items():
        assert as_argv(services[process]["command"]) == shlex.split(command), process
    assert set(procfile()) == set(APP_PROCESSES)


def test_app_services_share_one_image():
    services = compose()["services"]
    builds = {
        (services[s].get("image"), str(services[s].get("build"))) for s in APP_SERVICES
    }
    assert len(builds) == 1, builds
    image, build = builds.pop()
    assert image and build != "None"


def test_compose_has_the_backing_services():
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["seaweedfs"]["image"].startswith("chrislusf/seaweedfs")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_processes_wait_for_migrations_and_need_a_secret_key():
    services = compose()["services"]
    for process in APP_PROCESSES:
        service = services[process]
        condition = service["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
        assert service["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert service["environment"].get("ALLOW_PLAIN_HTTP") is None
    assert services["migrate"]["command"].split()[-2:] == ["migrate", "--noinput"]
    # Files are on disk, shared by the processes that read and write them.
    media = {s: services[s].get("volumes", []) for s in ("web", "worker")}
    for process, volumes in media.items():
        assert "media:/var/lib/onecenter/media" in volumes, process


def test_app_files_go_to_the_seaweedfs_service_with_its_keys():
    """web and worker keep files in the seaweedfs service's bucket, signed with the
    one identity it accepts; its S3 port is not published."""
    services = compose()["services"]
    weed = services["seaweedfs"]
    for process in ("web", "worker"):
        environment = services[process]["environment"]
        assert environment["S3_BUCKET"]
        assert environment["S3_ENDPOINT_URL"] == "http://seaweedfs:8333"
        keys = (environment["S3_ACCESS_KEY_ID"], environment["S3_SECRET_ACCESS_KEY"])
        assert keys == (
            weed["environment"]["AWS_ACCESS_KEY_ID"],
            weed["environment"]["AWS_SECRET_ACCESS_KEY"],
        )
        assert all(key.startswith("${S3_") and ":?" in key for key in keys)
        assert "seaweedfs" in services[process]["depends_on"]
    assert not weed.get("ports")


def test_compose_structure():
    """What `docker compose config` would reject first, checked by hand: unknown
    top-level keys, services without an image, dependencies on missing services or
    with unknown conditions, undeclared named volumes."""
    document = compose()
    unknown = {k for k in document if not k.startswith("x-")} - COMPOSE_TOP_LEVEL
    assert not unknown
    services = document["services"]
    declared_volumes = set(document.get("volumes") or {})
    for name, service in services.items():
        assert service.get("image") or service.get("build"), name
        depends = service.get("depends_on") or {}
        for dependency, options in dict(depends).items():
            assert dependency in services, (name, dependency)
            assert options["condition"] in DEPENDS_CONDITIONS, (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/", "~")):
                assert source in declared_volumes, (name, source)
        for port in service.get("ports", []):
            assert isinstance(port, str), (
                f"{name}: quote ports, YAML reads 8000:8000 oddly"
            )


def test_dockerfile_final_stage():
    """Multi-stage; the image runs as a non-root user the Procfile's web command."""
    stages = dockerfile_stages()
    assert len(stages) >= 2
    final = stages[-1]
    user = last(final, "USER").split(":")[0]
    assert user not in {"root", "0"}
    assert json.loads(last(final, "CMD")) == shlex.split(procfile()["web"])
    assert last(final, "EXPOSE") == "8000"
    assert "/healthz" in last(final, "HEALTHCHECK")
    assert any(name == "COPY" and "--from=" in args for name, args in final)


def test_dockerignore_keeps_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", ".env", "*.sqlite3"} <= ignored
