"""The local mailbox of `make run`: messages kept as files with one terminal line each, read at /dev/mail/ on
the platform host by this machine only, and nowhere else."""

import io
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cabinet import mailbox
from conftest import host_client

pytestmark = pytest.mark.django_db
CONFIRM = "http://alpha.localhost/accounts/confirm/abc123/"


@pytest.fixture
def local_mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = mailbox.BACKEND
    settings.MAILBOX_DIR = tmp_path / "mail"
    settings.LOCAL_MAILBOX_PAGE = True
    return tmp_path / "mail"


def send_sample(stream=None) -> int:
    message = EmailMultiAlternatives("Подтвердите адрес", f"Откройте {CONFIRM} чтобы подтвердить.", None,
                                     ["ivan@patient.test"], bcc=["audit@alpha.test"])
    message.attach_alternative(f'<p>Откройте <a href="{CONFIRM}">ссылку</a></p><script>alert(1)</script>',
                               "text/html")
    message.attach("invoice-1.pdf", b"%PDF-1.4 invoice", "application/pdf")
    return mailbox.MailboxBackend(stream=stream).send_messages([message])


def only_id(folder) -> str:
    (path,) = folder.glob("*.eml")
    return path.stem


def test_a_message_is_kept_as_a_file_and_announced_in_one_line(local_mailbox):
    out = io.StringIO()
    assert send_sample(out) == 1
    message_id = only_id(local_mailbox)
    (line,) = out.getvalue().splitlines()
    assert "ivan@patient.test" in line and "Подтвердите адрес" in line and f"/dev/mail/{message_id}/" in line
    assert "base64" not in line and "%PDF" not in line
    assert (local_mailbox / f"{message_id}.eml").stat().st_mode & 0o077 == 0


def test_mail_sent_by_the_product_goes_to_the_mailbox(local_mailbox, capsys):
    mail.send_mail("Welcome", "Hello", None, ["someone@alpha.test"])
    assert "someone@alpha.test: Welcome" in capsys.readouterr().out
    assert [m.subject for m in mailbox.messages()] == ["Welcome"]


def test_the_page_lists_and_shows_messages_with_links_and_attachments(local_mailbox, platform_client):
    send_sample(io.StringIO())
    message_id = only_id(local_mailbox)
    inbox = platform_client.get("/dev/mail/")
    assert inbox.status_code == 200 and inbox["Cache-Control"] == "no-store"
    assert "Подтвердите адрес" in inbox.content.decode() and "audit@alpha.test" in inbox.content.decode()
    page = platform_client.get(f"/dev/mail/{message_id}/").content.decode()
    assert f'<a href="{CONFIRM}"' in page  # the text's link is clickable
    iframe = re.search(r'<iframe[^>]*sandbox="([^"]*)"[^>]*srcdoc="([^"]*)"', page)
    assert iframe and "allow-scripts" not in iframe.group(1)  # the HTML part cannot run its script
    assert "&lt;script&gt;" in iframe.group(2)
    download = platform_client.get(f"/dev/mail/{message_id}/1/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 invoice"
    assert download["Content-Disposition"].startswith("attachment") and "invoice-1.pdf" in download["Content-Disposition"]
    assert platform_client.get(f"/dev/mail/{message_id}/2/").status_code == 404


def test_emptying_the_mailbox(local_mailbox, platform_client):
    send_sample(io.StringIO())
    assert platform_client.get("/dev/mail/empty/").status_code == 405
    response = platform_client.post("/dev/mail/empty/")
    assert response.status_code == 302 and list(local_mailbox.glob("*.eml")) == []


@pytest.mark.parametrize("bad_id", ["..%2Fsecret_key", "20260101T000000000000-zzzzzzzz", "x" * 300])
def test_an_unknown_or_crafted_message_id_is_a_404(local_mailbox, platform_client, bad_id):
    send_sample(io.StringIO())
    assert platform_client.get(f"/dev/mail/{bad_id}/").status_code == 404
    assert platform_client.get(f"/dev/mail/{bad_id}/1/").status_code == 404


def test_other_machines_and_requests_through_a_proxy_get_a_404(local_mailbox, platform_client):
    send_sample(io.StringIO())
    message_id = only_id(local_mailbox)
    for url in ("/dev/mail/", f"/dev/mail/{message_id}/", f"/dev/mail/{message_id}/1/"):
        assert platform_client.get(url, REMOTE_ADDR="192.0.2.10").status_code == 404
        assert platform_client.get(url, HTTP_X_FORWARDED_FOR="192.0.2.10").status_code == 404
    assert platform_client.post("/dev/mail/empty/", REMOTE_ADDR="192.0.2.10").status_code == 404
    assert len(list(local_mailbox.glob("*.eml"))) == 1
    assert platform_client.get("/dev/mail/", REMOTE_ADDR="::1").status_code == 200


def test_the_page_exists_only_with_the_mailbox_backend_and_when_switched_on(local_mailbox, settings,
                                                                              platform_client):
    settings.LOCAL_MAILBOX_PAGE = False
    assert platform_client.get("/dev/mail/").status_code == 404
    settings.LOCAL_MAILBOX_PAGE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert platform_client.get("/dev/mail/").status_code == 404


def test_a_business_host_has_no_mailbox(local_mailbox, alpha):
    send_sample(io.StringIO())
    assert host_client("alpha.localhost").get("/dev/mail/").status_code == 404
