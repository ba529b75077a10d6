"""How Aida proves itself to an EHR: a static bearer token, or SMART Backend Services (a token
from the server's token endpoint for a JWT signed with Aida's key, or for a client secret),
fetched once, reused until it nears expiry, fetched again when the server refuses it.

The server here is a small aiohttp double of a FHIR endpoint and its token endpoint on
127.0.0.1 (sekmet-fhir checks tokens too, but a second server costs seconds to start)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aida.errors import StoreUnavailable
from aida.store.fhir.auth import ASSERTION_TYPE, SmartBackendServices, StaticToken
from aida.store.fhir.client import FhirClient

METADATA = {"resourceType": "CapabilityStatement", "fhirVersion": "4.0.1"}


class Ehr:
    def __init__(self, public_key: Any) -> None:
        self.public_key = public_key
        self.url = ""
        self.issued: list[str] = []
        self.valid: set[str] = set()
        self.forms: list[dict[str, str]] = []
        self.seen_auth: list[str | None] = []

    async def token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.forms.append({k: str(v) for k, v in form.items()})
        if form.get("client_assertion_type") == ASSERTION_TYPE:
            claims = jwt.decode(
                str(form["client_assertion"]),
                self.public_key,
                algorithms=["RS384"],
                audience=f"{self.url}/token",
            )
            ok = claims["iss"] == claims["sub"] == "aida"
        else:
            expected = "Basic " + base64.b64encode(b"aida:s3cret").decode()
            ok = request.headers.get("Authorization") == expected
        if not ok:
            return web.json_response({"error": "invalid_client"}, status=401)
        token = f"t{len(self.issued)}"
        self.issued.append(token)
        self.valid = {token}
        return web.json_response({"access_token": token, "expires_in": 300})

    async def smart(self, request: web.Request) -> web.Response:
        return web.json_response({"token_endpoint": f"{self.url}/token"})

    async def metadata(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization")
        self.seen_auth.append(header)
        if header not in {f"Bearer {t}" for t in self.valid}:
            return web.json_response({"resourceType": "OperationOutcome"}, status=401)
        return web.json_response(METADATA)


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, Any]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "aida.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path, private.public_key()


@pytest.fixture
async def ehr(key: tuple[Path, Any]) -> AsyncIterator[Ehr]:
    double = Ehr(key[1])
    app = web.Application()
    app.router.add_post("/token", double.token)
    app.router.add_get("/fhir/.well-known/smart-configuration", double.smart)
    app.router.add_get("/fhir/metadata", double.metadata)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    double.url = f"http://127.0.0.1:{port}"
    yield double
    await runner.cleanup()


async def test_a_static_token_is_sent_as_bearer(ehr: Ehr) -> None:
    ehr.valid = {"static-1"}
    client = FhirClient(f"{ehr.url}/fhir", StaticToken("static-1"))
    assert (await client.metadata())["fhirVersion"] == "4.0.1"
    assert ehr.seen_auth == ["Bearer static-1"]
    refused = FhirClient(f"{ehr.url}/fhir", StaticToken("wrong"))
    with pytest.raises(StoreUnavailable):
        await refused.metadata()


async def test_backend_services_sign_a_jwt_discover_the_endpoint_and_reuse_the_token(
    ehr: Ehr, key: tuple[Path, Any]
) -> None:
    tokens = SmartBackendServices(
        f"{ehr.url}/fhir", "aida", "system/Appointment.rs", private_key_path=key[0]
    )
    client = FhirClient(f"{ehr.url}/fhir", tokens)
    await client.metadata()
    await client.metadata()
    assert ehr.issued == ["t0"]  # one token for both requests
    assert ehr.forms[0]["grant_type"] == "client_credentials"
    assert ehr.forms[0]["scope"] == "system/Appointment.rs"
    # the server forgets the token (revoked, restarted): one fresh token, and the request again
    ehr.valid = set()
    await client.metadata()
    assert ehr.issued == ["t0", "t1"]
    assert ehr.seen_auth[-1] == "Bearer t1"


async def test_backend_services_with_a_client_secret(ehr: Ehr) -> None:
    good = SmartBackendServices(
        f"{ehr.url}/fhir",
        "aida",
        "system/*.rs",
        token_url=f"{ehr.url}/token",
        client_secret="s3cret",
    )
    await FhirClient(f"{ehr.url}/fhir", good).metadata()
    bad = SmartBackendServices(
        f"{ehr.url}/fhir", "aida", "system/*.rs", token_url=f"{ehr.url}/token", client_secret="no"
    )
    with pytest.raises(StoreUnavailable):
        await FhirClient(f"{ehr.url}/fhir", bad).metadata()
