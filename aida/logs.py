"""Logging set-up shared by the worker, the API and the CLI.

Patient data never goes to INFO: phone numbers are logged masked (`mask_phone`) and transcript text
only at DEBUG, which a clinic should not enable in production.
"""

from __future__ import annotations

import logging

from aida.config import get_settings


def setup_logging(level: int | str | None = None) -> None:
    chosen = level if level is not None else get_settings().log_level.upper()
    logging.basicConfig(
        level=chosen,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Third-party clients log request URLs at INFO, and PostgREST URLs carry phone filters.
    for noisy in ("httpx", "httpcore", "hpack"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
