"""`agent.py console`: the terminal shows the conversation, the log lines go to a file at INFO
(no transcripts: LiveKit's DEBUG lines carry them), and `--verbose` shows both."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from aida.agent.worker import _console_log_handler, console_logging


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    terminal = _console_log_handler()
    terminal_level = terminal.level if terminal is not None else logging.NOTSET
    yield
    for handler in root.handlers:
        if handler not in before:
            handler.close()
    root.handlers[:] = before
    root.setLevel(level)
    if terminal is not None:
        terminal.setLevel(terminal_level)


def _emit(log_file: Path) -> str:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)  # what LiveKit's console sets
    logging.getLogger("aida.call").info("call started: caller id sip, on file")
    logging.getLogger("livekit.agents").debug(
        "received user transcript", extra={"lk.pii.text": "my date of birth is March third"}
    )
    for handler in root.handlers:
        handler.flush()
    return log_file.read_text()


def test_console_sends_info_logs_to_a_file_and_keeps_the_terminal_quiet(
    tmp_path: Path, root_handlers: None
) -> None:
    log_file = tmp_path / "logs" / "console.log"
    argv = console_logging(["agent.py", "console", "--text"], log_file=log_file)
    assert argv == ["agent.py", "console", "--text"]
    terminal = _console_log_handler()
    assert terminal is not None and terminal.level == logging.ERROR
    written = _emit(log_file)
    assert "call started: caller id sip" in written
    assert "received user transcript" not in written  # DEBUG stays out of the file
    assert "March third" not in written


def test_verbose_shows_the_logs_in_the_terminal_too_and_is_not_passed_to_livekit(
    tmp_path: Path, root_handlers: None
) -> None:
    log_file = tmp_path / "console.log"
    argv = console_logging(["agent.py", "console", "--text", "--verbose"], log_file=log_file)
    assert argv == ["agent.py", "console", "--text"]  # LiveKit's CLI does not know the flag
    terminal = _console_log_handler()
    assert terminal is not None and terminal.level == logging.NOTSET
    written = _emit(log_file)
    assert "received user transcript" in written
    # extras (where LiveKit puts transcripts) are never formatted into the file
    assert "March third" not in written


def test_other_commands_are_left_alone(tmp_path: Path, root_handlers: None) -> None:
    argv = ["agent.py", "start", "--verbose"]
    assert console_logging(argv, log_file=tmp_path / "x.log") == argv
    assert not (tmp_path / "x.log").exists()
