import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists, tenant_context

import verticals
from cabinet.modules.catalog.models import Product
from cabinet.modules.catalog.selectors import with_availability
from cabinet.modules.support.models import Request as SupportRequest
from cms.demo import DEMO_ARTICLES
from cms.models import ArticlePage
from conftest import host_client
from tenants.models import Tenant


def test_create_tenant_command(db):
    out = io.StringIO()
    call_command("create_tenant", slug="cli-shop", name="CLI Shop", vertical="wholesale",
                 owner_email="boss@cli.example", stdout=out)
    text = out.getvalue()
    tenant = Tenant.objects.get(slug="cli-shop")
    assert tenant.vertical == "wholesale" and schema_exists("t_cli_shop")
    assert "http://cli-shop.localhost/" in text
    token = re.search(r"/manage/enter/([\w-]+)/", text).group(1)
    with tenant_context(tenant):
        owner = get_user_model().objects.get(email="boss@cli.example")
        assert owner.role == "owner" and not owner.has_usable_password()

    # The operator's link signs the owner in and asks for a password first.
    client = host_client("cli-shop.localhost")
    assert client.get(f"/manage/enter/{token}/")["Location"] == "/manage/password/"
    response = client.post("/manage/password/", {"new_password1": "Fresh-Start-2026", "new_password2": "Fresh-Start-2026"})
    assert response["Location"] == "/manage/"
    relogin = host_client("cli-shop.localhost").post(
        "/manage/login/", {"username": "boss@cli.example", "password": "Fresh-Start-2026"})
    assert relogin.status_code == 302


def test_create_tenant_command_reads_password_from_stdin(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Piped-Secret-2026\n"))
    call_command("create_tenant", slug="piped", name="Piped", vertical="clinic", owner_email="p@piped.example",
                 password_stdin=True, stdout=io.StringIO())
    with tenant_context(Tenant.objects.get(slug="piped")):
        assert get_user_model().objects.get(email="p@piped.example").check_password("Piped-Secret-2026")


@pytest.mark.parametrize("slug,email,message", [
    ("admin", "x@x.example", "reserved"),
    ("alpha", "x@x.example", "already taken"),
    ("Bad Slug", "x@x.example", "lowercase"),
    ("good-one", "owner@alpha.test", "already owns"),
    ("good-one", "nonsense", "valid email"),
])
def test_create_tenant_command_refuses_bad_input(db, slug, email, message):
    before = Tenant.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_tenant", slug=slug, name="X", vertical="clinic", owner_email=email,
                     stdout=io.StringIO())
    assert Tenant.objects.count() == before


def test_create_tenant_command_sets_the_owners_name_and_language(db):
    call_command("create_tenant", slug="named", name="Named", vertical="resort", owner_email="o@named.example",
                 owner_name="Ірина  Бондар", language="uk", stdout=io.StringIO())
    with tenant_context(Tenant.objects.get(slug="named")):
        owner = get_user_model().objects.get(email="o@named.example")
        assert (owner.full_name, owner.language) == ("Ірина Бондар", "uk")


def test_create_tenant_command_refuses_an_unknown_language_and_a_too_long_name(db):
    before = Tenant.objects.count()
    with pytest.raises(CommandError):
        call_command("create_tenant", "--slug", "abc", "--name", "X", "--vertical", "clinic",
                     "--owner-email", "a@b.example", "--language", "de", stdout=io.StringIO())
    with pytest.raises(CommandError, match="owner_name"):
        call_command("create_tenant", slug="abcd", name="X", vertical="clinic", owner_email="a@b.example",
                     owner_name="x" * 151, stdout=io.StringIO())
    assert Tenant.objects.count() == before


def test_setup_platform_shows_each_step_with_counters(db):
    out = io.StringIO()
    call_command("setup_platform", spares=0, stdout=out)
    text = out.getvalue()
    assert "Migrating the public schema… done" in text
    businesses = Tenant.objects.exclude(schema_name="public").count()
    assert f"Migrating tenant schemas {businesses}/{businesses} done" in text
    assert re.search(r"Migrating tenant schemas 1/\d+ \(\w+\)", text)
    assert "Platform ready" in text
    quiet = io.StringIO()
    call_command("setup_platform", spares=0, verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_create_tenant_command_refuses_unknown_vertical(db):
    with pytest.raises(CommandError):
        call_command("create_tenant", "--slug", "abc", "--name", "X", "--vertical", "bakery",
                     "--owner-email", "a@b.example", stdout=io.StringIO())


def test_setup_platform_seeds_every_vertical_once(db):
    call_command("setup_platform", demo=True, spares=0, verbosity=0)
    call_command("setup_platform", demo=True, spares=0, verbosity=0)
    demo = Tenant.objects.filter(is_demo=True)
    assert sorted(demo.values_list("vertical", flat=True)) == sorted(verticals.VERTICALS)
    for tenant in demo:
        vertical = verticals.VERTICALS[tenant.vertical]
        with tenant_context(tenant):
            customers = get_user_model().objects.filter(role="customer").count()
            assert customers == len(vertical.demo_customers)
            assert get_user_model().objects.filter(role="owner").count() == 1
            # The vertical's modules bring their demo content, once.
            if "news" in vertical.default_modules:
                assert ArticlePage.objects.live().count() == len(DEMO_ARTICLES)
            if "support" in vertical.default_modules:
                # an answered question, and a task in progress through the stages of one topic
                assert SupportRequest.objects.count() == 2
                assert SupportRequest.objects.filter(messages__from_staff=True).count() == 1
                task = SupportRequest.objects.get(stage__isnull=False)
                assert task.assignee is not None and task.stage_moves.count() >= 2
            if "catalog" in vertical.default_modules:
                products = Product.objects.all()
                assert products.count() == len(vertical.demo_products) > 0
                # goods are in stock; services and digital items keep none
                assert all(with_availability(products.filter(kind="goods")).values_list("available", flat=True))
                kinds = {kind for *_rest, kind in vertical.demo_products}
                assert set(products.values_list("kind", flat=True)) == kinds
            if tenant.vertical in ("wholesale", "resort"):
                _assert_payments_demo(vertical)
    out = io.StringIO()
    call_command("platform_urls", stdout=out)
    for tenant in demo:
        assert f"http://{tenant.slug}.localhost/" in out.getvalue()


def _assert_payments_demo(vertical):
    """What the payments of a wholesale or resort demo show, seeded once though setup ran twice: invoices in every
    state with the business's legal details, wallet entries of each kind (the staff adjustment with its reason),
    a credit limit at the wholesale business, a referral with its commission and (resort) clubs with members."""
    from cabinet.ledger.models import Account, Transaction
    from cabinet.modules.clubs.models import Club, Membership
    from cabinet.modules.orders import payment_selectors
    from cabinet.modules.orders.models import Invoice
    from cabinet.modules.referrals.models import Commission, Referral
    from cabinet.portal.selectors import legal_details

    legal = legal_details()
    assert all(legal[name] for name in ("legal_name", "tax_number", "address", "bank_name", "bank_account",
                                        "bank_code")), legal
    states = []
    for invoice in Invoice.objects.order_by("number"):
        state = payment_selectors.state_of(invoice)
        states.append("overdue" if state.overdue else state.status)
    assert sorted(states) == ["overdue", "paid", "partly_paid", "unpaid"]
    first = get_user_model().objects.get(email__iexact=vertical.demo_customers[0][1])
    reasons = set(Transaction.objects.filter(entries__account__owner=first).values_list("reason", flat=True))
    assert {"topup", "payment", "adjustment", "bank_transfer", "invoice_payment"} <= reasons
    adjustment = Transaction.objects.get(reason="adjustment", entries__account__owner=first)
    assert adjustment.params["note"] and adjustment.actor is not None
    limits = Account.objects.filter(owner=first, kind="money", credit_limit__gt=0)
    assert limits.count() == (1 if vertical.key == "wholesale" else 0)
    assert Referral.objects.count() == 1 and Commission.objects.exists()
    if "clubs" in vertical.default_modules:
        assert Club.objects.count() == 3 and Membership.objects.filter(status="active").count() == 2


def test_demo_content_is_seeded_after_its_tenant_is_committed(db, monkeypatch):
    """Seeders queue after-commit work (signals, e-mail tasks) that reads the tenant's tables: they must run
    in the tenant's schema outside the transaction that creates the tenant, or that work would run in public."""
    from django.db import connection

    from tenants.management.commands import setup_platform

    outer_depth = len(connection.atomic_blocks)
    seen = []
    monkeypatch.setattr(setup_platform.verticals, "seed_demo_content",
                        lambda vertical: seen.append((vertical.key, connection.schema_name,
                                                      len(connection.atomic_blocks))))
    call_command("setup_platform", demo=True, spares=0, verbosity=0)
    assert sorted(key for key, _schema, _depth in seen) == sorted(verticals.VERTICALS)
    for key, schema, depth in seen:
        assert schema == Tenant.objects.get(slug=verticals.VERTICALS[key].demo_slug).schema_name
        assert depth == outer_depth
