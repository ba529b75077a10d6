"""The local language model: llama.cpp in this process, as a LiveKit `llm.LLM` with tool calls.

One `Llama` per process (weights ~1.9 GB), guarded by a lock; generation runs in a worker thread
and streams each token to the event loop as it is sampled, because time to first token is most of
a voice turn's latency on a CPU. Prompt evaluation (~50 tok/s on 2 cores) is the other big cost,
so the prompt is laid out for llama.cpp's prefix reuse: the system message and tool block come
first and never change, and a snapshot of their evaluated state is kept to restore when another
conversation used the context in between. With `state_dir` that snapshot is also kept on disk
(`llm_state.py`, written by `aida models prepare`), so a fresh process restores it in a second
instead of evaluating it for tens of seconds.

A worker host has one `LlamaLLM` (`aida.local.build_llm`), shared by every call it serves; code
that needs the llama.cpp object itself takes it from `LlamaLLM.load()` and holds `run_lock`. The
context is handed out by priority (`priority.py`): a caller's turn first; the look-ahead prefill
only when nobody waits and it would not evict another live call's conversation; an after-call
summary (`priority.background()`) only when no turn waits, and it gives way between two steps of
its prompt or two tokens when one comes. Prompts are evaluated in steps for that reason, and so
that a cancelled request (an interrupted turn, a summary past its budget) stops within a step
instead of holding the context for the whole prompt.

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

from aida.local import llm_state, toolcall
from aida.local.priority import BACKGROUND, LIVE, PREFILL, Gate, ModelYielded, is_background

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar, LlamaState

logger = logging.getLogger("aida.local.llm")

_SNAPSHOTS = 3  # system heads kept evaluated (the agent's, the summary's, a test judge's)
# Tokens per prefill step: a request waits at most one step (about half a second on 2 cores).
_PREFILL_CHUNK = 8
_YIELD_POLL = 0.02  # seconds a prefill waits between looks at the speech models
# Tokens per prompt step of a request: a cancelled or outranked request stops within one. A
# summary's steps are small, since a caller waits behind each; a turn's are larger (fewer, more
# efficient batches) and are only ever stopped by its own cancellation.
_EVAL_CHUNK = {LIVE: 256, BACKGROUND: 32}


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
    background: bool = False  # an after-call summary: gives way to any live request
    key: str | None = None  # which conversation (see _conversation_key)


@dataclass
class _Outcome:
    text: str = ""
    call: toolcall.ParsedCall | None = None
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    stopped: str | None = None  # "cancelled", or "yielded" (to a live request) before the end


class _Stopped(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass
class ModelStats:
    """What the shared context did, for bench/concurrent_calls.py and the logs."""

    prefills: int = 0  # prefills that evaluated something
    prefill_tokens: int = 0
    prefill_skipped: dict[str, int] = field(default_factory=dict)  # why a prefill did not run
    # seconds each live request waited for the context, by what held it then
    live_waits: dict[str, list[float]] = field(default_factory=dict)
    yielded: int = 0  # background requests that gave the context to a live one
    background_done: int = 0  # background requests answered to the end


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
        state_dir: Path | None = None,
        yield_to: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__()
        self._model_path = Path(model_path)
        self._state_dir = state_dir
        # True while speech is being recognised or synthesised for any call on this host: a
        # prefill waits then, because the next turn of every call needs that CPU first
        self._yield_to = yield_to
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._sampling = sampling or Sampling()
        self._seed = seed
        self._llama: Llama | None = None
        self._load_lock = threading.Lock()
        self._run_lock = Gate()
        # The caller is speaking (or being transcribed): prefill waits, leaving both cores to
        # the VAD and the speech-to-text on the path of every turn (see hold_prefill).
        self._held = threading.Event()
        self._holders: set[int] = set()  # the sessions whose caller is speaking
        self._holders_lock = threading.Lock()
        self._snapshots: OrderedDict[str, tuple[int, LlamaState]] = OrderedDict()
        self._grammars: dict[str, LlamaGrammar] = {}
        # the exact JSON text each call was sampled as, to replay it token for token next turn
        self._raw_calls: dict[str, str] = {}
        self.last_outcome: _Outcome | None = None
        self.prefill_yielded = 0.0  # seconds prefills waited for speech (bench/concurrent_calls)
        # "auto": a prefill runs only when it pays (see prefill); "always": the earlier
        # behaviour, for the bench's comparison
        self.prefill_policy = "auto"
        self.stats = ModelStats()
        # the conversation whose tokens follow the head in the context, and the calls' ends
        # (a prefill passes its call's `stop`): a live call's evaluated turns are not evicted
        # by another call's prefill
        self._tail: str | None = None
        self._ends: dict[str, threading.Event] = {}

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

    def _restore_or_snapshot(
        self,
        llama: Llama,
        head: str,
        head_ids: list[int],
        stop: Callable[[], str | None] | None = None,
    ) -> int:
        """Make the context start with the evaluated `head`; returns how many tokens were reused.
        With `stop`, a head that has to be evaluated is evaluated in steps, and `_Stopped` is
        raised when `stop` gives a reason (what was evaluated stays for the next attempt)."""
        key = hashlib.sha256(head.encode()).hexdigest()
        cached = _common_prefix(llama, head_ids)
        if cached >= len(head_ids):
            return cached
        self._tail = None
        if key in self._snapshots:
            self._snapshots.move_to_end(key)
            llama.load_state(self._snapshots[key][1])
            return len(head_ids)
        started = time.perf_counter()
        saved = None
        if self._state_dir is not None:
            disk_key = llm_state.state_key(self._model_path, self._n_ctx, head)
            saved = llm_state.state_path(self._state_dir, disk_key)
            restored = llm_state.load(llama, saved, disk_key)
            if restored is not None and restored.n_tokens == len(head_ids):
                self._remember_snapshot(key, len(head_ids), restored)
                logger.info(
                    "restored the %d-token system prompt from %s in %.2f s",
                    len(head_ids),
                    saved.name,
                    time.perf_counter() - started,
                )
                return len(head_ids)
        if stop is None:
            llama.reset()
            llama.eval(head_ids)
        else:
            # a head interrupted earlier goes on from where it stopped
            cached = _common_prefix(llama, head_ids)
            llama.n_tokens = min(llama.n_tokens, cached)
            _eval_steps(llama, head_ids, cached, _EVAL_CHUNK[BACKGROUND], stop)
        if saved is not None:
            llm_state.save(llama, saved, disk_key)
        self._remember_snapshot(key, len(head_ids), llama.save_state())
        logger.info(
            "evaluated a %d-token system prompt in %.2f s",
            len(head_ids),
            time.perf_counter() - started,
        )
        return 0

    def _remember_snapshot(self, key: str, n_tokens: int, state: LlamaState) -> None:
        self._snapshots[key] = (n_tokens, state)
        while len(self._snapshots) > _SNAPSHOTS:
            self._snapshots.popitem(last=False)

    def _grammar(self, function: dict[str, Any]) -> LlamaGrammar:
        from llama_cpp import LlamaGrammar

        schema = json.dumps(toolcall.arguments_schema(function), sort_keys=True)
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

    @property
    def run_lock(self) -> Gate:
        """Held while the context is in use (a request, a prefill, warming); `with run_lock:`
        takes it at a live request's priority."""
        return self._run_lock

    def hold_prefill(self, held: bool, owner: object = None) -> None:
        """While any session holds it, a prefill stops at its next chunk and none starts; what
        it evaluated stays in the cache, and the next one goes on from there. `owner` (the
        session) keeps one call's release from lifting another's hold on a shared model."""
        with self._holders_lock:
            if held:
                self._holders.add(id(owner))
            else:
                self._holders.discard(id(owner))
            if self._holders:
                self._held.set()
            else:
                self._held.clear()

    def _speech_busy(self) -> bool:
        return self._yield_to is not None and self._yield_to()

    def generate(self, req: _Request) -> _Outcome:
        """Blocking: run one completion, streaming text pieces through `req.emit`. A live
        request waits only for the step in progress; a background one waits until no live
        request does."""
        priority = BACKGROUND if req.background else LIVE
        holder = self._run_lock.holder
        waited = time.perf_counter()
        self._run_lock.acquire(priority=priority)
        try:
            if priority == LIVE:
                held_by = {None: "free", LIVE: "turn", PREFILL: "prefill", BACKGROUND: "summary"}
                self.stats.live_waits.setdefault(held_by[holder], []).append(
                    time.perf_counter() - waited
                )
            if req.cancel.is_set():  # interrupted while another conversation held the model
                return _Outcome(stopped="cancelled")
            return self._generate_locked(req, priority)
        finally:
            self._run_lock.release()

    def _prefill_skip(self, key: str | None, stop: threading.Event | None) -> str | None:
        """Why a prefill now would not pay, or None. It runs only with the context free and no
        request waiting (a request evaluates the conversation itself, and should not wait for a
        bet), and not over another live call's evaluated conversation: that only moves the
        cost of a turn from one caller to another, and spends the CPU both need."""
        if self.prefill_policy == "always":
            return None
        if self._held.is_set():
            return "caller speaking"
        if self._run_lock.outranked(PREFILL):
            return "request waiting"
        tail = self._tail
        if tail is not None and tail != key:
            end = self._ends.get(tail)
            if end is not None and not end.is_set():
                return "another call's turn in the context"
        return None

    def prefill(
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        stop: threading.Event | None = None,
    ) -> int:
        """Blocking: evaluate the conversation so far, while the caller listens and answers, so
        the next request evaluates only the caller's new words. Aida's tools speak for
        themselves and ask the model for no reply, so without this a turn's tool call, result
        and spoken sentence would all be evaluated at the start of the next turn, on the
        critical path. Runs only when it pays (`_prefill_skip`), gives way at once (between
        small chunks) to a real request, and stops when `stop` is set (the call has ended);
        returns the tokens evaluated."""
        key = _conversation_key(chat_ctx)
        if key is not None and stop is not None:
            self._ends[key] = stop
            for old in [k for k, end in self._ends.items() if end.is_set()]:
                del self._ends[old]
        skip = self._prefill_skip(key, stop)
        if skip is None and not self._run_lock.acquire(blocking=False, priority=PREFILL):
            skip = "model busy"
        if skip is not None:
            self.stats.prefill_skipped[skip] = self.stats.prefill_skipped.get(skip, 0) + 1
            return 0
        try:
            messages, _ = chat_ctx.to_provider_format("openai", inject_dummy_user_message=False)
            functions = toolcall.tool_schemas(tools)
            llama = self.load()
            head, prompt, _ids = self._fit(messages, functions)
            ids = self._tokenize(prompt[: prompt.rfind(toolcall.ASSISTANT_TURN)])
            if _common_prefix(llama, ids) >= len(ids):
                skip = "already evaluated"
                self.stats.prefill_skipped[skip] = self.stats.prefill_skipped.get(skip, 0) + 1
                return 0
            self._restore_or_snapshot(llama, head, self._tokenize(head))
            done = _common_prefix(llama, ids)
            llama.n_tokens = min(llama.n_tokens, done)
            self._tail = key
            evaluated = 0
            started = time.perf_counter()
            waited = 0.0
            while done < len(ids) and not self._held.is_set():
                if self._run_lock.outranked(PREFILL):
                    break
                if stop is not None and stop.is_set():
                    break
                if self._speech_busy():
                    # speech for a call is on the critical path; the prefill is a bet
                    time.sleep(_YIELD_POLL)
                    waited += _YIELD_POLL
                    continue
                chunk = ids[done : done + _PREFILL_CHUNK]
                llama.eval(chunk)
                done += len(chunk)
                evaluated += len(chunk)
            self.prefill_yielded += waited
            if evaluated:
                self.stats.prefills += 1
                self.stats.prefill_tokens += evaluated
                logger.info(
                    "llm prefill: %d tokens evaluated ahead of the next turn in %.2f s%s",
                    evaluated,
                    time.perf_counter() - started,
                    "" if done >= len(ids) else " (stopped for the caller or a request)",
                )
            return evaluated
        finally:
            self._run_lock.release()

    def _generate_locked(self, req: _Request, priority: int = LIVE) -> _Outcome:
        llama = self.load()
        started = time.perf_counter()
        head, _prompt, ids = self._fit(req.messages, req.functions)
        out = _Outcome(prompt_tokens=len(ids))

        def stop() -> str | None:
            if req.cancel.is_set():
                return "cancelled"
            if priority == BACKGROUND and self._run_lock.outranked(BACKGROUND):
                return "yielded"
            return None

        try:
            reused = self._restore_or_snapshot(llama, head, self._tokenize(head), stop)
        except _Stopped as exc:
            return self._stopped(out, exc.why, started)
        # a head evaluated just now for this request was not served from the cache
        out.cached_tokens = _common_prefix(llama, ids) if reused else 0
        self._tail = req.key if priority == LIVE else None

        names = {f["name"] for f in req.functions}
        choice = req.tool_choice
        prefill = ""
        if names and choice == "none":
            prefill = toolcall.MESSAGE_PREFIX + "\n"
        elif names and isinstance(choice, dict):
            forced = choice.get("function", {}).get("name")
            if forced in names:
                prefill = f"{toolcall.CALL_PREFIX}{forced}:\n"
        elif names and choice == "required":
            prefill = toolcall.CALL_PREFIX
        if prefill:
            ids = ids + self._tokenize(prefill)

        # the prompt in steps, all but its last token (generate evaluates that one and samples)
        done = _common_prefix(llama, ids[:-1])
        llama.n_tokens = min(llama.n_tokens, done)
        try:
            _eval_steps(llama, ids[:-1], done, _EVAL_CHUNK[priority], stop)
        except _Stopped as exc:
            return self._stopped(out, exc.why, started)

        parser = _ReplyParser(names, prefill, req.emit)
        generated: list[int] = []
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = self._stops(llama)
        s = self._sampling
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
            if (why := stop()) is not None:
                out.stopped = why
                break
            if tok in stops:
                break
            generated.append(tok)
            if parser.feed(decoder.decode(llama.detokenize([tok], special=False))):
                break  # a complete call: nothing the model adds after it would be used
            limit = s.max_call_tokens if parser.in_call else s.max_tokens
            if len(generated) >= limit:
                break
        parser.finish()
        out.text = parser.text.strip()
        if out.stopped is not None:
            return self._stopped(out, out.stopped, started, len(generated))

        if parser.call_name and not req.cancel.is_set():
            try:
                arguments, raw = toolcall.parse_arguments(parser.call_text)
            except ValueError:
                # free sampling broke the JSON: sample it again under the schema's grammar
                head_ids = ids + generated[: parser.call_start_tokens(llama, generated)]
                raw = self._sample_arguments(llama, head_ids, parser.call_name, req, stops)
                try:
                    arguments, raw = toolcall.parse_arguments(raw)
                except ValueError:
                    arguments = None
                    logger.warning("the local model produced unusable tool arguments")
            if arguments is not None:
                function = next(f for f in req.functions if f["name"] == parser.call_name)
                kept = toolcall.drop_invented(arguments, function, _user_words(req.messages))
                if kept != arguments:
                    arguments, raw = kept, toolcall.dumps(kept)
                out.call = toolcall.ParsedCall(parser.call_name, arguments, raw)

        out.completion_tokens = len(generated)
        out.timings["total"] = time.perf_counter() - started
        if priority == BACKGROUND:
            self._tail = None  # a finished call's note: nothing anyone will continue
            self.stats.background_done += 1
        self.last_outcome = out
        # Token counts only (no text): what each turn really costs on the CPU.
        logger.info(
            "llm request: %d prompt tokens, %d reused, %d evaluated; first token %.2f s; "
            "%d generated; %.2f s in all",
            out.prompt_tokens,
            out.cached_tokens,
            out.prompt_tokens - out.cached_tokens,
            out.timings.get("first_token", 0.0),
            out.completion_tokens,
            out.timings["total"],
        )
        return out

    def _stopped(self, out: _Outcome, why: str, started: float, generated: int = 0) -> _Outcome:
        out.stopped = why
        out.completion_tokens = generated
        out.timings["total"] = time.perf_counter() - started
        if why == "yielded":
            self.stats.yielded += 1
            self._tail = None
        self.last_outcome = out
        logger.info(
            "llm request stopped (%s) after %.2f s: %d prompt tokens, %d generated",
            "gave way to a live call" if why == "yielded" else why,
            out.timings["total"],
            out.prompt_tokens,
            generated,
        )
        return out

    def _stops(self, llama: Llama) -> set[int]:
        stops = {llama.token_eos()}
        for marker in (toolcall.IM_END, "<|endoftext|>"):
            if (tok := self._special(marker)) is not None:
                stops.add(tok)
        return stops

    def _sample_arguments(
        self, llama: Llama, ids: list[int], name: str, req: _Request, stops: set[int]
    ) -> str:
        function = next(f for f in req.functions if f["name"] == name)
        s = self._sampling
        pieces: list[int] = []
        for tok in llama.generate(
            ids,
            temp=s.temperature,
            top_p=s.top_p,
            top_k=s.top_k,
            min_p=s.min_p,
            repeat_penalty=1.0,  # JSON repeats quotes and braces by nature
            grammar=self._grammar(function),
        ):
            if req.cancel.is_set() or tok in stops or len(pieces) >= s.max_call_tokens:
                break
            if req.background and self._run_lock.outranked(BACKGROUND):
                break  # the arguments fail to parse: the summary is retried later
            pieces.append(tok)
        return llama.detokenize(pieces, special=False).decode("utf-8", errors="replace")


class _ReplyParser:
    """Splits the streamed reply into spoken text and at most one function call.

    Text is passed to `emit` as soon as it cannot be the start of the `message:` or
    `functions.<name>:` markers, so speech starts with the first real word.
    """

    def __init__(self, names: set[str], prefill: str, emit: Callable[[Any], None]) -> None:
        self._names = names
        self._emit = emit
        self.text = ""
        self._pending = ""  # received but not yet classified or emitted
        self.call_name: str | None = None
        self.call_text = ""
        self.in_call = False
        self._decided = not names
        if prefill:
            self._decided = True
            self._pending = prefill
            if prefill.startswith(toolcall.CALL_PREFIX):
                self.in_call = True
                self._pending = prefill[len(toolcall.CALL_PREFIX) :]
                self._parse_call_head()
            else:
                self._pending = ""

    def call_start_tokens(self, llama: Llama, generated: list[int]) -> int:
        """How many generated tokens precede the call's arguments (for a grammar retry)."""
        text = ""
        for i, tok in enumerate(generated):
            text += llama.detokenize([tok], special=False).decode("utf-8", errors="replace")
            if self.call_name and text.rstrip().endswith(f"{self.call_name}:"):
                return i + 1
        return len(generated)

    def feed(self, piece: str) -> bool:
        """Take the next decoded piece; True once a complete call has been read."""
        if not piece:
            return False
        if self.in_call:
            return self._feed_call(piece)
        self._pending += piece
        if not self._decided:
            head = self._pending.lstrip()
            for marker in (toolcall.MESSAGE_PREFIX, toolcall.CALL_PREFIX):
                if marker.startswith(head):
                    return False  # could still be either marker
            self._decided = True
            if head.startswith(toolcall.MESSAGE_PREFIX):
                self._pending = head[len(toolcall.MESSAGE_PREFIX) :].lstrip()
            elif head.startswith(toolcall.CALL_PREFIX):
                return self._start_call(head[len(toolcall.CALL_PREFIX) :])
            # neither marker: the model just talked, and all of it is the reply
        marker = "\n" + toolcall.CALL_PREFIX
        if self._names and marker in self._pending:
            before, after = self._pending.split(marker, 1)
            self._say(before)
            return self._start_call(after)
        keep = _partial_suffix(self._pending, marker) if self._names else 0
        self._say(self._pending[: len(self._pending) - keep])
        self._pending = self._pending[len(self._pending) - keep :]
        return False

    def finish(self) -> None:
        if not self.in_call and self._pending:
            head = self._pending.lstrip()
            if not self._decided and head.startswith(toolcall.MESSAGE_PREFIX):
                head = head[len(toolcall.MESSAGE_PREFIX) :]
            self._say(head if not self._decided else self._pending)
            self._pending = ""

    def _say(self, text: str) -> None:
        if not self.text:
            text = text.lstrip()
        if text:
            self.text += text
            self._emit(text)

    def _start_call(self, rest: str) -> bool:
        self.in_call = True
        self._pending = rest
        return self._parse_call_head()

    def _parse_call_head(self) -> bool:
        if self.call_name is None:
            if ":" not in self._pending:
                return False
            name, rest = self._pending.split(":", 1)
            if name.strip() not in self._names:
                # not a tool we offered: stop rather than speak a garbled call aloud
                self.call_name = ""
                return True
            self.call_name = name.strip()
            self._pending = ""
            return self._feed_call(rest)
        return False

    def _feed_call(self, piece: str) -> bool:
        if self.call_name is None:
            self._pending += piece
            return self._parse_call_head()
        self.call_text += piece
        if "}" not in piece:
            return False
        try:
            toolcall.parse_arguments(self.call_text)
        except ValueError:
            return False
        return True


def _partial_suffix(text: str, marker: str) -> int:
    """Length of the longest end of `text` that is a proper start of `marker`."""
    for n in range(min(len(text), len(marker) - 1), 0, -1):
        if marker.startswith(text[-n:]):
            return n
    return 0


def _user_words(messages: list[dict[str, Any]]) -> set[str]:
    text = " ".join(
        str(m.get("content") or "") for m in messages if m.get("role") in ("user", "tool")
    )
    return toolcall.content_words(text)


def _eval_steps(
    llama: Llama, ids: list[int], done: int, chunk: int, stop: Callable[[], str | None]
) -> None:
    """Evaluate `ids[done:]` into the context (which holds `ids[:done]`) `chunk` tokens at a
    time, raising `_Stopped` when `stop` gives a reason between two steps."""
    while done < len(ids):
        if (why := stop()) is not None:
            raise _Stopped(why)
        step = ids[done : done + chunk]
        llama.eval(step)
        done += len(step)


def _conversation_key(chat_ctx: llm.ChatContext) -> str | None:
    """Which conversation a context is: the id of its first message after the instructions
    (LiveKit gives every item an id, kept by the copies each turn works on)."""
    for item in chat_ctx.items:
        if getattr(item, "role", None) in ("system", "developer"):
            continue
        return str(item.id)
    return None


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
        background = is_background()  # read here: the worker thread does not see the mark
        key = _conversation_key(self._chat_ctx)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def emit(item: Any) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work() -> _Outcome:
            try:
                return self._llama_llm.generate(
                    _Request(messages, functions, self._tool_choice, emit, cancel, background, key)
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
        if outcome.stopped == "yielded":
            raise ModelYielded()

        if outcome.call is not None:
            call_id = utils.shortuuid("call_")
            self._llama_llm.remember_call(call_id, outcome.call.raw)
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
