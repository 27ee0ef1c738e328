"""Request topics in the reader's language: the defaults of the module and of every industry template read
in Russian and Ukrainian (and English), a business's own topics read as typed, in every place a topic is
shown, for schemas whose topics were copied before topics were translated too."""

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

import verticals
from cabinet.modules.support import topics
from cabinet.modules.support.models import Request
from cabinet.modules.support.module import DEFAULT_TOPICS
from cabinet.portal.models import ModuleSwitch
from cabinet.portal.services import update_module_settings
from conftest import host_client

from .conftest import make_user, open_request, sign_in

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
# What a clinic's schema holds since signup, written before topics were translated (the same English lines).
COPIED_CLINIC_TOPICS = "Appointment\nTest results\nBilling and payment\nComplaint\nOther"
CLINIC = {
    "en": ["Appointment", "Test results", "Billing and payment", "Complaint", "Other"],
    "ru": ["Запись на приём", "Результаты анализов", "Счета и оплата", "Жалоба", "Другое"],
    "uk": ["Запис на прийом", "Результати аналізів", "Рахунки та оплата", "Скарга", "Інше"],
}


def stored_topics(tenant):
    with tenant_context(tenant):
        return ModuleSwitch.objects.get(key="support").settings["topics"]


def set_stored_topics(tenant, text):
    """Writes the setting as an older schema holds it, without going through today's settings form."""
    with tenant_context(tenant):
        switch = ModuleSwitch.objects.get(key="support")
        switch.settings = {**switch.settings, "topics": text}
        switch.save()
    from django.core.cache import cache
    from django_tenants.utils import schema_context

    from cabinet.portal.selectors import STATE_CACHE_KEY

    with schema_context(tenant.schema_name):
        cache.delete(STATE_CACHE_KEY)


def topic_field(client, language):
    form = client.get("/support/new/", HTTP_ACCEPT_LANGUAGE=language).context["form"]
    return form.fields["topic"].choices


def test_the_vertical_copies_its_topics_in_english_as_before(alpha):
    assert stored_topics(alpha) == COPIED_CLINIC_TOPICS
    assert verticals.get_vertical("clinic").default_settings["support"]["topics"] == COPIED_CLINIC_TOPICS


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_copied_topics_read_in_the_customers_language(alpha, alpha_client, language):
    set_stored_topics(alpha, COPIED_CLINIC_TOPICS)
    sign_in(alpha_client, alpha, CUSTOMER)
    choices = topic_field(alpha_client, language)
    assert [value for value, _label in choices] == CLINIC["en"]  # the form sends what is stored
    assert [str(label) for _value, label in choices] == CLINIC[language]
    page = alpha_client.get("/support/new/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert '<option value="Test results"' in page and CLINIC[language][1] in page


def test_every_default_topic_of_every_vertical_is_translated():
    """No default topic of the module or of a template is left English in Russian or Ukrainian."""
    every = set(topics.lines(DEFAULT_TOPICS))
    for vertical in verticals.VERTICALS.values():
        every |= set(topics.lines(vertical.default_settings["support"]["topics"]))
    assert every == topics.default_topics()
    for language in ("ru", "uk"):
        with translation.override(language):
            untranslated = sorted(t for t in every if topics.label(t) == t)
            assert not untranslated, f"{language}: {untranslated}"
    with translation.override("ru"):
        assert [topics.label(t) for t in topics.lines(DEFAULT_TOPICS)] == [
            "Общий вопрос", "Счета и оплата", "Техническая проблема", "Жалоба", "Предложение"]
    with translation.override("uk"):
        assert [topics.label(t) for t in topics.lines(DEFAULT_TOPICS)] == [
            "Загальне питання", "Рахунки та оплата", "Технічна проблема", "Скарга", "Пропозиція"]


def test_a_request_shows_its_topic_in_each_readers_language(alpha, alpha_client):
    customer = sign_in(alpha_client, alpha, CUSTOMER)
    created = open_request(alpha, customer, subject="Where are my results", topic="Test results",
                           topics=CLINIC["en"])
    with tenant_context(alpha):
        assert Request.objects.get(pk=created.pk).topic == "Test results"  # stored as the source
    for language, label in (("ru", "Результаты анализов"), ("uk", "Результати аналізів"), ("en", "Test results")):
        assert label in alpha_client.get("/support/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert label in alpha_client.get(f"/support/{created.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        api = alpha_client.get(f"/api/v1/support/{created.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert (api["topic"], api["topic_label"]) == ("Test results", label)
    make_user(alpha, "operator@alpha.test", role="operator")
    staff = host_client("alpha.localhost")
    sign_in(staff, alpha, "operator@alpha.test")
    assert "Результати аналізів" in staff.get("/manage/support/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    detail = staff.get(f"/manage/support/{created.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Результаты анализов" in detail and "Test results" not in detail


def test_a_business_own_topics_stay_as_typed(alpha, alpha_client):
    # "Preview" is translated elsewhere in the product, but it is not a default topic: it stays as typed.
    set_stored_topics(alpha, "Appointment\nВопрос по страховке\nParking\nPreview")
    sign_in(alpha_client, alpha, CUSTOMER)
    for language, first in (("ru", "Запись на приём"), ("uk", "Запис на прийом")):
        labels = [str(label) for _value, label in topic_field(alpha_client, language)]
        assert labels == [first, "Вопрос по страховке", "Parking", "Preview"]


def test_the_settings_form_shows_defaults_in_the_editors_language_and_stores_their_source(alpha):
    owner = host_client("alpha.localhost")
    sign_in(owner, alpha, "owner@alpha.test")
    page = owner.get("/manage/modules/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Запись на приём\nРезультаты анализов\nСчета и оплата\nЖалоба\nДругое" in page
    typed = "Запись на приём\nрезультаты анализов\nМой вопрос\nСкарга"  # any case, even another language
    response = owner.post("/manage/modules/support/settings/", {
        "settings-support-topics": typed, "settings-support-auto_close_days": "7"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert stored_topics(alpha) == "Appointment\nTest results\nМой вопрос\nComplaint"
    customer = host_client("alpha.localhost")
    sign_in(customer, alpha, CUSTOMER)
    assert [str(label) for _value, label in topic_field(customer, "uk")] == [
        "Запис на прийом", "Результати аналізів", "Мой вопрос", "Скарга"]


def test_the_api_takes_a_topic_as_any_language_shows_it(alpha, alpha_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.post("/api/v1/support/", {
        "topic": "Результати аналізів", "subject": "Results", "message": "Are they ready?",
        "contact_email": "me@example.com"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 201, response.content
    assert (response.json()["topic"], response.json()["topic_label"]) == ("Test results", "Результаты анализов")
    refused = alpha_client.post("/api/v1/support/", {
        "topic": "Parking", "subject": "Results", "message": "Are they ready?", "contact_email": "me@example.com"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="uk")
    assert refused.status_code == 400 and "topic" in refused.json()["errors"]


def test_topics_of_one_business_never_reach_another(alpha, beta, alpha_client, beta_client):
    update_module_settings_in(alpha, "Appointment\nAlpha only topic")
    sign_in(alpha_client, alpha, CUSTOMER)
    sign_in(beta_client, beta, "customer@bravo.test")
    alpha_labels = [str(label) for _value, label in topic_field(alpha_client, "ru")]
    beta_labels = [str(label) for _value, label in topic_field(beta_client, "ru")]
    assert "Alpha only topic" in alpha_labels and "Alpha only topic" not in beta_labels
    assert beta_labels == ["Заказ", "Доставка", "Счёт и оплата", "Возвраты и претензии", "Другое"]


def update_module_settings_in(tenant, text):
    with tenant_context(tenant):
        update_module_settings("support", {"topics": text, "auto_close_days": 7})
