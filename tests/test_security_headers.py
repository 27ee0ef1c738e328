"""Security headers on every answer: the Content-Security-Policy (with the news admin's own), nosniff on static
files and on the API's JSON errors, HSTS and the HTTPS redirect behind HTTPS_ONLY, and no published SECRET_KEY."""

import os
import re
import subprocess
import sys

import pytest
from django.test import override_settings

from cabinet.launcher import ROOT
from conftest import host_client
from tests.helpers import sign_in


def policy(response) -> dict[str, str]:
    return {part.split()[0]: part for part in (p.strip() for p in response["Content-Security-Policy"].split(";")) if part}


def test_every_page_has_a_policy_whose_nonce_its_inline_code_carries(alpha_client, platform_client):
    for client, path in ((alpha_client, "/"), (alpha_client, "/login/"), (platform_client, "/"),
                         (platform_client, "/signup/"), (alpha_client, "/no-such-page/")):
        response = client.get(path)
        directives = policy(response)
        nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
        assert directives["script-src"] == f"script-src 'self' 'nonce-{nonce}'"
        assert directives["style-src"] == f"style-src 'self' 'nonce-{nonce}'"
        assert directives["object-src"] == "object-src 'none'" and directives["frame-ancestors"] == "frame-ancestors 'none'"
        html = response.content.decode()
        inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline and all(f'nonce="{nonce}"' in attributes for _tag, attributes in inline), (path, inline)
        assert " style=" not in html and " onclick=" not in html and " onchange=" not in html


def test_the_news_admin_has_its_own_looser_policy(alpha, alpha_client):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    response = alpha_client.get("/manage/news/admin/", follow=True)
    directives = policy(response)
    assert directives["script-src"] == "script-src 'self' 'unsafe-inline'"
    assert "nonce-" not in response["Content-Security-Policy"]


def test_static_files_and_api_errors_carry_the_security_headers(alpha_client):
    static = alpha_client.get("/static/cabinet/kabinet.js")
    assert static.status_code == 200 and static["X-Content-Type-Options"] == "nosniff"
    for response in (alpha_client.get("/api/v1/no-such-thing/"), alpha_client.get("/api/v1/documents/")):
        assert response.status_code in (401, 403, 404) and response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "Content-Security-Policy" in response


def test_without_https_only_there_is_no_redirect_and_no_hsts(alpha_client):
    response = alpha_client.get("/")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True)
def test_https_only_redirects_plain_http_and_sends_hsts(alpha):
    client = host_client("alpha.localhost")
    redirect = client.get("/catalog/?q=tea")
    assert redirect.status_code == 301 and redirect["Location"] == "https://alpha.localhost/catalog/?q=tea"
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert client.get("/healthz").status_code in (200, 503)  # probes speak plain HTTP to the pod


def _start(env_changes: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", "import cabinet.asgi, cabinet.wsgi"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("debug", ["0", ""])
def test_production_refuses_to_start_without_a_secret_key(debug):
    env = {"DEBUG": debug} if debug else {}
    started = _start(env)
    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr
    assert "insecure" not in subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; import django; django.setup(); "
                               "print(settings._wrapped.SECRET_KEY)"],
        env={**{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")},
             "DJANGO_SETTINGS_MODULE": "cabinet.settings"}, capture_output=True, text=True, timeout=120).stdout


def test_a_secret_key_or_debug_lets_it_start():
    assert _start({"SECRET_KEY": "k" * 60}).returncode == 0
    assert _start({"DEBUG": "1"}).returncode == 0
