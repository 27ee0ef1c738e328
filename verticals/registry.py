from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, override

Text = str | Promise  # plain or lazily translated


@dataclass(frozen=True)
class Vertical:
    key: str
    title: Text
    description: Text
    # How the portal names the business's customer and their main transaction.
    customer_noun: Text
    customer_noun_plural: Text
    order_noun: Text
    order_noun_plural: Text
    demo_slug: str
    demo_name: str
    demo_customers: tuple[tuple[str, str], ...] = field(default=())
    # Modules switched on at signup (keys of cabinet.registry); every other module starts off.
    default_modules: tuple[str, ...] = ()
    # Module settings that differ from the modules' own defaults: {module key: {setting: value}}.
    default_settings: dict[str, dict[str, object]] = field(default_factory=dict)
    welcome_text: Text = ""
    # Demo catalog: (category, name, SKU, price, currency, units in stock, kind: goods | service | digital);
    # seeded when the catalog is on. Services and digital items keep no stock (units 0).
    demo_products: tuple[tuple[str, str, str, str, str, int, str], ...] = ()


def _topics(*topics: str) -> str:
    """Default support topics, one per line. They are copied into the tenant in English and shown to each
    reader in their own language (cabinet.modules.support.topics), so each is marked with gettext_noop."""
    return "\n".join(topics)


VERTICALS: dict[str, Vertical] = {
    v.key: v
    for v in (
        Vertical(
            key="resort", title=_("Resort"),
            description=_("Hotels, spas and resorts: guests book stays, collect bonuses and chat with the front desk."),
            customer_noun=_("guest"), customer_noun_plural=_("guests"),
            order_noun=_("booking"), order_noun_plural=_("bookings"),
            demo_slug="sunny-resort", demo_name="Sunny Resort",
            demo_customers=(("Anna Petrova", "anna@guest.demo"), ("Mark Stone", "mark@guest.demo"),
                            ("Olena Shevchenko", "olena@guest.demo")),
            default_modules=("catalog", "orders", "support", "chat", "news", "feedback", "timeline", "wallet",
                             "loyalty", "referrals", "clubs"),
            default_settings={"support": {"topics": _topics(
                gettext_noop("Booking"), gettext_noop("Room and services"), gettext_noop("Billing and payment"),
                gettext_noop("Complaint"), gettext_noop("Other"))}},
            welcome_text=_("Welcome! Book your stay, follow our news and write to the front desk any time."),
            demo_products=(
                ("Spa", "Hot stone massage, 60 min", "SPA-60", "65.00", "EUR", 0, "service"),
                ("Spa", "Sauna evening for two", "SPA-SAUNA", "40.00", "EUR", 0, "service"),
                ("Excursions", "Boat trip to the lighthouse", "EXC-BOAT", "25.00", "EUR", 0, "service"),
                ("Resort shop", "Resort bathrobe", "SHOP-ROBE", "49.00", "EUR", 12, "goods"),
            ),
        ),
        Vertical(
            key="clinic", title=_("Clinic"),
            description=_("Clinics and medical centres: patients make appointments and see their records."),
            customer_noun=_("patient"), customer_noun_plural=_("patients"),
            order_noun=_("appointment"), order_noun_plural=_("appointments"),
            demo_slug="city-clinic", demo_name="City Clinic",
            demo_customers=(("Ivan Sidorov", "ivan@patient.demo"), ("Maria Kovalenko", "maria@patient.demo")),
            default_modules=("documents", "support", "chat", "news", "timeline"),
            default_settings={"support": {"topics": _topics(
                gettext_noop("Appointment"), gettext_noop("Test results"), gettext_noop("Billing and payment"),
                gettext_noop("Complaint"), gettext_noop("Other"))}},
            welcome_text=_("Your appointments, test results and documents, all in one place."),
            # Paid services, for a clinic that switches the catalog on (it is off by default).
            demo_products=(
                ("Consultations", "Therapist consultation, 30 min", "CONS-THER", "900.00", "UAH", 0, "service"),
                ("Diagnostics", "Abdominal ultrasound", "DIAG-US-ABD", "1200.00", "UAH", 0, "service"),
                ("Laboratory", "Complete blood count", "LAB-CBC", "350.00", "UAH", 0, "service"),
                ("Records", "Copy of medical records (PDF)", "REC-PDF", "150.00", "UAH", 0, "digital"),
            ),
        ),
        Vertical(
            key="wholesale", title=_("Wholesale"),
            description=_("Distributors: companies place purchase orders, see invoices and balances."),
            customer_noun=_("company"), customer_noun_plural=_("companies"),
            order_noun=_("purchase order"), order_noun_plural=_("purchase orders"),
            demo_slug="metro-wholesale", demo_name="Metro Wholesale",
            demo_customers=(("Green Grocer LLC", "buyer@greengrocer.demo"), ("Corner Cafe", "orders@cornercafe.demo"),
                            ("Hotel Lviv", "supply@hotellviv.demo"), ("Dom Market", "zakupki@dommarket.demo")),
            default_modules=("catalog", "orders", "api", "documents", "support", "chat", "timeline", "wallet", "referrals"),
            default_settings={"support": {"topics": _topics(
                gettext_noop("Order"), gettext_noop("Delivery"), gettext_noop("Invoice and payment"),
                gettext_noop("Returns and claims"), gettext_noop("Other"))}},
            welcome_text=_("Purchase orders, invoices and contract documents for our partner companies."),
            demo_products=(
                ("Beverages", "Green tea Sencha, 100 g", "TEA-SEN-100", "185.00", "UAH", 240, "goods"),
                ("Beverages", "Arabica coffee beans, 1 kg", "COF-ARA-1K", "890.00", "UAH", 80, "goods"),
                ("Tableware", "Porcelain mug, 350 ml", "MUG-350", "120.00", "UAH", 500, "goods"),
                ("Packaging", "Kraft paper cups, 250 ml, 100 pcs", "CUP-250-100", "260.00", "UAH", 1000, "goods"),
            ),
        ),
        Vertical(
            key="franchise", title=_("Franchise"),
            description=_("Franchise networks: franchisees file reports, order supplies and learn."),
            customer_noun=_("franchisee"), customer_noun_plural=_("franchisees"),
            order_noun=_("report"), order_noun_plural=_("reports"),
            demo_slug="coffee-franchise", demo_name="Coffee Franchise",
            demo_customers=(("Kyiv Podil point", "podil@coffee.demo"), ("Warsaw Centrum point", "centrum@coffee.demo")),
            default_modules=("catalog", "orders", "documents", "support", "chat", "news", "feedback", "timeline",
                             "wallet", "loyalty", "referrals", "clubs"),
            default_settings={"support": {"topics": _topics(
                gettext_noop("Supplies"), gettext_noop("Reports"), gettext_noop("Equipment"),
                gettext_noop("Training"), gettext_noop("Other"))}},
            welcome_text=_("Reports, standards and news of the network for every franchisee."),
            demo_products=(
                ("Coffee", "Espresso blend, 1 kg", "ESP-1K", "760.00", "UAH", 120, "goods"),
                ("Syrups", "Vanilla syrup, 1 l", "SYR-VAN-1L", "310.00", "UAH", 60, "goods"),
                ("Consumables", "Paper cups, 350 ml, 50 pcs", "CUP-350-50", "175.00", "UAH", 400, "goods"),
                ("Uniform", "Branded apron", "UNI-APRON", "540.00", "UAH", 25, "goods"),
            ),
        ),
    )
}

DEMO_PASSWORD = "demo-pass-2026"


def get_vertical(key: str) -> Vertical | None:
    return VERTICALS.get(key)


@functools.cache
def _default_texts() -> dict[str, Promise]:
    """Each vertical's default text as every language of the platform reads it → that text."""
    found: dict[str, Promise] = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            for vertical in VERTICALS.values():
                if isinstance(vertical.welcome_text, Promise):
                    found.setdefault(str(vertical.welcome_text).strip(), vertical.welcome_text)
    return found


def in_reader_language(text: str) -> str:
    """A text a tenant keeps as it was copied from its vertical (the welcome text, copied at signup in the
    signup's language) in the active language; text the business wrote itself, as written."""
    default = _default_texts().get((text or "").strip())
    return str(default) if default is not None else text


def seed_demo_content(vertical: Vertical) -> None:
    """Demo customers of a vertical and the demo content of its default modules, in the current tenant
    schema. Safe to run twice: every seeder skips what exists."""
    from django.utils.module_loading import import_string

    from cabinet import registry

    User = get_user_model()
    today = timezone.localdate()
    for number, (full_name, email) in enumerate(vertical.demo_customers):
        if not User.objects.filter(email__iexact=email).exists():
            # The first demo customer has a birthday on the day of seeding (32 years back keeps 29 February
            # valid), so the birthday gift is there to see; the others later in the year.
            born = today.replace(year=today.year - 32) + datetime.timedelta(days=100 * number)
            User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, role=User.Role.CUSTOMER,
                                     email_verified_at=timezone.now(), birth_date=born)
    for key in vertical.default_modules:
        module = registry.get_module(key)
        if module is not None and module.demo_content:
            import_string(module.demo_content)(vertical)
