"""The local language model: llama.cpp in this process, as a LiveKit `llm.LLM` with tool calls.

One `Llama` per process (weights ~1.9 GB), guarded by a lock; generation runs in a worker thread
and streams each token to the event loop as it is sampled, because time to first token is most of
a voice turn's latency on a CPU. Prompt evaluation (~50 tok/s on 2 cores) is the other big cost,
so the prompt is laid out for llama.cpp's prefix reuse: the system message and tool block come
first and never change, and a snapshot of their evaluated state is kept to restore when another
conversation used the context in between.

Tool calls use Qwen2.5's native `<tool_call>` format (see `toolcall.py`). The model decides freely
whether to call a tool; once it opens a call, the JSON is sampled under a grammar built from the
tool schemas, so arguments always parse and the name is always a real tool.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livekit.agents import APIConnectionError, llm, utils
from livekit.agents.llm import ToolChoice
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from aida.local import toolcall

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar, LlamaState

logger = logging.getLogger("aida.local.llm")

_SNAPSHOTS = 2  # system heads kept evaluated (e.g. the agent's, and a test judge's)


@dataclass
class Sampling:
    # low temperature: a front desk should say the same correct thing every time
    temperature: float = 0.2
    top_p: float = 0.8
    top_k: int = 20
    min_p: float = 0.05
    repeat_penalty: float = 1.05
    max_tokens: int = 256
    max_call_tokens: int = 256


@dataclass
class _Request:
    messages: list[dict[str, Any]]
    functions: list[dict[str, Any]]
    tool_choice: ToolChoice | None
    emit: Callable[[Any], None]
    cancel: threading.Event


@dataclass
class _Outcome:
    text: str = ""
    call: toolcall.ParsedCall | None = None
    call_raw: str = ""
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)


class _Done:
    pass


class LlamaLLM(llm.LLM):
    """A GGUF chat model served in-process by llama-cpp-python."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        sampling: Sampling | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self._model_path = Path(model_path)
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._sampling = sampling or Sampling()
        self._seed = seed
        self._llama: Llama | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._snapshots: OrderedDict[str, tuple[int, LlamaState]] = OrderedDict()
        self._grammars: dict[str, LlamaGrammar] = {}
        # the exact JSON text each call was sampled as, to replay it token for token next turn
        self._raw_calls: dict[str, str] = {}
        self.last_outcome: _Outcome | None = None

    @property
    def model(self) -> str:
        return self._model_path.stem

    @property
    def provider(self) -> str:
        return "llama.cpp"

    # --- loading ---

    def load(self) -> Llama:
        with self._load_lock:
            if self._llama is None:
                from llama_cpp import LLAMA_DEFAULT_SEED, Llama

                started = time.perf_counter()
                self._llama = Llama(
                    model_path=str(self._model_path),
                    n_ctx=self._n_ctx,
                    n_threads=self._n_threads,
                    n_threads_batch=self._n_threads,
                    seed=self._seed if self._seed is not None else LLAMA_DEFAULT_SEED,
                    verbose=False,
                )
                logger.info(
                    "llama.cpp loaded %s in %.2f s", self.model, time.perf_counter() - started
                )
            return self._llama

    async def _prewarm_impl(self) -> None:
        await asyncio.to_thread(self.load)

    def warm(self, instructions: str, tools: list[llm.Tool] | None = None) -> None:
        """Blocking: evaluate a system prompt and tool block now (e.g. at worker start), so the
        first caller does not wait for it."""
        messages = [{"role": "system", "content": instructions}]
        functions = toolcall.tool_schemas(tools or [])
        head, _ = toolcall.render_prompt(messages, functions)
        with self._run_lock:
            self._restore_or_snapshot(self.load(), head, self._tokenize(head))

    # --- LiveKit API ---

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> LlamaStream:
        return LlamaStream(
            self,
            chat_ctx=chat_ctx,
            tools=tools or [],
            conn_options=conn_options,
            tool_choice=tool_choice if utils.is_given(tool_choice) else None,
        )

    def remember_call(self, call_id: str, raw: str) -> None:
        self._raw_calls[call_id] = raw
        while len(self._raw_calls) > 256:
            self._raw_calls.pop(next(iter(self._raw_calls)))

    # --- generation (worker thread) ---

    def _tokenize(self, text: str) -> list[int]:
        return self.load().tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _special(self, text: str) -> int | None:
        ids = self._tokenize(text)
        return ids[0] if len(ids) == 1 else None

    def _restore_or_snapshot(self, llama: Llama, head: str, head_ids: list[int]) -> int:
        """Make the context start with the evaluated `head`; returns how many tokens were reused."""
        key = hashlib.sha256(head.encode()).hexdigest()
        cached = _common_prefix(llama, head_ids)
        if cached >= len(head_ids):
            return cached
        if key in self._snapshots:
            self._snapshots.move_to_end(key)
            llama.load_state(self._snapshots[key][1])
            return len(head_ids)
        started = time.perf_counter()
        llama.reset()
        llama.eval(head_ids)
        self._snapshots[key] = (len(head_ids), llama.save_state())
        while len(self._snapshots) > _SNAPSHOTS:
            self._snapshots.popitem(last=False)
        logger.info(
            "evaluated a %d-token system prompt in %.2f s",
            len(head_ids),
            time.perf_counter() - started,
        )
        return 0

    def _grammar(self, functions: list[dict[str, Any]]) -> LlamaGrammar:
        from llama_cpp import LlamaGrammar

        schema = json.dumps(toolcall.call_schema(functions), sort_keys=True)
        if schema not in self._grammars:
            self._grammars[schema] = LlamaGrammar.from_json_schema(schema, verbose=False)
        return self._grammars[schema]

    def _fit(
        self, messages: list[dict[str, Any]], functions: list[dict[str, Any]]
    ) -> tuple[str, str, list[int]]:
        """Render the prompt, dropping the oldest turns when it would not leave room to answer."""
        budget = self._n_ctx - self._sampling.max_tokens - self._sampling.max_call_tokens
        lead = 0
        while lead < len(messages) and messages[lead].get("role") in ("system", "developer"):
            lead += 1
        drop = 0
        while True:
            kept = messages[:lead] + messages[lead + drop :]
            head, prompt = toolcall.render_prompt(kept, functions, raw_calls=self._raw_calls)
            ids = self._tokenize(prompt)
            if len(ids) <= budget or lead + drop >= len(messages) - 1:
                return head, prompt, ids
            drop += 1
            # never start the kept history with a tool result orphaned from its call
            while lead + drop < len(messages) - 1 and messages[lead + drop].get("role") == "tool":
                drop += 1

    def generate(self, req: _Request) -> _Outcome:
        """Blocking: run one completion, streaming text pieces through `req.emit`."""
        with self._run_lock:
            return self._generate_locked(req)

    def _generate_locked(self, req: _Request) -> _Outcome:
        llama = self.load()
        s = self._sampling
        started = time.perf_counter()
        head, _prompt, ids = self._fit(req.messages, req.functions)
        head_ids = self._tokenize(head)
        reused = self._restore_or_snapshot(llama, head, head_ids)
        out = _Outcome(prompt_tokens=len(ids))
        out.cached_tokens = max(reused, _common_prefix(llama, ids))

        stops = {llama.token_eos()}
        for marker in (toolcall.IM_END, "<|endoftext|>"):
            if (tok := self._special(marker)) is not None:
                stops.add(tok)
        open_id = self._special(toolcall.TOOL_CALL_OPEN)
        names = {f["name"] for f in req.functions}
        choice = req.tool_choice
        forced: str | None = None
        if isinstance(choice, dict):
            forced = choice.get("function", {}).get("name")
        if not names or choice == "none":
            open_id = None  # generate text only; an opened call ends the reply instead
            names = set()

        generated: list[int] = []
        text = ""
        held = ""  # text withheld while it might still turn out to be a bare JSON call
        opened = bool(names) and (choice == "required" or forced is not None)
        if not opened:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            for tok in llama.generate(
                ids,
                temp=s.temperature,
                top_p=s.top_p,
                top_k=s.top_k,
                min_p=s.min_p,
                repeat_penalty=s.repeat_penalty,
            ):
                if not generated:
                    out.timings["first_token"] = time.perf_counter() - started
                if req.cancel.is_set() or tok in stops:
                    break
                if tok == open_id:
                    opened = True
                    break
                generated.append(tok)
                piece = decoder.decode(llama.detokenize([tok], special=False))
                if not piece:
                    continue
                if held or (not text and piece.lstrip().startswith("{") and names):
                    held += piece
                else:
                    text += piece
                    req.emit(piece)
                if len(generated) >= s.max_tokens:
                    break
            if held:
                try:
                    out.call = toolcall.parse_call(held, names)
                    out.call_raw = held.strip()
                except ValueError:
                    text += held
                    req.emit(held)
        out.text = text.strip()

        if opened and not req.cancel.is_set():
            functions = [f for f in req.functions if forced is None or f["name"] == forced]
            call_ids = ids + generated + self._tokenize(toolcall.TOOL_CALL_OPEN + "\n")
            raw = self._sample_call(llama, call_ids, functions, stops, req.cancel)
            generated += self._tokenize(raw)
            try:
                out.call = toolcall.parse_call(raw, {f["name"] for f in functions})
                out.call_raw = raw.strip()
            except ValueError:
                # only a call cut off at max_call_tokens gets here; say nothing rather than guess
                logger.warning("the local model produced an unusable tool call; ignoring it")

        out.completion_tokens = len(generated)
        out.timings["total"] = time.perf_counter() - started
        self.last_outcome = out
        return out

    def _sample_call(
        self,
        llama: Llama,
        ids: list[int],
        functions: list[dict[str, Any]],
        stops: set[int],
        cancel: threading.Event,
    ) -> str:
        s = self._sampling
        grammar = self._grammar(functions)
        pieces: list[int] = []
        for tok in llama.generate(
            ids,
            temp=s.temperature,
            top_p=s.top_p,
            top_k=s.top_k,
            min_p=s.min_p,
            repeat_penalty=1.0,  # JSON repeats quotes and braces by nature
            grammar=grammar,
        ):
            if cancel.is_set() or tok in stops or len(pieces) >= s.max_call_tokens:
                break
            pieces.append(tok)
        return llama.detokenize(pieces, special=False).decode("utf-8", errors="replace")


def _common_prefix(llama: Llama, ids: list[int]) -> int:
    n = 0
    current = llama.input_ids[: llama.n_tokens]
    for a, b in zip(current, ids, strict=False):
        if a != b:
            break
        n += 1
    return n


class LlamaStream(llm.LLMStream):
    def __init__(
        self,
        llm_: LlamaLLM,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        conn_options: APIConnectOptions,
        tool_choice: ToolChoice | None,
    ) -> None:
        super().__init__(llm_, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._llama_llm = llm_
        self._tool_choice = tool_choice

    async def _run(self) -> None:
        messages, _ = self._chat_ctx.to_provider_format("openai", inject_dummy_user_message=False)
        functions = toolcall.tool_schemas(self._tools)
        request_id = utils.shortuuid("llama_")
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def emit(item: Any) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work() -> _Outcome:
            try:
                return self._llama_llm.generate(
                    _Request(messages, functions, self._tool_choice, emit, cancel)
                )
            finally:
                emit(_Done)

        future = loop.run_in_executor(None, work)
        try:
            while (item := await queue.get()) is not _Done:
                self._event_ch.send_nowait(
                    llm.ChatChunk(
                        id=request_id,
                        delta=llm.ChoiceDelta(role="assistant", content=item),
                    )
                )
            try:
                outcome = await future
            except Exception as exc:
                raise APIConnectionError(f"local LLM failed: {exc}", retryable=False) from exc
        finally:
            # an interrupted turn stops sampling at the next token and frees the model
            cancel.set()

        if outcome.call is not None:
            call_id = utils.shortuuid("call_")
            self._llama_llm.remember_call(call_id, outcome.call_raw)
            self._event_ch.send_nowait(
                llm.ChatChunk(
                    id=request_id,
                    delta=llm.ChoiceDelta(
                        role="assistant",
                        tool_calls=[
                            llm.FunctionToolCall(
                                name=outcome.call.name,
                                arguments=outcome.call.arguments_json(),
                                call_id=call_id,
                            )
                        ],
                    ),
                )
            )
        self._event_ch.send_nowait(
            llm.ChatChunk(
                id=request_id,
                usage=llm.CompletionUsage(
                    completion_tokens=outcome.completion_tokens,
                    prompt_tokens=outcome.prompt_tokens,
                    prompt_cached_tokens=outcome.cached_tokens,
                    total_tokens=outcome.prompt_tokens + outcome.completion_tokens,
                ),
            )
        )
