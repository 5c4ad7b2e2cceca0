"""Every benchmark, against SQLite and (when DATABASE_URL is set) PostgreSQL, ending with one
table: page, req/s, × hello, queries at 1× and 10× data. ``make benchmarks`` runs it.

    .venv/bin/python -m tests.benchmarks.run                       # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python -m tests.benchmarks.run                   # SQLite, then PostgreSQL
    BENCHMARKS=groups_bench,meetings_bench .venv/bin/python -m tests.benchmarks.run

Each benchmark runs in its own process on its own data: a throw-away SQLite file, or a
fresh PostgreSQL database named after DATABASE_URL's with the benchmark's name appended
(dropped and made anew, so DATABASE_URL's own database is never touched). Every ratio is
against the hello view measured by the same benchmark, in the same gunicorn, in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
ALL = (
    "groups_bench",
    "meetings_bench",
    "attendance_bench",
    "certificates_bench",
    "whistleblowing_bench",
    "connection_bench",
)


def fresh_postgres(url: str, suffix: str) -> str:
    """DATABASE_URL with its database renamed ``<name>_<suffix>``, dropped and created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'portal'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_one(bench: str, database_url: str, results: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BENCH_RESULTS"] = str(results)
    label = "SQLite"
    if database_url:
        env["DATABASE_URL"] = fresh_postgres(database_url, bench.removesuffix("_bench"))
        label = "PostgreSQL"
    print(f"== {bench} ({label})", flush=True)
    subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{bench}"], cwd=ROOT, env=env, check=True
    )


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| database | page | req/s | × hello | queries 1× | queries 10× |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        q1, q10 = row["q1"], row["q10"]
        lines.append(
            f"| {row['database']} | {row['page']} | {row['rate']:.0f} | {row['ratio']:.3f} | "
            f"{'–' if q1 is None else q1} | {'–' if q10 is None else q10} |"
        )
    return "\n".join(lines)


def main() -> None:
    chosen = [b for b in os.environ.get("BENCHMARKS", ",".join(ALL)).split(",") if b]
    unknown = set(chosen) - set(ALL)
    if unknown:
        raise SystemExit(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    databases = [""] + ([os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") else [])
    with tempfile.TemporaryDirectory(prefix="portal-bench-results-") as folder:
        results = Path(folder) / "rows.jsonl"
        results.touch()
        for database_url in databases:
            for bench in chosen:
                run_one(bench, database_url, results)
        rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    print()
    print(
        f"{dt.datetime.now(dt.UTC).date().isoformat()}, {os.cpu_count()} cores, gunicorn -w 2, wrk on loopback; "
        "× hello = req/s ÷ the hello view's in the same run"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
