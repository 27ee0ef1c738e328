"""The wording a vertical brings reads in the reader's language: its nouns inside the portal's sentences and
the welcome text copied into the tenant at signup (in whatever language the signup was in)."""

import pytest
from django.core.cache import cache
from django.utils import translation
from django_tenants.utils import schema_context, tenant_context

import verticals
from cabinet.portal.models import Branding
from cabinet.portal.selectors import STATE_CACHE_KEY

pytestmark = pytest.mark.django_db
CLINIC_WELCOME = {
    "en": "Your appointments, test results and documents, all in one place.",
    "ru": "Ваши записи на приём, результаты анализов и документы — в одном месте.",
    "uk": "Ваші записи на прийом, результати аналізів і документи — в одному місці.",
}


def set_welcome(tenant, text):
    with tenant_context(tenant):
        Branding.objects.filter(pk=1).update(welcome_text=text)
    with schema_context(tenant.schema_name):
        cache.delete(STATE_CACHE_KEY)


@pytest.mark.parametrize("signed_up_in", ["en", "ru", "uk"])
def test_the_copied_welcome_text_reads_in_the_readers_language(alpha, alpha_client, signed_up_in):
    set_welcome(alpha, CLINIC_WELCOME[signed_up_in])
    for language, text in CLINIC_WELCOME.items():
        page = alpha_client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert text in page, (signed_up_in, language)


def test_a_welcome_text_the_business_wrote_stays_as_written(alpha, alpha_client):
    set_welcome(alpha, "Добро пожаловать в нашу клинику!")
    assert "Добро пожаловать в нашу клинику!" in alpha_client.get("/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert verticals.in_reader_language("") == ""


@pytest.mark.parametrize(("language", "sentence"), [
    ("ru", "Личный кабинет, где наши пациенты видят свои записи на приём, баланс и сообщения — всё в одном месте."),
    ("uk", "Особистий кабінет, де наші пацієнти бачать свої записи на прийом, баланс і повідомлення — усе в одному місці."),
])
def test_the_verticals_nouns_fit_the_portals_sentence(alpha, alpha_client, language, sentence):
    assert sentence in alpha_client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_every_vertical_reads_in_russian_and_ukrainian():
    for language in ("ru", "uk"):
        with translation.override(language):
            for vertical in verticals.VERTICALS.values():
                for text in (vertical.title, vertical.description, vertical.customer_noun,
                             vertical.customer_noun_plural, vertical.order_noun, vertical.order_noun_plural,
                             vertical.welcome_text):
                    with translation.override("en"):
                        english = str(text)
                    assert str(text) != english, (language, vertical.key, english)
