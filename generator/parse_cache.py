"""The parse cache of record files (generator.records.load_records): YAML is most of the
cost of loading records, and most files are the same as at the last run."""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sqlite3
from typing import Any

from generator.paths import Paths


class ParseCache:
    """Parsed record files by the SHA-256 of their text, pickled in one SQLite file
    (.cache/parsed.sqlite): the model still checks every record, but an unchanged file is
    not parsed as YAML again (YAML is most of the cost of loading records). One database,
    not a file per record: at 51,300 records, creating the files cost more than the lookups
    save. A cache that cannot be opened or read is rebuilt, never trusted."""

    def __init__(self, paths: Paths) -> None:
        self.file = paths.cache / "parsed.sqlite"
        self.used: set[str] = set()
        self._db: sqlite3.Connection | None = None
        shutil.rmtree(paths.cache / "parsed", ignore_errors=True)  # the JSON files of before

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError:  # not a database (a broken or foreign file)
                self.file.unlink(missing_ok=True)
                self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.file, timeout=60)
        db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        return db

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The cached data of those keys that are cached."""
        self.used.update(keys)
        found: dict[str, Any] = {}
        db = self._open()
        for start in range(0, len(keys), 500):  # SQLite's limit on a query's parameters
            part = keys[start : start + 500]
            query = f"SELECT key, data FROM parsed WHERE key IN ({','.join('?' * len(part))})"
            for key, blob in db.execute(query, part):
                try:
                    found[key] = pickle.loads(blob)
                except Exception:  # a damaged entry: parsed again
                    continue
        return found

    def put_many(self, entries: dict[str, Any]) -> None:
        db = self._open()
        with db:
            db.executemany(
                "INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                ((k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in entries.items()),
            )

    def prune(self) -> None:
        """Drop the entries of files no longer there (the cache holds this run's only)."""
        db = self._open()
        with db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM used")
            db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self.used))
            db.execute("DELETE FROM parsed WHERE key NOT IN (SELECT key FROM used)")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
