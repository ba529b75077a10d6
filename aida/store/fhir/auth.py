"""Credentials for the EHR: a static bearer token, or SMART Backend Services (OAuth client
credentials, with a signed JWT assertion or a client secret), refreshed before it expires."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import aiohttp
import jwt

from aida.errors import StoreUnavailable
from aida.store import failures

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
EARLY_S = 60  # refresh a minute before the server says it expires


class TokenSource:
    async def token(self) -> str | None:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop a cached token the server refused."""


class StaticToken(TokenSource):
    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str | None:
        return self._token


class SmartBackendServices(TokenSource):
    """https://hl7.org/fhir/smart-app-launch/backend-services.html"""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        scope: str,
        *,
        token_url: str | None = None,
        client_secret: str | None = None,
        private_key_path: Path | None = None,
    ) -> None:
        if not client_secret and private_key_path is None:
            raise ValueError("SMART backend services need FHIR_CLIENT_SECRET or a private key")
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.scope = scope
        self.token_url = token_url
        self.client_secret = client_secret
        self.private_key = private_key_path.read_text() if private_key_path else None
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        self._token = None

    async def token(self) -> str | None:
        async with self._lock:
            if self._token is None or time.time() >= self._expires:
                await self._fetch()
            return self._token

    async def _discover(self, session: aiohttp.ClientSession) -> str:
        if self.token_url:
            return self.token_url
        async with session.get(f"{self.base_url}/.well-known/smart-configuration") as r:
            if r.status != 200:
                raise StoreUnavailable("The clinic's records do not say where to get a token.")
            self.token_url = str((await r.json(content_type=None))["token_endpoint"])
        return self.token_url

    async def _fetch(self) -> None:
        timeout = aiohttp.ClientTimeout(total=30)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                url = await self._discover(session)
                form = {"grant_type": "client_credentials", "scope": self.scope}
                auth = None
                if self.private_key is not None:
                    now = int(time.time())
                    claims = {
                        "iss": self.client_id,
                        "sub": self.client_id,
                        "aud": url,
                        "exp": now + 300,
                        "jti": str(uuid.uuid4()),
                    }
                    form["client_assertion_type"] = ASSERTION_TYPE
                    form["client_assertion"] = jwt.encode(claims, self.private_key, "RS384")
                else:
                    assert self.client_secret is not None
                    auth = aiohttp.BasicAuth(self.client_id, self.client_secret)
                async with session.post(url, data=form, auth=auth) as r:
                    body = await r.json(content_type=None)
                    if r.status != 200 or "access_token" not in body:
                        raise StoreUnavailable("The clinic's records refused Aida's credentials.")
        except aiohttp.ClientError as exc:
            raise failures.unavailable() from exc
        self._token = str(body["access_token"])
        self._expires = time.time() + max(30, int(body.get("expires_in", 300)) - EARLY_S)
