"""FHIR R4 REST through fhirpy's async client: reads, searches (every page), creates, and
versioned updates (If-Match), with the EHR's failures turned into Aida's errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from fhirpy import AsyncFHIRClient
from fhirpy.base.exceptions import (
    AuthorizationError,
    BaseFHIRError,
    MultipleResourcesFound,
    ResourceNotFound,
)

from aida.errors import StoreUnavailable
from aida.store import failures
from aida.store.fhir.auth import TokenSource

log = logging.getLogger("aida.store.fhir")

Resource = dict[str, Any]
# A week of one clinic's calendar fits in one page; paging still follows `next` links.
PAGE = 500


class VersionConflict(Exception):
    """The server refused a write made against an older version (HTTP 412 on If-Match)."""


class FhirError(StoreUnavailable):
    """The server answered a request with an error Aida cannot act on. To a caller it is the
    appointment book being unavailable; `detail` (the server's words, which may quote patient
    data) is for the exception chain, not for logs at INFO."""

    def __init__(self, detail: str) -> None:
        super().__init__(failures.unavailable().message)
        self.detail = detail


class FhirMisconfigured(RuntimeError):
    """The server is not one Aida can use (not R4, resources missing): said by `aida db
    migrate`."""


def version_of(resource: Mapping[str, Any]) -> str | None:
    meta = resource.get("meta") or {}
    version = meta.get("versionId")
    return str(version) if version is not None else None


def plain(value: Any) -> Any:
    """fhirpy's AttrDicts as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class FhirClient:
    def __init__(self, base_url: str, tokens: TokenSource | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    async def _client(self, headers: Mapping[str, str] | None = None) -> AsyncFHIRClient:
        token = await self.tokens.token() if self.tokens else None
        return AsyncFHIRClient(
            self.base_url,
            authorization=f"Bearer {token}" if token else None,
            extra_headers={"Accept": "application/fhir+json", **(headers or {})},
            aiohttp_config={"timeout": aiohttp.ClientTimeout(total=30)},
        )

    async def _execute(
        self,
        path: str,
        method: str,
        data: Resource | None = None,
        params: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        for attempt in (1, 2):
            client = await self._client(headers)
            try:
                return plain(await client.execute(path, method, data=data, params=params))
            except AuthorizationError:
                if self.tokens is None or attempt == 2:
                    raise StoreUnavailable("The clinic's records refused Aida's access.") from None
                self.tokens.forget()  # expired early or revoked: one fresh token, once
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("FHIR server unreachable: %s", type(exc).__name__)
                raise failures.unavailable() from exc
        raise AssertionError("unreachable")

    async def metadata(self) -> Resource:
        try:
            found = await self._execute("metadata", "get")
        except BaseFHIRError as exc:
            raise FhirError(str(exc)[:300]) from exc
        if not isinstance(found, dict):
            raise FhirError("the server's /metadata is not a CapabilityStatement")
        return found

    async def read(self, rtype: str, rid: str) -> Resource | None:
        try:
            found = await self._execute(f"{rtype}/{rid}", "get")
        except ResourceNotFound:
            return None
        except BaseFHIRError as exc:
            # An id the server cannot even parse is one it does not have.
            if "invalid" in str(exc).lower() or "400" in str(exc):
                return None
            raise FhirError(str(exc)[:300]) from exc
        return found if isinstance(found, dict) else None

    async def search(
        self, rtype: str, params: dict[str, Any], *, first: int | None = None
    ) -> list[Resource]:
        """Every match, all pages (searchset entries with mode `match`); with `first`, at most
        that many from the first page (is there any?)."""
        found: list[Resource] = []
        path: str | None = rtype
        query: dict[str, Any] | None = {**params, "_count": str(first or PAGE)}
        while path is not None:
            try:
                bundle = await self._execute(path, "get", params=query)
            except BaseFHIRError as exc:
                raise FhirError(str(exc)[:300]) from exc
            for entry in bundle.get("entry") or []:
                if (entry.get("search") or {}).get("mode", "match") == "match":
                    found.append(entry["resource"])
            if first is not None:
                return found[:first]
            path = next(
                (link["url"] for link in bundle.get("link") or [] if link["relation"] == "next"),
                None,
            )
            query = None
        return found

    async def create(self, resource: Resource) -> Resource:
        try:
            made = await self._execute(resource["resourceType"], "post", data=resource)
        except BaseFHIRError as exc:
            raise FhirError(str(exc)[:300]) from exc
        assert isinstance(made, dict)
        return made

    async def update(self, resource: Resource, version: str | None) -> Resource:
        """PUT the resource; with `version`, only if the server still holds that version
        (`If-Match`), else `VersionConflict`."""
        headers = {"If-Match": f'W/"{version}"'} if version is not None else None
        path = f"{resource['resourceType']}/{resource['id']}"
        try:
            made = await self._execute(path, "put", data=resource, headers=headers)
        except MultipleResourcesFound as exc:  # fhirpy's name for any 412
            raise VersionConflict(path) from exc
        except BaseFHIRError as exc:
            if "409" in str(exc) or "conflict" in str(exc).lower():
                raise VersionConflict(path) from exc
            raise FhirError(str(exc)[:300]) from exc
        assert isinstance(made, dict)
        return made

    async def delete(self, rtype: str, rid: str) -> None:
        try:
            await self._execute(f"{rtype}/{rid}", "delete")
        except ResourceNotFound:
            return
        except BaseFHIRError as exc:
            raise FhirError(str(exc)[:300]) from exc
