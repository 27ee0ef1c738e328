"""Recurring orders: the schedule, beat placing them once a day with fresh prices and stock, the e-mail to the
customer, and the portal pages to set up, edit, pause, resume and stop them."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.catalog.models import Product, Reservation, Warehouse
from cabinet.modules.orders import selectors, services, tasks
from cabinet.modules.orders.models import Order, RecurringOrder, RecurringRun
from cabinet.portal.services import set_module_enabled
from tests.helpers import delivered_mail

from .conftest import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
CHECKOUT = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1", "comment": "Ring twice"}
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def place(tenant, email, items, **fields):
    with tenant_context(tenant):
        lines = services.lines_from_items([(product.pk, quantity) for product, quantity in items])
        return services.place_order(user(tenant, email), lines, {**CHECKOUT, **fields})


def recurring_for(tenant, order, period="weekly", day_of_month=None, weekday=0, today=date(2026, 12, 1)):
    with tenant_context(tenant):
        return services.create_recurring(order.customer, order, period, day_of_month, weekday, today=today)


@pytest.fixture
def sent(monkeypatch):
    """E-mails of runs are sent at once (in the current schema) instead of being queued."""
    queued: list[int] = []

    def send_now(run_id):
        queued.append(run_id)
        tasks.email_recurring_result.apply(args=[run_id])

    monkeypatch.setattr(tasks.email_recurring_result, "delay", send_now)
    return queued


def run_beat(tenant, day, capture):
    """The per-tenant beat task on `day`, its after-commit work (the e-mail) done."""
    with at(day), tenant_context(tenant), capture(execute=True):
        return tasks.place_due_recurring_orders.apply().get()


# --- The schedule ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("period", "day", "weekday", "after", "expected"), [
    ("monthly", 5, None, date(2026, 1, 4), date(2026, 1, 5)),
    ("monthly", 5, None, date(2026, 1, 5), date(2026, 2, 5)),  # strictly after
    ("monthly", 28, None, date(2026, 1, 31), date(2026, 2, 28)),
    ("monthly", 28, None, date(2027, 2, 28), date(2027, 3, 28)),
    ("monthly", 28, None, date(2028, 2, 27), date(2028, 2, 28)),  # leap year
    ("monthly", 1, None, date(2026, 12, 1), date(2027, 1, 1)),  # crossing the year
    ("monthly", 15, None, date(2026, 12, 20), date(2027, 1, 15)),
    ("monthly", 1, None, date(2026, 4, 30), date(2026, 5, 1)),  # 30-day month
    ("weekly", None, 0, MONDAY, date(2026, 12, 14)),
    ("weekly", None, 2, MONDAY, date(2026, 12, 9)),
    ("weekly", None, 0, date(2026, 12, 6), MONDAY),
    ("weekly", None, 4, date(2026, 12, 31), date(2027, 1, 1)),  # crossing the year
    ("biweekly", None, 0, MONDAY, date(2026, 12, 21)),  # 14 days from the last run
    ("biweekly", None, 3, date(2026, 12, 24), date(2027, 1, 7)),
    ("biweekly", None, 4, MONDAY, date(2026, 12, 11)),  # from another day: the coming weekday
])
def test_next_run_date(period, day, weekday, after, expected):
    assert services.next_run_date(period, day, weekday, after) == expected


def test_first_run_date_of_every_2_weeks_is_the_coming_weekday():
    assert services.first_run_date("biweekly", None, 0, MONDAY) == date(2026, 12, 14)
    assert services.first_run_date("biweekly", None, 1, MONDAY) == date(2026, 12, 8)
    assert services.first_run_date("monthly", 7, None, MONDAY) == date(2027, 1, 7)


@pytest.mark.parametrize(("period", "day", "weekday"), [
    ("monthly", 0, None), ("monthly", 29, None), ("monthly", 31, None), ("monthly", None, None),
    ("weekly", None, 7), ("weekly", None, None), ("yearly", 1, 1)])
def test_next_run_date_refuses_impossible_schedules(period, day, weekday):
    with pytest.raises(ValueError):
        services.next_run_date(period, day, weekday, MONDAY)


# --- Placing by beat ---------------------------------------------------------------------------------------

class TestBeat:
    def test_places_on_the_right_day_once_and_moves_to_the_next_date(
            self, alpha, shop, sent, django_capture_on_commit_callbacks):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2)])
        recurring = recurring_for(alpha, order, "weekly", weekday=0)
        assert recurring.next_run_on == MONDAY
        assert run_beat(alpha, date(2026, 12, 6), django_capture_on_commit_callbacks) == 0
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 1
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 0  # beat fires every 15 minutes
        with at(MONDAY, 23), tenant_context(alpha):
            assert services.place_recurring(recurring, MONDAY) is None
            placed = Order.objects.filter(placed_via=Order.Channel.RECURRING)
            assert placed.count() == 1
            new = placed.get()
            assert (new.recipient_name, new.address, new.comment) == ("Ann", "Kyiv, Main street 1", "Ring twice")
            assert [(line.name, line.quantity) for line in new.lines.all()] == [("Sencha", 2)]
            run = RecurringRun.objects.get()
            assert (run.run_on, run.order, run.message) == (MONDAY, new, "")
            recurring.refresh_from_db()
            assert recurring.next_run_on == date(2026, 12, 14)
        assert sent == [run.pk] and len(delivered_mail()) == 1

    def test_a_missed_date_is_not_made_up_with_extra_orders(self, alpha, shop, sent,
                                                            django_capture_on_commit_callbacks):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]), "weekly", weekday=0)
        assert run_beat(alpha, date(2026, 12, 23), django_capture_on_commit_callbacks) == 1
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert recurring.next_run_on == date(2026, 12, 28)
            assert RecurringRun.objects.count() == 1

    def test_prices_are_checked_afresh(self, alpha, shop, sent, django_capture_on_commit_callbacks):
        recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 2)]), "monthly", day_of_month=7)
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["tea"].pk).update(price="12.00")
        run_beat(alpha, MONDAY, django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            assert Order.objects.get(placed_via="recurring").total == 24

    def test_paused_and_stopped_are_never_placed(self, alpha, shop, sent, django_capture_on_commit_callbacks):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        paused, stopped = recurring_for(alpha, order), recurring_for(alpha, order)
        with tenant_context(alpha):
            services.pause_recurring(paused)
            services.stop_recurring(stopped)
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 0
        with tenant_context(alpha):
            assert not RecurringRun.objects.exists()
            assert not Order.objects.filter(placed_via="recurring").exists()
        assert delivered_mail() == []

    def test_stock_short_records_why_places_nothing_and_says_so(self, alpha, shop, sent,
                                                                django_capture_on_commit_callbacks):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)]))
        with tenant_context(alpha):
            catalog_services.set_stock(shop["tea"], shop["central"], 3)  # 2 held by the first order
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 0
        with tenant_context(alpha):
            run = RecurringRun.objects.get()
            assert run.order is None and "Sencha" in run.message
            assert Order.objects.count() == 1  # only the first order
            assert set(Reservation.objects.values_list("reference", flat=True)) == {f"order:{Order.objects.get().pk}"}
            recurring.refresh_from_db()
            assert recurring.next_run_on == date(2026, 12, 14) and recurring.status == "active"
        message = delivered_mail()[0]
        assert message.subject.startswith("Your recurring order could not be placed")
        assert "Sencha" in message.body and run.message in message.body
        assert "Nothing was ordered or reserved this time." in message.body
        assert f"/orders/recurring/{recurring.pk}/" in message.body

    def test_a_product_off_sale_or_a_closed_pickup_point_is_reported(self, alpha, shop, sent,
                                                                     django_capture_on_commit_callbacks):
        with tenant_context(alpha):
            pickup = shop["pickup"]
        off_sale = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        picked = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["mug"], 1)], delivery_method="pickup",
                                            pickup_warehouse=pickup.pk, address=""), weekday=1)
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["tea"].pk).update(is_active=False)
        run_beat(alpha, MONDAY, django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            assert off_sale.runs.get().message == "Sencha is no longer on sale."
            Product.objects.filter(pk=shop["tea"].pk).update(is_active=True)
            Warehouse.objects.filter(pk=pickup.pk).update(is_pickup_point=False)
        run_beat(alpha, date(2026, 12, 8), django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            assert "pickup point" in picked.runs.get().message
            assert not Order.objects.filter(placed_via="recurring").exists()
        assert len(delivered_mail()) == 2

    def test_an_erased_customer_is_stopped(self, alpha, shop, sent, django_capture_on_commit_callbacks):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        with tenant_context(alpha):
            from cabinet.accounts.services import delete_account

            delete_account(user(alpha, CUSTOMER))
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 0
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert recurring.status == "stopped" and not RecurringRun.objects.exists()
        assert delivered_mail() == []

    def test_a_customer_who_turned_these_mails_off_gets_none(self, alpha, shop, sent,
                                                             django_capture_on_commit_callbacks):
        from cabinet.accounts.services import save_notification_preferences

        recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        with tenant_context(alpha):
            save_notification_preferences(user(alpha, CUSTOMER), [("orders.invoice", "email")])
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 1
        with tenant_context(alpha):
            assert Order.objects.filter(placed_via="recurring").count() == 1
        assert delivered_mail() == []

    def test_export_has_recurring_orders_and_erasure_clears_their_delivery(self, alpha, shop):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 2)]))
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            exported = selectors.personal_data(customer)["recurring_orders"]
            assert exported == [{
                "period": "weekly", "day_of_month": None, "weekday": 0, "next_run_on": MONDAY.isoformat(),
                "status": "active", "recipient_name": "Ann", "phone": "+380501234567",
                "address": "Kyiv, Main street 1", "comment": "Ring twice",
                "lines": [{"name": "Sencha", "quantity": 2}]}]
            services.erase_personal_data(customer)
            recurring.refresh_from_db()
            assert (recurring.status, recurring.recipient_name, recurring.phone, recurring.address,
                    recurring.comment) == ("stopped", "", "", "", "")

    def test_success_email_lists_what_was_placed_with_total_and_link(self, alpha, shop, sent,
                                                                     django_capture_on_commit_callbacks):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)]))
        with tenant_context(alpha):
            catalog_services.set_stock(shop["mug"], shop["central"], 5)
        run_beat(alpha, MONDAY, django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            new = Order.objects.get(placed_via="recurring")
        message = delivered_mail()[0]
        assert message.to == [CUSTOMER]
        assert message.subject.startswith(f"Your recurring order #{new.number} is placed")
        assert "Sencha × 2: €20.00" in message.body and "Mug × 1: €15.00" in message.body
        assert "Total: €35.00" in message.body
        assert "alpha.localhost" in message.body and f"/orders/{new.pk}/" in message.body
        assert "Next order: " in message.body and f"/orders/recurring/{recurring.pk}/" in message.body

    def test_email_speaks_the_customers_language(self, alpha, shop, sent, django_capture_on_commit_callbacks):
        recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 2)]))
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            customer.language = "ru"
            customer.save(update_fields=["language"])
        run_beat(alpha, MONDAY, django_capture_on_commit_callbacks)
        assert "20,00\u00a0€" in delivered_mail()[0].body

    def test_email_task_retries_on_mail_server_errors(self):
        options = tasks.email_recurring_result
        assert OSError in options.autoretry_for and options.max_retries == 5

    def test_module_off_places_nothing(self, alpha, shop, sent, django_capture_on_commit_callbacks):
        recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) is None
        with tenant_context(alpha):
            assert not RecurringRun.objects.exists()


    def test_tenants_are_placed_apart(self, alpha, beta, shop, sent, django_capture_on_commit_callbacks):
        recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        assert run_beat(beta, MONDAY, django_capture_on_commit_callbacks) == 0
        with tenant_context(alpha):
            assert not RecurringRun.objects.exists()
        assert run_beat(alpha, MONDAY, django_capture_on_commit_callbacks) == 1


# --- Portal pages ------------------------------------------------------------------------------------------

class TestSetUp:
    def test_shows_the_first_date_before_confirming(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2)])
        url = f"/orders/{order.pk}/repeat-automatically/"
        with at(MONDAY):
            sign_in(alpha_client, alpha, CUSTOMER)  # signed in at the travelled time, so the session is fresh
            assert alpha_client.get(url).status_code == 200
            preview = alpha_client.post(url, {"period": "monthly", "day_of_month": "3"})
            assert "The first order will be placed on Sunday, Jan. 3, 2027." in preview.content.decode()
            assert preview.context["first_date"] == date(2027, 1, 3)
            with tenant_context(alpha):
                assert not RecurringOrder.objects.exists()
            # Confirming a schedule that no longer gives the date shown shows it again instead of saving.
            changed = alpha_client.post(url, {"period": "monthly", "day_of_month": "4", "confirm": "1",
                                              "first_date": "2027-01-03"})
            assert changed.context["first_date"] == date(2027, 1, 4)
            done = alpha_client.post(url, {"period": "monthly", "day_of_month": "3", "confirm": "1",
                                           "first_date": "2027-01-03"})
        with tenant_context(alpha):
            recurring = RecurringOrder.objects.get()
            assert done.url == f"/orders/recurring/{recurring.pk}/"
            assert (recurring.period, recurring.day_of_month, recurring.next_run_on) == ("monthly", 3,
                                                                                         date(2027, 1, 3))
            assert (recurring.currency, recurring.address, recurring.source_order) == ("EUR", CHECKOUT["address"],
                                                                                      order)
            assert [(line.product_id, line.quantity) for line in recurring.lines.all()] == [(shop["tea"].pk, 2)]

    @pytest.mark.parametrize("data", [
        {"period": "monthly", "day_of_month": "0"}, {"period": "monthly", "day_of_month": "29"},
        {"period": "monthly", "day_of_month": "31"}, {"period": "monthly", "day_of_month": ""},
        {"period": "weekly", "weekday": ""}, {"period": "weekly", "weekday": "9"}, {"period": "daily"}])
    def test_bad_schedules_are_refused(self, alpha, alpha_client, shop, data):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2)])
        sign_in(alpha_client, alpha, CUSTOMER)
        response = alpha_client.post(f"/orders/{order.pk}/repeat-automatically/",
                                     {**data, "confirm": "1", "first_date": "2027-01-03"})
        assert response.status_code == 200 and response.context["form"].errors
        assert response.context["first_date"] is None
        with tenant_context(alpha):
            assert not RecurringOrder.objects.exists()


def edit_data(recurring, **changes):
    data = {"period": recurring.period, "day_of_month": recurring.day_of_month or "",
            "weekday": "" if recurring.weekday is None else recurring.weekday,
            "recipient_name": recurring.recipient_name, "phone": recurring.phone,
            "delivery_method": recurring.delivery_method, "address": recurring.address, "comment": recurring.comment}
    data.update({f"quantity-{line.pk}": line.quantity for line in recurring.lines.all()})
    data.update(changes)
    return data


class TestEdit:
    @pytest.fixture
    def recurring(self, alpha, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)])
        return recurring_for(alpha, order, "monthly", day_of_month=10)

    def snapshot(self, alpha, recurring):
        with tenant_context(alpha):
            fresh = RecurringOrder.objects.get(pk=recurring.pk)
            return ({key: value for key, value in vars(fresh).items() if not key.startswith("_")},
                    list(fresh.lines.values_list("product_id", "quantity")))

    def test_changes_quantities_removes_lines_and_moves_the_date(self, alpha, alpha_client, shop, recurring):
        sign_in(alpha_client, alpha, CUSTOMER)
        with tenant_context(alpha):
            tea, mug = recurring.lines.order_by("id")
            data = edit_data(recurring, period="weekly", weekday="4", address="Lviv, Market square 2",
                             **{f"quantity-{tea.pk}": "5"})
        data["remove"] = [str(mug.pk)]
        with at(MONDAY):
            sign_in(alpha_client, alpha, CUSTOMER)
            response = alpha_client.post(f"/orders/recurring/{recurring.pk}/", data)
        assert response.status_code == 302
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert (recurring.period, recurring.weekday, recurring.day_of_month) == ("weekly", 4, None)
            assert recurring.next_run_on == date(2026, 12, 11) and recurring.address == "Lviv, Market square 2"
            assert list(recurring.lines.values_list("product_id", "quantity")) == [(shop["tea"].pk, 5)]
        page = alpha_client.get(f"/orders/recurring/{recurring.pk}/").content.decode()
        assert "Every week on Friday" in page

    @pytest.mark.parametrize("bad", [
        {"day_of_month": "0"}, {"day_of_month": "29"}, {"day_of_month": "31"}, {"day_of_month": "x"},
        {"quantity-tea": "0"}, {"quantity-tea": "1000"}, {"quantity-tea": "two"}, {"quantity-999999": "2"},
        {"remove": ["999999"]}, {"remove": ["tea", "mug"]}, {"address": ""}, {"recipient_name": ""},
        {"delivery_method": "pickup", "pickup_warehouse": "999999"}, {"delivery_method": "drone"}])
    def test_bad_input_changes_nothing(self, alpha, alpha_client, shop, recurring, bad):
        sign_in(alpha_client, alpha, CUSTOMER)
        before = self.snapshot(alpha, recurring)
        with tenant_context(alpha):
            tea, mug = recurring.lines.order_by("id")
            names = {"tea": str(tea.pk), "mug": str(mug.pk)}
            changes = {}
            for key, value in bad.items():
                key = key.replace("tea", names["tea"])
                changes[key] = [names.get(item, item) for item in value] if isinstance(value, list) else value
            data = edit_data(recurring, **changes)
        if "remove" not in changes:
            data[f"quantity-{mug.pk}"] = "3"  # a good change beside the bad one is not saved either
        response = alpha_client.post(f"/orders/recurring/{recurring.pk}/", data)
        assert response.status_code == 400 and response.context["form"].errors
        assert self.snapshot(alpha, recurring) == before

    def test_pause_resume_and_stop(self, alpha, alpha_client, recurring):
        sign_in(alpha_client, alpha, CUSTOMER)
        base = f"/orders/recurring/{recurring.pk}"
        alpha_client.post(f"{base}/pause/")
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert recurring.status == "paused"
        again = alpha_client.post(f"{base}/pause/", follow=True)
        assert "Only an active recurring order can be paused." in again.content.decode()
        with at(date(2027, 1, 20)):  # the 10th passed while paused: the next date is after today
            sign_in(alpha_client, alpha, CUSTOMER)
            assert alpha_client.post(f"{base}/resume/").url == f"{base}/"
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert (recurring.status, recurring.next_run_on) == ("active", date(2027, 2, 10))
        question = alpha_client.get(f"{base}/stop/")
        assert "Yes, stop it" in question.content.decode()
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert recurring.status == "active"
        alpha_client.post(f"{base}/stop/")
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert recurring.status == "stopped"
        # Stopped ones stay in the history, and can no longer be changed or resumed.
        listing = alpha_client.get("/orders/recurring/").content.decode()
        assert f"{base}/" in listing and "Stopped" in listing
        assert alpha_client.post(f"{base}/resume/").status_code == 302
        before = self.snapshot(alpha, recurring)
        with tenant_context(alpha):
            data = edit_data(recurring, day_of_month="20")
        alpha_client.post(f"{base}/", data)
        assert self.snapshot(alpha, recurring) == before
        assert alpha_client.get(f"{base}/stop/").status_code == 302

    def test_list_shows_next_date_status_and_last_result(self, alpha, alpha_client, shop, recurring, sent,
                                                         django_capture_on_commit_callbacks):
        with tenant_context(alpha):
            catalog_services.set_stock(shop["tea"], shop["central"], 2)
        run_beat(alpha, date(2026, 12, 10), django_capture_on_commit_callbacks)
        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get("/orders/recurring/").content.decode()
        assert "Every month on day 10" in page and "Active" in page and "Jan. 10, 2027" in page
        assert "not placed" in page and "Sencha" in page
        assert "/orders/recurring/" in alpha_client.get("/orders/").content.decode()


class TestIsolation:
    def test_another_customer_sees_and_changes_nothing(self, alpha, alpha_client, shop):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        make_user(alpha, "other@alpha.test")
        sign_in(alpha_client, alpha, "other@alpha.test")
        base = f"/orders/recurring/{recurring.pk}"
        assert "Every week" not in alpha_client.get("/orders/recurring/").content.decode()
        for url in (f"{base}/", f"{base}/stop/"):
            assert alpha_client.get(url).status_code == 404
        for url in (f"{base}/", f"{base}/pause/", f"{base}/resume/", f"{base}/stop/"):
            assert alpha_client.post(url, {"period": "monthly", "day_of_month": "3"}).status_code == 404
        with tenant_context(alpha):
            recurring.refresh_from_db()
            assert (recurring.status, recurring.period) == ("active", "weekly")

    def test_another_tenant_sees_nothing(self, alpha, beta, beta_client, shop):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        sign_in(beta_client, beta, "customer@bravo.test")
        assert beta_client.get(f"/orders/recurring/{recurring.pk}/").status_code == 404
        assert beta_client.post(f"/orders/recurring/{recurring.pk}/stop/").status_code == 404
        assert beta_client.get("/orders/recurring/").context["rows"] == []

    def test_module_off_is_404(self, alpha, alpha_client, shop):
        recurring = recurring_for(alpha, place(alpha, CUSTOMER, [(shop["tea"], 1)]))
        sign_in(alpha_client, alpha, CUSTOMER)
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        for url in ("/orders/recurring/", f"/orders/recurring/{recurring.pk}/"):
            assert alpha_client.get(url).status_code == 404
