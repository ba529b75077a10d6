"""Raw llama.cpp speed per thread budget: prompt evaluation and generation of the packaged model,
alone in this process (what the voice pipeline's LLM gets at best on this machine).

    .venv/bin/python bench/llm_threads.py   # n_threads/n_threads_batch 2/2, 1/1, 1/2
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python bench/llm_threads.py

Run it on an idle machine: another busy thread halves these figures on 2 cores.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aida.config import get_settings
from aida.local.weights import resolve_gguf

PROMPT_TOKENS = 400
GENERATED = 30


def measure(path: Path, threads: int, batch_threads: int) -> tuple[float, float]:
    from llama_cpp import Llama

    model = Llama(
        model_path=str(path),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=batch_threads,
        verbose=False,
    )
    text = "You are Aida, the receptionist of a clinic, answering the phone. " * 60
    ids = model.tokenize(text.encode(), add_bos=False)[:PROMPT_TOKENS]
    started = time.perf_counter()
    model.eval(ids[:-1])
    prompt_rate = (len(ids) - 1) / (time.perf_counter() - started)
    started = time.perf_counter()
    n = 0
    for _ in model.generate(ids, temp=0.2):  # the prefix is cached: only sampling is timed
        n += 1
        if n >= GENERATED:
            break
    return prompt_rate, n / (time.perf_counter() - started)


def main() -> None:
    settings = get_settings()
    path = resolve_gguf(settings.local_llm_model_path, settings.model_cache_dir, progress=False)
    for threads, batch in ((2, 2), (1, 1), (1, 2)):
        prompt, gen = measure(path, threads, batch)
        print(f"threads {threads}/{batch}: prompt {prompt:5.1f} tok/s, generation {gen:5.1f} tok/s")


if __name__ == "__main__":
    main()
