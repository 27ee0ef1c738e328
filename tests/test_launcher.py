"""The launcher's embedded services: a real PostgreSQL and Redis from their wheels, on free ports."""

import os
import socket

import psycopg
import pytest
import redis
from django.conf import settings

from cabinet.launcher import embedded_services, free_port, port_open


@pytest.fixture
def pg_dir():
    """A folder the server's own OS user can reach (it runs as one when the tests run as root). Not under
    pytest's tmp_path: every xdist worker resets /tmp/pytest-of-<user> to mode 700 when it starts using it,
    which could lock the server out of its files in the middle of a test."""
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="kabinet-launcher-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_free_port_prefers_the_asked_one_and_avoids_taken_ones():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert free_port(taken) != taken
    port = free_port()
    assert free_port(port) == port


@pytest.mark.slow
def test_embedded_services_start_on_free_ports_and_stop(pg_dir, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with embedded_services(pg_dir, persist=False) as env:
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
def test_embedded_postgres_keeps_data_between_runs(pg_dir, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])  # reuse the suite's Redis; only PostgreSQL restarts
    with embedded_services(pg_dir, persist=True) as env, psycopg.connect(env["DATABASE_URL"], autocommit=True) as c:
        c.execute("CREATE TABLE kept (v text)")
        c.execute("INSERT INTO kept VALUES ('still here')")
    with embedded_services(pg_dir, persist=True) as env, psycopg.connect(env["DATABASE_URL"]) as c:
        assert c.execute("SELECT v FROM kept").fetchone()[0] == "still here"


def test_existing_urls_are_used_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("STRIPE_API_BASE", "https://stripe.example")
    with embedded_services(tmp_path, persist=False) as env:
        assert env == {"DATABASE_URL": "postgres://u@db.example:5432/x", "REDIS_URL": "redis://cache.example:6379/0",
                       "STRIPE_API_BASE": "https://stripe.example"}
    assert list(tmp_path.iterdir()) == []


def _old_launcher_database(data_dir, monkeypatch, *statements):
    """A data folder as launchers before the Unicode locale made it (initdb --locale=C), with some rows."""
    from cabinet.launcher import embedded

    monkeypatch.setattr(embedded, "DATABASE_LOCALE", ("--locale=C",))
    monkeypatch.setattr(embedded, "DATABASE_LOCALE_SQL", "LC_COLLATE 'C' LC_CTYPE 'C'")
    pg = embedded.EmbeddedPostgres(data_dir / "postgres", free_port())
    pg.start()
    try:
        assert not pg.folds_case()
        with psycopg.connect(pg.url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        pg.stop()
    monkeypatch.undo()


def test_the_embedded_server_folds_case_in_every_alphabet(pg_dir, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
    with embedded_services(pg_dir, persist=False) as env, psycopg.connect(env["DATABASE_URL"]) as conn:
        assert conn.execute("SELECT lower('ТЕСТ Їжак'), upper('ґанок')").fetchone() == (
            "тест їжак", "ҐАНОК")
        assert conn.execute("SELECT 'Тест' ILIKE 'тЕСТ'").fetchone()[0] is True


@pytest.mark.slow
def test_a_database_made_with_locale_c_is_converted_keeping_every_row(pg_dir, monkeypatch, capsys):
    _old_launcher_database(pg_dir, monkeypatch, "CREATE TABLE kept (v text)",
                           "INSERT INTO kept VALUES ('Тест'), ('Їжак')")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
    with embedded_services(pg_dir, persist=True) as env, psycopg.connect(env["DATABASE_URL"]) as conn:
        assert conn.execute("SELECT lower('ТЕСТ')").fetchone()[0] == "тест"
        assert [row[0] for row in conn.execute("SELECT v FROM kept WHERE v ILIKE 'тест' OR upper(v) = 'ЇЖАК'")] == [
            "Тест", "Їжак"]
        databases = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert databases == {"postgres", "template0", "template1", "kabinet"}  # no copy left behind
    dump = pg_dir / "kabinet-before-unicode-locale.dump"
    assert dump.exists() and dump.stat().st_mode & 0o077 == 0  # kept, readable by its owner only
    assert "Converted in" in capsys.readouterr().out
    # Once converted, a later start has nothing to do.
    with embedded_services(pg_dir, persist=True):
        pass
    assert "locale C" not in capsys.readouterr().out


@pytest.mark.slow
def test_a_conversion_that_fails_changes_nothing(pg_dir, monkeypatch, capsys):
    """Under locale C «ТЕСТ» and «тест» pass a unique index on lower(); with Unicode case they collide, so the
    copy cannot be restored: the old database must stay exactly as it was."""
    _old_launcher_database(pg_dir, monkeypatch, "CREATE TABLE groups (name text)",
                           "CREATE UNIQUE INDEX groups_name ON groups (lower(name))",
                           "INSERT INTO groups VALUES ('ТЕСТ'), ('тест')")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
    with embedded_services(pg_dir, persist=True) as env, psycopg.connect(env["DATABASE_URL"]) as conn:
        assert sorted(row[0] for row in conn.execute("SELECT name FROM groups")) == ["ТЕСТ", "тест"]
        assert conn.execute("SELECT lower('ТЕСТ')").fetchone()[0] == "ТЕСТ"
        databases = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert databases == {"postgres", "template0", "template1", "kabinet"}
    out = capsys.readouterr().out
    assert "nothing was changed" in out and "make clean-data" in out


def test_make_run_keeps_mail_in_the_local_mailbox_unless_mail_is_configured():
    from cabinet.launcher import MAILBOX_BACKEND, mail_environment

    assert mail_environment({}) == {"EMAIL_BACKEND": MAILBOX_BACKEND, "LOCAL_MAILBOX_PAGE": "1"}
    assert mail_environment({"LOCAL_MAILBOX_PAGE": "0"})["LOCAL_MAILBOX_PAGE"] == "0"
    assert mail_environment({"EMAIL_HOST": "smtp.example.com"}) == {}
    assert mail_environment({"EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend"}) == {}
