"""Schema migrations as ordered SQL files, one list per dialect.

SQLite's live next to this module. PostgreSQL's are the Supabase migrations
(`supabase/migrations/*.sql` at the repository root), so the Supabase CLI and Aida's own
`migrate()` apply the very same, idempotent SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SQLITE_DIR = Path(__file__).resolve().parent
POSTGRES_DIR = Path(__file__).resolve().parents[3] / "supabase" / "migrations"


@dataclass(frozen=True)
class Migration:
    version: str  # the file name without .sql; files apply in name order
    sql: str


def _load(folder: Path) -> list[Migration]:
    files = sorted(folder.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no migrations found in {folder}")
    return [Migration(version=f.stem, sql=f.read_text(encoding="utf-8")) for f in files]


def sqlite_migrations() -> list[Migration]:
    return _load(SQLITE_DIR)


def postgres_migrations() -> list[Migration]:
    return _load(POSTGRES_DIR)
