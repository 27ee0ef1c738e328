"""Branding: saving, contrast refusal with a suggestion, picture checks, the live contrast check, and the
tenant's branding files served on its own host only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from cabinet.portal import colours
from cabinet.portal.models import Branding
from cabinet.portal.selectors import portal_state

from .conftest import png

pytestmark = pytest.mark.django_db

VALID = {
    "portal_name": "Alpha Care", "primary_color": "#1a4fd6", "accent_color": "#8a3a00",
    "welcome_text": "Hello, patients!", "terms_text": "Be kind.", "contact_addresses": "1 Main St\n2 Side St",
    "contact_phones": "+380 50 123 45 67", "working_hours": "Mon–Fri 9–18",
    "messenger_links": "https://t.me/alphacare\ntg://resolve?domain=alphacare\nviber://chat?number=380501234567",
}


def stored(tenant) -> Branding:
    with tenant_context(tenant):
        return Branding.objects.get(pk=1)


def test_page_shows_form_and_preview_with_stored_colours(owner_client, alpha):
    page = owner_client.get("/manage/branding/").content.decode()
    branding = stored(alpha)
    assert 'id="branding-preview"' in page and f"--brand: {branding.primary_color}" in page
    assert 'type="color"' in page and 'hx-get="/manage/branding/contrast/"' in page
    assert "branding-preview.js" in page


def test_saved_branding_shows_on_the_portal_at_once(owner_client, alpha_client, alpha, media_root):
    alpha_client.get("/")  # the old state is cached now
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = owner_client.post("/manage/branding/", {**VALID, "logo": logo})
    assert response.status_code == 302
    branding = stored(alpha)
    assert (branding.portal_name, branding.primary_color) == ("Alpha Care", "#1a4fd6")
    assert branding.messenger_links.splitlines()[0] == "https://t.me/alphacare"
    assert branding.logo.name.startswith("branding/")
    home = alpha_client.get("/").content.decode()
    assert "Alpha Care" in home and "--brand: #1a4fd6" in home and "+380 50 123 45 67" in home
    with tenant_context(alpha):
        logo_url = portal_state().branding["logo_url"]
    assert logo_url in home


@pytest.mark.parametrize("field", ["primary_color", "accent_color"])
def test_low_contrast_is_refused_with_a_suggestion_and_nothing_is_saved(owner_client, alpha, field):
    before = stored(alpha)
    response = owner_client.post("/manage/branding/", {**VALID, field: "#ffcc00"})
    assert response.status_code == 400
    ratio = colours.contrast("#ffcc00", "#ffffff")
    suggestion = colours.darken_until_readable("#ffcc00")
    assert colours.contrast(suggestion, "#ffffff") >= 4.5
    expected = f"Contrast {ratio:.1f}:1 is too low for text on white (needs 4.5:1). Try {suggestion}."
    assert expected in response.content.decode()
    after = stored(alpha)
    assert (after.portal_name, after.primary_color, after.accent_color) == (
        before.portal_name, before.primary_color, before.accent_color)


@pytest.mark.parametrize(("changes", "message"), [
    ({"primary_color": "blue"}, "Enter a colour as #RRGGBB"),
    ({"primary_color": "#12345"}, "Enter a colour as #RRGGBB"),
    ({"portal_name": "   "}, "This field is required"),
    ({"messenger_links": "javascript:alert(1)"}, "is not a link"),
    ({"messenger_links": "https://t.me/ok\nnot a link"}, "is not a link"),
    ({"messenger_links": "tg:"}, "is not a link"),
    ({"contact_phones": "call us maybe"}, "does not look like a phone number"),
])
def test_bad_fields_are_refused(owner_client, alpha, changes, message):
    response = owner_client.post("/manage/branding/", {**VALID, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(alpha).portal_name != "Alpha Care"


@pytest.mark.parametrize(("field", "upload", "message"), [
    ("logo", SimpleUploadedFile("logo.png", b"this is not a picture", content_type="image/png"),
     "Upload a valid image"),
    ("logo", SimpleUploadedFile("logo.png", png(700, 700, noisy=True), content_type="image/png"),
     "the limit is 1024 KB"),
    ("logo", SimpleUploadedFile("logo.png", png(3000, 20), content_type="image/png"), "3000×20 pixels"),
    ("logo", SimpleUploadedFile("logo.bmp", png(40, 40, fmt="BMP"), content_type="image/bmp"),
     "BMP files are not accepted"),
    ("favicon", SimpleUploadedFile("icon.png", png(320, 320, noisy=True), content_type="image/png"),
     "the limit is 256 KB"),
    ("favicon", SimpleUploadedFile("icon.png", png(8, 8), content_type="image/png"), "8×8 pixels"),
])
def test_bad_pictures_are_refused(owner_client, alpha, media_root, field, upload, message):
    response = owner_client.post("/manage/branding/", {**VALID, field: upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    branding = stored(alpha)
    assert not branding.logo and not branding.favicon and branding.portal_name != "Alpha Care"
    assert not list(media_root.rglob("*.png"))


def test_a_new_logo_replaces_the_old_file(owner_client, alpha, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/manage/branding/", {**VALID, "logo": SimpleUploadedFile("a.png", png())})
    first = stored(alpha).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/manage/branding/", {**VALID, "logo": SimpleUploadedFile("b.png", png(colour=(0, 0, 0)))})
    second = stored(alpha).logo.name
    files = {p.name for p in media_root.rglob("*.png")}
    assert second.rsplit("/", 1)[-1] in files and first.rsplit("/", 1)[-1] not in files


def test_contrast_check_answers_while_typing(owner_client):
    low = owner_client.get("/manage/branding/contrast/", {"primary_color": "#ffcc00"}, HTTP_HX_REQUEST="true")
    assert low.status_code == 200
    text = low.content.decode()
    assert "is too low for text on white" in text and colours.darken_until_readable("#ffcc00") in text
    good = owner_client.get("/manage/branding/contrast/", {"accent_color": "1a4fd6"}).content.decode()
    assert f"{colours.contrast('#1a4fd6', '#ffffff'):.1f}:1" in good and "reads well" in good
    assert "header text is white" in good
    bad = owner_client.get("/manage/branding/contrast/", {"primary_color": "nope"}).content.decode()
    assert "Enter a colour as #RRGGBB" in bad


def test_contrast_check_is_for_owner_and_manager(role_client):
    assert role_client("operator").get("/manage/branding/contrast/", {"primary_color": "#000000"}).status_code == 403
    assert role_client("manager").get("/manage/branding/contrast/", {"primary_color": "#000000"}).status_code == 200


def test_branding_files_are_served_on_their_own_host_only(owner_client, alpha_client, beta_client, alpha, beta,
                                                          media_root):
    owner_client.post("/manage/branding/", {**VALID, "logo": SimpleUploadedFile("logo.png", png())})
    url = stored(alpha).logo.url
    with tenant_context(alpha):
        assert portal_state().branding["logo_url"] == url
    assert url.startswith("/media/tenants/t_alpha/branding/")
    response = alpha_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png()
    short = url.replace("/media/tenants/t_alpha/", "/media/")
    assert alpha_client.get(short).status_code == 200

    # bravo's host never serves alpha's files, whichever spelling of the path
    name = url.rsplit("/", 1)[-1]
    for path in (url, f"/media/branding/{name}", f"/media/tenants/t_bravo/../t_alpha/branding/{name}"):
        assert beta_client.get(path).status_code == 404, path


@pytest.mark.parametrize("path", [
    "/media/branding/../../secrets.png", "/media/tenants/t_alpha/branding/../other/x.png",
    "/media/documents/contract.png", "/media/branding/missing.png", "/media/branding/", "/media/branding/x.html",
    "/media/tenants/t_bravo/branding/x.png", "/media/branding//etc/passwd",
])
def test_media_answers_404_for_anything_but_a_branding_picture(alpha_client, media_root, path):
    (media_root / "tenants" / "t_alpha" / "other").mkdir(parents=True)
    (media_root / "tenants" / "t_alpha" / "other" / "x.png").write_bytes(png())
    (media_root / "secrets.png").write_bytes(png())
    assert alpha_client.get(path).status_code == 404


@pytest.mark.parametrize(("language", "text"), [("ru", "Сохранить оформление"), ("uk", "Зберегти оформлення")])
def test_manage_pages_speak_russian_and_ukrainian(owner_client, language, text):
    page = owner_client.get("/manage/branding/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert text in page
