"""Cached reads that stay true until a table they were read from is written (the dashboard's cards, the
header's badges): a kernel leaf (it imports no app).

Every write statement (INSERT, UPDATE, DELETE, whether by the ORM, `QuerySet.update()`, `bulk_create()` or a
raw cursor) drops the written table's version in the cache, for the schema it ran in: at once and again
when its transaction commits. A cached entry keeps the versions of the tables its computation read (seen in
the SQL it ran), taken *before* it ran; it is served only while they are all unchanged. So a new order, a
document opened, a notification read shows on the next page, in every process, with no list of what each
card depends on to keep up to date.

- The cache key function adds the tenant's schema (`django_tenants.cache.make_key`): versions and entries
  never cross tenants. Callers put the user (and the language) into their keys where the data is personal.
- Nothing is stored that was read in a transaction that wrote one of the tables read (it may roll back),
  nor on the first computation of a kind of entry in a process (its tables are not known yet).
- A version is a random token, so dropping it is a `delete`, which the resilient cache replays after a
  Redis outage (cabinet/cache.py): entries cached before an outage are not served stale after it.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.signals import connection_created

ENTRY_SECONDS = 300  # a safety net only: writes drop entries at once
VERSION_PREFIX = "table-version:"

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"', re.IGNORECASE)
_PUBLIC = "public"

# kind of entry -> the tables its computation read so far (code decides them, so they are per process)
_known_tables: dict[Hashable, frozenset[str]] = {}
_lock = threading.Lock()


def _schema(conn) -> str:
    return getattr(conn, "schema_name", _PUBLIC) or _PUBLIC


def _version_keys(tables) -> list[str]:
    return [VERSION_PREFIX + table for table in tables]


def _drop_versions(tables: set[str]) -> None:
    cache.delete_many(_version_keys(tables))


class _WriteWatcher:
    """An execute wrapper on every connection: notes the tables written, drops their versions."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        result = execute(sql, params, many, context)
        if match is not None:
            conn = context["connection"]
            if _schema(conn) != _PUBLIC:
                table = match.group(1)
                if conn.in_atomic_block:
                    written = _transaction_writes(conn, create=True)
                    if table not in written:
                        written.add(table)
                        _drop_versions({table})
                else:
                    _drop_versions({table})
        return result


def _transaction_writes(conn, *, create: bool = False) -> set[str]:
    """The tables written in the connection's running transaction. Its versions are dropped again by one
    on-commit callback; a set whose callback is gone (the transaction ended, or its savepoint rolled back)
    belongs to an earlier transaction."""
    held = conn.__dict__.get("_kabinet_writes")
    if held is not None and conn.in_atomic_block and any(entry[1] is held[0] for entry in conn.run_on_commit):
        return held[1]
    if not create:
        return set()
    written: set[str] = set()

    def drop_on_commit() -> None:
        _drop_versions(written)

    conn.__dict__["_kabinet_writes"] = (drop_on_commit, written)
    transaction.on_commit(drop_on_commit, using=conn.alias)
    return written


def _watch(sender, connection, **kwargs) -> None:  # noqa: ARG001 - the signal's signature
    if not any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_WriteWatcher(connection.alias))


def install() -> None:
    """Watches the writes of every connection, those made from now on and the open ones."""
    connection_created.connect(_watch, dispatch_uid="cabinet.freshness")
    for conn in connections.all(initialized_only=True):
        _watch(None, conn)


class _ReadRecorder:
    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str):
            self.tables.update(_READ.findall(sql))
        return execute(sql, params, many, context)


def _set_missing_versions(found: dict[str, str], tables: set[str]) -> None:
    """Sets a version for each table of `tables` that has none in `found` (the first to set it wins)."""
    for key in _version_keys(sorted(tables)):
        if key not in found:
            token = secrets.token_hex(8)
            if not cache.add(key, token, timeout=None):
                token = cache.get(key) or token
            found[key] = token


def cached_many(items: Sequence[tuple[str, Hashable, Callable[[], Any]]]) -> list[Any]:
    """The values of `items` ((cache key, kind, compute) each), from the cache where still true, else
    computed (and stored when that is safe). `kind` names what computes it (e.g. ("card", "orders")): the
    tables it reads are learnt per kind. One cache round trip when everything is cached: an entry is only
    stored with versions of tables its kind was known to read, so those versions are fetched with it."""
    if not items:
        return []
    # What each kind was known to read, taken once: other threads may learn more tables meanwhile, and only
    # the versions of these are read.
    known_by_kind = {kind: _known_tables.get(kind) for _key, kind, _compute in items}
    wanted: set[str] = set().union(*(known or () for known in known_by_kind.values()))
    version_keys = _version_keys(sorted(wanted))
    found = cache.get_many([key for key, _kind, _compute in items] + version_keys)
    entries = {key: found.get(key) for key, _kind, _compute in items}
    versions_found = {key: found[key] for key in version_keys if key in found}
    missing_versions = wanted.difference(key[len(VERSION_PREFIX):] for key in versions_found)
    if missing_versions:
        _set_missing_versions(versions_found, missing_versions)
    versions = {key[len(VERSION_PREFIX):]: value for key, value in versions_found.items()}
    values, to_store = [], {}
    for key, kind, compute in items:
        entry = entries[key]
        if entry is not None and all(versions.get(t) == v for t, v in entry["versions"].items()):
            values.append(entry["value"])
            continue
        known = known_by_kind[kind]
        snapshot = {table: versions[table] for table in known} if known is not None else None
        recorder = _ReadRecorder()
        with connection.execute_wrapper(recorder):
            value = compute()
        values.append(value)
        with _lock:
            _known_tables[kind] = frozenset(recorder.tables | _known_tables.get(kind, frozenset()))
        if snapshot is not None and known is not None and recorder.tables <= known and not (
                recorder.tables & _transaction_writes(connections[DEFAULT_DB_ALIAS])):
            to_store[key] = {"versions": snapshot, "value": value}
    if to_store:
        cache.set_many(to_store, ENTRY_SECONDS)
    return values


def cached(key: str, kind: Hashable, compute: Callable[[], Any]) -> Any:
    """One value (see cached_many)."""
    return cached_many([(key, kind, compute)])[0]
