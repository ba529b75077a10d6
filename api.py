"""The web client's REST API, served by `uvicorn api:app` (see `aida/api/`)."""

from aida.api.main import app

__all__ = ["app"]
