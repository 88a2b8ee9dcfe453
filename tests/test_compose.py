"""docker-compose.yml's services, run natively: there is no Docker engine here.

Each service's own command and environment come from the compose file, with the
hosts `postgres` and `redis` replaced by this machine's services, and each
service's own healthcheck is run against it.
"""

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from tests import services

COMPOSE = yaml.safe_load((services.ROOT / "docker-compose.yml").read_text())
SECRET = "compose-test-secret"
DOCKERFILE = (services.ROOT / "Dockerfile").read_text()


def dockerfile_instruction(name: str) -> list[str]:
    """The JSON (exec) form of the Dockerfile's CMD, or its HEALTHCHECK's CMD."""
    text = DOCKERFILE.replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return json.loads(line[line.index("CMD") + 3 :] if name == "HEALTHCHECK" else line[4:])


def interpolate(value: str) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} forms, and $$ for $."""

    def replace(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name == "SECRET_KEY":
            return SECRET
        if op == ":-":
            return arg or ""
        raise AssertionError(f"docker-compose.yml needs {name} from the environment")

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", replace, value).replace("$$", "$")


def service(name: str, **overrides: str) -> tuple[str, dict[str, str], list[str]]:
    """A service's command, environment and healthcheck: its own in the compose file, or
    else the image's (the Dockerfile's CMD and HEALTHCHECK)."""
    spec = COMPOSE["services"][name]
    env = {key: interpolate(str(value)) for key, value in spec["environment"].items()}
    env.update(overrides)
    command = spec.get("command") or shlex.join(dockerfile_instruction("CMD"))
    test = (
        spec["healthcheck"]["test"]
        if "healthcheck" in spec
        else ["CMD", *dockerfile_instruction("HEALTHCHECK")]
    )
    return interpolate(command), env, [interpolate(part) for part in test]


def native_env(compose_env: dict[str, str], tmp_path: Path, port: int) -> dict[str, str]:
    # The services' own environment, on this machine's PostgreSQL and Redis.
    env = services.child_env(**compose_env)
    env["DATABASE_URL"] = services.database_url()
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    env["CELERY_BEAT_SCHEDULE"] = str(tmp_path / "celerybeat-schedule")
    env["HOSTNAME"] = os.uname().nodename
    env["PORT"] = str(port)
    return env


def localise(text: str, port: int, tmp_path: Path) -> str:
    """Point a compose command at this machine: its free port and a temporary folder."""
    text = re.sub(r"(0\.0\.0\.0|127\.0\.0\.1):8000", f"127.0.0.1:{port}", text)
    return text.replace("/app/var/", f"{tmp_path}/")


def argv(parts: list[str]) -> list[str]:
    """Run the virtualenv's own celery, gunicorn and python, as the image's PATH would."""
    local = services.BIN / parts[0]
    return [str(local) if local.exists() else parts[0], *parts[1:]]


def run_healthcheck(test: list[str], env: dict[str, str], port: int, tmp_path: Path) -> bool:
    kind, *rest = [localise(part, port, tmp_path) for part in test]
    command = ["sh", "-c", rest[0]] if kind == "CMD-SHELL" else argv(rest)
    env = {**env, "PATH": f"{services.BIN}:{env['PATH']}"}
    result = subprocess.run(
        command, cwd=services.ROOT, env=env, capture_output=True, check=False, timeout=30
    )
    return result.returncode == 0


@pytest.mark.integration
def test_every_compose_service_starts_and_passes_its_healthcheck(
    transactional_db, redis_required, tmp_path
):
    started = []
    try:
        port = services.free_port()
        for name in ("worker", "beat", "web"):
            command, compose_env, healthcheck = service(name)
            env = native_env(compose_env, tmp_path, port)
            if name == "web":
                # The image runs collectstatic at build time (Dockerfile).
                subprocess.run(
                    [
                        str(services.BIN / "python"),
                        "manage.py",
                        "collectstatic",
                        "--no-input",
                        "--verbosity",
                        "0",
                    ],
                    cwd=services.ROOT,
                    env=env,
                    check=True,
                )
            log = tmp_path / f"{name}.log"
            proc = services.start(argv(shlex.split(localise(command, port, tmp_path))), env, log)
            started.append(proc)
            services.wait_until(
                lambda h=healthcheck, e=env: run_healthcheck(h, e, port, tmp_path),
                seconds=60,
                proc=proc,
                log=log,
                what=f"compose service {name}",
            )
        # Over plain HTTP, as the proxy's own probes come: the HTTPS redirect spares them.
        status, body = services.http_get(f"http://127.0.0.1:{port}/healthz", timeout=15)
        assert status == 200, body
    finally:
        for proc in started:
            services.stop(proc)


def test_services_wait_for_healthy_dependencies():
    for name in ("web", "worker", "beat"):
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert (
        COMPOSE["services"]["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    )
    for name in ("postgres", "redis", "worker", "beat"):
        assert COMPOSE["services"][name]["healthcheck"]["test"]
    assert "healthcheck" not in COMPOSE["services"]["web"]  # the image's: /livez
    assert "/livez" in " ".join(dockerfile_instruction("HEALTHCHECK"))
