"""deploy/: nothing here can pull images, so the compose file and the Kubernetes manifests are
checked by what they say: every Aida container runs an entry point the tests run (agent.py's
worker, `api:app`, `aida db migrate`), with settings this code accepts, and the worker's shutdown
gives LiveKit's drain time to let a call in progress finish."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from aida.agent.worker import preflight, server_options
from aida.cli import build_parser
from aida.config import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
WORKER = ["python", "agent.py", "start"]
API = ["uvicorn", "api:app", "--host", "0.0.0.0", "--port", "8000"]
MIGRATE = ["python", "-m", "aida", "db", "migrate"]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return data


def _manifests() -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and "metadata" in doc:
                found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def _expand(value: str) -> str:
    """Compose's ${VAR:-default} with nothing set: the default."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value))


def _settings(env: dict[str, str]) -> Settings:
    fields = {k.lower(): _expand(v) for k, v in env.items()}
    return Settings(_env_file=None, **fields)


def _drain_timeout() -> int:
    """The worker's drain: how long `start` waits for calls in progress after SIGTERM."""
    import agent

    timeout: int = agent.server._drain_timeout
    return timeout


def _seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smh])", duration))


def test_compose_runs_livekit_postgres_the_api_and_workers() -> None:
    services = _compose()["services"]
    assert {"livekit", "postgres", "migrate", "api", "worker"} <= set(services)
    assert services["worker"]["command"] == WORKER
    assert services["api"]["command"] == API
    assert services["migrate"]["command"] == MIGRATE
    assert services["postgres"]["image"].startswith("postgres:15")  # what tests/pg.py runs
    assert services["livekit"]["image"].startswith("livekit/livekit-server")
    # N workers, all from the repo's one image
    assert int(_expand(services["worker"]["deploy"]["replicas"])) >= 2
    for name in ("migrate", "api", "worker"):
        assert services[name]["build"] == {"context": "..", "dockerfile": "Dockerfile"}
    assert (REPO / "Dockerfile").is_file()
    assert 'CMD ["python", "agent.py", "start"]' in (REPO / "Dockerfile").read_text()


def test_compose_settings_pass_the_workers_own_start_up_checks() -> None:
    services = _compose()["services"]
    worker = _settings(services["worker"]["environment"])
    assert preflight(["agent.py", "start"], worker) is None
    assert worker.database_url and worker.database_url.startswith("postgresql://")
    assert worker.livekit_url == "ws://livekit:7880"
    # the calls of a worker share one set of models, and it reports itself full at the max
    options = server_options(worker)
    assert options["job_executor_type"].value == "thread"
    assert options["prometheus_port"] == 9100
    assert worker.worker_max_calls >= 1
    api = _settings(services["api"]["environment"])
    assert api.database_url == worker.database_url
    assert api.livekit_api_key == worker.livekit_api_key
    # LiveKit's server is given the very key pair the API and the workers use
    keys = _expand(services["livekit"]["environment"]["LIVEKIT_KEYS"])
    secret = worker.livekit_api_secret.get_secret_value() if worker.livekit_api_secret else ""
    assert keys == f"{worker.livekit_api_key}: {secret}"
    assert len(secret) >= 32  # PyJWT warns on shorter HMAC secrets


def test_compose_lets_a_worker_drain_its_calls_on_shutdown() -> None:
    worker = _compose()["services"]["worker"]
    assert worker["stop_signal"] == "SIGTERM"  # `start` drains on SIGTERM
    assert _seconds(worker["stop_grace_period"]) > _drain_timeout()


def test_the_migrate_and_api_entry_points_exist() -> None:
    args = build_parser().parse_args(MIGRATE[3:])
    assert callable(args.func)
    import api

    assert api.app.title  # `uvicorn api:app` finds a FastAPI app


def test_k8s_worker_runs_the_same_entry_point_and_drains() -> None:
    docs = _manifests()
    deployment = docs[("Deployment", "aida-worker")]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == WORKER
    assert pod["terminationGracePeriodSeconds"] > _drain_timeout()
    # a rolling update starts the new worker before an old one stops taking calls
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    env = {e["name"]: e["value"] for e in container["env"]}
    settings = _settings(env)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["metrics"] == settings.worker_metrics_port
    # LiveKit's worker health endpoint in `start` (production) mode
    from livekit.agents import AgentServer

    assert ports["health"] == AgentServer._default_port.prod_default
    assert container["readinessProbe"]["httpGet"]["port"] == "health"
    assert docs[("PodDisruptionBudget", "aida-worker")]["spec"]["minAvailable"] >= 1


def test_k8s_scales_workers_on_livekits_worker_load() -> None:
    from livekit.agents.telemetry import metrics

    docs = _manifests()
    hpa = docs[("HorizontalPodAutoscaler", "aida-worker")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "aida-worker"
    (metric,) = hpa["spec"]["metrics"]
    name = metric["pods"]["metric"]["name"]
    # the gauge the worker exports (what it reports to LiveKit as its load)
    assert name == metrics.CPU_LOAD_GAUGE._name
    target = metric["pods"]["target"]["averageValue"]
    assert 0 < int(target.rstrip("m")) / 1000 < 0.7  # below LiveKit's dispatch threshold


def test_k8s_api_runs_the_same_entry_point() -> None:
    deployment = _manifests()[("Deployment", "aida-api")]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == API
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/health"


def test_k8s_reminders_run_one_pass_at_a_time() -> None:
    cron = _manifests()[("CronJob", "aida-reminders")]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["command"][:3] == ["python", "-m", "aida"]
    args = build_parser().parse_args(container["command"][3:])
    assert callable(args.func) and args.reminders_command == "run"


@pytest.mark.parametrize("path", sorted((REPO / "deploy").rglob("*.yaml")), ids=lambda p: p.name)
def test_every_deploy_file_parses(path: Path) -> None:
    assert list(yaml.safe_load_all(path.read_text()))
