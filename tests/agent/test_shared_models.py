"""One set of local models per worker host: LiveKit's own AgentServer, built with agent.py's
options, runs two calls at once, and both get the same model instances (loaded once).

The server runs unregistered (no LiveKit server here), as `agent.py console` runs it, and the
jobs are LiveKit's fake jobs on a mock room; each runs the worker's real prewarm and builds its
providers as `run_call` does. The LLM is an OpenAI-compatible endpoint that is never called, so
the test loads only Whisper tiny.en and the voice (seconds); the slow test below shares the
llama.cpp model too.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from livekit.agents import AgentServer, JobContext, JobExecutorType

import aida.local
from aida.agent.providers import build_providers, import_plugins
from aida.agent.worker import job_executor, prewarm, server_options
from aida.calls.background import stop_outbox_thread
from aida.config import Settings, get_settings

JOBS = 2


@pytest.fixture
def worker_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """What the worker reads from its environment (prewarm takes `get_settings()`)."""
    env = {
        "PROVIDERS": "local",
        "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "JOB_EXECUTOR": "auto",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield env
    stop_outbox_thread()
    get_settings.cache_clear()


async def run_jobs(settings: Settings, n: int) -> list[dict[str, Any]]:
    """Start LiveKit's AgentServer with agent.py's options and prewarm, run `n` fake jobs that
    are all alive at once, and return what each job's providers were."""
    import_plugins(settings)  # as agent.py does, on the main thread
    seen: list[dict[str, Any]] = []
    lock = threading.Lock()
    all_in = threading.Event()
    release = threading.Event()

    server = AgentServer(**server_options(settings), initialize_process_timeout=120.0)
    server.setup_fnc = prewarm

    @server.rtc_session(agent_name="aida")
    async def entry(ctx: JobContext) -> None:
        providers = build_providers(
            settings, vad=ctx.proc.userdata.get("vad"), cache=ctx.proc.userdata
        )
        with lock:
            seen.append(
                {
                    "pid": os.getpid(),
                    "thread": threading.get_ident(),
                    "stt": providers.stt,
                    "tts": providers.tts,
                    "llm": providers.llm,
                    "whisper": providers.stt.load(),
                }
            )
            if len(seen) == n:
                all_in.set()
        # stay on the call until every job has joined: the calls overlap
        await asyncio.to_thread(release.wait, 60)

    started = asyncio.Event()
    server.on("worker_started", lambda: started.set())
    run = asyncio.create_task(server.run(devmode=True, unregistered=True))
    try:
        await asyncio.wait_for(started.wait(), 60)
        for i in range(n):
            await server.simulate_job(f"call-{i}", fake_job=True)
        assert await asyncio.to_thread(all_in.wait, 60), f"only {len(seen)} of {n} jobs ran"
    finally:
        release.set()
        await server.aclose()
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
    return seen


def test_local_models_make_the_worker_run_calls_as_threads() -> None:
    local = Settings(_env_file=None, providers="local")
    assert job_executor(local) == "thread"
    assert server_options(local)["job_executor_type"] == JobExecutorType.THREAD
    cloud_keys: dict[str, Any] = {
        "deepgram_api_key": "dg",
        "openai_api_key": "sk",
        "cartesia_api_key": "ca",
        "cartesia_voice_id": "v",
    }
    cloud = Settings(_env_file=None, providers="cloud", **cloud_keys)
    assert job_executor(cloud) == "process"  # nothing heavy to share: LiveKit's isolation
    forced = cloud.model_copy(update={"job_executor": "thread"})
    assert server_options(forced)["job_executor_type"] == JobExecutorType.THREAD


async def test_two_calls_on_one_worker_share_one_set_of_speech_models(
    worker_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:9/v1")  # never asked in this test
    get_settings.cache_clear()
    settings = get_settings()

    seen = await run_jobs(settings, JOBS)

    assert len(seen) == JOBS
    assert {s["pid"] for s in seen} == {os.getpid()}  # one process: the worker's
    assert len({s["thread"] for s in seen}) == JOBS  # each call on a job thread of its own
    first = seen[0]
    for other in seen[1:]:
        assert other["stt"] is first["stt"]
        assert other["tts"] is first["tts"]
        assert other["whisper"] is first["whisper"]  # the weights were loaded once
    speech = [key for key in aida.local.shared_models() if key[0] in ("stt", "tts")]  # type: ignore[index]
    assert len(speech) == 2  # one Whisper and one voice for the host


@pytest.mark.slow
async def test_two_calls_share_one_llama_cpp_model(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    from aida.local import weights
    from aida.local.llm import LlamaLLM

    settings = get_settings()
    if not weights.default_gguf_path(settings.model_cache_dir).is_file():
        pytest.skip("the local LLM is not prepared: run `python -m aida models prepare`")

    seen = await run_jobs(settings, JOBS)

    llms = [s["llm"] for s in seen]
    assert all(isinstance(m, LlamaLLM) for m in llms)
    assert all(m is llms[0] for m in llms)
    assert all(m.load() is llms[0].load() for m in llms)  # one llama.cpp context for the host
