"""The launcher's embedded services: a real PostgreSQL and Redis from their wheels, on free ports."""

import os
import socket

import psycopg
import pytest
import redis
from django.conf import settings

from cabinet.launcher import embedded_services, free_port, port_open


def test_free_port_prefers_the_asked_one_and_avoids_taken_ones():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert free_port(taken) != taken
    port = free_port()
    assert free_port(port) == port


@pytest.mark.slow
def test_embedded_services_start_on_free_ports_and_stop(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    tmp_path.chmod(0o755)  # the server's own OS user must reach its data folder when running as root
    with embedded_services(tmp_path, persist=False) as env:
        pg_port = int(env["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0])
        redis_port = int(env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
        assert pg_port != int(settings.DATABASES["default"]["PORT"])  # a second server beside the suite's
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == "kabinet"
        client = redis.Redis.from_url(env["REDIS_URL"])
        assert client.ping()
        client.close()
    assert not port_open(pg_port)
    assert not port_open(redis_port)


@pytest.mark.slow
def test_embedded_postgres_keeps_data_between_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])  # reuse the suite's Redis; only PostgreSQL restarts
    tmp_path.chmod(0o755)
    with embedded_services(tmp_path, persist=True) as env, psycopg.connect(env["DATABASE_URL"], autocommit=True) as c:
        c.execute("CREATE TABLE kept (v text)")
        c.execute("INSERT INTO kept VALUES ('still here')")
    with embedded_services(tmp_path, persist=True) as env, psycopg.connect(env["DATABASE_URL"]) as c:
        assert c.execute("SELECT v FROM kept").fetchone()[0] == "still here"


def test_existing_urls_are_used_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    with embedded_services(tmp_path, persist=False) as env:
        assert env == {"DATABASE_URL": "postgres://u@db.example:5432/x", "REDIS_URL": "redis://cache.example:6379/0"}
    assert list(tmp_path.iterdir()) == []
