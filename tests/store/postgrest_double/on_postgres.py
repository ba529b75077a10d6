"""PostgREST's HTTP dialect answered by a real PostgreSQL: a thin adapter, no rules of its own.

Each request supabase-py sends becomes the SQL PostgREST would run, in one transaction as the
`service_role` of a database set up like a Supabase project (its roles and default privileges,
then the files in `supabase/migrations/`). Booking, rescheduling, cancelling and merging
preferences are the SQL functions themselves; conflicts, foreign keys, grants and error codes are
PostgreSQL's. The adapter only translates:

- tables: `select`, filters (`eq`, `neq`, `gt`, `gte`, `lt`, `lte`, `is`), `order`, `offset`,
  `limit`, `Prefer: count=exact`; inserts and upserts (`on_conflict`, `resolution=merge-
  duplicates | ignore-duplicates`, `return=minimal | representation`), updates, deletes;
- functions: `POST /rpc/<name>` with named arguments, as PostgREST resolves them;
- answers: rows as a JSON array (`json_agg`, so timestamptz reads "2026-12-01T15:00:00+00:00"),
  errors as `{code, details, hint, message}` with the HTTP status PostgREST gives each SQLSTATE.

What PostgREST itself answers from its schema cache (an unknown table PGRST205, function PGRST202,
column in a body PGRST204) is answered from the catalog here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg

from tests.store.postgrest_double.server import FakePostgrest, Recorded, Reply, error_body

ROLE = "service_role"
FILTER_OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
IS_VALUES = {"null": "null", "true": "true", "false": "false"}
JSON = {"Content-Type": "application/json; charset=utf-8"}
NOT_FILTERS = {"select", "order", "offset", "limit", "on_conflict", "columns"}


class Refused(Exception):
    """An error PostgREST raises itself, before or instead of running SQL."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.reply = Reply(status, error_body(code, message))


def status_for(sqlstate: str) -> int:
    """PostgREST's documented HTTP status for a SQLSTATE (docs: errors, "SQLSTATE codes")."""
    exact = {
        "23503": 409,
        "23505": 409,
        "25006": 405,
        "42883": 404,
        "42P01": 404,
        "42P17": 500,
        "42501": 403,
        "P0001": 400,
    }
    if sqlstate in exact:
        return exact[sqlstate]
    for prefix, status in (
        ("08", 503),
        ("09", 500),
        ("0L", 403),
        ("0P", 403),
        ("25", 500),
        ("28", 403),
        ("2D", 500),
        ("38", 500),
        ("39", 500),
        ("3B", 500),
        ("40", 500),
        ("53", 503),
        ("54", 500),
        ("55", 500),
        ("57", 500),
        ("58", 500),
        ("F0", 500),
        ("HV", 500),
        ("P0", 500),
        ("XX", 500),
    ):
        if sqlstate.startswith(prefix):
            return status
    return 400


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Query:
    """The SQL for one request: text and its parameters ($1, $2, ... in order)."""

    sql: str
    args: list[Any]


class PostgrestOnPostgres:
    """A `Backend` for `FakePostgrest`: answers PostgREST requests from a real database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None

    async def start(self) -> None:
        # PostgREST's sessions run in UTC on Supabase: timestamptz comes back as +00:00.
        self._pool = await asyncpg.create_pool(
            self.url, min_size=1, max_size=4, server_settings={"timezone": "UTC"}
        )

    async def stop(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def handle(self, req: Recorded) -> Reply:
        assert self._pool is not None, "start() first"
        parts = req.path.removeprefix("/rest/v1/").split("/")
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute(f"set local role {ROLE}")
                if parts[0] == "rpc":
                    if req.method != "POST":
                        raise Refused(405, "PGRST101", "Only GET and POST are allowed")
                    return await self._rpc(conn, parts[1], req.json())
                return await self._table(conn, parts[0], req)
        except Refused as refused:
            return refused.reply
        except asyncpg.PostgresError as err:
            code = err.sqlstate or "XX000"
            body = error_body(code, err.message, err.detail, err.hint)
            return Reply(status_for(code), body)

    # --- tables ---

    async def _table(self, conn: asyncpg.Connection, table: str, req: Recorded) -> Reply:
        columns = await self._columns(conn, table)
        prefer = req.headers.get("prefer", "")
        if req.method in ("GET", "HEAD"):
            reply = await self._select(conn, table, columns, req.params, prefer)
            return Reply(200, None, headers=reply.headers) if req.method == "HEAD" else reply
        if req.method == "POST":
            return await self._insert(conn, table, columns, req, prefer)
        if req.method == "PATCH":
            return await self._update(conn, table, columns, req, prefer)
        if req.method == "DELETE":
            query = Query("", [])
            where = self._where(table, columns, req.params, query)
            query.sql = f"delete from public.{ident(table)} {where} returning *"
            return await self._written(conn, query, prefer, 200)
        raise Refused(405, "PGRST117", f"Unsupported HTTP method: {req.method}")

    async def _columns(self, conn: asyncpg.Connection, table: str) -> dict[str, str]:
        """The table's columns and their types, as PostgREST's schema cache knows them."""
        rows = await conn.fetch(
            "select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) as type"
            "  from pg_catalog.pg_attribute a"
            "  join pg_catalog.pg_class c on c.oid = a.attrelid"
            "  join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relname = $1 and c.relkind in ('r', 'v', 'p')"
            "   and a.attnum > 0 and not a.attisdropped"
            " order by a.attnum",
            table,
        )
        if not rows:
            raise Refused(
                404, "PGRST205", f"Could not find the table 'public.{table}' in the schema cache"
            )
        return {r["attname"]: r["type"] for r in rows}

    def _where(
        self, table: str, columns: dict[str, str], params: list[tuple[str, str]], query: Query
    ) -> str:
        clauses = []
        for key, value in params:
            if key in NOT_FILTERS:
                continue
            op, _, arg = value.partition(".")
            column = f"{ident(table)}.{ident(key)}"
            if op == "is" and arg in IS_VALUES:
                clauses.append(f"{column} is {IS_VALUES[arg]}")
            elif op in FILTER_OPS:
                # PostgREST sends the value as text and lets PostgreSQL read it as the column's
                # type (an unknown column fails in PostgreSQL with 42703, as it does there).
                query.args.append(arg)
                cast = f"::{columns[key]}" if key in columns else ""
                clauses.append(f"{column} {FILTER_OPS[op]} (${len(query.args)}::text){cast}")
            else:
                raise Refused(400, "PGRST100", f'"failed to parse filter ({value})"')
        return "where " + " and ".join(clauses) if clauses else ""

    async def _select(
        self,
        conn: asyncpg.Connection,
        table: str,
        columns: dict[str, str],
        params: list[tuple[str, str]],
        prefer: str,
    ) -> Reply:
        named = dict(params)
        select = named.get("select", "*")
        wanted = "*"
        if select != "*":
            wanted = ", ".join(f"{ident(table)}.{ident(c)}" for c in select.split(","))
        query = Query("", [])
        where = self._where(table, columns, params, query)
        order = ""
        if named.get("order"):
            terms = []
            for spec in named["order"].split(","):
                column, _, direction = spec.partition(".")
                desc = direction.startswith("desc")
                terms.append(f"{ident(table)}.{ident(column)} {'desc' if desc else 'asc'}")
            order = "order by " + ", ".join(terms)
        offset = int(named.get("offset", 0))
        limit = f"limit {int(named['limit'])}" if "limit" in named else ""
        source = f"from public.{ident(table)} {where}"
        query.sql = (
            f"select coalesce(json_agg(t), '[]') from"
            f" (select {wanted} {source} {order} {limit} offset {offset}) t"
        )
        rows = json.loads(await conn.fetchval(query.sql, *query.args))
        headers = {}
        if "count=exact" in prefer:
            total = await conn.fetchval(f"select count(*) {source}", *query.args)
            shown = f"{offset}-{offset + len(rows) - 1}" if rows else "*"
            headers["Content-Range"] = f"{shown}/{total}"
        return Reply(200, rows, headers=headers)

    def _body_columns(self, table: str, columns: dict[str, str], rows: list[dict]) -> list[str]:
        keys: list[str] = []
        for row in rows:
            keys += [k for k in row if k not in keys]
        for key in keys:
            if key not in columns:
                raise Refused(
                    400,
                    "PGRST204",
                    f"Could not find the '{key}' column of '{table}' in the schema cache",
                )
        return keys

    async def _insert(
        self,
        conn: asyncpg.Connection,
        table: str,
        columns: dict[str, str],
        req: Recorded,
        prefer: str,
    ) -> Reply:
        body = req.json()
        rows = body if isinstance(body, list) else [body]
        keys = self._body_columns(table, columns, rows)
        names = ", ".join(ident(k) for k in keys)
        sql = (
            f"insert into public.{ident(table)} ({names})"
            f" select {names} from jsonb_populate_recordset(null::public.{ident(table)}, $1)"
        )
        resolution = next(
            (p.split("=", 1)[1] for p in prefer.split(",") if p.startswith("resolution=")), None
        )
        if resolution is not None:
            target = dict(req.params).get("on_conflict") or await self._primary_key(conn, table)
            conflict = ", ".join(ident(c) for c in target.split(","))
            if resolution == "ignore-duplicates":
                sql += f" on conflict ({conflict}) do nothing"
            else:  # merge-duplicates: the columns in the body, and only those, are updated
                updates = ", ".join(f"{ident(k)} = excluded.{ident(k)}" for k in keys)
                sql += f" on conflict ({conflict}) do update set {updates}"
        query = Query(sql + " returning *", [json.dumps(rows)])
        return await self._written(conn, query, prefer, 201)

    async def _primary_key(self, conn: asyncpg.Connection, table: str) -> str:
        names = await conn.fetch(
            "select a.attname from pg_catalog.pg_index i"
            "  join pg_catalog.pg_attribute a"
            "    on a.attrelid = i.indrelid and a.attnum = any(i.indkey)"
            " where i.indrelid = $1::regclass and i.indisprimary",
            f"public.{ident(table)}",
        )
        return ",".join(r["attname"] for r in names)

    async def _update(
        self,
        conn: asyncpg.Connection,
        table: str,
        columns: dict[str, str],
        req: Recorded,
        prefer: str,
    ) -> Reply:
        body = req.json()
        keys = self._body_columns(table, columns, [body])
        query = Query("", [json.dumps(body)])
        where = self._where(table, columns, req.params, query)
        sets = ", ".join(f"{ident(k)} = _body.{ident(k)}" for k in keys)
        query.sql = (
            f"update public.{ident(table)} set {sets}"
            f" from jsonb_populate_record(null::public.{ident(table)}, $1) as _body"
            f" {where} returning {ident(table)}.*"
        )
        return await self._written(conn, query, prefer, 200)

    async def _written(
        self, conn: asyncpg.Connection, query: Query, prefer: str, status: int
    ) -> Reply:
        sql = f"with w as ({query.sql}) select coalesce(json_agg(w), '[]') from w"
        rows = json.loads(await conn.fetchval(sql, *query.args))
        if "return=representation" in prefer:
            return Reply(status, rows)
        return Reply(201 if status == 201 else 204)

    # --- functions ---

    async def _rpc(self, conn: asyncpg.Connection, fn: str, args: dict[str, Any]) -> Reply:
        """Call the function whose named arguments the body gives (those with defaults may be
        left out), reading each argument as its declared type, as PostgREST does."""
        candidates = await conn.fetch(
            "select p.proargnames as names,"
            "       array(select pg_catalog.format_type(t, null)"
            "               from unnest(p.proargtypes) as t) as types,"
            "       p.pronargdefaults as defaults"
            "  from pg_catalog.pg_proc p"
            "  join pg_catalog.pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'public' and p.proname = $1",
            fn,
        )
        for found in candidates:
            names, types = list(found["names"] or []), list(found["types"])
            required = set(names[: len(names) - found["defaults"]])
            if set(args) <= set(names) and required <= set(args):
                given = [(n, t) for n, t in zip(names, types, strict=True) if n in args]
                record = ", ".join(f"{ident(n)} {t}" for n, t in given)
                call = ", ".join(f"{ident(n)} => _args.{ident(n)}" for n, _ in given)
                sql = (
                    f"select to_json(public.{ident(fn)}({call}))"
                    f" from jsonb_to_record($1::jsonb) as _args({record})"
                )
                value = await conn.fetchval(sql, json.dumps(args))
                return Reply(200, raw=(value or "null").encode(), headers=JSON)
        listed = ", ".join(sorted(args))
        raise Refused(
            404,
            "PGRST202",
            f"Could not find the function public.{fn}({listed}) in the schema cache",
        )


@contextlib.asynccontextmanager
async def postgrest_on(db_url: str) -> AsyncIterator[FakePostgrest]:
    """PostgREST on 127.0.0.1 over the database at `db_url`, every request recorded."""
    backend = PostgrestOnPostgres(db_url)
    await backend.start()
    server = FakePostgrest(backend)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()
        await backend.stop()
