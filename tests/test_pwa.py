"""Installable portal: manifest and icons from the tenant's branding, service worker, offline page."""

import io
import json

from django_tenants.utils import tenant_context
from PIL import Image

from cabinet.portal.models import Branding
from cabinet.portal.selectors import forget_portal_state


def test_manifest_is_built_from_the_tenants_branding(alpha, alpha_client, beta_client):
    with tenant_context(alpha):
        Branding.objects.filter(pk=1).update(portal_name="Alpha Health Centre", primary_color="#123456")
        forget_portal_state()
    response = alpha_client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Alpha Health Centre" and len(data["short_name"]) <= 12
    assert data["theme_color"] == "#123456" and data["display"] == "standalone" and data["scope"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    other = json.loads(beta_client.get("/manifest.webmanifest").content)
    assert other["name"] == "Bravo Business"


def test_icons_are_pngs_of_the_declared_size(alpha_client):
    for size in (192, 512):
        response = alpha_client.get(f"/pwa/icon-{size}.png")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (size, size)
    assert alpha_client.get("/pwa/icon-100.png").status_code == 404


def test_service_worker_and_offline_page(alpha_client):
    worker = alpha_client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    assert '"/offline/"' in body and "caches.match(OFFLINE_URL)" in body
    offline = alpha_client.get("/offline/")
    assert offline.status_code == 200 and "You are offline" in offline.content.decode()
    home = alpha_client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in home and "pwa.js" in home


def test_portal_files_are_not_on_the_platform_host(platform_client):
    assert platform_client.get("/manifest.webmanifest").status_code == 404
    assert platform_client.get("/sw.js").status_code == 404
