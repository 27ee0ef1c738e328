"""Installable portal: a web app manifest and icons made from the tenant's branding, a service worker
and the page it shows when the network is gone."""

import io
import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from PIL import Image, ImageDraw, ImageFont

from cabinet.portal.colours import text_colour_on

ICON_SIZES = (192, 512)
FAVICON_SIZE = 48
# The platform host's own icon (it has no branding): the platform's colour and initial.
PLATFORM_ICON = {"portal_name": "Kabinet", "primary_color": "#1f5eff", "logo_url": "", "updated": 1}
OFFLINE_URL = "/offline/"


@require_GET
def manifest(request):
    branding = request.portal.branding
    name = branding["portal_name"]
    version = int(branding["updated"])
    data = {
        "name": name,
        "short_name": name if len(name) <= 12 else name[:11].rstrip() + "…",
        "lang": get_language(),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": branding["primary_color"],
        "icons": [
            {"src": f"/pwa/icon-{size}.png?v={version}", "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": "any maskable"}
            for size in ICON_SIZES
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    branding = request.portal.branding
    script = render_to_string("pwa/sw.js", {
        "version": f"{int(branding['updated'])}",
        "offline_url": OFFLINE_URL,
        "precache": json.dumps([OFFLINE_URL, static("cabinet/kabinet.css")]),
    })
    response = HttpResponse(script, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # browsers must see a new worker when branding changes
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "pwa/offline.html")


@require_GET
def icon(request, size: int):
    if size not in ICON_SIZES:
        raise Http404
    branding = request.portal.branding
    key = f"pwa-icon:{size}:{int(branding['updated'])}"  # the cache key function adds the schema
    png = cache.get(key)
    if png is None:
        png = draw_icon(size, branding)
        cache.set(key, png, 24 * 3600)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for on every host: the business's own favicon when it
    uploaded one, else an icon drawn from its branding (the platform's on the platform host)."""
    portal = getattr(request, "portal", None)
    branding = portal.branding if portal is not None else PLATFORM_ICON
    if branding.get("favicon_url"):
        return redirect(branding["favicon_url"])
    key = f"favicon:{int(branding['updated'])}"  # the cache key function adds the schema
    png = cache.get(key)
    if png is None:
        png = draw_icon(FAVICON_SIZE, branding)
        cache.set(key, png, 24 * 3600)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def draw_icon(size: int, branding: dict) -> bytes:
    """The tenant's logo on its brand colour, or the first letter of its name when there is no logo.
    Content stays inside the central 80 % so the icon survives maskable cropping."""
    background = branding["primary_color"]
    image = Image.new("RGB", (size, size), background)
    safe = int(size * 0.6)
    logo = _open_logo(branding)
    if logo is not None:
        logo.thumbnail((safe, safe))
        plate = Image.new("RGBA", logo.size, (255, 255, 255, 0))
        plate.alpha_composite(logo.convert("RGBA"))
        image.paste(plate, ((size - logo.width) // 2, (size - logo.height) // 2), plate)
    else:
        letter = (branding["portal_name"].strip()[:1] or "K").upper()
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=int(size * 0.5))
        draw.text((size / 2, size / 2), letter, fill=text_colour_on(background), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _open_logo(branding: dict):
    if not branding.get("logo_url"):
        return None  # no query: the platform host has no branding table
    from cabinet.portal.models import Branding

    row = Branding.objects.filter(pk=1).only("logo").first()
    if row is None or not row.logo:
        return None
    try:
        with row.logo.open("rb") as handle:
            logo = Image.open(handle)
            logo.load()
            return logo
    except (OSError, ValueError):
        return None
