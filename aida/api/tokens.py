"""LiveKit access tokens for web callers: join one fresh room, with the agent "aida" dispatched.

`livekit_token()` is the token as livekit-api builds it (`AccessToken(...).with_grants(...)
.with_room_config(...)`). `TokenMinter` produces the same JWT for each request from a claims
template that `livekit_token()` built once: `AccessToken.to_jwt()` spends most of its time turning
its dataclasses into a dict (measured: a third of the CPU of a whole `POST /api/session`), and only
the room, identity, name, metadata and times differ between two callers. A test holds the two
byte-for-byte equal in claims.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from typing import Any

import jwt
from livekit.api import AccessToken, RoomAgentDispatch, RoomConfiguration, VideoGrants

from aida.config import Settings

AGENT_NAME = "aida"


def missing_livekit(settings: Settings) -> list[str]:
    """The variables a token still needs, by name."""
    missing = []
    if not settings.livekit_url:
        missing.append("LIVEKIT_URL")
    if not settings.livekit_api_key:
        missing.append("LIVEKIT_API_KEY")
    if settings.livekit_api_secret is None or not settings.livekit_api_secret.get_secret_value():
        missing.append("LIVEKIT_API_SECRET")
    return missing


def livekit_token(
    api_key: str,
    api_secret: str,
    *,
    ttl: int,
    room: str,
    identity: str,
    name: str | None,
    metadata: str,
) -> AccessToken:
    token = (
        AccessToken(api_key, api_secret)
        .with_identity(identity)
        .with_ttl(dt.timedelta(seconds=ttl))
        .with_metadata(metadata)
        .with_grants(
            VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                can_subscribe=True,
                can_publish_data=True,
            )
        )
        .with_room_config(
            RoomConfiguration(agents=[RoomAgentDispatch(agent_name=AGENT_NAME, metadata=metadata)])
        )
    )
    return token.with_name(name) if name else token


class TokenMinter:
    def __init__(self, api_key: str, api_secret: str, ttl: int) -> None:
        self._key = api_key
        self._secret = api_secret
        self._ttl = ttl
        reference = livekit_token(
            api_key, api_secret, ttl=ttl, room="r", identity="i", name="n", metadata="m"
        )
        self._template: dict[str, Any] = reference.claims.asdict()
        agents = self._template["roomConfig"]["agents"]
        if len(agents) != 1 or agents[0].get("metadata") != "m":
            raise RuntimeError("unexpected livekit-api claims layout; update TokenMinter")

    def mint(
        self, *, room: str, identity: str, name: str | None, metadata: str
    ) -> tuple[str, dt.datetime]:
        """The JWT and its expiry (UTC, whole seconds, as the token's `exp`)."""
        claims = copy.copy(self._template)
        claims["video"] = {**self._template["video"], "room": room}
        config = self._template["roomConfig"]
        claims["roomConfig"] = {**config, "agents": [{**config["agents"][0], "metadata": metadata}]}
        claims["metadata"] = metadata
        if name:
            claims["name"] = name
        else:
            del claims["name"]
        # As AccessToken.to_jwt: whole seconds of the current UTC time.
        now = calendar.timegm(dt.datetime.now(dt.UTC).utctimetuple())
        claims.update({"sub": identity, "iss": self._key, "nbf": now, "exp": now + self._ttl})
        token = jwt.encode(claims, self._secret, algorithm="HS256")
        return token, dt.datetime.fromtimestamp(now + self._ttl, dt.UTC)
